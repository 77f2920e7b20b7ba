"""A picture drawn as SVG: the same rows as the text drawing (text.py), as
boxes.

Each byte is a square with its value; each buffer a row of coloured bars,
one per item, spanning the item's bytes and labelled with its number; a
pointer slot is a bar with an arrow to the byte it points at. A buffer of two
or more dimensions is drawn again as grids of its logical indices. The SVG
is standalone (no script, no font or style from outside) so that a page can
inline it and a browser can show it from the file system.
"""

from __future__ import annotations

import textwrap
from html import escape

from . import text
from .picture import Buffer, Memory, Picture

CELL = 30            # a byte's width
ROW = 24             # a row's height
LABEL = 96           # the row labels' column
LEGEND = 110         # characters of a legend's line
CHAR = 7.4           # width of a character of the monospace font at 12px (and a margin)
COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948",
           "#ff9da7", "#9c755f", "#bab0ac"]
STYLE = ("text{font-family:DejaVu Sans Mono,Menlo,Consolas,monospace;font-size:12px}"
         ".off{fill:#888;font-size:10px}.byte{fill:#fff;stroke:#999}.slotb{fill:#ece6f5;stroke:#999}"
         ".head{font-weight:bold}.legend{fill:#333}.item text{fill:#fff}"
         ".changed{fill:#fde2a7;stroke:#999}.cell{fill:#fff}.cell.off{font-size:10px}")


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.y = 0.0
        self.width = 0.0

    def text(self, x: float, y: float, s: str, cls: str = "", anchor: str = "start") -> None:
        c = f" class='{cls}'" if cls else ""
        a = f" text-anchor='{anchor}'" if anchor != "start" else ""
        self.parts.append(f"<text x='{x:.1f}' y='{y:.1f}'{c}{a}>{escape(s)}</text>")
        self.width = max(self.width, x + len(s) * CHAR * (0.5 if anchor == "middle" else 1))

    def rect(self, x: float, y: float, w: float, h: float, cls: str = "", fill: str = "",
             rx: float = 0) -> None:
        c = f" class='{cls}'" if cls else ""
        f = f" fill='{fill}'" if fill else ""
        r = f" rx='{rx}'" if rx else ""
        self.parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{w:.1f}' height='{h:.1f}'{c}{f}{r}/>")
        self.width = max(self.width, x + w)


def draw(picture: Picture, title: str = "memory layout", uid: str = "") -> str:
    """The SVG element; `uid` keeps its arrowhead's id apart from those of
    other diagrams on the same page."""
    c = _Canvas()
    if not picture.memories and not picture.notes:
        c.text(4, 14, text.NOTHING, "legend")
        c.y += 18
    for memory in picture.memories:
        _memory(c, memory, uid)
        c.y += ROW
    for note in picture.notes:
        c.text(4, c.y + 14, f"note: {note}", "legend")
        c.y += 18
    width, height = max(c.width + 8, 200), max(c.y + 4, 20)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' class='layout' role='img' "
            f"width='{width:.0f}' height='{height:.0f}' viewBox='0 0 {width:.0f} {height:.0f}'>"
            f"<title>{escape(title)}</title><style>{STYLE}</style>"
            f"<defs><marker id='arrow{uid}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' "
            "markerHeight='7' orient='auto-start-reverse'><path d='M0,0L10,5L0,10z' fill='#6a4c93'/>"
            "</marker></defs>" + "".join(c.parts) + "</svg>")


def _memory(c: _Canvas, memory: Memory, uid: str) -> None:
    shown = text.buffers(memory)
    size = memory.size
    c.text(4, c.y + 14, f"{memory.name}: {memory.what}, {size} byte{'s' if size != 1 else ''}",
           "head")
    c.y += 22
    colour = {id(b): COLOURS[i % len(COLOURS)] for i, b in enumerate(shown)}
    slot_bytes = {s.offset + i for s in memory.slots for i in range(s.width)}
    places: dict[int, tuple[float, float]] = {}         # byte -> (x, y) of its box
    drawn = min(len(memory.data), text.WIDTH * text.MAX_LINES)
    for start in range(0, drawn, text.WIDTH):
        end = min(start + text.WIDTH, drawn)
        for i in range(start, end):
            c.text(LABEL + (i - start) * CELL + CELL / 2, c.y + 10, f"+{i}", "off", "middle")
        c.y += 13
        c.text(4, c.y + 16, "bytes", "legend")
        for i in range(start, end):
            x = LABEL + (i - start) * CELL
            places[i] = (x, c.y)
            c.rect(x, c.y, CELL, ROW, "slotb" if i in slot_bytes else "byte")
            if i not in slot_bytes:
                c.text(x + CELL / 2, c.y + 16, f"{memory.data[i]:02x}", anchor="middle")
        _slots(c, memory, start, end)
        c.y += ROW + 4
        for b in shown:
            if _bars(c, b, start, end, colour[id(b)]):
                c.y += ROW + 2
        if memory.after is not None:
            c.text(4, c.y + 16, "after", "legend")
            for i in range(start, end):
                x = LABEL + (i - start) * CELL
                changed = memory.after[i] != memory.data[i]
                c.rect(x, c.y, CELL, ROW, "changed" if changed else "byte")
                c.text(x + CELL / 2, c.y + 16, f"{memory.after[i]:02x}", anchor="middle")
            c.y += ROW + 2
        c.y += 6
    if not drawn:       # an empty exporter: the row is there, with nothing in it
        c.text(4, c.y + 16, "bytes", "legend")
        c.parts.append(f"<rect x='{LABEL}' y='{c.y:.1f}' width='{CELL * 4}' height='{ROW}' "
                       "class='byte' stroke-dasharray='4 3'/>")
        c.text(LABEL + CELL * 2, c.y + 16, "no bytes", "off", "middle")
        c.y += ROW + 10
    if drawn < size:
        c.text(4, c.y + 14, f"... {size - drawn} more bytes, not drawn", "legend")
        c.y += 18
    _arrows(c, memory, places, uid)
    for k, s in enumerate(memory.slots):
        c.text(4, c.y + 14, f"p{k} at +{s.offset} points to +{s.target}", "legend")
        c.y += 16
    for b in shown:
        c.rect(4, c.y + 4, 10, 10, fill=colour[id(b)])
        for part in textwrap.wrap(text.legend(b, memory), LEGEND, subsequent_indent="    "):
            c.text(20, c.y + 14, part, "legend")
            c.y += 16
    for b in text.gridded(shown):
        _grid(c, b, colour[id(b)])


