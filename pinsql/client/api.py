"""The HTTP client every scan goes through: auth, rate limits, retries, paging, counters.

One ``requests.Session`` per client; the keep-alive connections behind it are the
process's (see :func:`shared_adapter`), at least as many as MaxConcurrency. Safe to
share between threads.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote_plus

import requests
import urllib3
from requests.adapters import HTTPAdapter

from pinsql import jsonbody
from pinsql.auth.flows import Browser
from pinsql.auth.provider import TokenProvider
from pinsql.auth.redact import scrub
from pinsql.client.counters import Counters
from pinsql.client.errors import (
    ErrorBody,
    error_for,
    parse_error_body,
    rate_limit_error,
    reset_hint,
    retry_after_text,
)
from pinsql.client.logs import configure_logging
from pinsql.client.ratelimit import RateLimiter, shared_limiter
from pinsql.client.tasks import Cancelled, TaskGroup, cancel_events, stop_if_cancelled
from pinsql.exceptions import (
    ApiError,
    Error,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from pinsql.memo import BytesMemo
from pinsql.properties import ConnectionProperties

logger = logging.getLogger("pinsql.client")

T = TypeVar("T")
R = TypeVar("R")

#: Consecutive empty pages that still carry a bookmark before paging is declared stuck.
MAX_EMPTY_PAGES = 20

_TRANSIENT_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    # the body is read from urllib3's response (see _attempt), which raises its own errors
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
    urllib3.exceptions.DecodeError,
    urllib3.exceptions.SSLError,
)


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying after a backoff."""

    def __init__(self, reason: str, final: Exception) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final


