"""One-shot local HTTP server that receives the OAuth redirect (``CallbackURL``)."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from pinsql.auth.redact import register_secret
from pinsql.exceptions import InterfaceError

logger = logging.getLogger("pinsql.auth.callback")

_DONE_PAGE = (b"<!doctype html><title>pinsql</title><h1>pinsql: sign-in complete</h1>"
              b"<p>You can close this tab and return to your application.</p>")
_FAILED_PAGE = b"<!doctype html><title>pinsql</title><h1>pinsql: sign-in failed</h1><p>See your application.</p>"


class CallbackServer:
    """Listens at the CallbackURL's host and port until one redirect with a code or an error arrives.

    Port 0 picks a free port (tests, the emulator); ``redirect_uri`` then names the real one.
    """

    def __init__(self, callback_url: str) -> None:
        parts = urlsplit(callback_url)
        if parts.scheme != "http" or not parts.hostname:
            raise InterfaceError(f"CallbackURL {callback_url!r} must be an http:// URL on this machine "
                                 "(e.g. http://localhost:8765/).")
        self._parts = parts
        self._path = parts.path or "/"
        self._result: dict[str, str] | None = None
        self._done = threading.Event()
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path.rstrip("/") != server_self._path.rstrip("/") or not ({"code", "error"} & query.keys()):
                    self.send_response(404)
                    self.end_headers()
                    return
                ok = "code" in query
                register_secret(query.get("code"))  # before answering, so any later log line is scrubbed
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(_DONE_PAGE if ok else _FAILED_PAGE)
                if not server_self._done.is_set():
                    server_self._result = query
                    server_self._done.set()

            def log_message(self, format: str, *args: Any) -> None:
                logger.debug("callback server: %s", args[1] if len(args) > 1 else "")

        try:
            self._server = HTTPServer((parts.hostname, 80 if parts.port is None else parts.port), Handler)
        except OSError as exc:
            raise InterfaceError(f"Cannot listen on CallbackURL {callback_url} ({exc.strerror}); "
                                 "is another sign-in running? Choose another port in CallbackURL "
                                 "(and register it on your app).") from None
        port = self._server.server_address[1]
        netloc = f"{parts.hostname}:{port}" if parts.port is not None else parts.netloc
        self.redirect_uri = urlunsplit((parts.scheme, netloc, parts.path or "/", "", ""))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="pinsql-oauth-callback", daemon=True)

    def __enter__(self) -> CallbackServer:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> dict[str, str] | None:
        """The redirect's query parameters, or None after ``timeout`` seconds."""
        return self._result if self._done.wait(timeout) else None
