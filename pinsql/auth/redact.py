"""Keep secrets out of logs, reprs and error messages.

Every secret pinsql learns (client secret, access and refresh tokens, codes)
is registered here; :func:`scrub` replaces them in any text, and
:class:`SecretFilter` does the same for log records on the handlers pinsql
installs. Messages are built without secrets in the first place; this is the
second line of defence.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

REDACTED = "***"
_MIN_SECRET_LENGTH = 6  # shorter strings would blank out ordinary words

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(*values: str | None) -> None:
    """Remember secret values so :func:`scrub` hides them."""
    with _lock:
        for value in values:
            if value and len(value) >= _MIN_SECRET_LENGTH:
                _secrets.add(value)


def register_secrets(values: Iterable[str | None]) -> None:
    register_secret(*values)


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class SecretFilter(logging.Filter):
    """Logging filter that scrubs registered secrets from the rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: let logging report it
            return True
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True