def _bars(c: _Canvas, b: Buffer, start: int, end: int, colour: str) -> bool:
    """b's items that lie in bytes [start, end), as bars; False if none."""
    bars = []
    for k, at in enumerate(b.items):
        lo, hi = max(at, start), min(at + b.itemsize, end)
        if lo < hi:
            bars.append((k, at, lo, hi))
    if not bars:
        return False
    c.text(4, c.y + 16, b.name, "legend")
    c.parts.append("<g class='item'>")
    for k, at, lo, hi in bars:
        x = LABEL + (lo - start) * CELL + 1.5
        c.rect(x, c.y + 1, (hi - lo) * CELL - 3, ROW - 2, fill=colour, rx=4)
        if lo == at:
            c.text(x + 5, c.y + 16, str(k))
    c.parts.append("</g>")
    return True


def _slots(c: _Canvas, memory: Memory, start: int, end: int) -> None:
    for k, s in enumerate(memory.slots):
        lo, hi = max(s.offset, start), min(s.offset + s.width, end)
        if lo < hi:
            x = LABEL + (lo - start) * CELL
            c.rect(x + 1, c.y + 3, (hi - lo) * CELL - 2, ROW - 6, fill="#d9cdea", rx=3)
            if lo == s.offset:
                c.text(x + 5, c.y + 16, f"p{k} →")


def _arrows(c: _Canvas, memory: Memory, places: dict[int, tuple[float, float]],
            uid: str) -> None:
    for s in memory.slots:
        if s.offset not in places or s.target not in places:
            continue
        (x1, y1), (x2, y2) = places[s.offset], places[s.target]
        x1 += 8
        x2 += CELL / 2
        y1 += ROW
        bend = max(abs(y2 - y1), 30)
        c.parts.append(f"<path d='M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend * 0.6:.1f} "
                       f"{x2:.1f},{y2 - bend * 0.6:.1f} {x2:.1f},{y2:.1f}' fill='none' "
                       f"stroke='#6a4c93' stroke-width='1.5' marker-end='url(#arrow{uid})' "
                       "class='pointer'/>")


def _grid(c: _Canvas, b: Buffer, colour: str) -> None:
    rows_n, cols_n = b.shape[-2], b.shape[-1]
    per = rows_n * cols_n
    w = max(44, 8 + CHAR * max(len(f"+{o}") for o in b.items))
    c.y += 6
    c.text(4, c.y + 14, f"{b.name} by index, shape {tuple(b.shape)}: each cell is the item's "
           "number and where its first byte is", "head")
    c.y += 20
    k = 0
    while k < len(b.items) and k < text.MAX_GRID:
        lead = text._index(k, b.shape)[:-2]
        x0 = LABEL
        if lead:
            c.text(4, c.y + 14, f"[{', '.join(map(str, lead))}, :, :]", "legend")
            c.y += 18
        for col in range(cols_n):
            c.text(x0 + col * w + w / 2, c.y + 10, f"[{col}]", "off", "middle")
        c.y += 13
        for r in range(rows_n):
            c.text(4, c.y + 20, f"[{', '.join(map(str, lead + [r]))}, :]", "legend")
            for col in range(cols_n):
                i = k + r * cols_n + col
                if i >= len(b.items):
                    continue
                x = x0 + col * w
                c.rect(x + 1, c.y + 1, w - 2, 32, fill=colour, rx=4)
                c.parts.append(f"<text x='{x + w / 2:.1f}' y='{c.y + 15:.1f}' text-anchor='middle' "
                               f"class='cell'>{i}</text><text x='{x + w / 2:.1f}' y='{c.y + 28:.1f}' "
                               f"text-anchor='middle' class='cell off'>+{b.items[i]}</text>")
            c.y += 34
        k += per
        c.y += 6
    if k < b.nitems:
        c.text(4, c.y + 14, f"... {b.nitems - k} more items", "legend")
        c.y += 18
