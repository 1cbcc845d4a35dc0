"""Filter rules of the list endpoints, checked against the reference data."""

from __future__ import annotations

import collections

import pytest

ALL_STATUSES = "ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT"


def ids(items):
    return [x["id"] for x in items]


@pytest.mark.parametrize("table", ["campaigns", "ad_groups", "ads"])
def test_default_entity_statuses_active_and_paused(api, emu, aid, table):
    every = getattr(emu.data, table)(aid)
    assert {x["status"] for x in every} == set(ALL_STATUSES.split(","))
    got = api.all(f"/ad_accounts/{aid}/{table}", page_size=250)
    assert ids(got) == ids(x for x in every if x["status"] in ("ACTIVE", "PAUSED"))
    assert ids(api.all(f"/ad_accounts/{aid}/{table}", page_size=250,
                       entity_statuses=ALL_STATUSES)) == ids(every)


def test_entity_statuses_repeated_keys_equal_comma_separated(api, aid):
    path = f"/ad_accounts/{aid}/campaigns"
    repeated = api.all(path, page_size=250, entity_statuses=["ARCHIVED", "DRAFT"])
    comma = api.all(path, page_size=250, entity_statuses="ARCHIVED,DRAFT")
    assert repeated == comma and {x["status"] for x in comma} == {"ARCHIVED", "DRAFT"}


def test_bad_status_is_400(api, aid):
    assert "entity_statuses" in api.error(f"/ad_accounts/{aid}/campaigns",
                                          entity_statuses="RUNNING")["message"]


def test_campaign_ids_filter_and_limit(api, emu, aid):
    every = emu.data.campaigns(aid)
    wanted = [every[i]["id"] for i in (0, 5, 9)]
    got = api.all(f"/ad_accounts/{aid}/campaigns", campaign_ids=wanted,
                  entity_statuses=ALL_STATUSES)
    assert ids(got) == wanted
    too_many = [c["id"] for c in every[:251]]
    body = api.error(f"/ad_accounts/{aid}/campaigns", campaign_ids=",".join(too_many))
    assert "250" in body["message"]
    api.ok(f"/ad_accounts/{aid}/campaigns", campaign_ids=",".join(too_many[:250]))


def test_order_descending(api, emu, aid):
    got = api.all(f"/ad_accounts/{aid}/campaigns", order="DESCENDING", page_size=250,
                  entity_statuses=ALL_STATUSES)
    assert ids(got) == ids(emu.data.campaigns(aid))[::-1]
    assert api.error(f"/ad_accounts/{aid}/campaigns", order="UP")["code"] == 1


def test_ad_groups_by_campaign_and_exclusive_ids(api, emu, aid):
    campaigns = emu.data.campaigns(aid)[:3]
    got = api.all(f"/ad_accounts/{aid}/ad_groups", campaign_ids=ids(campaigns),
                  entity_statuses=ALL_STATUSES)
    expected = [g for g in emu.data.ad_groups(aid) if g["campaign_id"] in ids(campaigns)]
    assert got and ids(got) == ids(expected)
    body = api.error(f"/ad_accounts/{aid}/ad_groups", campaign_ids=campaigns[0]["id"],
                     ad_group_ids=got[0]["id"])
    assert body["message"] == "Provide only campaign_id or ad_group_id. Do not provide both."


def test_ads_filters(api, emu, aid):
    groups = emu.data.ad_groups(aid)[:4]
    got = api.all(f"/ad_accounts/{aid}/ads", ad_group_ids=ids(groups), entity_statuses=ALL_STATUSES)
    assert got and ids(got) == ids(a for a in emu.data.ads(aid) if a["ad_group_id"] in ids(groups))
    camp = emu.data.campaigns(aid)[1]["id"]
    by_campaign = api.all(f"/ad_accounts/{aid}/ads", campaign_ids=camp, entity_statuses=ALL_STATUSES)
    assert {a["campaign_id"] for a in by_campaign} == {camp}
    body = api.error(f"/ad_accounts/{aid}/ads", campaign_ids=camp, ad_ids=got[0]["id"])
    assert body["message"].startswith("Provide only campaign_id or ad_group_id or ad_id.")
    # Ads point at real pins.
    assert all(emu.data.get_by_id("pin", a["pin_id"]) for a in got)


def test_keywords_scoping(api, emu, aid):
    every = emu.data.keywords(aid)
    account_level = [k for k in every if k["parent_id"] == aid]
    assert 0 < len(account_level) < len(every) // 2
    assert ids(api.all(f"/ad_accounts/{aid}/keywords")) == ids(account_level)
    group = emu.data.ad_groups(aid)[2]["id"]
    in_group = api.all(f"/ad_accounts/{aid}/keywords", ad_group_id=group)
    assert in_group and ids(in_group) == ids(k for k in every if k["parent_id"] == group)
    camp = emu.data.campaigns(aid)[0]["id"]
    groups = {g["id"] for g in emu.data.ad_groups(aid) if g["campaign_id"] == camp}
    by_campaign = api.all(f"/ad_accounts/{aid}/keywords", campaign_id=camp)
    assert {k["parent_id"] for k in by_campaign} <= groups and by_campaign
    exact = api.all(f"/ad_accounts/{aid}/keywords", ad_group_id=group, match_types="EXACT")
    assert all(k["match_type"] == "EXACT" for k in exact)


