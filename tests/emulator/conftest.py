"""Fixtures for the emulator tests: one shared small emulator and an authenticated HTTP session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from pinsql.emulator import Emulator

ALL_STATUSES = "ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT"


class Api:
    """A requests session bound to an emulator, with paging helpers."""

    def __init__(self, emu: Emulator, token: str | None = None) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token or emu.access_token}"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(self.emu.url + path, params=params, timeout=10)

    def ok(self, path: str, **params: Any) -> Any:
        r = self.get(path, **params)
        assert r.status_code == 200, (r.status_code, r.text)
        return r.json()

    def error(self, path: str, status: int = 400, **params: Any) -> dict[str, Any]:
        r = self.get(path, **params)
        assert r.status_code == status, (r.status_code, r.text)
        body = r.json()
        assert isinstance(body["code"], int) and isinstance(body["message"], str)
        return body

    def pages(self, path: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
        """Every page of a bookmark-paged list, re-sending the filters with each bookmark."""
        bookmark = None
        seen = set()
        while True:
            query = dict(params)
            if bookmark:
                query["bookmark"] = bookmark
            body = self.ok(path, **query)
            assert set(body) == {"items", "bookmark"}
            yield body["items"]
            bookmark = body["bookmark"]
            if bookmark is None:
                return
            assert bookmark not in seen, "bookmark repeated"
            seen.add(bookmark)

    def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        return [item for page in self.pages(path, **params) for item in page]

    def close(self) -> None:
        self.session.close()


@pytest.fixture(scope="session")
def emu() -> Iterator[Emulator]:
    with Emulator(seed=7, size="small") as e:
        yield e


@pytest.fixture(scope="session")
def api(emu: Emulator) -> Iterator[Api]:
    a = Api(emu)
    yield a
    a.close()


@pytest.fixture()
def fresh_emu() -> Iterator[Emulator]:
    """A private tiny emulator for tests that change faults, limits or tokens."""
    with Emulator(seed=11, size="tiny") as e:
        yield e


@pytest.fixture()
def fresh_api(fresh_emu: Emulator) -> Iterator[Api]:
    a = Api(fresh_emu)
    yield a
    a.close()


@pytest.fixture()
def make_api() -> Iterator[Callable[..., Api]]:
    """``make_api(emu, token=None)``: another session, e.g. with a different token."""
    made: list[Api] = []

    def make(emulator: Emulator, token: str | None = None) -> Api:
        made.append(Api(emulator, token))
        return made[-1]

    yield make
    for a in made:
        a.close()


@pytest.fixture(scope="session")
def all_statuses() -> str:
    return ALL_STATUSES


@pytest.fixture(scope="session")
def aid(emu: Emulator) -> str:
    return emu.data.main_ad_account_id()


@pytest.fixture(scope="session")
def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


@pytest.fixture(scope="session")
def days_ago(today: dt.date) -> Callable[[int], str]:
    return lambda n: (today - dt.timedelta(days=n)).isoformat()
