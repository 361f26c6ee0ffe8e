"""A mail backend whose server refuses every message: for the tests of what a failed mail leaves."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("the mail server went away")


REFUSING = "bedside.testing.mail.RefusingBackend"
