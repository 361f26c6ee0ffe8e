"""One JSON object per log line, with anything secret taken out.

Log lines carry client-controlled text (paths, error messages of libraries). JSON
escapes every control character, so a client cannot start a line of its own or send
terminal escapes to whoever reads the log; API tokens and credentials in any value are
replaced by a marker, and fields that hold request headers or cookies are dropped.
"""

import json
import logging
import re

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Our API tokens wherever they appear, and the credentials of an Authorization header value.
_SECRETS = re.compile(r"bsd_[A-Za-z0-9_\-]+|(?i:\b(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=\-]{8,}")
_UNLOGGED_FIELDS = re.compile(r"(?i)authorization|cookie|headers|password|secret|token")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with API tokens and Authorization credentials replaced by a marker."""
    return _SECRETS.sub(REDACTED, text)


def _clean(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        payload.update(
            {
                key: _clean(value)
                for key, value in vars(record).items()
                if key not in _STANDARD and not _UNLOGGED_FIELDS.search(key)
            }
        )
        if record.exc_info:
            payload["exc"] = redact(self.formatException(record.exc_info))
        # ensure_ascii: every control character (newline, ESC) is written as an escape.
        return json.dumps(payload, default=str, ensure_ascii=True)
