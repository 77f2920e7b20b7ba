"""A log-log line chart as a standalone SVG file, with no plotting library:
the benchmark's slicing chart (harness/opbench.py) is its one user.

Both axes are logarithmic, ticked at powers of ten (y) and at each x given;
each series is a polyline with its points marked, in a fixed palette, and
named in a legend. The numbers behind it are in the benchmark's JSON.
"""

from __future__ import annotations

import math
from html import escape
from typing import Callable

WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 80, 190, 40, 60
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def bytes_label(n: int) -> str:
    """1024 -> '1 KiB', 2**30 -> '1 GiB'."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} B"


def _scale(lo: float, hi: float, a: float, b: float) -> Callable[[float], float]:
    """Map [lo, hi] logarithmically onto [a, b]."""
    llo, lhi = math.log10(lo), math.log10(hi)
    span = (lhi - llo) or 1.0
    return lambda v: a + (math.log10(v) - llo) / span * (b - a)


def loglog(title: str, xlabel: str, ylabel: str, xs: list[int],
           series: dict[str, list[float]], xfmt: Callable[[int], str],
           yfmt: Callable[[float], str]) -> str:
    """The SVG text of a chart of each series against xs."""
    values = [v for vs in series.values() for v in vs if v > 0]
    ylo = 10 ** math.floor(math.log10(min(values)))
    yhi = 10 ** math.ceil(math.log10(max(values)))
    x = _scale(xs[0], xs[-1], LEFT, WIDTH - RIGHT)
    y = _scale(ylo, yhi, HEIGHT - BOTTOM, TOP)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{WIDTH / 2:.0f}" y="22" text-anchor="middle" font-size="15">'
           f'{escape(title)}</text>']
    decade = ylo
    while decade <= yhi * 1.0001:
        yy = y(decade)
        out.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">'
                   f'{escape(yfmt(decade))}</text>')
        decade *= 10
    for v in xs:
        xx = x(v)
        out.append(f'<line x1="{xx:.1f}" y1="{TOP}" x2="{xx:.1f}" y2="{HEIGHT - BOTTOM}" '
                   'stroke="#eee"/>')
        out.append(f'<text x="{xx:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                   f'{escape(xfmt(v))}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
               f'height="{HEIGHT - TOP - BOTTOM}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 18}" '
               f'text-anchor="middle">{escape(xlabel)}</text>')
    out.append(f'<text x="18" y="{(TOP + HEIGHT - BOTTOM) / 2:.0f}" text-anchor="middle" '
               f'transform="rotate(-90 18 {(TOP + HEIGHT - BOTTOM) / 2:.0f})">'
               f'{escape(ylabel)}</text>')
    for k, (name, vs) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = [(x(a), y(b)) for a, b in zip(xs, vs) if b > 0]
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                   + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
        out.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>'
                   for px, py in points)
        ly = TOP + 14 + 20 * k
        lx = WIDTH - RIGHT + 14
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{lx + 28}" y="{ly}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
