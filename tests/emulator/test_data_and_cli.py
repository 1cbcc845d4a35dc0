"""The generated dataset (determinism, sizes, relations) and the command line."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from pinsql.emulator import SIZES, Emulator
from pinsql.emulator.cli import build_arg_parser, emulator_from_args, main
from pinsql.emulator.data import Dataset, resolve_counts


def dataset(seed=7, size="tiny", **counts):
    return Dataset(seed=seed, counts=resolve_counts(size, counts))


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = dataset(5), dataset(5), dataset(6)
    aid = a.main_ad_account_id()
    assert a.campaigns(aid) == b.campaigns(aid) and a.pins() == b.pins()
    assert a.boards() == b.boards() and a.keywords(aid) == b.keywords(aid)
    assert [x["name"] for x in a.campaigns(aid)] != [x["name"] for x in
                                                     c.campaigns(c.main_ad_account_id())]


def test_same_seed_same_http_answers():
    bodies = []
    for _ in range(2):
        with Emulator(seed=9, size="tiny") as emu:
            headers = {"Authorization": f"Bearer {emu.access_token}"}
            aid = emu.data.main_ad_account_id()
            bodies.append(requests.get(f"{emu.url}/ad_accounts/{aid}/ads", headers=headers,
                                       params={"page_size": 250}, timeout=10).json())
    assert bodies[0] == bodies[1] and bodies[0]["items"]


def test_small_size_shape():
    d = dataset(size="small")
    aid = d.main_ad_account_id()
    assert len(d.pins()) == SIZES["small"]["pins"]
    assert 250 <= len(d.campaigns(aid)) <= 350
    assert {c["status"] for c in d.campaigns(aid)} == {"ACTIVE", "PAUSED", "ARCHIVED", "DRAFT",
                                                         "DELETED_DRAFT"}
    camp_ids = {c["id"] for c in d.campaigns(aid)}
    assert all(g["campaign_id"] in camp_ids for g in d.ad_groups(aid))
    group_ids = {g["id"] for g in d.ad_groups(aid)}
    assert all(a["ad_group_id"] in group_ids for a in d.ads(aid))
    parents = {k["parent_type"] for k in d.keywords(aid)}
    assert parents == {"advertiser", "adgroup"}
    assert all(k["parent_id"] in group_ids | {aid} for k in d.keywords(aid))
    # Ad times are Unix seconds, organic times ISO-8601 strings.
    assert isinstance(d.campaigns(aid)[0]["created_time"], int)
    assert isinstance(d.pins()[0]["created_at"], str) and "T" in d.pins()[0]["created_at"]
    # Every account is populated and one is shared.
    accounts = d.ad_accounts()
    assert all(d.campaigns(a["id"]) for a in accounts)
    assert [a["permissions"] for a in accounts].count(["OWNER"]) == 2


def test_small_emulator_starts_fast():
    start = time.perf_counter()
    with Emulator(size="small") as emu:
        assert emu.port
        elapsed = time.perf_counter() - start
    assert elapsed < 1.0


def test_large_dataset_is_lazy():
    start = time.perf_counter()
    d = dataset(size="large")
    aid = d.main_ad_account_id()
    assert d.counts["pins"] >= 100_000
    assert len(d.account_spans["campaigns"][0]) >= 10_000  # in the main account alone
    last_pin = d.get("pin", d.counts["pins"] - 1)
    campaign = d.get_by_id("campaign", d.make_id("campaign", 9000))
    assert time.perf_counter() - start < 1.0
    assert d.index_of("pin", last_pin["id"]) == d.counts["pins"] - 1
    assert campaign["ad_account_id"] == aid


def test_explicit_counts_and_bad_options():
    d = dataset(size="tiny", pins=77, campaigns=40)
    assert len(d.pins()) == 77 and d.counts["campaigns"] == 40
    with pytest.raises(ValueError, match="size"):
        Emulator(size="huge")
    with pytest.raises(ValueError, match="unknown count"):
        Emulator(size="tiny", pinz=3)


def test_arg_parser_and_options():
    args = build_arg_parser().parse_args(
        ["--seed", "3", "--size", "tiny", "--latency-ms", "20", "--burst-429", "2",
         "--count", "pins=50", "--rate-limit", "ads_read=10/60", "--fault-path-prefix", "/pins"])
    emu = emulator_from_args(args)
    assert emu.seed == 3 and emu.data.counts["pins"] == 50
    assert emu.faults.latency == pytest.approx(0.02) and emu.faults.burst_429 == 2
    assert emu.faults.path_prefix == "/pins"
    assert emu.rate_limiter.limits["ads_read"] == (10.0, 60.0)


def test_main_reports_bad_size(capsys):
    with pytest.raises(SystemExit):
        main(["--size", "huge"])


def test_module_runs_in_foreground():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "pinsql.emulator", "--size", "tiny", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        while True:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
            if line.startswith("}"):
                break
        props = json.loads("".join(lines))
        r = requests.get(props["BaseURL"] + "/user_account", timeout=10,
                         headers={"Authorization": f"Bearer {props['OAuthAccessToken']}"})
        assert r.status_code == 200 and r.json()["username"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_data_is_identical_in_another_process():
    # Guards against anything process-dependent (str hash randomisation) creeping into the data.
    code = ("import json, hashlib; from pinsql.emulator.data import Dataset, resolve_counts; "
            "d = Dataset(seed=5, counts=resolve_counts('tiny', {})); a = d.main_ad_account_id(); "
            "blob = json.dumps([d.campaigns(a), d.pins(), d.keywords(a), "
            "d.analytics_row('campaign', d.campaigns(a)[0]['id'], '2025-01-01', ['CTR'])]); "
            "print(hashlib.sha256(blob.encode()).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=60, check=True).stdout.strip()
    d = dataset(5)
    a = d.main_ad_account_id()
    blob = json.dumps([d.campaigns(a), d.pins(), d.keywords(a),
                       d.analytics_row("campaign", d.campaigns(a)[0]["id"], "2025-01-01",
                                       ["CTR"])])
    assert out == hashlib.sha256(blob.encode()).hexdigest()
