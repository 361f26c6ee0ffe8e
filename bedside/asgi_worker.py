"""The gunicorn worker class for `bedside.asgi`: uvicorn's, leaving X-Forwarded-* to Django.

`TRUSTED_PROXIES` (bedside.web.client_address) decides which proxies' headers are believed, so uvicorn
must not rewrite the client address from them first."""

from uvicorn_worker import UvicornWorker


class Worker(UvicornWorker):
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False}
