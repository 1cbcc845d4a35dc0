"""The Superset 6.1 scenario behind tools/superset_check.py. Runs INSIDE the Superset venv.

Steps, each asserting on what Superset returns:
  1. Superset's engine-spec loader finds PinterestEngineSpec for pinterest://.
  2. A temporary SUPERSET_HOME with a SQLite metadata DB is initialised
     (``superset db upgrade``, ``fab create-admin``, ``superset init``).
  3. The pinsql emulator starts; Superset's REST API (through Flask's test
     client, the same code path as HTTP) tests a connection with a wrong token
     (must fail) and the right one, then registers the database with the token
     in encrypted_extra's connect_args.
  4. Schemas and tables are listed; SQL Lab runs a query; a dataset is created
     on ``campaigns`` and a chart-data request groups by a monthly time grain
     within a time range. Rows are compared with the emulator's own data.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ADMIN = {"username": "admin", "password": "admin-pw-for-check"}


def log(msg: str) -> None:
    print(f"[scenario {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def check(condition: bool, what: str, resp=None) -> None:
    """Log ``what`` when true; otherwise fail, showing the response body (never shown on success:
    Superset echoes request fields, secrets included)."""
    if not condition:
        body = f" -- HTTP {resp.status_code}: {resp.get_data(as_text=True)[:600]}" if resp is not None else ""
        raise AssertionError(what + body)
    log(f"ok: {what}")


def prepare_home(home: Path, template: Path | None) -> None:
    """Write superset_config.py and an initialised metadata DB into ``home``.

    Initialising takes half a minute (migrations, roles), and its result does
    not depend on pinsql: the first run saves it to ``template`` (in the cached
    venv) and later runs copy it.
    """
    if template is not None and (template / "superset.db").is_file():
        shutil.copy2(template / "superset.db", home / "superset.db")
        secret = (template / "secret_key").read_text()
        log(f"metadata DB copied from {template}")
    else:
        secret = uuid.uuid4().hex + uuid.uuid4().hex
    config = home / "superset_config.py"
    config.write_text(
        "import logging\n"
        "LOG_LEVEL = logging.WARNING\n"
        f"SECRET_KEY = {secret!r}\n"
        f"SQLALCHEMY_DATABASE_URI = {('sqlite:///' + str(home / 'superset.db'))!r}\n"
        "WTF_CSRF_ENABLED = False\n"
        "TALISMAN_ENABLED = False\n"
        "CONTENT_SECURITY_POLICY_WARNING = False\n"
        "FEATURE_FLAGS = {}\n"
        "SQLLAB_TIMEOUT = 120\n"
    )
    env = {**os.environ, "SUPERSET_HOME": str(home), "SUPERSET_CONFIG_PATH": str(config), "FLASK_APP": "superset"}
    os.environ.update({k: env[k] for k in ("SUPERSET_HOME", "SUPERSET_CONFIG_PATH", "FLASK_APP")})
    if (home / "superset.db").is_file():
        return
    superset = str(Path(sys.executable).with_name("superset"))
    steps = [
        [superset, "db", "upgrade"],
        [superset, "fab", "create-admin", "--username", ADMIN["username"], "--firstname", "Check",
         "--lastname", "Admin", "--email", "admin@example.invalid", "--password", ADMIN["password"]],
        [superset, "init"],
    ]
    for cmd in steps:
        started = time.monotonic()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise RuntimeError(f"{' '.join(cmd[1:3])} failed with exit status {done.returncode}")
        log(f"{' '.join(cmd[1:3])} ({time.monotonic() - started:.0f} s)")
    if template is not None:
        template.mkdir(parents=True, exist_ok=True)
        shutil.copy2(home / "superset.db", template / "superset.db.tmp")
        (template / "secret_key").write_text(secret)
        (template / "superset.db.tmp").replace(template / "superset.db")  # complete templates only
        log(f"metadata DB saved to {template} for later runs")


class Api:
    """Superset's REST API through Flask's test client, signed in as the admin."""

    def __init__(self, app) -> None:
        self.client = app.test_client()
        resp = self.client.post("/api/v1/security/login", json={**ADMIN, "provider": "db", "refresh": False})
        check(resp.status_code == 200, "admin login through /api/v1/security/login", resp)
        self.headers = {"Authorization": f"Bearer {resp.json['access_token']}"}

    def post(self, path: str, payload: dict):
        return self.client.post(path, json=payload, headers=self.headers)

    def get(self, path: str):
        return self.client.get(path, headers=self.headers)


def expected_monthly_counts(campaigns: list[dict], start: datetime, end: datetime) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for c in campaigns:
        created = datetime.fromtimestamp(int(c["created_time"]), tz=timezone.utc)
        if start <= created < end:
            counts[created.strftime("%Y-%m")] += 1
    return dict(counts)


def run(emu, api: Api) -> None:
    from pinsql.dialect.url import make_url

    # Only non-secret settings in the URI; the token goes to Secure Extra's connect_args.
    token = emu.connection_properties()["OAuthAccessToken"]
    ad_account = emu.data.main_ad_account_id()
    uri = make_url(BaseURL=emu.url, AdAccountId=ad_account).render_as_string(hide_password=False)

    # -- connection test: a wrong token must fail, the right one pass ---------------------
    logging.disable(logging.ERROR)  # Superset logs the expected failure with a traceback
    try:
        bad = api.post("/api/v1/database/test_connection/", {
            "sqlalchemy_uri": uri, "database_name": "pinterest-bad",
            "masked_encrypted_extra": json.dumps({"connect_args": {"OAuthAccessToken": "wrong-token"}}),
        })
    finally:
        logging.disable(logging.NOTSET)
    check(bad.status_code >= 400, "Test connection fails for a wrong token", bad)
    check("wrong-token" not in bad.get_data(as_text=True), "the rejected token is not echoed back")
    check("CONNECTION_INVALID_PASSWORD_ERROR" in bad.get_data(as_text=True),
          "the failure is reported through PinterestEngineSpec.custom_errors")
    good = api.post("/api/v1/database/test_connection/", {
        "sqlalchemy_uri": uri, "database_name": "pinterest-ok",
        "masked_encrypted_extra": json.dumps({"connect_args": {"OAuthAccessToken": token}}),
    })
    check(good.status_code == 200, "Test connection passes for the emulator token", good)

    # -- register the database ---------------------------------------------------------------
    resp = api.post("/api/v1/database/", {
        "database_name": "Pinterest (emulator)", "sqlalchemy_uri": uri, "expose_in_sqllab": True,
        "masked_encrypted_extra": json.dumps({"connect_args": {"OAuthAccessToken": token}}),
    })
    check(resp.status_code == 201, "database registered", resp)
    db_id = resp.json["id"]
    resp = api.get(f"/api/v1/database/{db_id}/connection")
    check(resp.status_code == 200 and token not in resp.get_data(as_text=True),
          "the stored connection does not show the token")
    check(api.get(f"/api/v1/database/{db_id}").json["result"]["backend"] == "pinterest", "backend is pinterest")

    resp = api.get(f"/api/v1/database/{db_id}/schemas/")
    check(resp.status_code == 200, "schemas listed", resp)
    schemas = resp.json["result"]
    check(schemas == ["pinterest"], f"schema list is ['pinterest'] (got {schemas})")
    tables = api.get(f"/api/v1/database/{db_id}/tables/?q=(schema_name:pinterest)").json
    names = {t["value"] for t in tables["result"]}
    check({"campaigns", "boards", "pins", "campaign_analytics"} <= names, f"{tables['count']} tables listed")

    # -- SQL Lab: autocomplete, table metadata, the preview query, a query ------------------------
    resp = api.get(f"/api/v1/database/{db_id}/function_names/")
    check(resp.status_code == 200 and "date_trunc" in resp.json["function_names"],
          "SQL Lab autocomplete lists SQL functions", resp)
    resp = api.get(f"/api/v1/database/{db_id}/table_metadata/?name=campaigns&schema=pinterest")
    check(resp.status_code == 200, "table metadata", resp)
    types = {c["name"]: c["type"] for c in resp.json["columns"]}
    check(types.get("created_time", "").startswith("TIMESTAMP") and types.get("daily_spend_cap") == "BIGINT",
          f"SQL Lab sees the catalog's column types (created_time {types.get('created_time')})")
    resp = api.get(f"/api/v1/database/{db_id}/select_star/campaigns/pinterest/")
    check(resp.status_code == 200, "select_star", resp)
    preview_sql = resp.json["result"]
    log("preview SQL: " + " ".join(preview_sql.split()))
    resp = api.post("/api/v1/sqllab/execute/", {
        "database_id": db_id, "schema": "pinterest", "client_id": uuid.uuid4().hex[:10], "runAsync": False,
        "sql": preview_sql,
    })
    check(resp.status_code == 200 and len(resp.json["data"]) == 100, "the table preview query returns 100 rows", resp)

    campaigns = emu.data.campaigns(ad_account)
    resp = api.post("/api/v1/sqllab/execute/", {
        "database_id": db_id, "schema": "pinterest", "client_id": uuid.uuid4().hex[:10], "runAsync": False,
        "sql": "SELECT id, name, status FROM campaigns ORDER BY id",
    })
    check(resp.status_code == 200, "SQL Lab query ran", resp)
    rows = resp.json["data"]
    want = sorted(({"id": c["id"], "name": c["name"], "status": c["status"]} for c in campaigns), key=lambda r: r["id"])
    check(rows == want, f"SQL Lab returned the emulator's {len(want)} campaigns")

    # -- a dataset and a chart-style query with a time grain and a time range ----------------------
    resp = api.post("/api/v1/dataset/", {"database": db_id, "schema": "pinterest", "table_name": "campaigns"})
    check(resp.status_code == 201, "dataset created", resp)
    ds_id = resp.json["id"]
    columns = api.get(f"/api/v1/dataset/{ds_id}").json["result"]["columns"]
    created = next(c for c in columns if c["column_name"] == "created_time")
    check(bool(created["is_dttm"]), f"created_time is temporal ({created['type']})")

    times = sorted(datetime.fromtimestamp(int(c["created_time"]), tz=timezone.utc) for c in campaigns)
    start = times[len(times) // 4].replace(day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    end = datetime(2100, 1, 1)
    query_context = {
        "datasource": {"id": ds_id, "type": "table"},
        "force": True,
        "result_format": "json",
        "result_type": "full",
        "queries": [{
            "columns": [{"timeGrain": "P1M", "columnType": "BASE_AXIS", "sqlExpression": "created_time",
                         "label": "created_time", "expressionType": "SQL"}],
            "metrics": ["count"],
            "filters": [{"col": "created_time", "op": "TEMPORAL_RANGE",
                         "val": f"{start.isoformat()} : {end.isoformat()}"}],
            "orderby": [["count", False]],
            "row_limit": 1000,
        }],
    }
    resp = api.post("/api/v1/chart/data", query_context)
    check(resp.status_code == 200, "chart data ran", resp)
    result = resp.json["result"][0]
    log("chart SQL: " + " ".join(result["query"].split()))
    check("DATE_TRUNC('month'" in result["query"], "the P1M grain became DATE_TRUNC('month', ...)")
    got = {}
    for row in result["data"]:
        value = row["created_time"]
        month = (datetime.fromtimestamp(value / 1000, tz=timezone.utc) if isinstance(value, (int, float))
                 else datetime.fromisoformat(str(value)))
        got[month.strftime("%Y-%m")] = row["count"]
    want_counts = expected_monthly_counts(campaigns, start.replace(tzinfo=timezone.utc), end.replace(tzinfo=timezone.utc))
    check(got == want_counts, f"monthly campaign counts match the emulator ({len(want_counts)} months, "
          f"{sum(want_counts.values())} campaigns since {start.date()})")
    counts = [row["count"] for row in result["data"]]
    check(counts == sorted(counts, reverse=True), "rows are ordered by the count metric, descending")

    analytics_chart(emu, api, db_id, token, ad_account)


def _day(value) -> date:
    """A chart row's temporal value (epoch milliseconds or ISO text) as a date."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc).date()
    return datetime.fromisoformat(str(value)).date()


