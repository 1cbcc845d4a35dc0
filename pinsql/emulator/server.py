"""The HTTP side of the emulator: routing, auth, rate limits, faults, request log, lifecycle."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import logging
import math
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pinsql.memo import BytesMemo

from .api import ApiError, Call, Handlers, compile_routes
from .auth import OAuthError, TokenStore, parse_scopes
from .data import Dataset, resolve_counts, stable_hash
from .faults import Faults
from .ratelimit import RateLimiter
from .spec_facts import OAUTH_TOKEN_CATEGORY

logger = logging.getLogger("pinsql.emulator")

API_PREFIX = "/v5"
OAUTH_CATEGORY = "oauth"  # request-log category of the OAuth endpoints (not an API quota)


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str                      # below /v5 for API calls ("/pins"); "/oauth/" for authorize
    query: dict[str, list[str]]
    status: int
    category: str                  # x-ratelimit-category, or "oauth"


class RequestLog(list):
    """The served requests, appended under a lock (a plain list to everyone reading it)."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self.lock:
            self.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self.lock:
            return list(self)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    emulator: Emulator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        self.accepted = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
            self.accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut idle keep-alive connections, so a stopped emulator really stops answering."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
            self.open_sockets.clear()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small keep-alive responses must not wait for delayed ACKs
    timeout = 300  # idle keep-alive connections give their thread back eventually
    server: _Server
    server_version = "pinsql-emulator"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self.server.emulator._dispatch(self, "GET")

    def do_POST(self) -> None:
        self.server.emulator._dispatch(self, "POST")

    def do_PUT(self) -> None:
        self.server.emulator._dispatch(self, "PUT")

    def do_PATCH(self) -> None:
        self.server.emulator._dispatch(self, "PATCH")

    def do_DELETE(self) -> None:
        self.server.emulator._dispatch(self, "DELETE")


@dataclass
class _Reply:
    status: int
    body: Any = None
    headers: dict[str, str] | None = None
    raw: bytes | None = None


