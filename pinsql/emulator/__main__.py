"""Entry point of ``python -m pinsql.emulator``."""

import sys

from .cli import build_arg_parser, main

__all__ = ["build_arg_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