def analytics_chart(emu, api: Api, db_id: int, token: str, ad_account: str) -> None:
    """A weekly spend chart on campaign_analytics: DATE column, P1W grain, a pushed-down date range."""
    import pinsql

    resp = api.post("/api/v1/dataset/", {"database": db_id, "schema": "pinterest", "table_name": "campaign_analytics"})
    check(resp.status_code == 201, "analytics dataset created", resp)
    today = datetime.now(timezone.utc).date()
    start, end = today - timedelta(days=20), today - timedelta(days=5)
    emu.clear_log()
    resp = api.post("/api/v1/chart/data", {
        "datasource": {"id": resp.json["id"], "type": "table"},
        "force": True, "result_format": "json", "result_type": "full",
        "queries": [{
            "columns": [{"timeGrain": "P1W", "columnType": "BASE_AXIS", "sqlExpression": "date",
                         "label": "date", "expressionType": "SQL"}],
            "metrics": [{"expressionType": "SIMPLE", "column": {"column_name": "spend_in_micro_dollar"},
                         "aggregate": "SUM", "label": "spend"}],
            "filters": [{"col": "date", "op": "TEMPORAL_RANGE", "val": f"{start}T00:00:00 : {end}T00:00:00"}],
            "orderby": [["spend", False]],
            "row_limit": 1000,
        }],
    })
    check(resp.status_code == 200, "analytics chart ran", resp)
    result = resp.json["result"][0]
    log("analytics chart SQL: " + " ".join(result["query"].split()))
    calls = [r for r in emu.request_log.snapshot() if r.path.endswith("/campaigns/analytics")]
    check(bool(calls) and all(c.query.get("start_date") == [start.isoformat()] for c in calls),
          f"the time range reached the API as start_date={start} ({len(calls)} analytics calls)")
    got = {_day(row["date"]): row["spend"] for row in result["data"]}
    with pinsql.connect(BaseURL=emu.url, OAuthAccessToken=token, AdAccountId=ad_account) as conn:
        cur = conn.cursor()
        cur.execute("SELECT date, spend_in_micro_dollar FROM campaign_analytics WHERE date >= ? AND date < ?",
                    [start, end])
        weekly: dict[date, int] = {}
        for day, spend in cur.fetchall():
            monday = day - timedelta(days=day.weekday())
            weekly[monday] = weekly.get(monday, 0) + (spend or 0)
    check(got == weekly, f"weekly spend matches pinsql's daily rows ({len(weekly)} weeks)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep-home", action="store_true")
    parser.add_argument("--template", type=Path, help="directory caching an initialised metadata DB")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="pinsql-superset-"))
    try:
        prepare_home(home, args.template)
        from superset.app import create_app

        app = create_app()
        with app.app_context():
            from superset.db_engine_specs import get_engine_spec, load_engine_specs
            from superset.db_engine_specs.base import BaseEngineSpec

            from pinsql.dialect.superset import PinterestEngineSpec

            check(PinterestEngineSpec in load_engine_specs(), "Superset's loader found PinterestEngineSpec (entry point)")
            check(get_engine_spec("pinterest") is PinterestEngineSpec, "pinterest:// resolves to PinterestEngineSpec")
            check(issubclass(PinterestEngineSpec, BaseEngineSpec), "the spec derives from Superset's BaseEngineSpec")
        # Requests run outside any app context, as in a server: each pushes its own
        # (an outer context would share one DB session across requests).
        api = Api(app)
        from pinsql.emulator import Emulator

        with Emulator(seed=7, size="small") as emu:
            run(emu, api)
        log("all Superset checks passed")
        return 0
    finally:
        if args.keep_home:
            log(f"SUPERSET_HOME kept at {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
