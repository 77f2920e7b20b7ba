"""Memory-layout diagrams: where each item of each view of a buffer lies.

    picture.py  what a diagram shows, as data (JSON both ways, checked)
    measure.py  live objects -> a picture (ctypes: PyObject_GetBuffer)
    text.py     a picture as text
    svg.py      a picture as SVG

`python3 -m harness explain` draws a case with it (probe.py runs the case's
steps in a CPython and measures each view); mvref.layout(m) draws a live
view. The package uses the standard library only and no other part of the
harness, so that the build ships it beside mvref as `mvlayout`
(reference/python/build.mk): the REPL and the harness draw with the same code.
"""

from __future__ import annotations


class Diagram:
    """A picture that shows itself: as text in a REPL (repr, str), as SVG
    (`svg()`, and in notebooks `_repr_svg_`)."""

    def __init__(self, picture):
        self.picture = picture

    def __str__(self) -> str:
        from . import text
        return text.draw(self.picture).rstrip("\n")

    __repr__ = __str__

    def svg(self) -> str:
        from . import svg
        return svg.draw(self.picture)

    _repr_svg_ = svg


def layout(obj, name: str = "m") -> Diagram:
    """The diagram of a live view (or of any object that lends a buffer):
    its exporter's memory, the exporter's own layout, and the view over it."""
    from . import measure
    return Diagram(measure.layout_of(obj, name))
