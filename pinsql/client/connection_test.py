"""A cheap end-to-end check of a connection: who is signed in, and which ad account is used."""

from __future__ import annotations

from dataclasses import dataclass

from pinsql.client.api import ApiClient
from pinsql.exceptions import Error


@dataclass(frozen=True)
class ConnectionTestResult:
    authenticated: bool
    username: str | None = None
    ad_account_id: str | None = None
    #: Why authentication failed, or what is missing although it succeeded (no ad account).
    reason: str | None = None


def test_connection(client: ApiClient) -> ConnectionTestResult:
    """Call ``GET /user_account`` (works for every role) and resolve the ad account; never raises pinsql errors."""
    try:
        me = client.get("/user_account", category="org_read")
    except Error as exc:
        return ConnectionTestResult(False, reason=str(exc))
    username = me.get("username") if isinstance(me, dict) else None
    try:
        ad_account_id = client.default_ad_account_id()
    except Error as exc:
        return ConnectionTestResult(True, username, None, reason=str(exc))
    return ConnectionTestResult(True, username, ad_account_id)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, despite the name
