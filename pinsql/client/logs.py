"""Configure pinsql's loggers from the Verbosity and Logfile properties."""

from __future__ import annotations

import logging
import sys
import threading

from pinsql.auth.redact import SecretFilter
from pinsql.properties import ConnectionProperties

_lock = threading.Lock()
_handlers: dict[str, logging.Handler] = {}

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def configure_logging(props: ConnectionProperties) -> None:
    """Attach a (secret-scrubbing) handler when Verbosity > 0 or a Logfile is set; otherwise do nothing.

    0 silent (the application's logging decides); 1 info (sign-in, refreshes, retries);
    2 plus one line per request under ``pinsql.client``; 3 all pinsql debug; 4-5 plus urllib3
    connection debug. Tokens and Authorization headers are never logged at any level.
    """
    verbosity = props.verbosity or (1 if props.logfile else 0)
    if verbosity <= 0:
        return
    key = str(props.logfile) if props.logfile else "<stderr>"
    with _lock:
        handler = _handlers.get(key)
        if handler is None:
            if props.logfile:
                props.logfile.parent.mkdir(parents=True, exist_ok=True)
                handler = logging.FileHandler(props.logfile, encoding="utf-8")
            else:
                handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter(_FORMAT))
            handler.addFilter(SecretFilter())
            _handlers[key] = handler
            logging.getLogger("pinsql").addHandler(handler)
    root = logging.getLogger("pinsql")
    root.setLevel(logging.DEBUG if verbosity >= 3 else logging.INFO)
    if verbosity >= 2:
        logging.getLogger("pinsql.client").setLevel(logging.DEBUG)
    if verbosity >= 4:
        urllib3_logger = logging.getLogger("urllib3")
        urllib3_logger.setLevel(logging.DEBUG)
        with _lock:
            if handler not in urllib3_logger.handlers:
                urllib3_logger.addHandler(handler)


def reset_logging() -> None:
    """Remove the handlers :func:`configure_logging` installed (tests, long-lived hosts)."""
    with _lock:
        for handler in _handlers.values():
            for name in ("pinsql", "urllib3"):
                logging.getLogger(name).removeHandler(handler)
            handler.close()
        _handlers.clear()
    logging.getLogger("pinsql").setLevel(logging.NOTSET)
    logging.getLogger("pinsql.client").setLevel(logging.NOTSET)
    logging.getLogger("urllib3").setLevel(logging.NOTSET)
