"""``pinsql connection add | list | show | remove``: named connections."""

from __future__ import annotations

import argparse
import difflib
import getpass
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyarrow as pa

from pinsql import connections
from pinsql.exceptions import InterfaceError

from . import cmd_auth, output
from .session import Session, UsageError

EPILOG = """\
examples:
  pinsql connection add default --OAuthClientId 1234567 --OAuthClientSecret -
  pinsql connection add prod --OAuthClientId 1234567 --AdAccountId 549755885175 --PageSize 250
  pinsql connection list
  pinsql connection show prod
  pinsql connection remove prod
  pinsql connection properties                  # every property and its meaning
  pinsql --connection prod query "SELECT count(*) FROM campaigns"

Connections are saved in the config directory (connections.ini); secrets
(OAuthClientSecret, OAuthAccessToken, OAuthRefreshToken) go to secrets.json
(mode 0600). A secret given as "-" is asked for without echo. The connection
named "default" is used when no connection option is given.
"""

ADD_EPILOG = """\
Properties follow the name as --Name VALUE (or --Name=VALUE), or all at once
as --dsn "Name=value;Name=value" ("pinsql connection properties" lists them).

examples:
  pinsql connection add prod --OAuthClientId 1234567 --OAuthClientSecret - --AdAccountId 5497
  pinsql connection add emu --dsn "BaseURL=http://127.0.0.1:8900/v5;OAuthAccessToken=..."
  pinsql connection add prod --PageSize 100 --replace      # overwrite a saved connection
"""


def register(sub: Any, parents: list, formatter: type) -> None:
    p = sub.add_parser(
        "connection", parents=parents, formatter_class=formatter, epilog=EPILOG,
        help="manage saved connections", description="Save, list, show and remove named connections.",
    )
    p.set_defaults(subparser=p)
    actions = p.add_subparsers(dest="action", metavar="ACTION", title="actions")
    actions.required = True

    a = actions.add_parser(
        "add", parents=parents, formatter_class=formatter, epilog=ADD_EPILOG,
        help="save a connection", description="Save connection properties under a name.",
        usage="pinsql connection add NAME --Property VALUE [--Property VALUE ...] [--replace]",
    )
    a.add_argument("name", metavar="NAME")
    a.add_argument("props", nargs=argparse.REMAINDER, metavar="--Property VALUE", help="connection properties")
    a.set_defaults(func=run_add, subparser=a)

    ls = actions.add_parser(
        "list", parents=parents, formatter_class=formatter, help="list saved connections",
        epilog="examples:\n  pinsql connection list\n  pinsql connection list --no-check\n",
        description="List saved connections and whether each can sign in (one cheap API call each).",
    )
    ls.add_argument("--no-check", action="store_true", help="do not test the connections (no network)")
    ls.set_defaults(func=run_list, subparser=ls)

    sh = actions.add_parser(
        "show", parents=parents, formatter_class=formatter, help="show a connection's properties (secrets hidden)",
        epilog="example:\n  pinsql connection show prod\n",
    )
    sh.add_argument("name", metavar="NAME")
    sh.set_defaults(func=run_show, subparser=sh)

    pr = actions.add_parser(
        "properties", parents=parents, formatter_class=formatter, help="list every connection property",
        epilog="example:\n  pinsql connection properties\n",
        description="List every connection property with its default and meaning.",
    )
    pr.set_defaults(func=run_properties, subparser=pr)

    rm = actions.add_parser(
        "remove", parents=parents, formatter_class=formatter, help="delete a saved connection (and its secrets)",
        epilog="example:\n  pinsql connection remove prod\n",
    )
    rm.add_argument("name", metavar="NAME")
    rm.set_defaults(func=run_remove, subparser=rm)


def parse_property_args(tokens: list[str]) -> tuple[dict[str, str], bool]:
    """``["--OAuthClientId", "1", "--PageSize=50", "--replace"]`` → (properties, replace)."""
    props: dict[str, str] = {}
    replace = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "--replace":
            replace = True
            i += 1
            continue
        if not token.startswith("--") or len(token) < 3:
            raise UsageError(f"expected --Property VALUE, got {token!r}")
        key, sep, value = token[2:].partition("=")
        if not sep:
            if i + 1 >= len(tokens):
                raise UsageError(f"--{key} needs a value")
            value = tokens[i + 1]
            i += 1
        i += 1
        if key.lower() == "dsn":  # a whole connection string at once
            from pinsql.properties import split_connection_string

            props = connections.merge_properties(props, split_connection_string(value))
        else:
            props = connections.merge_properties(props, {key: value})
    return props, replace


