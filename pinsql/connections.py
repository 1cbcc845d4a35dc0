"""Named connections: saved sets of connection properties, like ODBC DSNs.

``pinsql connection add prod --OAuthClientId 1234 --AdAccountId 5678`` saves
the properties under the name ``prod``; ``pinsql --connection prod ...`` and
``pinsql.connect(connection="prod")`` use them.

Plain properties go to ``connections.ini`` in the config directory (readable,
editable by hand). Secrets (client secret, access and refresh tokens) go to
``secrets.json`` next to it, written atomically with mode 0600; OAuth tokens
obtained by signing in live in the token store (``pinsql.auth``), not here.
"""

from __future__ import annotations

import configparser
import functools
import io
import json
import re
from pathlib import Path

from pinsql.catalog import suggest
from pinsql.exceptions import InterfaceError
from pinsql.properties import describe_properties, property_key
from pinsql.userfiles import config_dir, write_private_file

CONNECTIONS_FILE = "connections.ini"
SECRETS_FILE = "secrets.json"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def connections_path() -> Path:
    return config_dir() / CONNECTIONS_FILE


def secrets_path() -> Path:
    return config_dir() / SECRETS_FILE


@functools.lru_cache(maxsize=1)
def _secret_keys() -> frozenset[str]:
    """Normalized names of the secret properties, as ``pinsql.properties`` declares them."""
    keys = set()
    for row in describe_properties():
        if row.get("secret"):
            keys.add(property_key(row["name"]))
            keys.add(property_key(row.get("attribute") or row["name"]))
    return frozenset(keys)


def is_secret(key: str) -> bool:
    """Whether property ``key`` holds a secret."""
    return property_key(key) in _secret_keys()


def check_name(name: str) -> str:
    if not _NAME_RE.match(name or ""):
        raise InterfaceError(
            f"invalid connection name {name!r}: use letters, digits, '_', '.' or '-' (at most 64, starting with a letter or digit)"
        )
    return name


def _read_config() -> configparser.ConfigParser:
    cp = configparser.ConfigParser(interpolation=None, default_section="__pinsql_defaults__")
    cp.optionxform = str  # keep property names as the user spelled them
    path = connections_path()
    if path.exists():
        try:
            cp.read(path, encoding="utf-8")
        except configparser.Error as exc:
            raise InterfaceError(f"cannot read {path}: {exc}. Fix or delete the file.") from None
    return cp


def _read_secrets() -> dict[str, dict[str, str]]:
    path = secrets_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InterfaceError(f"cannot read {path}: {type(exc).__name__}. Fix or delete the file.") from None
    if not isinstance(data, dict):
        raise InterfaceError(f"cannot read {path}: expected a JSON object. Fix or delete the file.")
    return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}


def _write_config(cp: configparser.ConfigParser) -> None:
    buf = io.StringIO()
    buf.write("# pinsql named connections (secrets are kept in secrets.json, mode 0600)\n")
    cp.write(buf)
    write_private_file(connections_path(), buf.getvalue(), mode=0o644)


def _write_secrets(secrets: dict[str, dict[str, str]]) -> None:
    write_private_file(secrets_path(), json.dumps(secrets, indent=2, sort_keys=True) + "\n", mode=0o600)


def list_connections() -> list[str]:
    """Names of the saved connections, sorted."""
    return sorted(_read_config().sections())


def load_connection(name: str) -> dict[str, str]:
    """The properties saved under ``name`` (secrets included), for ``pinsql.connect(**props)``.

    Raises :class:`~pinsql.exceptions.InterfaceError` naming the known
    connections when there is no connection of that name.
    """
    cp = _read_config()
    if not cp.has_section(name):
        known = cp.sections()
        hint = suggest(name, known) or (
            f"; saved connections: {', '.join(sorted(known))}" if known else "; none saved yet"
        )
        raise InterfaceError(
            f"no connection named {name!r}{hint}. Add one with: pinsql connection add {name} --OAuthClientId ..."
        )
    props = dict(cp.items(name))
    props.update(_read_secrets().get(name, {}))
    return props


def save_connection(name: str, props: dict[str, str], *, replace: bool = False) -> tuple[Path, bool]:
    """Save ``props`` under ``name``; returns the config path and whether secrets were stored.

    Without ``replace`` an existing connection of that name is an error.
    """
    check_name(name)
    cp = _read_config()
    if cp.has_section(name):
        if not replace:
            raise InterfaceError(f"a connection named {name!r} exists already: use --replace to overwrite it")
        cp.remove_section(name)
    cp.add_section(name)
    secret = {k: v for k, v in props.items() if is_secret(k)}
    for key, value in props.items():
        if key not in secret:
            if "\n" in str(value):
                raise InterfaceError(f"property {key} must be on one line")
            cp.set(name, key, str(value))
    secrets = _read_secrets()
    had_secrets = name in secrets
    if secret:
        secrets[name] = secret
    else:
        secrets.pop(name, None)
    # Secrets first: a config entry must never point at secrets that were not written.
    if secret or had_secrets:
        _write_secrets(secrets)
    _write_config(cp)
    return connections_path(), bool(secret)


def remove_connection(name: str) -> None:
    """Delete the connection ``name`` and its stored secrets."""
    cp = _read_config()
    if not cp.has_section(name):
        load_connection(name)  # raises the helpful "no connection named" error
    cp.remove_section(name)
    _write_config(cp)
    secrets = _read_secrets()
    if secrets.pop(name, None) is not None:
        _write_secrets(secrets)


def merge_properties(*layers: dict[str, str]) -> dict[str, str]:
    """Merge property dicts left to right; names compare as the driver does, later wins."""
    merged: dict[str, str] = {}
    spelled: dict[str, str] = {}
    for layer in layers:
        for key, value in layer.items():
            old = spelled.get(property_key(key))
            if old is not None:
                del merged[old]
            spelled[property_key(key)] = key
            merged[key] = value
    return merged
