"""One connection's SQL engine: parse, resolve, plan, fetch, run in DuckDB.

Each connection owns an in-memory DuckDB, locked down (no file or network
access, no extension installs, configuration locked) that holds the
session-local tables (``CREATE TEMP TABLE``...) and, for the duration of one
statement, the Arrow tables the scans fetched.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from pinsql.catalog import Catalog, Table, load_catalog, suggest
from pinsql.engine import explain as explain_mod
from pinsql.engine import infoschema, passthrough
from pinsql.engine.inlists import sql_with_list_parameters
from pinsql.engine.params import parse
from pinsql.engine.planner import JoinKey, Scan, plan_statement
from pinsql.engine.reach import reachable_columns
from pinsql.engine.reader import to_arrow
from pinsql.engine.references import CATALOG_SCHEMAS, INTERNAL_PREFIX, TableRef, resolve
from pinsql.engine.scan import ParentMemo, ScanRunner
from pinsql.exceptions import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)

log = logging.getLogger("pinsql.engine")

READ_ONLY = "Pinterest tables are read-only in pinsql for now"

_LOCKDOWN = (
    # Pinterest's days and timestamps are UTC, and the planner folds current_date in UTC.
    # GLOBAL: the cursors that parse responses on worker threads use it too.
    "SET GLOBAL TimeZone = 'UTC'",
    "SET TimeZone = 'UTC'",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
)


@dataclass
class Result:
    """What one statement produced."""

    table: pa.Table | None  # None: the statement returns no rows (DDL/DML)
    rowcount: int = -1
    type_names: list[str] | None = None  # DuckDB's type name per column
    scans: list[Scan] = field(default_factory=list)


def _duck_error(e: Exception, refs: Sequence[TableRef] = ()) -> Error:
    msg = str(e)
    for r in refs:
        msg = msg.replace(r.id, r.table.name)
    msg = re.sub(rf"{INTERNAL_PREFIX}\w+", "<table>", msg)
    msg = msg.replace("Values list ", "Table ")  # how DuckDB names a registered Arrow table
    missing = re.search(r'column named "([^"]+)"|column "([^"]+)" not found', msg)
    if missing and refs:
        msg = re.sub(r"\s*Candidate bindings:.*", "", msg, flags=re.DOTALL)  # ours below name the closest columns
        name = missing.group(1) or missing.group(2)
        columns = sorted({c.name for r in refs for c in r.table.columns})
        msg += suggest(name, columns)
    if isinstance(e, (duckdb.ConversionException, duckdb.OutOfRangeException, duckdb.InvalidInputException)):
        return DataError(msg)
    if isinstance(e, (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException, duckdb.SyntaxException)):
        return ProgrammingError(msg)
    if isinstance(e, duckdb.ConstraintException):
        return IntegrityError(msg)
    if isinstance(e, (duckdb.NotImplementedException,)):
        return NotSupportedError(msg)
    if isinstance(e, duckdb.PermissionException):
        return NotSupportedError(f"{msg} (pinsql's local engine has no file or network access)")
    if isinstance(e, duckdb.InternalException):
        return InternalError(msg)
    if isinstance(e, duckdb.Error):
        return OperationalError(msg) if isinstance(e, duckdb.IOException) else DatabaseError(msg)
    return InternalError(msg)


class Engine:
    """The SQL engine of one connection (not shared between threads: see ``pinsql.threadsafety``)."""

    def __init__(self, client: Any, catalog: Catalog | None = None) -> None:
        self.client = client
        self.catalog = catalog or load_catalog()
        self.memo = ParentMemo()
        self._lock = threading.RLock()
        self.duck = duckdb.connect(":memory:")
        # A new DuckDB has no local table; re-read only after a statement that may create one.
        self._local: dict[str, dict[str, str]] | None = {}
        #: catalog tables with an empty twin in DuckDB, for binding statements before any call
        self._empty: set[str] = set()
        for stmt in _LOCKDOWN:
            try:
                self.duck.execute(stmt)
            except duckdb.Error as e:  # an older DuckDB without one of the settings
                log.debug("DuckDB setting skipped: %s (%s)", stmt, e)

    def close(self) -> None:
        with self._lock:
            self.duck.close()

    # -- session-local tables ---------------------------------------------------

    def local_tables(self) -> dict[str, dict[str, str]]:
        """Session-local tables and views: name → {column: type} (cached until the next non-query statement)."""
        if self._local is None:
            self._local = self._read_local_tables()
        return self._local

    def _read_local_tables(self) -> dict[str, dict[str, str]]:
        names = self.duck.execute(
            "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
        if not any(not n.startswith(INTERNAL_PREFIX) for (n,) in names):
            return {}  # the common case, and much cheaper than reading duckdb_columns()
        rows = self.duck.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal ORDER BY table_name, column_index"
        ).fetchall()
        out: dict[str, dict[str, str]] = {}
        for t, c, ty in rows:
            if t.startswith(INTERNAL_PREFIX):
                continue
            out.setdefault(t.lower(), {})[c] = ty
        return out

    # -- statements ---------------------------------------------------------------

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Result:
        tree, explain = parse(sql, parameters)
        with self._lock:
            return self._execute(tree, explain)

    def _execute(self, tree: exp.Expression, explain: bool) -> Result:
        if not isinstance(tree, (exp.Query, exp.Show, exp.Describe)):
            self._local = None  # DDL (or anything DuckDB runs) may add or drop local tables
            self._empty.clear()  # ... even the empty twins (they are re-made with IF NOT EXISTS)
        try:
            return self._execute_statement(tree, explain)
        finally:
            if not isinstance(tree, (exp.Query, exp.Show, exp.Describe)):
                self._local = None

    def _execute_statement(self, tree: exp.Expression, explain: bool) -> Result:
        if isinstance(tree, exp.Show) and str(tree.name).upper() == "TABLES":
            return self._rows(infoschema.show_tables(self.catalog, list(self.local_tables())))
        local = self.local_tables()
        if isinstance(tree, exp.Describe) and isinstance(tree.this, exp.Table):
            target = tree.this
            name = target.name.lower()
            if name not in local and (target.db or "").lower() in ("", *CATALOG_SCHEMAS) and name in self.catalog:
                return self._rows(infoschema.describe(self.catalog.table(name)))
        skip = self._check_targets(tree, local)
        refs, info_used = resolve(tree, self.catalog, set(local), skip)
        extra = dict(local)
        for name in info_used:
            t = infoschema.tables_table(self.catalog) if name == "tables" else infoschema.columns_table(self.catalog)
            extra[f"{INTERNAL_PREFIX}info_{name}"] = {f.name: "VARCHAR" for f in t.schema}
        query = tree if isinstance(tree, exp.Query) else tree.args.get("expression")
        query = query if isinstance(query, exp.Query) else None
        registered: list[str] = []
        try:
            for name in info_used:
                t = infoschema.tables_table(self.catalog) if name == "tables" else infoschema.columns_table(self.catalog)
                self._register(f"{INTERNAL_PREFIX}info_{name}", t, registered)
            # A plain projection of one table needs no DuckDB statement (see passthrough): its
            # columns were checked against the table, its names and types are known.
            direct = passthrough.projection(tree, refs) if refs and query is tree else None
            if direct is not None:
                sql, params, reach = "", [], None  # made only if DuckDB must run it after all
            else:
                sql, params, reach = self._statement_sql(tree, refs, query)
                if refs and query is not None:
                    # Bind the statement over empty tables first: DuckDB reports unknown
                    # columns and type errors before any API call is made.
                    try:
                        self._bind_empty(sql if query is tree else query.sql("duckdb"), refs, params, reach)
                    except Error:
                        if not params:
                            raise
                        # a list parameter compares differently (text ids against a number column, say)
                        sql, params = tree.sql("duckdb"), []
                        self._bind_empty(sql, refs, params, reach)
            scans = plan_statement(query if query is not None else tree, refs, extra, projection=direct) if refs else []
            if explain:
                return self._rows(explain_mod.explain_table(scans), scans=scans)
            if not scans:
                if direct is not None:
                    sql, params, reach = self._statement_sql(tree, refs, query)
                return self._run(tree, sql, params, refs, scans)
            runner = ScanRunner(self.client, self.catalog, self.memo, self._keys, self.duck)
            tables = runner.run(scans)
            if direct is not None:
                table = passthrough.answer(direct, tables[direct.ref.id])
                if table is not None:
                    return Result(_utc(table), table.num_rows, list(direct.types), scans)
                sql, params, reach = self._statement_sql(tree, refs, query)
            for r in refs:
                self._register_ref(r, _narrowed(tables[r.id], reach), registered)
            try:
                return self._run(tree, sql, params, refs, scans, raw_binder_errors=reach is not None)
            except duckdb.BinderException as e:  # not expected: the statement reached a column it never named
                log.debug("narrowed tables did not bind (%s): registering every column", e)
                for r in refs:
                    self._register_ref(r, tables[r.id], registered)
                return self._run(tree, sql, params, refs, scans)
        finally:
            for name in registered:
                self._unregister(name)

    @staticmethod
    def _statement_sql(tree: exp.Expression, refs: list[TableRef],
                       query: exp.Query | None) -> tuple[str, list, set[str] | None]:
        """The SQL DuckDB runs, its parameters, and the columns it can reach. Generated once:
        planning works on a copy of the tree. Long IN lists become list parameters (the
        pre-call bind checks that DuckDB takes them)."""
        sql, params = sql_with_list_parameters(tree) if refs and query is tree else (tree.sql("duckdb"), [])
        return sql, params, reachable_columns(tree) if query is tree else None

    def _bind_empty(self, query: str, refs: list[TableRef], params: list | None = None,
                    reach: set[str] | None = None) -> None:
        """Bind ``query`` with each reference read from an empty table of its schema (made once per
        connection, with only the ``reach`` columns): DuckDB's errors before any call.

        A twin of all 181 columns of an analytics table costs 5-7 ms to create, its five
        named columns a fraction of that. A statement that fails to bind is bound again over
        whole twins, so its error names what it would name over the whole table."""
        names = {r.id: self._twin(r.table, reach) for r in refs}
        sql = re.sub(rf"\b{INTERNAL_PREFIX}\d+\b", lambda m: names.get(m.group(0), m.group(0)), query)
        try:
            self.duck.sql(sql, params=params or None)
        except duckdb.Error as e:
            if reach is not None:
                self._bind_empty(query, refs, params)
                return
            raise _duck_error(e, refs) from None

    def _twin(self, table: Table, reach: set[str] | None) -> str:
        """The name of an empty table with ``table``'s columns (those in ``reach``, if given)."""
        kept = set(_reached(table.column_names, reach))
        columns = [c for c in table.columns if c.name in kept]
        if len(columns) == len(table.columns):
            name = f"{INTERNAL_PREFIX}empty_{table.name}"
        else:
            digest = hashlib.sha1("\0".join(c.name for c in columns).encode()).hexdigest()[:12]
            name = f"{INTERNAL_PREFIX}empty_{table.name}_{digest}"
        if name not in self._empty:
            cols = ", ".join(f'"{c.name}" {c.type}' for c in columns)
            self.duck.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{name}" ({cols})')
            self._empty.add(name)
        return name

    def _check_targets(self, tree: exp.Expression, local: dict) -> set[int]:
        """Refuse writes to Pinterest tables; returns DDL/DML target nodes (not reads)."""
        if not isinstance(tree, (exp.Insert, exp.Update, exp.Delete, exp.Drop, exp.Create, exp.Alter, exp.Merge, exp.TruncateTable)):
            return set()
        targets: list[exp.Table] = []
        node = tree.this
        if isinstance(tree, exp.TruncateTable):
            targets = [t for t in tree.expressions if isinstance(t, exp.Table)]
        elif isinstance(tree, exp.Drop) and tree.args.get("tables"):  # newer sqlglot: DROP TABLE a, b
            targets = [t for t in tree.args["tables"] if isinstance(t, exp.Table)]
        elif isinstance(node, exp.Schema):
            node = node.this
        if isinstance(node, exp.Table):
            targets.append(node)
        # A foreign key's REFERENCES names a table without reading it.
        skip = {id(t) for ref in tree.find_all(exp.Reference) for t in ref.find_all(exp.Table)}
        for t in targets:
            skip.add(id(t))
            name = t.name.lower()
            db = (t.db or "").lower()
            if name in local or db not in ("", *CATALOG_SCHEMAS) or name not in self.catalog:
                continue
            if isinstance(tree, exp.Create):
                kind = str(tree.args.get("kind") or "").upper()
                if kind in ("TABLE", "VIEW"):
                    raise ProgrammingError(f"{t.name!r} is the name of a Pinterest table: choose another name for a local {kind.lower()}")
                continue
            raise NotSupportedError(f"{READ_ONLY}: cannot {type(tree).__name__.upper()} {t.name}")
        return skip

    def _run(self, tree: exp.Expression, sql: str, params: list, refs: list[TableRef], scans: list[Scan],
             raw_binder_errors: bool = False) -> Result:
        try:
            rel = self.duck.sql(sql, params=params or None)
            if rel is None:
                return Result(None, -1, scans=scans)
            if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)) and not tree.args.get("returning"):
                rows = rel.fetchall()
                return Result(None, int(rows[0][0]) if rows and rows[0] else -1, scans=scans)
            if isinstance(tree, (exp.Create, exp.Drop, exp.Alter, exp.TruncateTable)):
                rel.fetchall()
                return Result(None, -1, scans=scans)
            types = [str(t) for t in rel.types]
            table = to_arrow(rel)
        except duckdb.Error as e:
            if raw_binder_errors and isinstance(e, duckdb.BinderException):
                raise  # the caller widens the tables and runs it again
            raise _duck_error(e, refs) from None
        table, types = _narrow_hugeint(table, types)
        return Result(_utc(table), table.num_rows, types, scans)

    def _rows(self, table: pa.Table, scans: list[Scan] | None = None) -> Result:
        return Result(table, table.num_rows, None, scans or [])

    # -- registration ---------------------------------------------------------------

    def _register(self, name: str, table: pa.Table, registered: list[str]) -> None:
        self._unregister(name)
        self.duck.register(name, table)
        registered.append(name)

    def _register_ref(self, ref: TableRef, table: pa.Table, registered: list[str]) -> None:
        # JSON columns carry the arrow.json extension name (see convert.arrow_schema): DuckDB reads them as JSON.
        self._register(ref.id, table, registered)

    def _unregister(self, name: str) -> None:
        try:
            self.duck.unregister(name)
        except duckdb.Error:
            pass

    def _keys(self, key: JoinKey, scan: Scan, table: pa.Table) -> list:
        """Semi-join keys from a finished scan: what its subquery yields, else the distinct
        values of the key column among its rows that pass its own WHERE conjuncts."""
        fast = passthrough.key_values(key, scan, table)
        if fast is not None:
            return fast
        if key.query is not None:
            registered: list[str] = []
            try:
                # The source is registered again with its real rows after all scans ran; here only
                # with the columns the key query names (a page at a time for a follower).
                self._register_ref(scan.ref, _narrowed(table, key.query_columns), registered)
                rows = self.duck.execute(key.query).fetchall()
                return [r[0] for r in dict.fromkeys(rows) if r[0] is not None]
            except duckdb.Error as e:  # keep the broader keys below; the query itself reports real errors
                log.debug("semi-join key query failed, using every key: %s", e)
            finally:
                for n in registered:
                    self._unregister(n)
        name = f"{INTERNAL_PREFIX}keys"
        alias = exp.to_identifier(scan.ref.alias).sql("duckdb")
        conds = [c.sql("duckdb") for c in scan.local_conjuncts]
        where = (" WHERE " + " AND ".join(f"({c})" for c in conds)) if conds else ""
        col = exp.to_identifier(key.other_column).sql("duckdb")
        registered = []
        try:
            self._register(name, table, registered)
            try:
                rows = self.duck.execute(f"SELECT DISTINCT {alias}.{col} FROM {name} AS {alias}{where}").fetchall()
            except duckdb.Error as e:  # a conjunct DuckDB cannot evaluate over raw text: use every key
                log.debug("semi-join key filter skipped: %s", e)
                rows = self.duck.execute(f"SELECT DISTINCT {col} FROM {name}").fetchall()
        finally:
            for n in registered:
                self._unregister(n)
        return [r[0] for r in rows if r[0] is not None]


