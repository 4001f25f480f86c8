"""`python -m journey`: the command-line interface."""

import sys

from journey.cli import main

if __name__ == "__main__":
    sys.exit(main())
