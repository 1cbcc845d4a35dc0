"""Token store: one private JSON file per client id and base URL.

Pinterest rotates refresh tokens (the old one is spent once a new one is
issued), so every new token set is written immediately and atomically: a
temporary file created 0600 in the same directory, fsynced, then renamed over
the old file. A crash leaves the old or the new file, never half of one, and
the file is never readable by others, not even briefly. An advisory lock file
serialises refreshes across processes sharing the store (POSIX only).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pinsql.auth.redact import register_secret
from pinsql.auth.tokens import TokenSet
from pinsql.exceptions import InterfaceError
from pinsql.userfiles import write_private_file

try:  # POSIX advisory locks; Windows falls back to the in-process lock only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger("pinsql.auth.store")

FORMAT_VERSION = 1


def fingerprint(secret: str | None) -> str | None:
    """A non-reversible tag for a secret (to notice that the user supplied a new one)."""
    if not secret:
        return None
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:24]


class TokenStore:
    """Reads and writes the token file at ``path``."""

    def __init__(self, path: Path | str, *, client_id: str | None = None, base_url: str | None = None) -> None:
        self.path = Path(path)
        self.client_id = client_id
        self.base_url = base_url
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def load(self) -> tuple[TokenSet | None, str | None]:
        """The stored token set and the fingerprint of the refresh token that seeded it."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            raise InterfaceError(f"Cannot read the token store {self.path}: {exc.strerror}. "
                                 "Check OAuthSettingsLocation and the file's permissions.") from None
        try:
            data = json.loads(text)
            token = TokenSet.from_json(data["token"])
        except (ValueError, KeyError, TypeError):
            logger.warning("Ignoring unreadable token store %s; a new sign-in will replace it", self.path)
            return None, None
        if self.client_id and data.get("client_id") not in (None, self.client_id):
            logger.warning("Token store %s belongs to another client id; ignoring it", self.path)
            return None, None
        register_secret(token.access_token, token.refresh_token)
        return token, data.get("seeded_from")

    def save(self, token: TokenSet, *, seeded_from: str | None = None) -> None:
        """Replace the stored token set atomically; the file is 0600 from its creation."""
        record: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "client_id": self.client_id,
            "base_url": self.base_url,
            "seeded_from": seeded_from,
            "updated_at": time.time(),
            "token": token.to_json(),
        }
        with self._lock:
            self._write_private(json.dumps(record, indent=2))
        logger.debug("Saved tokens to %s", self.path)

    def clear(self) -> None:
        with self._lock, contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    @contextlib.contextmanager
    def process_lock(self) -> Iterator[None]:
        """Hold an exclusive advisory lock beside the store (serialises refreshes across processes)."""
        if fcntl is None:
            yield
            return
        self._ensure_dir()
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _ensure_dir(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise InterfaceError(f"Cannot create the token store directory {self.path.parent}: {exc.strerror}. "
                                 "Set OAuthSettingsLocation to a writable place.") from None

    def _write_private(self, text: str) -> None:
        self._ensure_dir()
        write_private_file(self.path, text)
