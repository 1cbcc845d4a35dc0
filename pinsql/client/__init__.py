"""HTTP client for the Pinterest API v5: session, OAuth, rate limits, retries, paging, counters."""

from pinsql.client.api import ApiClient
from pinsql.client.connection_test import ConnectionTestResult, test_connection
from pinsql.client.counters import Counters
from pinsql.client.errors import ApiDataError
from pinsql.client.ratelimit import RateLimiter, TokenBucket

__all__ = [
    "ApiClient",
    "ApiDataError",
    "ConnectionTestResult",
    "Counters",
    "RateLimiter",
    "TokenBucket",
    "test_connection",
]
