"""A picture drawn as text, for a terminal and for the REPL.

Each memory is a row of bytes (hexadecimal, offsets above), with one row
under it per buffer laid over it: item k of a buffer (k counts its items in
row-major order) is written at the byte where it starts, and a bar runs over
the item's other bytes, so the items' places, the gaps strides leave, and
the bytes two views share line up in columns:

    x: bytearray, 6 bytes
              +0 +1 +2 +3 +4 +5
      bytes   61 62 63 64 65 66
      m        0  1  2  3  4  5
      s        0  ·  1  ·  2  ·

Pointer slots (suboffsets) get a row of their own, `p0`, `p1`, ..., and a
line saying where each points. A buffer of two or more dimensions is also
drawn as a grid of its logical indices: each cell is the item's number and
where its first byte is.
"""

from __future__ import annotations

from .picture import Buffer, Memory, Picture

WIDTH = 16            # bytes per line
MAX_LINES = 64        # lines of bytes drawn per memory
MAX_GRID = 256        # cells drawn per grid
GAP = "·"


# What a picture without memory says (a program whose object exports no buffer).
NOTHING = "no memory: the program makes no view, so there are no bytes to draw"


def draw(picture: Picture) -> str:
    out: list[str] = [] if picture.memories or picture.notes else [NOTHING]
    for memory in picture.memories:
        out += draw_memory(memory)
        out.append("")
    out += [f"note: {n}" for n in picture.notes]
    return "\n".join(out).rstrip("\n") + "\n"


def buffers(memory: Memory) -> list[Buffer]:
    """The exporter's own layout first (when it is worth a row), then the views."""
    own = [memory.exporter] if memory.exporter is not None and not plain_bytes(memory) else []
    return own + memory.views


def plain_bytes(memory: Memory) -> bool:
    """An exporter whose layout is its bytes one by one (bytes, bytearray):
    its row would repeat the byte row."""
    e = memory.exporter
    return (e is not None and e.format in ("B", "@B") and e.ndim == 1 and e.strides == [1]
            and e.offset == 0 and e.nitems == memory.size)


def cells(b: Buffer, size: int) -> list[tuple[str, bool]]:
    """For each byte of the memory: (what the buffer's row shows there,
    whether the byte continues the item of the byte before it)."""
    row: list[tuple[str, bool]] = [("", False)] * size
    for k in reversed(range(len(b.items))):      # the lowest number wins a shared byte
        at = b.items[k]
        for i in range(b.itemsize):
            if 0 <= at + i < size:
                row[at + i] = (str(k) if i == 0 else "─", i > 0)
    return row


def slot_cells(memory: Memory) -> list[tuple[str, bool]]:
    row: list[tuple[str, bool]] = [("", False)] * memory.size
    for n, s in enumerate(memory.slots):
        for i in range(s.width):
            if 0 <= s.offset + i < memory.size:
                row[s.offset + i] = (f"p{n}" if i == 0 else "─", i > 0)
    return row


def draw_memory(memory: Memory) -> list[str]:
    shown = buffers(memory)
    size = memory.size
    head = f"{memory.name}: {memory.what}, {size} byte{'s' if size != 1 else ''}"
    if size == 0:
        return [head + " (no memory to draw)"] + [f"  {legend(b, memory)}" for b in shown]
    rows = [(b.name, cells(b, size)) for b in shown]
    if memory.slots:
        rows.insert(1 if shown and shown[0] is memory.exporter else 0, ("pointers", slot_cells(memory)))
    slot_bytes = {s.offset + i for s in memory.slots for i in range(s.width)}
    width = max([2, len(str(size - 1)) + 1] + [len(t) for _, r in rows for t, _ in r])
    label = max([len("bytes"), len("after")] + [len(n) for n, _ in rows])
    out = [head]
    drawn = min(len(memory.data), WIDTH * MAX_LINES)
    for start in range(0, drawn, WIDTH):
        end = min(start + WIDTH, drawn)
        out.append(" " * (label + 3) + " ".join(f"+{i}".rjust(width) for i in range(start, end)))
        out.append(line("bytes", label, width, [(_hex(memory.data, i, slot_bytes), False)
                                                for i in range(start, end)]))
        for name, row in rows:
            part = row[start:end]
            if any(t for t, _ in part):
                out.append(line(name, label, width, [(t or GAP, c) for t, c in part]))
        if memory.after is not None:
            out.append(line("after", label, width, [(_hex(memory.after, i, slot_bytes), False)
                                                    for i in range(start, end)]))
    if drawn < size:
        out.append(f"  ... {size - drawn} more bytes, not drawn")
    if memory.after is not None:
        changed = [i for i in range(len(memory.after)) if memory.after[i] != memory.data[i]]
        out.append(f"  after: the bytes when the program ended ({len(changed)} changed: "
                   f"{_offsets(changed)})")
    for n, s in enumerate(memory.slots):
        out.append(f"  p{n} at +{s.offset} points to +{s.target}")
    out += [f"  {legend(b, memory)}" for b in shown]
    for b in gridded(shown):
        out += grid(b)
    return out