def test_product_group_promotions_rules(api, emu, aid):
    every = emu.data.product_group_promotions(aid)
    assert api.error(f"/ad_accounts/{aid}/product_group_promotions")["code"] == 1
    wanted = ids(every[:5])
    got = api.all(f"/ad_accounts/{aid}/product_group_promotions",
                  product_group_promotion_ids=wanted, entity_statuses=ALL_STATUSES)
    assert ids(got) == wanted
    group = every[0]["ad_group_id"]
    by_group = api.all(f"/ad_accounts/{aid}/product_group_promotions", ad_group_id=group,
                       entity_statuses=ALL_STATUSES)
    assert ids(by_group) == ids(p for p in every if p["ad_group_id"] == group)


def test_conversion_tags_filter_deleted(api, emu):
    # The tiny third account has one tag; find an account with a deleted tag in the data.
    for account in emu.data.ad_account_ids():
        tags = emu.data.conversion_tags(account)
        kept = api.ok(f"/ad_accounts/{account}/conversion_tags", filter_deleted="true")["items"]
        assert kept == [t for t in tags if t["status"] != "DELETED"]


def test_boards_privacy_and_secret_scope(api, emu, make_api):
    boards = emu.data.boards()
    counts = collections.Counter(b["privacy"] for b in boards)
    assert counts["SECRET"] and counts["PROTECTED"] and counts["PUBLIC"]
    assert api.all("/boards", privacy="SECRET") == emu.data.boards("SECRET")
    both = api.all("/boards", privacy="PUBLIC_AND_SECRET", page_size=100)
    assert {b["privacy"] for b in both} == {"PUBLIC", "SECRET"}
    no_secret = make_api(emu, emu.issue_token(["boards:read", "pins:read"])["access_token"])
    visible = no_secret.all("/boards", page_size=100)
    assert len(visible) == len(boards) - counts["SECRET"]
    secret = emu.data.boards("SECRET")[0]["id"]
    assert no_secret.error(f"/boards/{secret}", 404)["code"] == 40


def test_group_board_collaborator_pins(api, emu):
    own_ids = set(ids(emu.data.pins()))
    group_boards = [b for b in emu.data.boards() if b["collaborator_count"] > 0]
    assert group_boards
    board_pins = api.all(f"/boards/{group_boards[0]['id']}/pins", page_size=250)
    foreign = [p for p in board_pins if not p["is_owner"]]
    assert foreign and not own_ids & set(ids(foreign))
    all_pins = api.all("/pins", page_size=250, include_protected_pins="true")
    assert all(p["is_owner"] for p in all_pins) and set(ids(all_pins)) == own_ids


def test_pins_filters(api, emu):
    data = emu.data
    protected = {b["id"] for b in data.boards("PROTECTED")}
    default = api.all("/pins", page_size=250)
    assert ids(default) == ids(p for p in data.pins() if p["board_id"] not in protected)
    videos = api.all("/pins", page_size=250, creative_types="VIDEO,IDEA",
                     include_protected_pins="true")
    assert ids(videos) == ids(p for p in data.pins() if p["creative_type"] in ("VIDEO", "IDEA"))
    promoted = api.all("/pins", page_size=250, pin_filter="has_been_promoted",
                       include_protected_pins="true")
    assert promoted and all(p["has_been_promoted"] for p in promoted)
    with_metrics = api.ok("/pins", page_size=2, pin_metrics="true")["items"]
    assert all("lifetime_metrics" in p["pin_metrics"] for p in with_metrics)
    assert api.error("/pins", creative_types="HOLOGRAM")["code"] == 1


def test_ad_accounts_shared(api, emu):
    every = api.all("/ad_accounts")
    assert len(every) == 3 and sum("OWNER" in a["permissions"] for a in every) == 2
    owned = api.all("/ad_accounts", include_shared_accounts="false")
    assert len(owned) == 2 and all("OWNER" in a["permissions"] for a in owned)


def test_single_objects_and_not_found(api, emu, aid):
    data = emu.data
    camp = data.campaigns(aid)[3]
    assert api.ok(f"/ad_accounts/{aid}/campaigns/{camp['id']}") == camp
    ad = data.ads(aid)[3]
    assert api.ok(f"/ad_accounts/{aid}/ads/{ad['id']}") == ad
    group = data.ad_groups(aid)[3]
    assert api.ok(f"/ad_accounts/{aid}/ad_groups/{group['id']}") == group
    pin = data.pins()[7]
    assert api.ok(f"/pins/{pin['id']}") == pin
    assert api.error("/pins/123", 404)["code"] == 50
    assert api.error("/boards/123", 404)["code"] == 40
    assert api.error("/ad_accounts/123/campaigns", 403)["code"] == 29
    other = data.ad_account_ids()[1]
    assert api.error(f"/ad_accounts/{other}/campaigns/{camp['id']}", 404)
    assert api.error("/no/such/endpoint", 404)
    r = api.session.post(emu.url + "/pins", json={"title": "x"})
    assert r.status_code == 405 and r.json()["code"] == 5


def test_ids_are_long_digit_strings(emu, aid):
    objects = [emu.data.campaigns(aid)[0], emu.data.pins()[0], emu.data.boards()[0],
               emu.data.ads(aid)[0], emu.data.user_account()]
    for obj in objects:
        assert obj["id"].isdigit() and int(obj["id"]) > 2**53 and len(obj["id"]) <= 19
