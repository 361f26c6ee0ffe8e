from django_tasks import task

from bedside.web.password_reset import send_password_reset_now


@task()
def send_password_reset(*, address: str, domain: str, use_https: bool) -> None:
    send_password_reset_now(address=address, domain=domain, use_https=use_https)