def gridded(shown: list[Buffer]) -> list[Buffer]:
    """The buffers of two or more dimensions, less those laid out exactly
    as one before them (a view of a whole ndarray repeats its grid)."""
    out: list[Buffer] = []
    for b in shown:
        if b.ndim >= 2 and b.items and not any(same_layout(b, o) for o in out):
            out.append(b)
    return out


def same_layout(a: Buffer, b: Buffer) -> bool:
    return (a.shape, a.items, a.itemsize) == (b.shape, b.items, b.itemsize)


def line(name: str, label: int, width: int, row: list[tuple[str, bool]]) -> str:
    text = ""
    for i, (t, cont) in enumerate(row):
        if i:
            text += "─" if cont else " "
        text += "─" * width if t == "─" else t.rjust(width)
    return f"  {name.ljust(label)} {text}"


def _hex(data: bytes, i: int, slots: set[int]) -> str:
    if i >= len(data):
        return "??"
    return "→→" if i in slots else f"{data[i]:02x}"


def _offsets(offsets: list[int], limit: int = 12) -> str:
    text = " ".join(f"+{o}" for o in offsets[:limit])
    return text + (f" ... ({len(offsets) - limit} more)" if len(offsets) > limit else "")


def fields(b: Buffer) -> str:
    text = (f"format {b.format!r}, itemsize {b.itemsize}, shape {tuple(b.shape)}, "
            f"strides {tuple(b.strides)}")
    if b.suboffsets:
        text += f", suboffsets {tuple(b.suboffsets)}"
    text += f", buf at +{b.offset}"
    if b.readonly:
        text += ", read-only"
    return text


def legend(b: Buffer, memory: Memory) -> str:
    if b is memory.exporter:
        what = f"{b.name}  the exporter's own buffer"
    else:
        what = f"{b.name}  {b.source}" if b.source else b.name
        if b.name.startswith("#"):
            what += f"  (step {b.step + 1 if b.step is not None else '?'}, held by no name)"
    text = f"{what}: {fields(b)}"
    if b.ndim == 0:
        text += "; 0-dim: one item, no index"
    elif b.nitems == 0:
        text += "; no items"
    if len(b.items) < b.nitems:
        text += f"; the first {len(b.items)} of {b.nitems} items placed"
    if b.slots:
        numbers = {s.offset: n for n, s in enumerate(memory.slots)}
        text += "; through pointers " + " ".join(f"p{numbers[o]}" for o in b.slots if o in numbers)
    shared = sharing(b, memory)
    return text + (f"; {shared}" if shared else "")


def sharing(b: Buffer, memory: Memory) -> str:
    """Which earlier buffer on this memory it shares bytes with: a slice or
    a cast copies nothing."""
    mine = b.item_bytes()
    if not mine or b is memory.exporter:
        return ""
    earlier = memory.views[:memory.views.index(b)][::-1]     # the latest first
    if memory.exporter is not None:
        earlier.append(memory.exporter)
    for other in earlier:
        common = mine & other.item_bytes()
        if common:
            whose = "the exporter's" if other is memory.exporter else f"{other.name}'s"
            if common == mine:
                return f"all {len(mine)} of its bytes are {whose}: nothing copied"
            return f"{len(common)} of its {len(mine)} bytes are {whose}"
    return ""


def grid(b: Buffer) -> list[str]:
    """The items of an N-D buffer (N >= 2) by logical index: one table per
    index of the leading dimensions, rows the second-to-last index, columns
    the last."""
    rows_n, cols_n = b.shape[-2], b.shape[-1]
    per_table = rows_n * cols_n
    out = [f"  {b.name} by index (shape {tuple(b.shape)}): item number @ where its first byte is"]
    k = 0
    drawn = 0
    while k < len(b.items) and drawn < MAX_GRID:
        lead = _index(k, b.shape)[:-2]
        if lead:
            out.append(f"    [{', '.join(map(str, lead))}, :, :]")
        cells_ = [[f"{k + r * cols_n + c}@+{b.items[k + r * cols_n + c]}"
                   if k + r * cols_n + c < len(b.items) else "" for c in range(cols_n)]
                  for r in range(rows_n)]
        width = max(len(t) for row in cells_ for t in row)
        prefix = ", ".join(map(str, lead)) + ", " if lead else ""
        head = [f"[{prefix}{r}, :]" for r in range(rows_n)]
        hw = max(len(h) for h in head)
        out.append("    " + " " * hw + "  " + "  ".join(f"[{c}]".rjust(width) for c in range(cols_n)))
        for r in range(rows_n):
            out.append("    " + head[r].ljust(hw) + "  " + "  ".join(t.rjust(width) for t in cells_[r]))
        k += per_table
        drawn += per_table
    if k < b.nitems:
        out.append(f"    ... {b.nitems - k} more items")
    return out


def _index(k: int, shape: list[int]) -> list[int]:
    """The logical index of item number k (row-major)."""
    idx = []
    for s in reversed(shape):
        idx.insert(0, k % s)
        k //= s
    return idx
