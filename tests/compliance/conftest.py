"""PEP 249 / SQLAlchemy conformance suites.

``sqla/`` holds SQLAlchemy's bundled dialect suite, which needs its own pytest
plugin and configuration: it is not collected by the main run, which runs it in
a child process instead (test_sqlalchemy_suite.py). Run it alone with
``cd tests/compliance/sqla && python -m pytest`` (see its README.md).
"""

collect_ignore = ["sqla"]
