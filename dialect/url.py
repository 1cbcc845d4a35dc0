"""``pinterest://`` URLs: building them, and turning them into ``pinsql.connect`` arguments.

Every connection property (``pinsql.properties``), and ``Connection=NAME`` for
a connection saved with ``pinsql connection add``, may be given in the URL's
query string or through ``create_engine(..., connect_args={...})``; the second
keeps secrets out of URLs, which BI tools display and log. Names are
case-insensitive; when a property arrives both ways, ``connect_args`` wins.

SQLAlchemy has already percent-decoded the query values: they are passed on
as they are and never decoded again (a ``+`` in a secret stays a ``+``).
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

from sqlalchemy.engine import URL

from pinsql.catalog import suggest
from pinsql.exceptions import InterfaceError
from pinsql.properties import describe_properties, property_key

DRIVERNAME = "pinterest"


@functools.lru_cache(maxsize=1)
def _canonical_names() -> dict[str, str]:
    """Lookup key -> official property name, for ``OAuthClientId`` and ``oauth_client_id`` alike."""
    names: dict[str, str] = {}
    for row in describe_properties():
        names[property_key(row["name"])] = row["name"]
        names[property_key(row["attribute"])] = row["name"]
    return names


def canonical_property_name(name: str) -> str:
    """The official spelling of a property name; InterfaceError for an unknown one."""
    if property_key(name) == NAMED_CONNECTION:
        return NAMED_CONNECTION
    names = _canonical_names()
    found = names.get(property_key(name))
    if found is None:
        official = sorted(set(names.values()))
        raise InterfaceError(
            f"Unknown connection property {name!r} in the pinterest:// URL or connect_args"
            f"{suggest(name, official)}. Known properties: {', '.join(official)}"
        )
    return found


#: ``?Connection=NAME`` starts from a connection saved with ``pinsql connection add``.
NAMED_CONNECTION = "connection"

#: ``pinsql.connect`` keywords that are objects, not connection properties
#: (a ready API client, a catalog): passed through from connect_args untouched.
OBJECT_ARGUMENTS = ("client", "catalog")


def normalize_properties(*sources: Mapping[str, Any]) -> dict[str, Any]:
    """Merge property mappings under their official names; later sources win."""
    merged: dict[str, Any] = {}
    for source in sources:
        for name, value in source.items():
            merged[name if name in OBJECT_ARGUMENTS else canonical_property_name(name)] = value
    return merged


def connect_kwargs_from_url(url: URL) -> dict[str, Any]:
    """Keyword arguments for ``pinsql.connect`` from a ``pinterest://`` URL.

    Only the query string carries settings: a host, port, user, password or
    database part would be silently ignored otherwise, so it is refused.
    """
    unused = {
        part: getattr(url, part)
        for part in ("host", "port", "username", "password", "database")
        if getattr(url, part)
    }
    if unused:
        raise InterfaceError(
            f"pinterest:// URLs take settings only in the query string, not a {' or '.join(unused)} part: "
            "write pinterest://?AdAccountId=...&OAuthClientId=... and pass secrets through connect_args "
            "(or use pinsql.dialect.url.make_url)."
        )
    query: dict[str, Any] = {}
    for name, value in url.query.items():
        if isinstance(value, tuple):
            raise InterfaceError(f"Connection property {name!r} is given {len(value)} times in the URL; give it once.")
        query[name] = value
    return normalize_properties(query)


def make_url(**properties: Any) -> URL:
    """A ``pinterest://`` URL for the given connection properties.

    Values are percent-encoded by SQLAlchemy, so tokens need no hand-encoding.
    Prefer ``connect_args`` for secrets (OAuthClientSecret, OAuthAccessToken,
    OAuthRefreshToken): a URL ends up in logs and BI tool screens.

    >>> str(make_url(AdAccountId="123", PageSize=100))
    'pinterest://?AdAccountId=123&PageSize=100'
    """
    query = {name: _as_text(value) for name, value in normalize_properties(properties).items() if value is not None}
    return URL.create(DRIVERNAME, query=query)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
