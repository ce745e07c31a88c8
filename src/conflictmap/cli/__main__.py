"""``python -m conflictmap.cli``: the same as the ``conflictmap`` command."""

import sys

from conflictmap.cli import main

sys.exit(main())
