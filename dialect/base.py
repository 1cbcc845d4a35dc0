"""The SQLAlchemy dialect ``pinterest://`` (entry point ``pinsql.dialect.base:PinterestDialect``).

The dialect translates and nothing more: URLs into ``pinsql.connect``
arguments (``url.py``), SQLAlchemy constructs into SQL pinsql reads
(``compiler.py``), catalog types into SQLAlchemy types (``types.py``), and
reflection into answers from the static catalog (``reflection.py``), which
never call the API. Works with SQLAlchemy 1.4 and 2.x.

Schemas: the catalog's tables form one schema, ``pinterest``, which is also
the default schema, so ``Table("campaigns", md)`` and
``Table("campaigns", md, schema="pinterest")`` name the same table. Tables
the session created (``CREATE [TEMP] TABLE``, kept in the connection's DuckDB)
are listed after the catalog's in the default schema and as temp tables;
finding them runs pinsql's local ``SHOW TABLES``/``DESCRIBE``, never the API.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import exc
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import default, reflection

from . import reflection as catalog_reflection
from .compiler import (
    PinterestCompiler,
    PinterestDDLCompiler,
    PinterestIdentifierPreparer,
    PinterestTypeCompiler,
)
from .types import JSON, DateTime, JSONIndexType, JSONPathType, Numeric, ischema_names, type_from_name
from .url import connect_kwargs_from_url, normalize_properties

#: The single schema of the catalog's tables; pinsql resolves ``pinterest.campaigns``
#: and ``campaigns`` alike.
CATALOG_SCHEMA = "pinterest"

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,127}$")


class PinterestDialect(default.DefaultDialect):
    """SQLAlchemy dialect for pinsql: ``create_engine("pinterest://?AdAccountId=...")``."""

    name = "pinterest"
    driver = "pinsql"

    # SQLAlchemy looks this up in each class's own __dict__: keep it on every subclass.
    supports_statement_cache = True

    statement_compiler = PinterestCompiler
    ddl_compiler = PinterestDDLCompiler
    type_compiler = PinterestTypeCompiler
    preparer = PinterestIdentifierPreparer
    ischema_names = ischema_names
    # Result handling where pinsql's values differ from SQLAlchemy's defaults (types.py).
    # Float maps to itself so that it is not adapted to Numeric, its base class.
    colspecs = {
        sqltypes.JSON: JSON,
        sqltypes.JSON.JSONIndexType: JSONIndexType,
        sqltypes.JSON.JSONPathType: JSONPathType,
        sqltypes.DateTime: DateTime,
        sqltypes.Numeric: Numeric,
        sqltypes.Float: sqltypes.Float,
    }

    default_paramstyle = "qmark"
    positional = True
    supports_native_boolean = True
    supports_native_decimal = True
    supports_native_enum = False
    supports_alter = False
    supports_sequences = False
    supports_comments = True
    inline_comments = False
    supports_default_values = False
    supports_empty_insert = False
    supports_multivalues_insert = True
    supports_is_distinct_from = True
    supports_simple_order_by_label = True
    supports_sane_rowcount = False
    supports_sane_multi_rowcount = False
    postfetch_lastrowid = False
    implicit_returning = False
    full_returning = False
    insert_returning = False
    update_returning = False
    delete_returning = False
    div_is_floordiv = False
    max_identifier_length = 128
    # SQLAlchemy 1.4 would otherwise probe the server with test queries on first connect.
    returns_unicode_strings = getattr(sqltypes.String, "RETURNS_UNICODE", True)
    description_encoding = None
    supports_unicode_statements = True
    supports_unicode_binds = True

    # ------------------------------------------------------------------
    # DB-API module and connections

    @classmethod
    def import_dbapi(cls) -> Any:  # SQLAlchemy 2.x
        import pinsql

        return pinsql

    @classmethod
    def dbapi(cls) -> Any:  # SQLAlchemy 1.4 (2.x reads import_dbapi and sets .dbapi itself)
        return cls.import_dbapi()

    def create_connect_args(self, url: Any) -> tuple[list[Any], dict[str, Any]]:
        return [], connect_kwargs_from_url(url)

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        # cparams holds the URL's properties followed by connect_args; merge
        # them case-insensitively so connect_args wins over the URL.
        # self.dbapi is the module on 1.4 and 2.x alike once an engine made the dialect.
        return self.dbapi.connect(*cargs, **normalize_properties(cparams))

    def do_ping(self, dbapi_connection: Any) -> bool:
        """A real check that the credentials work (powers Superset's "Test connection").

        ``Connection.test()`` makes one cheap authenticated call (``GET
        /user_account``, which every role may read); a rejected token raises
        OperationalError with pinsql's explanation. ``SELECT 1`` would never
        reach the API and so could not tell a wrong token from a right one.
        """
        result = dbapi_connection.test()
        if not result.authenticated:
            from pinsql.exceptions import OperationalError

            raise OperationalError(f"Connection test failed: {result.reason}")
        return True

    def do_begin(self, dbapi_connection: Any) -> None:
        pass

    def do_commit(self, dbapi_connection: Any) -> None:
        pass  # nothing to commit: Pinterest tables are read-only and session tables autocommit

    def do_rollback(self, dbapi_connection: Any) -> None:
        pass

    def is_disconnect(self, e: Any, connection: Any, cursor: Any) -> bool:
        return False  # HTTP: no long-lived server connection to lose

    def get_isolation_level(self, dbapi_connection: Any) -> str:
        return "AUTOCOMMIT"

    def get_default_isolation_level(self, dbapi_conn: Any) -> str:
        return "AUTOCOMMIT"

    def _get_server_version_info(self, connection: Any) -> tuple[int, ...]:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return tuple(int(p) for p in re.findall(r"\d+", version("pinsql"))[:3])
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return ()

    def _get_default_schema_name(self, connection: Any) -> str:
        return CATALOG_SCHEMA

    # ------------------------------------------------------------------
    # Reflection: the catalog answers, no API call

    def _in_catalog_schema(self, schema: str | None) -> bool:
        return schema is None or schema.lower() == CATALOG_SCHEMA

    def _catalog_table(self, table_name: str, schema: str | None) -> Any:
        if not self._in_catalog_schema(schema):
            return None
        return catalog_reflection.find_table(table_name)

    def _require_table(self, connection: Any, table_name: str, schema: str | None) -> Any:
        """The catalog table, or None for a table the session created; else NoSuchTableError."""
        table = self._catalog_table(table_name, schema)
        if table is None and not (schema is None and self._is_session_table(connection, table_name)):
            raise exc.NoSuchTableError(f"{schema}.{table_name}" if schema else table_name)
        return table

    # Methods under @reflection.cache carry no annotations: SQLAlchemy 1.4's
    # decorator re-renders the signature and breaks on postponed annotations.
    @reflection.cache
    def get_schema_names(self, connection, **kw):
        return [CATALOG_SCHEMA]

    def has_schema(self, connection: Any, schema_name: str, **kw: Any) -> bool:
        return schema_name.lower() == CATALOG_SCHEMA

    @reflection.cache
    def get_table_names(self, connection, schema=None, **kw):
        if not self._in_catalog_schema(schema):
            return []
        # The catalog, plus the session's own tables: they are read by the same
        # unqualified names (pandas' read_sql(table) and MetaData.reflect need them).
        local = [n for n in self._session_table_names(connection) if catalog_reflection.find_table(n) is None]
        return catalog_reflection.table_names() + sorted(local)

    def get_view_names(self, connection: Any, schema: str | None = None, **kw: Any) -> list[str]:
        return []

    def get_materialized_view_names(self, connection: Any, schema: str | None = None, **kw: Any) -> list[str]:
        return []

    def get_sequence_names(self, connection: Any, schema: str | None = None, **kw: Any) -> list[str]:
        return []

    def has_sequence(self, connection: Any, sequence_name: str, schema: str | None = None, **kw: Any) -> bool:
        return False

    def get_temp_table_names(self, connection, schema=None, **kw):
        # Every session-local table is temporary: it lives in the connection's DuckDB
        # and disappears with the connection, whether created as TEMP or not.
        return self._session_table_names(connection)

    def _session_table_names(self, connection: Any) -> list[str]:
        """Tables created in this connection (pinsql's SHOW TABLES, kind 'local'). No API call."""
        rows = connection.exec_driver_sql("SHOW TABLES").fetchall()
        return [name for name, kind, *_ in rows if kind == "local"]

    def get_temp_view_names(self, connection: Any, schema: str | None = None, **kw: Any) -> list[str]:
        return []

    @reflection.cache
    def has_table(self, connection, table_name, schema=None, **kw):
        # Fast path first: pandas calls this with whole SQL statements.
        if self._catalog_table(table_name, schema) is not None:
            return True
        # Session tables next, but only for names that look like names: never a
        # query for a string such as "SELECT ... FROM campaigns".
        if schema is not None or not isinstance(table_name, str) or not _PLAIN_NAME.match(table_name):
            return False
        return self._is_session_table(connection, table_name)

    def _is_session_table(self, connection: Any, table_name: str) -> bool:
        return table_name.lower() in {n.lower() for n in self._session_table_names(connection)}

    @reflection.cache
    def get_columns(self, connection, table_name, schema=None, **kw):
        table = self._require_table(connection, table_name, schema)
        if table is not None:
            return catalog_reflection.columns(table)
        return self._session_table_columns(connection, table_name)

    def _session_table_columns(self, connection: Any, table_name: str) -> list[dict[str, Any]]:
        # DuckDB's DESCRIBE: column_name, column_type, null, key, default, extra.
        rows = connection.exec_driver_sql(f"DESCRIBE {self.identifier_preparer.quote_identifier(table_name)}")
        return [
            {
                "name": row[0],
                "type": type_from_name(row[1]),
                "nullable": row[2] != "NO",
                "default": row[4],
                "autoincrement": False,
                "comment": None,
            }
            for row in rows
        ]

    @reflection.cache
    def get_pk_constraint(self, connection, table_name, schema=None, **kw):
        table = self._require_table(connection, table_name, schema)
        if table is None:
            return {"name": None, "constrained_columns": []}
        return catalog_reflection.pk_constraint(table)

    @reflection.cache
    def get_foreign_keys(self, connection, table_name, schema=None, **kw):
        table = self._require_table(connection, table_name, schema)
        if table is None:
            return []
        return catalog_reflection.foreign_keys(table, referred_schema=schema)

    def get_indexes(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list[dict[str, Any]]:
        self._require_table(connection, table_name, schema)
        return []

    def get_unique_constraints(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list[dict[str, Any]]:
        self._require_table(connection, table_name, schema)
        return []

    def get_check_constraints(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list[dict[str, Any]]:
        self._require_table(connection, table_name, schema)
        return []

    @reflection.cache
    def get_table_comment(self, connection, table_name, schema=None, **kw):
        table = self._require_table(connection, table_name, schema)
        if table is None:
            return {"text": None}
        return catalog_reflection.table_comment(table)

    def get_view_definition(self, connection: Any, view_name: str, schema: str | None = None, **kw: Any) -> str:
        raise exc.NoSuchTableError(view_name)


dialect = PinterestDialect
