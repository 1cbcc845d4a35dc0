"""Bookmark paging over real HTTP: every item exactly once, page_size bounds, bookmark integrity."""

from __future__ import annotations

import pytest

ALL_STATUSES = "ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT"


def ids(items):
    return [x["id"] for x in items]


def test_campaigns_all_statuses_every_item_once(api, emu, aid):
    pages = list(api.pages(f"/ad_accounts/{aid}/campaigns", page_size=100,
                           entity_statuses=ALL_STATUSES))
    got = ids(x for p in pages for x in p)
    expected = ids(emu.data.campaigns(aid))
    assert len(pages) >= 3  # the small dataset really pages
    assert len(got) == len(set(got))
    assert got == expected
    assert all(len(p) == 100 for p in pages[:-1])


def test_default_page_size_is_25(api, aid):
    body = api.ok(f"/ad_accounts/{aid}/campaigns")
    assert len(body["items"]) == 25 and body["bookmark"]


def test_pins_max_page_size(api, emu):
    pages = list(api.pages("/pins", page_size=250, include_protected_pins="true"))
    assert [len(p) for p in pages[:-1]] == [250] * (len(pages) - 1)
    assert ids(x for p in pages for x in p) == ids(emu.data.pins())


@pytest.mark.parametrize("bad", ["0", "251", "-3", "abc", "2.5"])
def test_page_size_out_of_bounds_is_400(api, aid, bad):
    body = api.error(f"/ad_accounts/{aid}/campaigns", page_size=bad)
    assert body["code"] == 1 and "page_size" in body["message"]


def test_keywords_page_size_max_250(api, aid, emu):
    group = emu.data.ad_groups(aid)[0]["id"]
    api.ok(f"/ad_accounts/{aid}/keywords", ad_group_id=group, page_size=250)
    assert "page_size" in api.error(f"/ad_accounts/{aid}/keywords", page_size=251)["message"]


def test_bookmark_requires_same_filters(api, aid):
    first = api.ok(f"/ad_accounts/{aid}/campaigns", entity_statuses="ARCHIVED", page_size=2)
    assert first["bookmark"]
    # Forgetting the filter on the next page is an error, not a silent switch of result set.
    body = api.error(f"/ad_accounts/{aid}/campaigns", bookmark=first["bookmark"], page_size=2)
    assert "bookmark" in body["message"]
    # The page size may change between pages.
    nxt = api.ok(f"/ad_accounts/{aid}/campaigns", entity_statuses="ARCHIVED",
                 bookmark=first["bookmark"], page_size=5)
    assert nxt["items"] and not set(ids(nxt["items"])) & set(ids(first["items"]))


def test_garbage_bookmark_is_400(api):
    assert api.error("/pins", bookmark="not-a-bookmark")["code"] == 1


@pytest.mark.parametrize("path_fn,ref_fn", [
    (lambda d, a: "/boards", lambda d, a: d.boards()),
    (lambda d, a: f"/ad_accounts/{a}/audiences", lambda d, a: d.audiences(a)),
    (lambda d, a: f"/ad_accounts/{a}/customer_lists", lambda d, a: d.customer_lists(a)),
    (lambda d, a: "/catalogs", lambda d, a: d.catalogs()),
    (lambda d, a: "/catalogs/feeds", lambda d, a: d.catalog_feeds()),
    (lambda d, a: "/catalogs/product_groups", lambda d, a: d.catalog_product_groups()),
    (lambda d, a: "/ad_accounts", lambda d, a: d.ad_accounts()),
])
def test_lists_match_reference(api, emu, aid, path_fn, ref_fn):
    assert api.all(path_fn(emu.data, aid), page_size=7) == ref_fn(emu.data, aid)


def test_followers_following_websites(api, emu):
    assert api.all("/user_account/followers", page_size=50) == emu.data.followers()
    assert api.all("/user_account/following", page_size=50) == emu.data.following()
    assert api.all("/user_account/websites") == emu.data.websites()


def test_board_pins_and_sections(api, emu):
    boards = emu.data.boards()
    total = 0
    for board in boards[:8]:
        pins = api.all(f"/boards/{board['id']}/pins", page_size=250)
        assert pins == emu.data.board_pins(board["id"])
        assert board["pin_count"] == len(pins)
        total += len(pins)
        sections = api.all(f"/boards/{board['id']}/sections")
        assert sections == emu.data.board_sections(board["id"])
        for section in sections:
            spins = api.all(f"/boards/{board['id']}/sections/{section['id']}/pins", page_size=250)
            assert spins == emu.data.section_pins(section["id"])
            assert {p["board_section_id"] for p in spins} == {section["id"]}
    assert total > 0


def test_board_pin_cap(make_api):
    from pinsql.emulator import Emulator

    # The real limit is 100,000 pins; a small cap reaches the same error cheaply.
    with Emulator(size="tiny", board_pins_cap=4) as emu:
        _check_board_pin_cap(emu, make_api(emu))


def _check_board_pin_cap(emu, api):
    board = max(emu.data.boards(), key=lambda b: b["pin_count"])
    assert board["pin_count"] > 4
    first = api.ok(f"/boards/{board['id']}/pins", page_size=4)
    body = api.error(f"/boards/{board['id']}/pins", page_size=4, bookmark=first["bookmark"])
    assert body["message"] == "Pagination beyond 100.000 pins are not allowed"


def test_unpaginated_conversion_tags(api, emu, aid):
    body = api.ok(f"/ad_accounts/{aid}/conversion_tags")
    assert set(body) == {"items"} and body["items"] == emu.data.conversion_tags(aid)
