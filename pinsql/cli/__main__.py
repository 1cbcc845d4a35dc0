"""``python -m pinsql.cli``: the same as the ``pinsql`` console script."""

import sys

if __name__ == "__main__":
    try:
        from pinsql.cli.app import main

        code = main()
    except KeyboardInterrupt:  # Ctrl-C while Python was still importing
        print("\npinsql: interrupted", file=sys.stderr)
        code = 130
    sys.exit(code)
