"""SQLAlchemy dialect ``pinterest://`` and Apache Superset engine spec for pinsql.

Entry points: ``pinsql.dialect.base:PinterestDialect`` (``sqlalchemy.dialects``)
and ``pinsql.dialect.superset:PinterestEngineSpec`` (``superset.db_engine_specs``).

Connecting: every pinsql connection property (names are case-insensitive)
goes in the URL's query string or in ``connect_args``; keep secrets in the
latter, which wins when both name a property::

    from sqlalchemy import create_engine
    from pinsql.dialect import make_url

    engine = create_engine(
        make_url(AdAccountId="549755885175", PageSize=250),   # pinterest://?AdAccountId=...&PageSize=250
        connect_args={"OAuthAccessToken": token},
    )

Reflection answers from the static catalog without calling the API: one schema,
``pinterest`` (also the default), with every catalog table, its columns, primary
key, foreign keys (child -> parent) and descriptions as comments. Tables the
session creates (``CREATE TEMP TABLE``, pandas' ``to_sql``) are listed too.

pandas: ``pd.read_sql("campaigns", engine)``, ``pd.read_sql(sql, engine, params=(...,), chunksize=n)``;
polars: ``pl.read_database(sql, connection=engine)``; jupysql: ``%sql pinterest://?...``.
In Superset, put the token in the database's Secure Extra as
``{"connect_args": {"OAuthAccessToken": "..."}}``.
"""

from .url import make_url

__all__ = ["make_url"]
