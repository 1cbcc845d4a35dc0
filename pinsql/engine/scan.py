"""Running scans: planned :class:`~pinsql.engine.planner.Scan` objects → API calls → Arrow tables.

Scans run in stages: every scan whose inputs are known (its semi-join sources
have run) turns into concrete requests, and all requests of a stage go through
the client's threads together. A scan fed by one source's keys row by row joins
its source's stage as a :class:`Follower`: its calls start as the source's pages
arrive. Fan-out over a parent table reads the parent
list first (memoised per connection for a short time, see :class:`ParentMemo`).
A failed request fails the statement: results are never silently partial.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyarrow as pa

from pinsql.catalog import Catalog
from pinsql.client.tasks import TaskGroup
from pinsql.engine.planner import Binding, JoinKey, RefInfo, Scan, choose_access
from pinsql.engine.predicates import Constraint
from pinsql.engine.reader import RawPage, ResponseReader
from pinsql.engine.references import TableRef
from pinsql.exceptions import ApiProgrammingError, InternalError

log = logging.getLogger("pinsql.engine.scan")

#: Seconds a parent list (ad accounts, boards, campaigns for fan-out) stays memoised.
PARENT_TTL_SECONDS = 60.0


class ParentMemo:
    """Parent key lists per connection: (table, column, context) → values, for a short time."""

    def __init__(self, ttl: float = PARENT_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._data: dict[tuple, tuple[float, list]] = {}

    def get(self, key: tuple) -> list | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is None or time.monotonic() - hit[0] > self.ttl:
                return None
            return hit[1]

    def put(self, key: tuple, values: list) -> None:
        with self._lock:
            self._data[key] = (time.monotonic(), values)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


@dataclass
class Request:
    scan: Scan
    path: str
    params: dict[str, Any]
    #: request parameter values for from_param columns
    info: dict[str, Any]
    reader: ResponseReader
    window_start: str | None = None
    page_size: int | None = None
    max_rows: int | None = None
    #: the scan fed with this request's keys as its pages arrive (see :class:`Follower`)
    follower: Follower | None = None
    #: read responses into Arrow on arrival where that costs little more (a follower's calls)
    read_early: bool = False
    #: how many requests the scan makes (the reader decodes a last page on arrival when their
    #: bodies will be read in Python)
    batch: int = 0


class Follower:
    """A scan whose semi-join keys come from a scan of the same stage, taken page by page.

    ``analytics WHERE campaign_id IN (SELECT id FROM campaigns WHERE ...)`` need not
    wait for the last page of campaigns: each page is read when it arrives, its keys
    are added, and every full chunk of keys (250 per analytics call, or one per call
    for a path parameter) is sent at once, while the next page is on its way. The
    calls are the same as after the whole source (ceil(keys / chunk)); the responses
    of all but the last chunk are in before the source ends. Only for keys that each
    source row decides alone (:attr:`JoinKey.row_wise`).
    """

    def __init__(self, runner: ScanRunner, scan: Scan, binding: Binding, source: Scan,
                 source_reader: ResponseReader, reader: ResponseReader) -> None:
        self.runner, self.scan, self.binding, self.source = runner, scan, binding, source
        self.source_reader, self.reader = source_reader, reader
        f = binding.filter
        self.per = 1 if f.path_param or "in" not in f.ops else max(f.max_values, 1)
        self.sources_open = 0
        #: the task group of the stage (set when fetching starts), and the requests sent into it
        self.group: TaskGroup | None = None
        self.sent: list[tuple[Request, Future]] = []
        self._seen: set = set()
        self._keys: list = []
        self._lock = threading.Lock()

    def offer(self, piece: Any) -> tuple[Future, Any]:
        """Take one page or body of the source on another thread, so the source's next page
        is not held up (see :meth:`source_done` for the result)."""
        return self.group.submit(self.piece, piece), piece  # type: ignore[union-attr]

    def piece(self, piece: Any) -> pa.Table:
        """One page or body of the source, read at once (source pieces are then Arrow tables)."""
        with self._lock:  # pages of several source requests may arrive together
            table = piece if isinstance(piece, pa.Table) else self.runner.read_counted(self.source, self.source_reader, [piece])
            with self.runner.keys_lock:  # keys run on the connection's DuckDB, one thread at a time
                keys = self.binding.filter.allowed(self.runner.keys(self.binding.source, self.source, table))
            for k in keys:
                if k not in self._seen:
                    self._seen.add(k)
                    self._keys.append(k)
            self._send(whole_chunks_only=True)
            return table

    def source_done(self, offered: list[tuple[Future, Any]]) -> list[pa.Table]:
        """One source request is over: its pieces as Arrow tables, and once every source
        request is over, the last chunk of keys is sent. A piece no thread has taken yet
        is taken here (with MaxConcurrency 1 the source's own thread is the only one)."""
        tables = [self.piece(piece) if future.cancel() else future.result() for future, piece in offered]
        with self._lock:
            self.sources_open -= 1
            if self.sources_open == 0:
                self._send(whole_chunks_only=False)
        return tables

    def _send(self, whole_chunks_only: bool) -> None:
        while len(self._keys) >= self.per or (self._keys and not whole_chunks_only):
            chunk, self._keys = self._keys[: self.per], self._keys[self.per :]
            for req in self.runner.requests(self.scan, {}, self.reader, keys={self.binding.filter.column: chunk}):
                req.read_early = True
                self.sent.append((req, self.group.submit(self.runner.fetch, req)))  # type: ignore[union-attr]


@dataclass
class ScanRunner:
    client: Any
    catalog: Catalog
    memo: ParentMemo
    #: (the semi-join key, the source scan, its Arrow table) → distinct key values
    keys: Callable[[JoinKey, Scan, pa.Table], list]
    #: the connection's DuckDB: responses are parsed on cursors of it
    duck: Any
    #: held while ``keys`` runs on worker threads (followers of different sources)
    keys_lock: threading.Lock = field(default_factory=threading.Lock)

    # -- public -------------------------------------------------------------

    def run(self, scans: list[Scan]) -> dict[str, pa.Table]:
        done: dict[str, pa.Table] = {}
        by_id = {s.ref.id: s for s in scans}
        pending = list(scans)
        while pending:
            ready = [s for s in pending if all(d in done for d in s.depends_on)]
            if not ready:
                raise InternalError("the scans depend on each other in a cycle")
            pending = [s for s in pending if s not in ready]
            readers = {s.ref.id: self.reader(s) for s in ready}
            requests: list[Request] = []
            for s in ready:
                if s.empty:
                    continue
                mine = self.requests(s, {d: (by_id[d], done[d]) for d in s.depends_on}, readers[s.ref.id])
                for r in mine:
                    r.batch = len(mine)
                requests.extend(mine)
            followers = self._followers(ready, pending, requests, readers)
            pending = [s for s in pending if s.ref.id not in {f.scan.ref.id for f in followers}]
            stage = ready + [f.scan for f in followers]
            pieces: dict[str, list] = {s.ref.id: [] for s in stage}
            for req, parts in self._fetch_all(requests):
                pieces[req.scan.ref.id].extend(parts)
            for s in stage:
                done[s.ref.id] = self._table(s, readers[s.ref.id], pieces[s.ref.id])
        return done

    def _followers(self, ready: list[Scan], pending: list[Scan], requests: list[Request],
                   readers: dict[str, ResponseReader]) -> list[Follower]:
        """Pending scans that can be fed page by page by a scan of this stage (one per source)."""
        out: list[Follower] = []
        for s in pending:
            semis = [b for b in s.bindings if b.kind == "semijoin"]
            if s.empty or s.limit is not None or len(s.depends_on) != 1 or len(semis) != 1 or not semis[0].source.row_wise:
                continue
            source = next((r for r in ready if r.ref.id == s.depends_on[0]), None)
            if source is None or source.limit is not None:
                continue
            feeding = [r for r in requests if r.scan is source]
            if not feeding or any(r.follower is not None for r in feeding):
                continue
            follower = Follower(self, s, semis[0], source, readers[source.ref.id], self.reader(s))
            follower.sources_open = len(feeding)
            for r in feeding:
                r.follower = follower
            readers[s.ref.id] = follower.reader
            out.append(follower)
        return out

    def _table(self, scan: Scan, reader: ResponseReader, parts: list) -> pa.Table:
        """One scan's Arrow table from its requests' pieces: Arrow tables, and raw pages read here in one go."""
        raw = [p for p in parts if isinstance(p, RawPage)]
        tables = [p for p in parts if not isinstance(p, RawPage)]
        if raw:
            tables.append(self.read_counted(scan, reader, raw))
        tables = [t for t in tables if t.num_rows] or [reader.schema.empty_table()]
        return pa.concat_tables(tables) if len(tables) > 1 else tables[0]

    def read_counted(self, scan: Scan, reader: ResponseReader, pages: list[RawPage]) -> pa.Table:
        """``reader.read(pages)``; the rows of pages the client could not count while paging are counted now."""
        late = [p for p in pages if p.count is None] if scan.endpoint.shape == "paged" else []
        table = reader.read(pages)
        if late:
            self.client.counters.add("rows", sum(p.count or 0 for p in late))
        return table

    def _fetch_all(self, requests: list[Request]) -> list[tuple[Request, list]]:
        """Run requests in parallel; a LIMITed fan-out stops starting requests once it has enough rows."""
        free = [r for r in requests if r.scan.limit is None]
        limited: dict[str, list[Request]] = {}
        for r in requests:
            if r.scan.limit is not None:
                limited.setdefault(r.scan.ref.id, []).append(r)
        for key in [k for k, v in limited.items() if len(v) == 1]:
            free.extend(limited.pop(key))  # a single request already stops paging at the limit
        out = self._fetch_free(free) if free else []
        batch = max(1, int(getattr(getattr(self.client, "props", None), "max_concurrency", 4) or 4))
        for reqs in limited.values():
            need = reqs[0].scan.limit or 0
            got = 0
            for i in range(0, len(reqs), batch):
                chunk = reqs[i : i + batch]
                results = self.client.parallel_map(self.fetch, chunk)
                out.extend(zip(chunk, results))
                got += sum(len(p) for r in results for p in r)
                if got >= need:
                    break
        return out

    def _fetch_free(self, requests: list[Request]) -> list[tuple[Request, list]]:
        """All requests at once on the client's threads; followers add theirs as keys arrive."""
        followers = {id(r.follower): r.follower for r in requests if r.follower is not None}
        if not followers:
            return list(zip(requests, self.client.parallel_map(self.fetch, requests)))
        with self.client.tasks() as group:
            for f in followers.values():
                f.group = group
            futures = [(r, group.submit(self.fetch, r)) for r in requests]
            group.wait()
        sent = [pair for f in followers.values() for pair in f.sent]
        return [(r, f.result()) for r, f in futures + sent]

    # -- requests -----------------------------------------------------------

    def _binding_values(self, b: Binding, context: dict[str, Any], deps: dict[str, tuple[Scan, pa.Table]],
                        keys: dict[str, list] | None = None) -> list:
        if b.kind == "semijoin" and keys is not None and b.filter.column in keys:
            return keys[b.filter.column]  # a follower's chunk, already checked with allowed()
        if b.kind == "values":
            return list(b.values)
        if b.kind == "default":
            return list(b.values)
        if b.kind == "connection":
            return [self.client.default_ad_account_id()]
        if b.kind == "parent":
            table, column = b.parent
            return b.filter.allowed(self.parent_values(table, column, context))
        if b.kind == "semijoin":
            src_scan, src_table = deps[b.source.other]
            # keys the API would reject (a non-numeric id) match no row: never send them
            return b.filter.allowed(self.keys(b.source, src_scan, src_table))
        raise InternalError(f"binding kind {b.kind} has no values")

    def reader(self, scan: Scan) -> ResponseReader:
        window = next((b.filter.column for b in scan.bindings if b.kind == "range"), None)
        if window is not None and scan.table.column(window).path is None:
            window = None
        return ResponseReader(scan.table, scan.endpoint, [scan.table.column(c) for c in scan.columns], self.duck,
                              needed=scan.needed, window_column=window)

    def requests(self, scan: Scan, deps: dict[str, tuple[Scan, pa.Table]], reader: ResponseReader,
                 keys: dict[str, list] | None = None) -> list[Request]:
        """The scan's API requests; ``keys``: semi-join values given by column (a follower's chunk)."""
        e = scan.endpoint
        path_bindings = [b for b in scan.bindings if b.filter.path_param]
        query_bindings = [b for b in scan.bindings if not b.filter.path_param and b.kind != "range"]
        range_bindings = [b for b in scan.bindings if b.kind == "range"]
        path_lists = []
        for b in path_bindings:
            vals = self._binding_values(b, {}, deps, keys)
            path_lists.append([(b, v) for v in dict.fromkeys(vals)])
        out: list[Request] = []
        for combo in itertools.product(*path_lists):
            context = {b.filter.column: v for b, v in combo}
            path = e.path
            info: dict[str, Any] = {}
            for b, v in combo:
                path = path.replace("{" + b.filter.path_param + "}", quote(str(v), safe=""))
                info[b.filter.path_param] = v
            chunk_lists = []
            for b in query_bindings:
                vals = list(dict.fromkeys(self._binding_values(b, context, deps, keys)))
                if not vals:
                    chunk_lists = None
                    break
                f = b.filter
                per = max(f.max_values, 1) if "in" in f.ops else 1
                chunks = [vals[i : i + per] for i in range(0, len(vals), per)]
                chunk_lists.append([(b, c) for c in chunks])
            if chunk_lists is None:
                continue  # a list of keys is empty: nothing to ask for
            windows = [[(b, w) for w in b.windows] for b in range_bindings]
            for qcombo in itertools.product(*chunk_lists, *windows):
                params: dict[str, Any] = {}
                rinfo = dict(info)
                start = None
                for b, chunk in qcombo:
                    f = b.filter
                    if b.kind == "range":
                        s, t = chunk
                        params[f.start_param] = s.isoformat()
                        params[f.end_param] = t.isoformat()
                        rinfo[f.start_param], rinfo[f.end_param] = params[f.start_param], params[f.end_param]
                        start = params[f.start_param]
                        continue
                    if "in" in f.ops:
                        params[f.param] = ",".join(map(str, chunk)) if f.style == "csv" else list(chunk)
                    else:
                        params[f.param] = chunk[0]
                    if len(chunk) == 1:
                        rinfo[f.param] = chunk[0]
                for k, v in e.defaults.items():
                    params.setdefault(k, v)
                if e.metrics_param and scan.metrics:
                    params[e.metrics_param] = ",".join(scan.metrics)
                if scan.order is not None and e.order is not None:
                    params[e.order.param] = e.order.desc if scan.order[1] else e.order.asc
                page_size = None
                if e.shape == "paged" and scan.limit is not None:
                    page_size = max(1, min(scan.limit, e.page_size_max))
                elif e.shape == "paged" and e.page_size_max < 250:
                    page_size = e.page_size_max
                out.append(Request(scan, path, params, rinfo, reader, start, page_size, scan.limit))
        return out

    def parent_values(self, table_name: str, column: str, context: dict[str, Any]) -> list:
        """Distinct values of ``table_name.column`` (the fan-out list), memoised."""
        table = self.catalog.table(table_name)
        ctx = {k: v for k, v in context.items() if k in table.column_map}
        key = (table_name, column, tuple(sorted((k, str(v)) for k, v in ctx.items())))
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        ref = TableRef(id=f"__pinsql_parent_{table_name}", table=table, alias=table_name, node=None)  # type: ignore[arg-type]
        info = RefInfo(ref=ref, constraints={k: Constraint(values=frozenset([v])) for k, v in ctx.items()}, columns={column})
        scan = choose_access(info)
        result = self.run([scan])[ref.id]
        values = [v for v in dict.fromkeys(result.column(column).to_pylist()) if v is not None]
        self.memo.put(key, values)
        return values

    # -- one request ----------------------------------------------------------

    def fetch(self, req: Request) -> list:
        """One request's pieces: raw pages (read later with the scan's others), or Arrow tables."""
        e = req.scan.endpoint
        category = e.rate_limit_category
        decode = req.reader.decoder(req.info, req.window_start, immediate=req.max_rows is not None,
                                    early=req.read_early, batch=req.batch)
        feed = req.follower.offer if req.follower is not None else (lambda piece: piece)
        if e.shape == "paged":
            pages: list = []
            got = 0
            for page in self.client.paginate(req.path, req.params, category=category, page_size=req.page_size,
                                             max_rows=req.max_rows, decode=decode):
                pages.append(feed(page))
                got += len(page)
                if req.max_rows is not None and got >= req.max_rows:
                    break
        else:
            try:
                pages = [feed(self.client.get(req.path, req.params, category=category, decode=decode))]
            except ApiProgrammingError as err:
                if not (err.status == 404 and e.shape == "object"
                        and any(b.kind == "values" for b in req.scan.bindings if b.filter.path_param)):
                    raise
                pages = []  # get-by-id of an id that does not exist: no row
        return req.follower.source_done(pages) if req.follower is not None else pages


__all__ = ["ParentMemo", "Request", "ScanRunner"]
