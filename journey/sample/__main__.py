"""`python -m journey.sample --out DIR` rewrites the bundled sample data."""

import sys

from journey.sample.write import main

if __name__ == "__main__":  # guarded: tests walk and import every journey module
    sys.exit(main())
