"""``python -m pinsql.emulator``: run the emulator in the foreground (wrapped by ``pinsql emulator``)."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any

from .data import COUNT_NAMES, SIZES
from .faults import Faults
from .server import Emulator


def build_arg_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The emulator's options; pass ``parser`` to add them to an existing (sub)parser."""
    p = parser or argparse.ArgumentParser(
        prog="python -m pinsql.emulator",
        description="Run a local Pinterest API v5 emulator and print its connection properties.")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to bind (default 0: any free port)")
    p.add_argument("--seed", type=int, default=7, help="dataset seed (default 7)")
    p.add_argument("--size", choices=sorted(SIZES), default="small", help="dataset size")
    p.add_argument("--count", action="append", default=[], metavar="NAME=N",
                   help=f"explicit entity count, repeatable; names: {', '.join(COUNT_NAMES)}")
    p.add_argument("--latency-ms", type=float, default=0.0, help="added latency per API call")
    p.add_argument("--error-rate", type=float, default=0.0, help="fraction of calls answered 5xx")
    p.add_argument("--burst-429", type=int, default=0, help="answer the first N calls with 429")
    p.add_argument("--daily-quota-exhausted", action="store_true",
                   help="answer every call with the daily-quota 429")
    p.add_argument("--spam-block", action="store_true", help="answer every call with a spam 429")
    p.add_argument("--slow-response-ms", type=float, default=0.0,
                   help="stall between response headers and body")
    p.add_argument("--truncate-body-rate", type=float, default=0.0,
                   help="fraction of responses with a cut body")
    p.add_argument("--trailing-empty-page", action="store_true",
                   help="end lists with an empty page that has a null bookmark")
    p.add_argument("--fault-path-prefix", default=None,
                   help="apply faults only under this API path (e.g. /ad_accounts)")
    p.add_argument("--fault-seed", type=int, default=0, help="seed of the fault sequence")
    p.add_argument("--token-ttl", type=float, default=None,
                   help="lifetime of newly issued access tokens, seconds")
    p.add_argument("--rate-limit", action="append", default=[], metavar="CATEGORY=N/SECONDS",
                   help="token bucket for a rate-limit category, e.g. ads_read=1000/60")
    p.add_argument("--json", action="store_true", help="print the connection properties as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return p


def _parse_pairs(values: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise SystemExit(f"error: {what} must look like NAME=VALUE, got {item!r}")
        pairs[name.strip()] = value.strip()
    return pairs


def emulator_from_args(args: argparse.Namespace) -> Emulator:
    counts: dict[str, Any] = {k: int(v) for k, v in _parse_pairs(args.count, "--count").items()}
    limits = {}
    for category, spec in _parse_pairs(args.rate_limit, "--rate-limit").items():
        requests, _, seconds = spec.partition("/")
        limits[category] = (float(requests), float(seconds or 1))
    faults = Faults(latency=args.latency_ms / 1000, error_rate=args.error_rate,
                    burst_429=args.burst_429, daily_quota_exhausted=args.daily_quota_exhausted,
                    spam_block=args.spam_block, slow_response=args.slow_response_ms / 1000,
                    truncate_body_rate=args.truncate_body_rate,
                    trailing_empty_page=args.trailing_empty_page,
                    path_prefix=args.fault_path_prefix, seed=args.fault_seed)
    return Emulator(seed=args.seed, size=args.size, port=args.port, host=args.host,
                    access_token_ttl=args.token_ttl, rate_limits=limits, faults=faults, **counts)


def main(argv: list[str] | None = None) -> int:
    args = build_arg_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s")
    try:
        emu = emulator_from_args(args)
        emu.start()
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    props = emu.connection_properties()
    if args.json:
        print(json.dumps(props, indent=2))
    else:
        print(f"Pinterest API v5 emulator on {emu.url} (seed {args.seed}, size {args.size})")
        print("Connection properties:")
        for name, value in props.items():
            print(f"  {name}={value}")
        print("Connection string: " + ";".join(f"{k}={v}" for k, v in props.items()))
        print("Press Ctrl+C to stop.")
    sys.stdout.flush()
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0
