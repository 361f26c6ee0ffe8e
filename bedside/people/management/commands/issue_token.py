"""`bedside issue-token EMAIL NAME`: issue an API token for a person and print it, once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bedside.people.models import Person
from bedside.people.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token acting as the person with EMAIL; the token is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person the token acts as (with their grants)")
        parser.add_argument("name", help="What the token is for, e.g. 'LMS sync'")

    def handle(self, *args, email: str, name: str, **options) -> None:
        name = name.strip()
        if not name:
            raise CommandError("Give the token a name that says what it is for.")
        if len(name) > 100:
            raise CommandError("The name is longer than 100 characters.")
        person = Person.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"No person has the email {email!r}.")
        if not person.is_active:
            raise CommandError(f"{person} may not sign in, so a token for them would not work.")
        token = token_issue(person=person, name=name)
        self.stderr.write(
            f"Token {name!r} for {person} ({person.email}). Copy it now: it is not shown again."
        )
        self.stdout.write(token)
