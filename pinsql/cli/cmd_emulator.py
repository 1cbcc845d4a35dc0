"""``pinsql emulator``: run the local Pinterest API emulator in the foreground (pinsql.emulator's own command)."""

from __future__ import annotations

import argparse
from typing import Any

from .session import Session

EPILOG = """\
examples:
  pinsql emulator                          # free port, prints the properties to connect with
  pinsql emulator --port 8900 --size medium
  pinsql emulator --help                   # every emulator option (faults, latency, sizes)

Then, in another terminal, use the printed properties, e.g.
  pinsql --dsn "BaseURL=http://127.0.0.1:8900/v5;OAuthAccessToken=..." shell
Stop it with Ctrl-C.
"""


def register(sub: Any, parents: list, formatter: type) -> None:
    # The emulator's own parser owns its options; they are passed through untouched
    # (and the emulator is imported only when this command runs: startup stays fast).
    p = sub.add_parser(
        "emulator", add_help=False, formatter_class=formatter, epilog=EPILOG,
        help="run the local API emulator in the foreground",
        description="Run the local Pinterest API v5 emulator in the foreground and print its connection properties.",
    )
    p.set_defaults(func=run_command, subparser=p, accepts_extra_args=True)


def run_command(args: argparse.Namespace, session: Session) -> int:
    from pinsql.emulator import __main__ as emulator_main

    argv = list(args.extra_args)
    if "-h" in argv or "--help" in argv:
        parser = emulator_main.build_arg_parser()
        parser.prog = "pinsql emulator"
        parser.epilog = EPILOG
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.print_help()
        return 0
    return int(emulator_main.main(argv) or 0)
