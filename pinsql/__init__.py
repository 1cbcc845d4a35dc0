"""pinsql."""
