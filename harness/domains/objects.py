"""Chapter 15, the object: the request flags a view's __buffer__ is asked
with."""

from __future__ import annotations

from .core import Labelled


def buffer_flags() -> list[Labelled]:
    """Request flags for __buffer__ (OBJECT-*): the PyBUF_* combinations."""
    named = [("SIMPLE", 0), ("WRITABLE", 1), ("FORMAT", 4), ("ND", 8), ("STRIDES", 0x18),
             ("C_CONTIGUOUS", 0x38), ("F_CONTIGUOUS", 0x58), ("ANY_CONTIGUOUS", 0x98),
             ("INDIRECT", 0x118), ("CONTIG_RO", 0x8), ("CONTIG", 0x9), ("STRIDED_RO", 0x18),
             ("STRIDED", 0x19), ("RECORDS_RO", 0x1c), ("RECORDS", 0x1d), ("FULL_RO", 0x11c),
             ("FULL", 0x11d), ("FORMAT|C", 0x3c), ("FORMAT|F", 0x5c), ("FORMAT|ANY", 0x9c),
             ("READ", 0x100), ("WRITE", 0x200), ("2**31-1", (1 << 31) - 1)]
    seen, out = set(), []
    for label, v in named:
        if v not in seen:
            seen.add(v)
            out.append(Labelled(label, v))
    return out


TEMPLATE_DOMAINS = (buffer_flags,)
