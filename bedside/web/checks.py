"""Deployment checks of Bedside's own settings (run by `bedside check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEFAULT_BASE_URL = "http://localhost:8000"


@register(Tags.security, deploy=True)
def base_url_is_set(app_configs, **kwargs) -> list[Warning]:
    """E-mails link to pages under BEDSIDE_BASE_URL: left at its default they point at localhost."""
    if settings.BEDSIDE_BASE_URL != DEFAULT_BASE_URL:
        return []
    return [
        Warning(
            "BEDSIDE_BASE_URL is not set: links in reminder e-mails point at http://localhost:8000.",
            hint="Set BEDSIDE_BASE_URL to the address people open Bedside at, e.g. https://bedside.example.org.",
            id="bedside.W001",
        )
    ]
