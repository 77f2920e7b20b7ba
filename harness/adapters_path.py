"""Import the Python adapter as a module of the harness.

The adapter lives in harness/adapters/ as a standalone script (it must run in
MicroPython and Brython, which know nothing of this package); this makes the
same file importable here, so the harness and its tests use the very code
that implementations run, not a copy.
"""

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parent / "adapters" / "mvadapter.py"
_spec = importlib.util.spec_from_file_location("mvadapter", _PATH)
mvadapter = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mvadapter)