class ApiClient:
    """Pinterest API v5 client. ``path`` arguments are relative to BaseURL (``/ad_accounts``)."""

    def __init__(
        self,
        props: ConnectionProperties,
        *,
        session: requests.Session | None = None,
        token_provider: TokenProvider | None = None,
        browser: Browser | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        configure_logging(props)
        self.props = props
        self.session = session or _session(props.base_url)
        pool = max(10, props.max_concurrency * 2)
        # Our own session takes the process's keep-alive connections (see shared_adapter); a
        # session passed in keeps a pool of its own.
        self._shared_pool = session is None and pool <= SHARED_POOL_SIZE
        adapter = shared_adapter() if self._shared_pool else HTTPAdapter(
            pool_connections=4, pool_maxsize=pool, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = _user_agent()
        self.session.headers["Accept"] = "application/json"
        self.auth = token_provider or TokenProvider(props, http=self.session, browser=browser)
        self.counters = Counters()
        # One budget per app and user in the process (see shared_limiter); a test's fake sleep gets its own.
        self.limiter = (shared_limiter(_identity(props), props.rate_limits) if sleep is time.sleep
                        else RateLimiter(props.rate_limits, sleep=sleep))
        self._sleep = sleep
        self._random = random_fraction
        self._in_flight = threading.BoundedSemaphore(props.max_concurrency)
        self._ad_account_lock = threading.Lock()
        self._ad_account_id: str | None = props.ad_account_id
        self._closed = False
        #: Answers reused for the same GET within CacheTTL seconds (one user per client: no token in the key).
        self.cache = BytesMemo(ttl=props.cache_ttl) if props.cache_ttl > 0 else None
        #: Cacheable requests being sent now: the same request from another thread waits for the answer.
        self._pending: dict[Any, threading.Event] = {}
        self._pending_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ApiClient(base_url={self.props.base_url!r}, closed={self._closed})"

    # -- public interface --------------------------------------------------------
    def get(self, path: str, params: Mapping[str, Any] | None = None, *, category: str | None,
            decode: Callable[[bytes], Any] | None = None) -> Any:
        """One GET; the decoded JSON body, or what ``decode`` makes of the body's bytes.

        ``decode`` raising ValueError means a damaged body (truncated, say): the call is retried.
        """
        return self.request("GET", path, params=params, category=category, decode=decode)

    def paginate(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        category: str | None,
        page_size: int | None = None,
        max_rows: int | None = None,
        decode: Callable[[bytes], tuple[Any, str | None]] | None = None,
    ) -> Iterator[Any]:
        """Yield the ``items`` of each page, following ``bookmark`` until it is null or ``max_rows`` were yielded.

        ``decode`` turns a page's bytes into ``(items, bookmark)`` itself (items: anything
        with ``len()`` and slicing, such as an Arrow table); by default the JSON is decoded
        and ``items`` is a list of dicts.
        """
        if decode is None:
            def decode(content: bytes) -> tuple[Any, str | None]:
                return self._page_parts(path, jsonbody.loads(content))

        size = max(1, min(page_size or self.props.page_size, self.props.page_size))
        remaining = max_rows
        bookmark: str | None = None
        seen: set[str] = set()
        empty_run = 0
        while remaining is None or remaining > 0:
            query = dict(params or {})
            query["page_size"] = size if remaining is None else min(size, remaining)
            if bookmark is not None:
                query["bookmark"] = bookmark
            items, next_bookmark = self.get(path, query, category=category, decode=decode)
            if remaining is not None:
                items = items[:remaining]
                remaining -= len(items)
            self.counters.add("pages")
            self.counters.add("rows", len(items))
            if items:
                yield items
            if not next_bookmark:
                return
            if next_bookmark in seen or next_bookmark == bookmark:
                self._fail(OperationalError(
                    f"GET {path}: the API returned the same bookmark twice, so paging would never end; "
                    "stopped instead of returning partial results. Try again later."))
            seen.add(next_bookmark)
            empty_run = 0 if items else empty_run + 1
            if empty_run >= MAX_EMPTY_PAGES:
                self._fail(OperationalError(
                    f"GET {path}: {empty_run} empty pages in a row still carried a bookmark; stopped to avoid an "
                    "endless loop (no partial result returned)."))
            bookmark = next_bookmark

    def parallel_map(self, fn: Callable[[T], R], iterable: Iterable[T]) -> list[R]:
        """``[fn(x) for x in iterable]`` on up to MaxConcurrency threads; the first error cancels the rest."""
        items = list(iterable)
        if min(self.props.max_concurrency, len(items)) <= 1:
            return [fn(item) for item in items]
        # The caller takes the first item (and queued ones after it) rather than only waiting:
        # its request leaves without a hand-over to a woken thread, about 1 ms sooner.
        with TaskGroup(min(self.props.max_concurrency, len(items)) - 1) as group:
            futures = [group.submit(fn, item) for item in items[1:]]
            futures.insert(0, group.run_here(fn, items[0]))
            group.help()
            group.wait()
        return [f.result() for f in futures]

    def tasks(self, most: int | None = None) -> TaskGroup:
        """A :class:`TaskGroup` on up to MaxConcurrency threads (fewer when ``most`` tasks are known)."""
        workers = self.props.max_concurrency if most is None else min(self.props.max_concurrency, most)
        return TaskGroup(max(1, workers))

    def default_ad_account_id(self) -> str:
        """AdAccountId, else the first ad account the token sees (looked up once, on first use)."""
        if self._ad_account_id:
            return self._ad_account_id
        with self._ad_account_lock:
            if self._ad_account_id:
                return self._ad_account_id
            body = self.get("/ad_accounts", {"page_size": 1}, category="ads_read")
            items, _ = self._page_parts("/ad_accounts", body)
            if not items or not items[0].get("id"):
                self._fail(ProgrammingError(
                    "The signed-in Pinterest user has no ad account this token can see, and AdAccountId is not "
                    "set. Set AdAccountId, or ask the account owner for a Business Access role "
                    "(and make sure the token has the ads:read scope)."))
            self._ad_account_id = str(items[0]["id"])
            logger.info("Using ad account %s (first of GET /ad_accounts)", self._ad_account_id)
            return self._ad_account_id

    def close(self) -> None:
        """Release the connection pool. Idempotent."""
        if not self._closed:
            self._closed = True
            if self._shared_pool:
                self.session.adapters.clear()  # the shared connections stay open for the other clients
            self.session.close()

    def __enter__(self) -> ApiClient:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request with the retry policy ---------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        json: Any = None,
        category: str | None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """Send one API request (with retries, refresh, rate limiting); the decoded JSON body or None."""
        if self._closed:
            raise InterfaceError("This connection is closed; open a new one.")
        try:
            return self._request_with_retries(method, path, params, data, json, category, decode)
        except Cancelled:
            raise
        except Error:
            self.counters.add("errors")
            raise

    def _request_with_retries(self, method: str, path: str, params: Mapping[str, Any] | None, data: Any,
                              json_body: Any, category: str | None, decode: Callable[[bytes], Any] | None) -> Any:
        url = self._url(path)
        query = _encode_params(params)
        memo_key = (url, query) if self.cache is not None and method == "GET" and category else None
        if memo_key is None:
            return self._send_with_retries(method, path, url, query, data, json_body, category, decode, None)
        while True:
            cached = self.cache.get(memo_key)  # type: ignore[union-attr]
            if cached is not None:
                self.counters.add("cache_hits")
                logger.debug("%s %s: answered from the cache", method, path)
                return decode(cached) if decode is not None else jsonbody.loads(cached)
            with self._pending_lock:
                sending = self._pending.get(memo_key)
                if sending is None:
                    self._pending[memo_key] = threading.Event()
                    break
            sending.wait()  # the same request is on its way (a self-join, a UNION): share its answer
        try:
            return self._send_with_retries(method, path, url, query, data, json_body, category, decode, memo_key)
        finally:
            with self._pending_lock:
                self._pending.pop(memo_key).set()  # waiters look in the cache again (a failure left nothing)

    def _send_with_retries(self, method: str, path: str, url: str, query: str | None, data: Any,
                           json_body: Any, category: str | None, decode: Callable[[bytes], Any] | None,
                           memo_key: Any) -> Any:
        props = self.props
        attempt = 0
        refreshed = False
        while True:
            stop_if_cancelled(f"{method} {path}")
            self.counters.add_wait(self.limiter.acquire(category, sleep=self._pause))
            stop_if_cancelled(f"{method} {path}")
            token = self.auth.access_token()
            try:
                return self._attempt(method, path, url, query, data, json_body, category, token, decode, memo_key)
            except _Retry as retry:
                failure = retry
            if failure.reason == "token_rejected":
                if refreshed or not self.auth.can_refresh:
                    raise failure.final
                refreshed = True
                self.auth.refresh_after_rejection(token)
                self.counters.add("token_refreshes")
                self.counters.add("retries")
                continue
            if attempt >= props.max_retries:
                logger.warning("%s %s: giving up after %d retries (%s)", method, path, attempt, failure.reason)
                raise failure.final
            delay = self._retry_delay(failure, attempt)
            attempt += 1
            self.counters.add("retries")
            logger.info("%s %s: %s; retry %d/%d in %.3fs", method, path, failure.reason, attempt,
                        props.max_retries, delay)
            if delay > 0:
                self._pause(delay)

    def _pause(self, seconds: float) -> None:
        """Sleep, but stop at once when the statement this thread works for is cancelled (a sibling
        failed, or Ctrl-C): a wait for the rate limit can last a minute."""
        events = cancel_events()
        if not events or self._sleep is not time.sleep:  # not in a parallel task, or a test's fake clock
            self._sleep(seconds)
            return
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            stop_if_cancelled("a wait for the rate limit")
            events[-1].wait(min(left, 0.05))  # own group's event at once; parents' within 50 ms
        stop_if_cancelled("a wait for the rate limit")

    def _retry_delay(self, retry: _Retry, attempt: int) -> float:
        if isinstance(retry, _Pause):
            return 0.0  # the limiter pause makes the next acquire() wait
        if isinstance(retry, _Wait):
            self.counters.add_wait(retry.seconds)
            return retry.seconds
        # Exponential backoff with full jitter.
        ceiling = min(self.props.retry_max_delay, self.props.retry_base_delay * (2 ** attempt))
        return self._random() * ceiling

    def _attempt(self, method: str, path: str, url: str, query: str | None,
                 data: Any, json_body: Any, category: str | None, token: str,
                 decode: Callable[[bytes], Any] | None = None, memo_key: Any = None) -> Any:
        props = self.props
        started = time.monotonic()
        self.counters.add_call(category)
        with self._in_flight:
            try:
                # stream=True, then one read of the whole body from urllib3: requests' default reads
                # bodies 10 KB at a time, which costs twice the CPU on multi-megabyte analytics
                # answers, and iter_content's generator costs 0.1-0.3 ms more per call.
                if method == "GET" and data is None and json_body is None:
                    resp = self._get(url, query, token)
                else:
                    resp = self.session.request(
                        method, url, params=query, data=data, json=json_body, timeout=props.timeout,
                        headers={"Authorization": f"Bearer {token}"}, stream=True,
                    )
                try:
                    content = resp.raw.read(decode_content=True)
                finally:
                    resp.close()  # the body is read: the connection goes back to the pool
            except _TRANSIENT_EXCEPTIONS as exc:
                kind = type(exc).__name__
                logger.info("%s %s: %s after %.3fs", method, path, kind, time.monotonic() - started)
                raise _Retry(kind, OperationalError(
                    f"{method} {path} failed: {kind} talking to {props.base_url} "
                    f"(Timeout={props.timeout:g}s); the network or the API is unavailable.")) from None
            except requests.RequestException as exc:
                raise OperationalError(f"{method} {path} failed: {type(exc).__name__}.") from None
        elapsed = time.monotonic() - started
        status = resp.status_code
        request_id = resp.headers.get("x-pinterest-rid")
        logger.debug("%s %s -> %s in %.3fs%s", method, path, status, elapsed,
                     f" rid={request_id}" if request_id else "")
        if 200 <= status < 300:
            try:
                result = decode(content) if decode is not None else (jsonbody.loads(content) if content else None)
            except ValueError:
                raise _Retry("undecodable body", OperationalError(
                    f"{method} {path}: the API's answer was not valid JSON (truncated?) even after retries.")) from None
            if memo_key is not None:
                self.cache.put(memo_key, content)  # type: ignore[union-attr]
            return result
        try:
            payload = jsonbody.loads(content) if content else None
        except ValueError:
            payload = None
        body = parse_error_body(payload)
        if status == 401 and body.code in (None, 2):
            raise _Retry("token_rejected", error_for(method, path, status, body, request_id))
        if status == 429:
            self.counters.add("throttled")
            raise self._rate_limited(method, path, status, body, request_id, category, resp.headers)
        if status >= 500 or body.code == 12:
            raise _Retry(f"HTTP {status}" + (f" code {body.code}" if body.code is not None else ""),
                         ApiError(scrub(f"{method} {path} failed: HTTP {status}"
                                        f"{', Pinterest code ' + str(body.code) if body.code is not None else ''}"
                                        f"{': ' + body.message if body.message else ''} — still failing after "
                                        f"{props.max_retries} retries"
                                        f"{' [x-pinterest-rid ' + request_id + ']' if request_id else ''}."),
                                  status=status, code=body.code, api_message=body.message or None,
                                  request_id=request_id, endpoint=path))
        if status == 400:
            seconds = retry_after_text(body)
            if seconds is not None and seconds > props.rate_limit_max_wait:
                raise rate_limit_error(method, path, status, body, request_id, category, seconds,
                                       f"longer than RateLimitMaxWait={props.rate_limit_max_wait:g}s")
            if seconds is not None:
                raise _Wait(seconds, rate_limit_error(method, path, status, body, request_id, category, seconds,
                                                      f"still asked to wait after {props.max_retries} retries"))
        token_scope = self.auth.token.scope if self.auth.token else None
        raise error_for(method, path, status, body, request_id, scopes=token_scope)

    def _get(self, url: str, query: str | None, token: str) -> requests.Response:
        """A GET sent by the session's adapter, without the session's per-request work.

        ``Session.request`` merges settings, cookies and hooks on every call: about 0.7 ms
        of CPU, more than the rest of a call, and 70 ms over a 100-call fan-out. The API
        needs none of it, so the request is prepared here with the session's headers and
        sent with its proxies and CA bundle. A redirect takes the session's full path.
        """
        session = self.session
        prepared = requests.PreparedRequest()
        prepared.prepare(method="GET", url=url, params=query,
                         headers={**session.headers, "Authorization": f"Bearer {token}"})
        resp = session.get_adapter(prepared.url).send(  # type: ignore[arg-type]
            prepared, stream=True, timeout=self.props.timeout, verify=session.verify, cert=session.cert,
            proxies=session.proxies)
        if not resp.is_redirect:
            return resp
        resp.close()
        return session.request("GET", url, params=query, headers={"Authorization": f"Bearer {token}"},
                               timeout=self.props.timeout, stream=True)

    def _rate_limited(self, method: str, path: str, status: int, body: ErrorBody, request_id: str | None,
                      category: str | None, headers: Mapping[str, str]) -> Exception:
        props = self.props
        if body.is_spam_block:
            return rate_limit_error(method, path, status, body, request_id, category, None, "not retried")
        reset = reset_hint(headers)
        if reset is not None and reset > props.rate_limit_max_wait:
            return rate_limit_error(method, path, status, body, request_id, category, reset,
                                    f"longer than RateLimitMaxWait={props.rate_limit_max_wait:g}s, so pinsql "
                                    "does not wait (the daily quota of Trial access?)")
        pause = props.rate_limit_default_wait if reset is None else reset
        self.limiter.pause(category, pause)
        logger.info("%s %s: HTTP 429 (code %s); pausing %s calls for %.3fs", method, path, body.code,
                    category or "all", pause)
        return _Pause(f"HTTP 429 rate limited ({category or 'overall'})", rate_limit_error(
            method, path, status, body, request_id, category, reset,
            f"still limited after {props.max_retries} retries"))

    # -- helpers -------------------------------------------------------------------
    def _url(self, path: str) -> str:
        base = self.props.base_url
        if path.startswith(("http://", "https://")):
            if not path.startswith(base + "/"):
                raise InterfaceError(f"Refusing to send the API token to {path!r}: it is outside BaseURL {base}.")
            return path
        if not path.startswith("/"):
            path = "/" + path
        return base + path

    @staticmethod
    def _page_parts(path: str, body: Any) -> tuple[list[dict], str | None]:
        if not isinstance(body, Mapping) or not isinstance(body.get("items"), list):
            raise OperationalError(f"GET {path}: expected a page {{'items': [...], 'bookmark': ...}} from the API, "
                                   f"got {type(body).__name__}.")
        bookmark = body.get("bookmark")
        return body["items"], (str(bookmark) if bookmark else None)

    def _fail(self, exc: Error) -> None:
        self.counters.add("errors")
        raise exc


class _Pause(_Retry):
    """Retry after a category-wide 429 pause (the limiter does the waiting)."""


class _Wait(_Retry):
    """Retry after a server-requested wait ("Retry after N seconds")."""

    def __init__(self, seconds: float, final: Exception) -> None:
        super().__init__(f"server asked to retry after {seconds:g}s", final)
        self.seconds = seconds


#: Keep-alive connections the process's clients share, per host (see shared_adapter).
SHARED_POOL_SIZE = 128
_shared_adapter: HTTPAdapter | None = None
_shared_adapter_lock = threading.Lock()


def shared_adapter() -> HTTPAdapter:
    """The process's pool of keep-alive connections to the API, shared by every client.

    A connection opened for one client serves the next, so a program that opens a
    pinsql connection per query (pandas with a fresh engine, SQLAlchemy's NullPool, a
    script in a loop) does not pay a TCP and TLS handshake per query: one or two
    round trips each against the real API. Connections carry no identity (each
    request sends its own token), and urllib3 keeps separate pools per host, proxy
    and client certificate.
    """
    global _shared_adapter
    with _shared_adapter_lock:
        if _shared_adapter is None:
            _shared_adapter = HTTPAdapter(pool_connections=8, pool_maxsize=SHARED_POOL_SIZE, max_retries=0)
        return _shared_adapter


def _forget_shared_adapter() -> None:
    """In a forked child (gunicorn or Celery workers, multiprocessing): the pooled sockets are the
    parent's too, and two processes reading one connection would mix their answers. New clients
    in the child open their own; the parent's are left to the parent."""
    global _shared_adapter, _shared_adapter_lock
    _shared_adapter, _shared_adapter_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_shared_adapter)


def _session(base_url: str) -> requests.Session:
    """A session that reads the proxy and CA-bundle environment once, not on every request.

    requests re-reads them per request (``trust_env``), about half a millisecond each
    time: noticeable over a fan-out of hundreds of calls. BaseURL never changes, so the
    answer does not either.
    """
    session = requests.Session()
    proxies = requests.utils.get_environ_proxies(base_url)
    session.trust_env = False
    session.proxies.update(proxies)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return session


def _identity(props: ConnectionProperties) -> str:
    """Who the calls count against: the API, the app and the user's tokens, hashed (never kept in clear)."""
    parts = (props.base_url, props.oauth_client_id, props.oauth_settings_location, props.oauth_access_token,
             props.oauth_refresh_token, props.auth_scheme)
    return hashlib.sha256("\0".join(str(p or "") for p in parts).encode()).hexdigest()


def _user_agent() -> str:
    try:
        return f"pinsql/{importlib.metadata.version('pinsql')}"
    except importlib.metadata.PackageNotFoundError:
        return "pinsql"


#: Text sent as it is. Commas too: they separate the values of Pinterest's list parameters
#: (OpenAPI form style), decode the same either way, and a percent sign anywhere in the URL
#: makes urllib3 re-check it a byte at a time in Python (about 1 ms for 250 ids).
_PLAIN = re.compile(r"[A-Za-z0-9_.~,-]*")


def _encode_params(params: Mapping[str, Any] | None) -> str | None:
    """The query string: lists become repeated keys, booleans true/false, None values are dropped.

    Made here rather than by requests (urlencode), which quotes each of the 250 ids
    of an id-list call one Python call at a time: about 1.5 ms a request. Quoted as
    urlencode quotes, except commas (see ``_PLAIN``).
    """
    if not params:
        return None
    pairs: list[str] = []
    for key, value in params.items():
        k = key if _PLAIN.fullmatch(key) else quote_plus(key)
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        for v in values:
            if v is None:
                continue
            text = "true" if v is True else "false" if v is False else str(v)
            pairs.append(f"{k}={text if _PLAIN.fullmatch(text) else quote_plus(text, safe=',')}")
    return "&".join(pairs) or None
