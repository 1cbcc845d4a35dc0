"""The pinterest dialect as SQLAlchemy's compliance suite needs it: one shared connection.

pinsql's writable tables are session-local (they live in the connection's
DuckDB), while the suite creates tables on one checked-out connection and
reads them on another. A StaticPool hands every checkout the same DB-API
connection; nothing else differs from ``pinsql.dialect.base.PinterestDialect``.
"""

from __future__ import annotations

from sqlalchemy import pool

from pinsql.dialect.base import PinterestDialect


class SuiteDialect(PinterestDialect):
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url):
        return pool.StaticPool
