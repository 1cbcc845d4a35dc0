"""SQLAlchemy's dialect compliance suite for pinterest:// (run from this directory).

Starts a tiny pinsql emulator for the connection (the suite only writes to
session-local tables, but connections authenticate) and points the suite's
``--dburi`` at it, unless one was given.
"""

from __future__ import annotations

from sqlalchemy.dialects import registry

registry.register("pinterest.suite", "suite_dialect", "SuiteDialect")

from sqlalchemy.testing.plugin import pytestplugin as _sqla_plugin  # noqa: E402
from sqlalchemy.testing.plugin.pytestplugin import *  # noqa: E402,F401,F403

_emulator = None


def pytest_configure(config):
    global _emulator
    if not config.option.dburi:
        from pinsql.dialect.url import make_url
        from pinsql.emulator import Emulator

        _emulator = Emulator(seed=7, size="tiny").start()
        props = _emulator.connection_properties()
        url = make_url(BaseURL=props["BaseURL"], OAuthAccessToken=props["OAuthAccessToken"])
        config.option.dburi = [url.set(drivername="pinterest+suite").render_as_string(hide_password=False)]
    _sqla_plugin.pytest_configure(config)


def pytest_unconfigure(config):
    if _emulator is not None:
        _emulator.stop()
    hook = getattr(_sqla_plugin, "pytest_unconfigure", None)
    if hook is not None:
        hook(config)


from sqlalchemy.testing.provision import temp_table_keyword_args  # noqa: E402


@temp_table_keyword_args.for_db("pinterest")
def _temp_table_keyword_args(cfg, eng):
    return {"prefixes": ["TEMPORARY"]}
