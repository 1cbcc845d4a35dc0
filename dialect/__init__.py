"""SQLAlchemy dialect ``pinterest://`` and Apache Superset engine spec for pinsql.

``pinsql.dialect.base:PinterestDialect`` is registered under the
``sqlalchemy.dialects`` entry point; ``pinsql.dialect.superset:PinterestEngineSpec``
under ``superset.db_engine_specs``. Build URLs with :func:`make_url`.
"""

from .url import make_url

__all__ = ["make_url"]
