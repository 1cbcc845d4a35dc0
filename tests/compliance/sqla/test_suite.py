"""Every test class of SQLAlchemy's bundled dialect suite; requirements.py closes what does not apply."""

from sqlalchemy.testing.suite import *  # noqa: F401,F403
