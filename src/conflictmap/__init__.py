"""conflictmap: map conflict incidents from ACLED, UCDP and analysts' own sheets.

The public API is a handful of verbs; the dashboard (``app.py``) and the CLI
(``conflictmap``) are thin shells over them.
"""

from conflictmap.errors import ConflictmapError, InputError, StoreError, UsageError
from conflictmap.filters import Filters
from conflictmap.ingest.pipeline import check_bytes, import_bytes, import_files, validate_file
from conflictmap.store import open_store

__all__ = [
    "ConflictmapError",
    "Filters",
    "InputError",
    "StoreError",
    "UsageError",
    "check_bytes",
    "import_bytes",
    "import_files",
    "open_store",
    "validate_file",
]
__version__ = "0.1.0"