def canonical_names(props: dict[str, str]) -> dict[str, str]:
    """Spell property names as the driver does; an unknown name is an error with a suggestion."""
    from pinsql.properties import property_names

    by_key = {connections.property_key(n): n for n in property_names()}
    out: dict[str, str] = {}
    for key, value in props.items():
        name = by_key.get(connections.property_key(key))
        if name is None:
            close = difflib.get_close_matches(connections.property_key(key), list(by_key), n=1, cutoff=0.6)
            hint = f" (did you mean {by_key[close[0]]}?)" if close else ""
            raise InterfaceError(f"unknown connection property {key!r}{hint}; list them with: pinsql connection properties")
        out[name] = value
    return out


def run_add(args: argparse.Namespace, session: Session) -> int:
    if args.name in ("-h", "--help") or "-h" in args.props or "--help" in args.props:
        args.subparser.print_help()
        return 0
    connections.check_name(args.name)
    props, replace = parse_property_args(args.props)
    if not props:
        raise UsageError("give at least one property, e.g. --OAuthClientId 1234567")
    props = canonical_names(props)
    for key, value in list(props.items()):
        if not connections.is_secret(key):
            continue
        if value == "-":
            props[key] = getpass.getpass(f"{key}: ")
        else:
            print(f"tip: '--{key} -' asks for the value instead, keeping it out of your shell history", file=sys.stderr)
    path, stored_secrets = connections.save_connection(args.name, props, replace=replace)
    where = f"Saved connection {args.name!r} in {path}"
    if stored_secrets:
        where += f" (secrets in {connections.secrets_path()}, mode 0600)"
    print(where + ".")
    flag = "" if args.name == "default" else f" --connection {args.name}"
    print(f"Next: pinsql login{flag}   (or: pinsql test{flag})")
    return 0


def redact(props: dict[str, str]) -> dict[str, str]:
    return {k: ("****" if connections.is_secret(k) else v) for k, v in props.items()}


def run_list(args: argparse.Namespace, session: Session) -> int:
    names = connections.list_connections()
    if not names:
        print(f"No saved connections (looked in {connections.connections_path()}).")
        print("Add one with: pinsql connection add default --OAuthClientId APP_ID --OAuthClientSecret -")
        return 0
    saved = {name: connections.load_connection(name) for name in names}
    if args.no_check:
        statuses = ["(not checked)"] * len(names)
    else:  # one cheap call each, side by side
        with ThreadPoolExecutor(max_workers=min(8, len(names)), thread_name_prefix="pinsql-check") as pool:
            statuses = list(pool.map(lambda n: cmd_auth.status_text(cmd_auth.check(None, saved[n])), names))
    rows = {
        "name": names,
        "properties": ["; ".join(f"{k}={v}" for k, v in redact(saved[n]).items()) for n in names],
        "status": statuses,
    }
    table = pa.table(rows)
    output.write_table(output.Result.from_table(table), sys.stdout, max_rows=None, terminal=sys.stdout.isatty())
    return 0


def run_show(args: argparse.Namespace, session: Session) -> int:
    props = connections.load_connection(args.name)
    print(f"[{args.name}]")
    for key, value in redact(props).items():
        print(f"{key} = {value}")
    return 0


def run_properties(args: argparse.Namespace, session: Session) -> int:
    from pinsql.properties import describe_properties

    rows = describe_properties()
    table = pa.table({
        "property": [r["name"] for r in rows],
        "default": ["" if r["default"] is None else str(r["default"]) for r in rows],
        "description": [r["description"] for r in rows],
    })
    output.write_table(output.Result.from_table(table), sys.stdout, max_rows=None, terminal=sys.stdout.isatty(), max_cell=50)
    return 0


def run_remove(args: argparse.Namespace, session: Session) -> int:
    connections.remove_connection(args.name)
    print(f"Removed connection {args.name!r}.")
    return 0
