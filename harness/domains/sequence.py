"""Chapter 14, sequence behaviour: exporters of many items of every native
code, to iterate over and count in."""

from __future__ import annotations

from .core import Labelled
from .formats import exporters_of, format_values
from .natives import NATIVE_CODES


def iteration_exporters() -> list[Labelled]:
    """One many-item exporter per native code and kind: SEQ-004."""
    out = []
    for code in NATIVE_CODES:
        out += exporters_of(code, format_values(code), True, True, readonly=True)
    out.append(Labelled("bytes", {"kind": "bytes", "data": b"\x00a\xff"}))
    out.append(Labelled("bytearray", {"kind": "bytearray", "data": b"\x00a\xff"}))
    return out


TEMPLATE_DOMAINS = (iteration_exporters,)
