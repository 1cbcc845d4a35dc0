"""SQLAlchemy dialect for pinsql (installed as pinsql.dialect)."""