def _reached(names: Sequence[str], reach: set[str] | None) -> list[str]:
    """The ``names`` a statement can name (see :mod:`pinsql.engine.reach`); at least one, for count(*)."""
    if reach is None:
        return list(names)
    return [n for n in names if n.lower() in reach] or list(names[:1])


def _narrowed(table: pa.Table, reach: set[str] | None) -> pa.Table:
    """Only the columns the statement can name."""
    keep = _reached(table.column_names, reach)
    return table if len(keep) == table.num_columns else table.select(keep)


def _narrow_hugeint(table: pa.Table, types: list[str]) -> tuple[pa.Table, list[str]]:
    """SUM over BIGINT is HUGEINT in DuckDB (Decimal in Python): make it BIGINT when every value fits."""
    for i, t in enumerate(types):
        if t.upper() != "HUGEINT":
            continue
        try:
            col = table.column(i).cast(pa.int64())  # safe cast: fails on overflow
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        table = table.set_column(i, pa.field(table.schema.field(i).name, pa.int64()), col)
        types = types[:i] + ["BIGINT"] + types[i + 1 :]
    return table, types


def _utc(table: pa.Table) -> pa.Table:
    """Label naive timestamps as UTC (every Pinterest timestamp is UTC). Column by column: a cast
    of the whole table casts every column (0.7 ms for 31 columns) to relabel two or three."""
    for i, f in enumerate(table.schema):
        if pa.types.is_timestamp(f.type) and f.type.tz is None:
            utc = pa.timestamp(f.type.unit, tz="UTC")
            table = table.set_column(i, pa.field(f.name, utc, f.nullable, f.metadata), table.column(i).cast(utc))
    return table


__all__ = ["READ_ONLY", "Engine", "Result"]