class Emulator:
    """A local Pinterest API v5 over real HTTP (see docs in the package ``__init__``)."""

    def __init__(self, seed: int = 7, size: str = "small", *, port: int = 0,
                 host: str = "127.0.0.1", latency: float = 0.0,
                 access_token_ttl: float | None = None, refresh_token_ttl: float | None = None,
                 rate_limits: dict[str, tuple[float, float]] | None = None,
                 board_pins_cap: int = 100_000, today: dt.date | None = None,
                 redirect_uris: tuple[str, ...] = (), username: str = "pinsql_demo",
                 faults: Faults | None = None, cache_responses: bool = False, **counts: int) -> None:
        self.seed = seed
        # Encoded answers kept for benchmarks: building one can cost far more than the injected latency.
        self.response_cache = BytesMemo() if cache_responses else None
        self.size = size
        self.host, self.port = host, port
        self.data = Dataset(seed=seed, counts=resolve_counts(size, counts), username=username)
        self.today = today
        self.handlers = Handlers(self.data, board_pins_cap=board_pins_cap)
        self._routes = compile_routes()
        self.faults = faults or Faults()
        if latency:
            self.faults.latency = latency
        self.rate_limiter = RateLimiter(rate_limits)
        self.request_log = RequestLog()
        self.client_id = str(10**15 + stable_hash(seed, "client_id") % 10**15)
        self.client_secret = format(stable_hash(seed, "client_secret"), "016x") + format(
            stable_hash(seed, "client_secret", 2), "016x")
        kwargs: dict[str, Any] = {}
        if access_token_ttl is not None:
            kwargs["access_ttl"] = access_token_ttl
        if refresh_token_ttl is not None:
            kwargs["refresh_ttl"] = refresh_token_ttl
        self.tokens = TokenStore(self.client_id, self.client_secret, redirect_uris, **kwargs)
        pre = self.tokens.issue(
            access_token="pina_emu" + format(stable_hash(seed, "access"), "016x"),
            refresh_token="pinr_emu" + format(stable_hash(seed, "refresh"), "016x"))
        self.access_token: str = pre["access_token"]
        self.refresh_token: str = pre["refresh_token"]
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._rid = itertools.count(1)

    # ------------------------------------------------------------- lifecycle
    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), _Handler)
        self._server.emulator = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"pinsql-emulator-{self.port}", daemon=True)
        self._thread.start()
        logger.info("emulator serving %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Emulator:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Emulator(seed={self.seed}, size={self.size!r}, url={self.url!r})"

    # ------------------------------------------------------------ properties
    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return self.root_url + API_PREFIX

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since start (keep-alive reuse shows as fewer than requests)."""
        return self._server.accepted if self._server is not None else 0

    def connection_properties(self) -> dict[str, str]:
        return {"BaseURL": self.url, "OAuthAccessToken": self.access_token,
                "OAuthClientId": self.client_id, "OAuthClientSecret": self.client_secret,
                "OAuthAuthorizationURL": self.root_url + "/oauth/",
                "OAuthTokenURL": self.url + "/oauth/token"}

    def issue_token(self, scopes: list[str] | tuple[str, ...] | str | None = None,
                    ttl: float | None = None, refresh_ttl: float | None = None) -> dict:
        """Mint a token pair directly; ``scopes`` defaults to all scopes."""
        if isinstance(scopes, str):
            scopes = parse_scopes(scopes)
        return self.tokens.issue(tuple(scopes) if scopes is not None else None, ttl=ttl,
                                 refresh_ttl=refresh_ttl)

    def clear_log(self) -> None:
        with self.request_log.lock:
            self.request_log.clear()

    def calls(self, path_prefix: str | None = None, include_oauth: bool = False) -> int:
        """API requests served (any status), optionally only those under ``path_prefix``."""
        return sum(1 for r in self.request_log.snapshot()
                   if (include_oauth or r.category != OAUTH_CATEGORY)
                   and (path_prefix is None or r.path.startswith(path_prefix)))

    def set_rate_limit(self, category: str, requests: float, per_seconds: float) -> None:
        self.rate_limiter.configure(category, requests, per_seconds)

    # --------------------------------------------------------------- serving
    def _today(self) -> dt.date:
        return self.today or dt.datetime.now(dt.timezone.utc).date()

    def _dispatch(self, h: _Handler, method: str) -> None:
        parts = urlsplit(h.path)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        category = OAUTH_CATEGORY
        log_path = path
        fault_ok = False
        if method != "GET" and path.rstrip("/") != API_PREFIX + "/oauth/token":
            # Drain an unused body so the next request on this keep-alive connection parses.
            length = int(h.headers.get("Content-Length") or 0)
            if length:
                h.rfile.read(length)
        try:
            if path in ("/oauth", "/oauth/"):
                log_path = "/oauth/"
                reply = self._authorize(method, query)
            elif path.rstrip("/") == API_PREFIX + "/oauth/token":
                log_path = "/oauth/token"
                reply = self._token(h, method)
            elif path == API_PREFIX or path.startswith(API_PREFIX + "/"):
                log_path = path[len(API_PREFIX):] or "/"
                category = "none"
                route = self._match(log_path)
                category = route[2]
                reply = self._api(h, method, log_path, query, route)
                fault_ok = True
            else:
                reply = _Reply(404, {"code": 404, "message": f"No such path: {path}"})
        except ApiError as e:
            reply = _Reply(e.status, e.body(), getattr(e, "headers", None))
        except OAuthError as e:
            reply = _Reply(e.status, {"code": e.code, "message": e.message})
        except Exception:  # a bug in the emulator: answer like the API's generic 500
            logger.exception("emulator handler failed for %s %s", method, path)
            reply = _Reply(500, {"code": 12, "message": "Something went wrong on our end. "
                                                        "Sorry about that."})
        self.request_log.add(RequestRecord(method, log_path, query, reply.status, category))
        self._send(h, reply, fault_ok and self.faults.applies_to(log_path))

    def _match(self, path: str) -> tuple[str, dict[str, str], str, tuple[str, ...]]:
        """(template, path parameters, category, scopes) of the first matching route."""
        for regex, template, category, scopes in self._routes:
            m = regex.match(path)
            if m:
                return template, m.groupdict(), category, scopes
        raise ApiError(404, 404, f"Not found: {path} is not an endpoint this emulator serves.")

    def _api(self, h: _Handler, method: str, path: str, query: dict[str, list[str]],
             route: tuple[str, dict[str, str], str, tuple[str, ...]]) -> _Reply:
        template, path_params, category, scopes = route
        if method != "GET":
            raise ApiError(405, 5, f"Method {method} not allowed on {template} (the emulator is "
                                   f"read-only).")
        grant = self._authenticate(h)
        if not set(scopes) <= set(grant.scopes):
            raise ApiError(401, 3, "Your token does not have sufficient permissions to perform "
                                   f"this operation (needs {', '.join(scopes)}).")
        self._rate_limit(category)
        self._inject_faults(path)
        call = Call(path, template, path_params, query, frozenset(grant.scopes), self._today(),
                    self.faults.trailing_empty_page and self.faults.applies_to(path))
        if self.response_cache is None:
            return _Reply(200, self.handlers.table[template](call))
        key = (path, tuple(sorted((k, tuple(v)) for k, v in query.items())), call.scopes, call.today,
               call.trailing_empty_page)
        raw = self.response_cache.get(key)
        if raw is None:
            raw = json.dumps(self.handlers.table[template](call), separators=(",", ":")).encode()
            self.response_cache.put(key, raw)
        return _Reply(200, raw=raw)

    def _authenticate(self, h: _Handler) -> Any:
        header = h.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, 2, "Authentication failed: send 'Authorization: Bearer "
                                   "<access token>'.")
        grant = self.tokens.lookup_access(token.strip())
        if grant is None:
            raise ApiError(401, 2, "Authentication failed: the access token is not valid.")
        if grant.expired():
            raise ApiError(401, 2, "Authentication failed: the access token has expired.")
        return grant

    def _rate_limit(self, category: str) -> None:
        wait = self.rate_limiter.acquire(category)
        if wait > 0:
            raise _rate_error(wait, "This request exceeded a rate limit. This can happen if the "
                                    "client exceeds one of the published rate limits within a "
                                    "short time window.")

    def _inject_faults(self, path: str) -> None:
        f = self.faults
        if not f.applies_to(path):
            return
        if f.latency > 0:
            time.sleep(f.latency)
        if f.daily_quota_exhausted:
            raise _rate_error(67000, "This request exceeded a rate limit: the daily request "
                                     "quota of this app is exhausted.")
        if f.spam_block:
            raise _rate_error(60, "This request exceeded a rate limit.",
                              message_detail="Request blocked: this action was flagged as spam.")
        if f.burst_429 > 0 and f.take_burst():
            raise _rate_error(f.burst_429_reset, "This request exceeded a rate limit. This can "
                                                 "happen if the client exceeds one of the "
                                                 "published rate limits within a short time "
                                                 "window.")
        if f.error_rate > 0 and f.draw() < f.error_rate:
            if f.draw() < 0.5:
                raise ApiError(500, 12, "Something went wrong on our end. Sorry about that.")
            raise ApiError(503, 503, "Service temporarily unavailable. Please retry.")

    # ----------------------------------------------------------------- OAuth
    def _authorize(self, method: str, query: dict[str, list[str]]) -> _Reply:
        if method != "GET":
            raise OAuthError(405, 5, "The authorization page only answers GET.")

        def q(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values else None

        self.tokens.check_client(q("client_id"), check_secret=False)
        redirect_uri = self.tokens.check_redirect_uri(q("redirect_uri"))
        if q("response_type") != "code":
            raise OAuthError(400, 1, "response_type must be 'code'.")
        scopes = parse_scopes(q("scope"))
        if not scopes:
            raise OAuthError(400, 1, "Missing scope: request at least one scope.")
        params = {"code": self.tokens.new_code(scopes, redirect_uri)}
        if q("state") is not None:
            params["state"] = q("state") or ""
        sep = "&" if "?" in redirect_uri else "?"
        return _Reply(302, raw=b"", headers={"Location": redirect_uri + sep + urlencode(params)})

    def _token(self, h: _Handler, method: str) -> _Reply:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        if method != "POST":
            raise OAuthError(405, 5, "The token endpoint only answers POST.")
        scheme, _, value = (h.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            raise OAuthError(401, 2, "Authentication failed: use HTTP Basic authentication with "
                                     "the app id and secret.")
        try:
            client_id, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(401, 2, "Authentication failed: malformed Basic credentials.") \
                from None
        self.tokens.check_client(client_id, secret)
        ctype = (h.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype != "application/x-www-form-urlencoded":
            raise OAuthError(400, 1, "The token endpoint takes a form body "
                                     "(application/x-www-form-urlencoded).")
        form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        wait = self.rate_limiter.acquire(OAUTH_TOKEN_CATEGORY)
        if wait > 0:
            raise _rate_error(wait, "This request exceeded a rate limit.")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            body = self.tokens.exchange_code(form.get("code"), form.get("redirect_uri"))
        elif grant_type == "refresh_token":
            body = self.tokens.refresh(form.get("refresh_token"), form.get("scope"))
        elif grant_type == "client_credentials":
            body = self.tokens.client_credentials(form.get("scope"))
        else:
            raise OAuthError(400, 1, "grant_type must be authorization_code, refresh_token or "
                                     "client_credentials.")
        return _Reply(200, body)

    # -------------------------------------------------------------- response
    def _send(self, h: _Handler, reply: _Reply, faults_apply: bool) -> None:
        payload = reply.raw if reply.raw is not None else json.dumps(
            reply.body, separators=(",", ":")).encode()
        h.send_response(reply.status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(payload)))
        h.send_header("x-pinterest-rid", str(next(self._rid)))
        for name, value in (reply.headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        f = self.faults
        try:
            if faults_apply and reply.status == 200:
                if f.slow_response > 0:
                    h.wfile.flush()
                    time.sleep(f.slow_response)
                if f.truncate_body_rate > 0 and f.draw() < f.truncate_body_rate:
                    h.wfile.write(payload[: max(1, len(payload) // 2)])
                    h.close_connection = True
                    return
            h.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True


def _rate_error(wait: float, message: str, **extra: Any) -> ApiError:
    seconds = str(max(1, math.ceil(wait)))
    error = ApiError(429, 8, message, **extra)
    error.headers = {"Retry-After": seconds, "X-RateLimit-Reset": seconds}  # type: ignore[attr-defined]
    return error
