"""The ``pinsql`` command: argument parsing, dispatch, and turning errors into one clear line.

Exit codes: 0 success, 1 error (SQL, API, connection), 2 wrong usage,
130 interrupted (Ctrl-C). ``--debug`` adds tracebacks and debug logging.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from pinsql import exceptions

from . import (
    cmd_auth,
    cmd_catalog,
    cmd_connection,
    cmd_demo,
    cmd_emulator,
    cmd_query,
    shell,
)
from .session import Session, UsageError

PROG = "pinsql"

DESCRIPTION = """\
Query the Pinterest API v5 with SQL.

Try it without a Pinterest account (a local emulator serves made-up data):
  pinsql demo
  pinsql query --emulator "SELECT name, status FROM campaigns LIMIT 5"

Use your account:
  pinsql connection add default --OAuthClientId APP_ID --OAuthClientSecret SECRET
  pinsql login
  pinsql query "SELECT name, pin_count FROM boards ORDER BY pin_count DESC"
"""

EPILOG = """\
connection options (give them before or after the command):
  --connection NAME       a saved connection (pinsql connection list)
  --dsn "K=V;K=V"         a connection string
  --property K=V          one property, repeatable; wins over the others
  --emulator              an in-process emulator with generated data
  With none of them: $PINSQL_CONNECTION, else the connection named "default",
  else the PINTEREST_* environment variables.

files: saved connections, secrets (0600), OAuth tokens (0600) and the shell
history live in $PINSQL_CONFIG_DIR, else $XDG_CONFIG_HOME/pinsql or ~/.config/pinsql.

Run "pinsql COMMAND --help" for a command's options and examples.
"""

COMMANDS = (cmd_demo, cmd_query, shell, cmd_catalog, cmd_auth, cmd_connection, cmd_emulator)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def _global_options(dest_suffix: str) -> argparse.ArgumentParser:
    """Connection and output-control options, accepted before and after the command.

    Defaults are SUPPRESSed so a value given before the command survives the
    command's own parser; ``--property`` collects into two lists, merged later.
    """
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("connection options")
    g.add_argument("-C", "--connection", metavar="NAME", default=argparse.SUPPRESS, help="use the saved connection NAME")
    g.add_argument(
        "-P", "--property", dest="property" + dest_suffix, metavar="KEY=VALUE", action="append",
        default=argparse.SUPPRESS, help="set a connection property (repeatable)",
    )
    g.add_argument("--dsn", metavar="CONNSTR", default=argparse.SUPPRESS, help='connection string "OAuthClientId=...;AdAccountId=..."')
    g.add_argument("--emulator", action="store_true", default=argparse.SUPPRESS, help="run against an in-process emulator (no account needed)")
    g.add_argument(
        "--emulator-size", choices=("tiny", "small", "medium", "large"), default=argparse.SUPPRESS,
        help="size of the emulator's data set (default: small)",
    )
    g.add_argument("--emulator-seed", type=int, metavar="N", default=argparse.SUPPRESS, help="seed of the emulator's data (default: 7)")
    m = p.add_argument_group("general options")
    m.add_argument("--no-progress", action="store_true", default=argparse.SUPPRESS, help="no progress line on stderr")
    m.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks and debug logs on stderr")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG, formatter_class=_Formatter, parents=[_global_options("")]
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    sub.required = True
    after = [_global_options("_after")]
    for module in COMMANDS:
        module.register(sub, after, _Formatter)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("pinsql")
    except Exception:
        return "unknown"


def _normalize(args: argparse.Namespace) -> argparse.Namespace:
    args.property = (getattr(args, "property", None) or []) + (getattr(args, "property_after", None) or [])
    for name, default in (("connection", None), ("dsn", None), ("emulator", False), ("emulator_size", None),
                          ("emulator_seed", None), ("no_progress", False), ("debug", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    return args


def _hint(exc: BaseException, args: argparse.Namespace) -> str:
    """What to do next, when the message does not say it already."""
    message = str(exc)
    conn = f" --connection {args.connection}" if getattr(args, "connection", None) else ""
    if isinstance(exc, exceptions.AuthenticationError) and "pinsql login" not in message:
        return f"Sign in again with: pinsql login{conn}"
    lowered = message.lower()
    if isinstance(exc, exceptions.InterfaceError) and ("missing" in lowered or "no credentials" in lowered) \
            and "pinsql connection add" not in message and not conn:
        return "Save them once with: pinsql connection add default --OAuthClientId ... --OAuthClientSecret -  (or try: pinsql demo)"
    return ""


def _scrub(text: str) -> str:
    """Second line of defence: hide any secret pinsql.auth knows of."""
    try:
        from pinsql.auth.redact import scrub
    except ImportError:
        return text
    return scrub(text)


def _error(message: str, hint: str = "", stream: Any = None) -> None:
    stream = stream or sys.stderr
    message = _scrub(str(message))
    lines = message.strip().splitlines() or ["unknown error"]
    print(f"{PROG}: error: {lines[0]}", file=stream)
    for extra in lines[1:]:
        print(f"  {extra}", file=stream)
    if hint:
        print(f"  {hint}", file=stream)


def _setup_logging(debug: bool) -> Callable[[], None]:
    """Warnings as ``pinsql: warning: ...`` lines on stderr; everything with --debug.

    The secret filter of pinsql.auth scrubs tokens from every record. Returns a
    function that undoes the setup (main() may run many times in one process).
    """
    from pinsql.auth.redact import SecretFilter

    logger = logging.getLogger("pinsql")
    old_level = logger.level
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SecretFilter())
    if debug:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler.setLevel(logging.DEBUG)
        logger.setLevel(logging.DEBUG)
    else:
        handler.setFormatter(logging.Formatter(f"{PROG}: warning: %(message)s"))
        handler.setLevel(logging.WARNING)
    logger.addHandler(handler)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(old_level)

    return restore


def _tolerate_unencodable_output() -> None:
    """On a terminal or pipe that cannot encode a character (LANG=C, cp1252), escape it instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pinsql`` command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        args = _normalize(args)
        if extra and not getattr(args, "accepts_extra_args", False):
            getattr(args, "subparser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
        args.extra_args = extra
    except SystemExit as exc:  # argparse: --help, --version, usage errors (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return 130
    restore_logging = _setup_logging(args.debug)
    _tolerate_unencodable_output()
    session = None
    try:
        session = Session(args)
        return int(args.func(args, session) or 0)
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return 130
    except UsageError as exc:
        parser_for = getattr(args, "subparser", parser)
        parser_for.print_usage(sys.stderr)
        print(f"{parser_for.prog}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`pinsql query ... | head`): not an error. Point
        # stdout at devnull so the interpreter's final flush stays quiet.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0
    except exceptions.Error as exc:
        if args.debug:
            traceback.print_exc()
        _error(str(exc) or type(exc).__name__, _hint(exc, args))
        return 1
    except Exception as exc:  # a bug: say so, keep the traceback for --debug
        if args.debug:
            traceback.print_exc()
        _error(f"internal error: {type(exc).__name__}: {exc}", "This is a bug in pinsql; rerun with --debug for the traceback.")
        return 1
    finally:
        if session is not None:
            try:
                session.close()
            except KeyboardInterrupt:
                pass
            except Exception as exc:  # closing must not hide the command's own outcome
                logging.getLogger("pinsql.cli").debug("error while closing: %s", exc)
        restore_logging()
