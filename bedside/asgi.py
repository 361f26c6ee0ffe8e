"""ASGI entry point: every page, and the live dialogue's streams without a thread per viewer.

Production runs it under gunicorn with uvicorn workers (`bedside.asgi_worker.Worker`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bedside.settings")

application = get_asgi_application()
