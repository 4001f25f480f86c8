"""`python -m journey.sample --out DIR` rewrites the bundled sample data."""

import sys

from journey.sample.core import main

sys.exit(main())
