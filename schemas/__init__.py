"""The data model: one YAML file per table. Loaded by pinsql.catalog."""
