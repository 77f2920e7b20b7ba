"""Measure live buffers into a picture: where each item of each view lies.

A consumer sees a buffer through the fields of a `Py_buffer`; so do we. For
each object we ask for a buffer exactly as `memoryview()` does
(`PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO)`, through ctypes), read buf,
itemsize, format, shape, strides and suboffsets, walk the items as every
consumer must (strides, then a pointer to follow wherever a suboffset is
>= 0), and release the buffer at once: nothing is held, so measuring changes
nothing a program can see (the probe's outcomes are compared with CPython's
recorded ones to prove it).

Memory is drawn from the lowest byte any measured buffer touches; offsets
are from there. The bytes between an exporter's lowest and highest byte are
read as one block: they are one allocation for every exporter of the
standard library, NumPy and _testbuffer (a PIL-style ndarray keeps its
pointer table and its rows together).

CPython only (ctypes.pythonapi); the builtin memoryview and mvref's lend
their buffers the same way, so both are measured alike.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Callable

from .picture import MAX_BYTES, MAX_ITEMS, Buffer, Memory, Picture, Slot

PyBUF_FULL_RO = 0x100 | 0x18 | 0x4      # INDIRECT | STRIDES | FORMAT: memoryview()'s request


class _PyBuffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p),
                ("len", ctypes.c_ssize_t), ("itemsize", ctypes.c_ssize_t),
                ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
                ("internal", ctypes.c_void_p)]


# Prototypes of our own, not ctypes.pythonapi's shared function objects:
# another copy of this module (mvref's mvlayout beside the harness's) sets
# its own Structure class.
_get_buffer = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.POINTER(_PyBuffer),
                                ctypes.c_int)(("PyObject_GetBuffer", ctypes.pythonapi))
_release = ctypes.PYFUNCTYPE(None, ctypes.POINTER(_PyBuffer))(
    ("PyBuffer_Release", ctypes.pythonapi))


@dataclass
class Raw:
    """A buffer's fields, with absolute addresses."""
    buf: int
    itemsize: int
    format: str
    shape: list[int]
    strides: list[int]
    suboffsets: list[int]
    readonly: bool
    items: list[int] = field(default_factory=list)      # absolute, row-major, <= MAX_ITEMS
    slots: list[tuple[int, int]] = field(default_factory=list)   # (slot address, target)

    @property
    def nitems(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    def span(self) -> tuple[int, int]:
        """[lo, hi) of every byte it touches: items, slots, and buf itself."""
        width = ctypes.sizeof(ctypes.c_void_p)
        starts = [self.buf] + self.items + [s for s, _ in self.slots]
        ends = [self.buf] + [a + self.itemsize for a in self.items] \
            + [s + width for s, _ in self.slots]
        return min(starts), max(ends)


def acquire(obj: object) -> Raw:
    """The buffer obj lends to memoryview(), measured and given back.
    Raises what the exporter raises (BufferError, ValueError for a released
    view, TypeError for an object without the buffer protocol)."""
    view = _PyBuffer()
    _get_buffer(obj, ctypes.byref(view), PyBUF_FULL_RO)
    try:
        n = view.ndim
        shape = [view.shape[i] for i in range(n)] if view.shape else [view.len // max(view.itemsize, 1)] * (n > 0)
        strides = [view.strides[i] for i in range(n)] if view.strides else _c_strides(shape, view.itemsize)
        raw = Raw(view.buf or 0, view.itemsize,
                  (view.format or b"B").decode("utf-8", "replace"), shape, strides,
                  [view.suboffsets[i] for i in range(n)] if view.suboffsets else [],
                  bool(view.readonly))
        _walk(raw)          # while the buffer is held: the memory cannot move
        return raw
    finally:
        _release(ctypes.byref(view))


def _c_strides(shape: list[int], itemsize: int) -> list[int]:
    strides, step = [], itemsize
    for s in reversed(shape):
        strides.insert(0, step)
        step *= s
    return strides


def _walk(raw: Raw) -> None:
    """Place up to MAX_ITEMS items in row-major order, following pointers
    where a suboffset says so (CPython's ADJUST_PTR)."""
    if raw.nitems == 0:
        return

    def walk(ptr: int, d: int) -> None:
        if d == len(raw.shape):
            raw.items.append(ptr)
            return
        for i in range(raw.shape[d]):
            if len(raw.items) >= MAX_ITEMS:
                return
            p = ptr + i * raw.strides[d]
            if raw.suboffsets and raw.suboffsets[d] >= 0:
                target = ctypes.c_void_p.from_address(p).value or 0
                raw.slots.append((p, target))
                p = target + raw.suboffsets[d]
            walk(p, d + 1)
    walk(raw.buf, 0)


def describe(obj: object) -> str:
    """An exporter as a reader knows it: `bytearray`, `array.array('i')`."""
    t = type(obj)
    name = t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
    code = getattr(obj, "typecode", None)
    if t.__module__ == "array" and isinstance(code, str):
        name += f"({code!r})"
    return name


@dataclass
class _Region:
    memory: Memory
    base: int
    owner: int | None           # id() of the exporter that owns it, while it lives


class Sketch:
    """A picture built as a program runs: its exporters first, then each
    view as a step makes it. Holds no reference to any view or buffer."""

    def __init__(self) -> None:
        self.picture = Picture()
        self._regions: list[_Region] = []

    def exporter(self, name: str, obj: object, what: str | None = None,
                 extent: tuple[int, int] | None = None) -> None:
        """An object of the program's setup. `extent` (from buf, length)
        widens its memory to bytes no item covers, when the caller knows
        them (an ndarray's offset). An object that lends no buffer (a str,
        a list) has no memory to draw, and is left out."""
        try:
            raw = acquire(obj)
        except Exception:       # noqa: BLE001 -- no buffer: nothing to draw
            return
        lo, hi = raw.span()
        if extent is not None:
            lo, hi = min(lo, raw.buf + extent[0]), max(hi, raw.buf + extent[0] + extent[1])
        what = what or describe(obj)
        if raw.suboffsets and "PIL" not in what:
            what += " (PIL-style: pointers to its rows)"
        region = self._region(name, what, lo, hi, id(obj))
        region.memory.exporter = _buffer(raw, region, name, "", None)

    def view(self, name: str, source: str, obj: object, step: int | None = None) -> None:
        """A view the program made (or any buffer), placed on the memory
        that holds it."""
        try:
            raw = acquire(obj)
        except Exception as e:  # noqa: BLE001 -- say why, draw the rest
            self.picture.notes.append(f"{name}: not measured ({type(e).__name__}: {e})")
            return
        lo, hi = raw.span()
        region = next((r for r in self._regions
                       if r.base <= lo and hi <= r.base + r.memory.size), None)
        if region is None and raw.nitems == 0:
            # no item, so no byte of its own: its buf may lie anywhere (an
            # empty slice moves it outside the memory); it belongs to its owner
            owner = self._owner(obj)
            region = next((r for r in self._regions if owner is not None and r.owner == id(owner)),
                          None)
        if region is None:
            region = self._region(*self._owner_of(obj, name), lo, hi, None)
        region.memory.views.append(_buffer(raw, region, name, source, step))

    def finish(self, lookup: Callable[[str], object] | None = None) -> Picture:
        """The picture; with `lookup` (a name to the live exporter, or None),
        each memory's bytes as the program left them, where they changed."""
        for r in self._regions:
            obj = lookup(r.memory.name) if lookup is not None and r.owner is not None else None
            if obj is None or id(obj) != r.owner:
                continue
            try:
                lo, hi = acquire(obj).span()
            except Exception:   # noqa: BLE001 -- released or resized: no after
                continue
            if r.base <= lo and hi <= r.base + r.memory.size:
                after = ctypes.string_at(r.base, len(r.memory.data))
                if after != r.memory.data:
                    r.memory.after = after
        return self.picture

    @staticmethod
    def _owner(obj: object) -> object:
        try:
            return getattr(obj, "obj", None)
        except ValueError:          # released since
            return None

    def _owner_of(self, obj: object, name: str) -> tuple[str, str]:
        owner = self._owner(obj)
        for r in self._regions:
            if owner is not None and r.owner == id(owner):
                return f"{r.memory.name}'", f"{r.memory.what}: its memory after it moved"
        return f"{name}.obj", describe(owner) if owner is not None else "memory"

    def _region(self, name: str, what: str, lo: int, hi: int, owner: int | None) -> _Region:
        size = hi - lo
        data = ctypes.string_at(lo, min(size, MAX_BYTES)) if size > 0 else b""
        if size > MAX_BYTES:
            self.picture.notes.append(f"{name}: only the first {MAX_BYTES} of its "
                                      f"{size} bytes are drawn")
        memory = Memory(name, what, data, size)
        for r in self._regions:
            if r.memory.name == name:
                memory.name = name + "'"
        region = _Region(memory, lo, owner)
        self.picture.memories.append(memory)
        self._regions.append(region)
        return region


def _buffer(raw: Raw, region: _Region, name: str, source: str, step: int | None) -> Buffer:
    base = region.base
    known = {s.offset for s in region.memory.slots}
    width = ctypes.sizeof(ctypes.c_void_p)
    for at, target in raw.slots:
        if at - base not in known:
            known.add(at - base)
            region.memory.slots.append(Slot(at - base, width, target - base))
    region.memory.slots.sort(key=lambda s: s.offset)
    return Buffer(name, source, raw.format, raw.itemsize, raw.shape, raw.strides,
                  raw.suboffsets, raw.readonly, raw.buf - base, [a - base for a in raw.items],
                  raw.nitems, sorted({at - base for at, _ in raw.slots}), step)


def layout_of(obj: object, name: str = "m") -> Picture:
    """The picture of one live view (or any buffer): its exporter's memory
    (`obj.obj`) with the exporter's own layout, and the view over it."""
    sketch = Sketch()
    try:
        owner = getattr(obj, "obj", None)
    except ValueError:      # a released view: view() says so
        owner = None
    if owner is not None and owner is not obj:
        sketch.exporter(f"{name}.obj", owner)
    sketch.view(name, "", obj)
    return sketch.finish()
