"""A local Pinterest API v5 emulator over real HTTP, for trying pinsql and for every test.

    from pinsql.emulator import Emulator
    with Emulator(seed=7, size="small") as emu:
        emu.url                      # "http://127.0.0.1:PORT/v5"
        emu.connection_properties()  # BaseURL, OAuthAccessToken, OAuthClientId, ...
        emu.data.campaigns(emu.data.main_ad_account_id())   # reference data for tests
        emu.faults.burst_429 = 3     # faults, settable while running
        emu.calls("/ad_accounts")    # requests served under a path

Sizes: "tiny", "small" (default), "medium", "large", plus explicit counts (``pins=500``).
Data is a pure function of the seed; analytics values are pure functions of
(entity id, date, metric, settings) and can be recomputed with ``emu.data.analytics_row``.
Run standalone with ``python -m pinsql.emulator --help``.
"""

from .data import SIZES, Dataset
from .faults import Faults
from .server import Emulator, RequestRecord

__all__ = ["SIZES", "Dataset", "Emulator", "Faults", "RequestRecord"]
