"""What a layout diagram shows, as data: memory, pointer slots, and the
buffers (an exporter's own, each view's) laid over it.

A picture is measured from live objects (measure.py) and drawn as text
(text.py) or SVG (svg.py). Between the two it may cross a pipe as JSON (the
probe, a child process, measures; the harness draws), so `from_json` checks
everything it reads: a malformed picture is a PictureError, never a crash
or a wrong drawing.

Every address is an *offset from the first byte of the memory drawn*: a
picture holds no machine address, so the same program draws the same
picture every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_ITEMS = 4096          # items placed per buffer; more are counted, not placed
MAX_BYTES = 1 << 16       # bytes of memory read and kept per picture


class PictureError(ValueError):
    """A picture (from JSON) that does not hold what a picture holds."""


@dataclass
class Slot:
    """A pointer of an indirect dimension (suboffsets >= 0): `width` bytes
    at `offset` hold the address of `target`."""
    offset: int
    width: int
    target: int


@dataclass
class Buffer:
    """One buffer laid over memory: an exporter's own, or a view's.

    `items[k]` is where item k (in row-major order of the logical indices)
    starts, after following every pointer slot; at most MAX_ITEMS of the
    `nitems` items are placed. `slots` are the offsets of the pointer slots
    its walk reads.
    """
    name: str                 # "m", or "#3" for the result of step 3 that no name holds
    source: str               # how it was made: "m = x[::2]"; "" for an exporter
    format: str
    itemsize: int
    shape: list[int]
    strides: list[int]
    suboffsets: list[int]
    readonly: bool
    offset: int               # buf, from the memory's first byte
    items: list[int]
    nitems: int
    slots: list[int] = field(default_factory=list)
    step: int | None = None   # the step (0-based) that made it; None for an exporter

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def item_bytes(self) -> set[int]:
        """The offsets of every byte of every placed item."""
        return {at + b for at in self.items for b in range(self.itemsize)}


@dataclass
class Memory:
    """A run of memory and what lies on it."""
    name: str                 # "x", the exporter's name in the program
    what: str                 # "bytearray", "_testbuffer.ndarray (PIL-style)"
    data: bytes               # the bytes as they were when the buffers were made
    size: int                 # the memory's length (data may be cut at MAX_BYTES)
    after: bytes | None = None          # the bytes when the program ended, if they changed
    slots: list[Slot] = field(default_factory=list)
    exporter: Buffer | None = None      # the exporter's own layout
    views: list[Buffer] = field(default_factory=list)


@dataclass
class Picture:
    memories: list[Memory] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # what could not be drawn, and why

    def views(self) -> list[Buffer]:
        return [v for m in self.memories for v in m.views]

    # -- JSON ---------------------------------------------------------------

    def to_json(self) -> dict:
        return {"memories": [_memory_json(m) for m in self.memories], "notes": list(self.notes)}

    @classmethod
    def from_json(cls, j: object) -> Picture:
        d = _dict(j, "picture")
        return cls([_memory(m) for m in _list(d.get("memories"), "memories")],
                   [_str(n, "note") for n in _list(d.get("notes", []), "notes")])


def _buffer_json(b: Buffer) -> dict:
    return {"name": b.name, "source": b.source, "format": b.format, "itemsize": b.itemsize,
            "shape": b.shape, "strides": b.strides, "suboffsets": b.suboffsets,
            "readonly": b.readonly, "offset": b.offset, "items": b.items, "nitems": b.nitems,
            "slots": b.slots, "step": b.step}


def _memory_json(m: Memory) -> dict:
    return {"name": m.name, "what": m.what, "data": m.data.hex(), "size": m.size,
            "after": None if m.after is None else m.after.hex(),
            "slots": [[s.offset, s.width, s.target] for s in m.slots],
            "exporter": None if m.exporter is None else _buffer_json(m.exporter),
            "views": [_buffer_json(v) for v in m.views]}


# -- reading JSON, checked ----------------------------------------------------

def _dict(j: object, what: str) -> dict:
    if not isinstance(j, dict):
        raise PictureError(f"{what}: not an object")
    return j


def _list(j: object, what: str) -> list:
    if not isinstance(j, list):
        raise PictureError(f"{what}: not a list")
    return j


def _int(j: object, what: str) -> int:
    if not isinstance(j, int) or isinstance(j, bool):
        raise PictureError(f"{what}: not an integer")
    return j


def _str(j: object, what: str) -> str:
    if not isinstance(j, str):
        raise PictureError(f"{what}: not text")
    return j


def _ints(j: object, what: str, limit: int = MAX_ITEMS) -> list[int]:
    items = _list(j, what)
    if len(items) > limit:
        raise PictureError(f"{what}: more than {limit}")
    return [_int(x, what) for x in items]


def _bytes(j: object, what: str) -> bytes:
    try:
        data = bytes.fromhex(_str(j, what))
    except ValueError:
        raise PictureError(f"{what}: not hex") from None
    if len(data) > MAX_BYTES:
        raise PictureError(f"{what}: more than {MAX_BYTES} bytes")
    return data


def _buffer(j: object) -> Buffer:
    d = _dict(j, "buffer")
    step = d.get("step")
    b = Buffer(_str(d.get("name"), "name"), _str(d.get("source"), "source"),
               _str(d.get("format"), "format"), _int(d.get("itemsize"), "itemsize"),
               _ints(d.get("shape"), "shape", 128), _ints(d.get("strides"), "strides", 128),
               _ints(d.get("suboffsets"), "suboffsets", 128), bool(d.get("readonly")),
               _int(d.get("offset"), "offset"), _ints(d.get("items"), "items"),
               _int(d.get("nitems"), "nitems"), _ints(d.get("slots", []), "slots"),
               None if step is None else _int(step, "step"))
    if len(b.strides) != b.ndim or b.suboffsets and len(b.suboffsets) != b.ndim:
        raise PictureError(f"buffer {b.name}: shape, strides and suboffsets disagree")
    if b.itemsize < 0 or b.nitems < 0 or len(b.items) > b.nitems:
        raise PictureError(f"buffer {b.name}: impossible sizes")
    return b


def _memory(j: object) -> Memory:
    d = _dict(j, "memory")
    slots = []
    for s in _list(d.get("slots", []), "slots"):
        o, w, t = _ints(s, "slot", 3) if isinstance(s, list) and len(s) == 3 else (None,) * 3
        if o is None:
            raise PictureError("slot: want [offset, width, target]")
        slots.append(Slot(o, w, t))
    after = d.get("after")
    exporter = d.get("exporter")
    m = Memory(_str(d.get("name"), "name"), _str(d.get("what"), "what"),
               _bytes(d.get("data"), "data"), _int(d.get("size"), "size"),
               None if after is None else _bytes(after, "after"), slots,
               None if exporter is None else _buffer(exporter),
               [_buffer(v) for v in _list(d.get("views", []), "views")])
    if m.size < len(m.data):
        raise PictureError(f"memory {m.name}: size less than its data")
    return m
