"""PEP 249 / SQLAlchemy conformance suites.

``sqla/`` holds SQLAlchemy's bundled dialect suite, which needs its own pytest
plugin and configuration: it is not collected by the main run. Run it with
``cd tests/compliance/sqla && python -m pytest`` (see its README.md).
"""

collect_ignore = ["sqla"]
