"""The Markdown the spec and the guide are written in, as HTML: the subset
they use (headings, paragraphs, fenced code, pipe tables, one level of
nested lists, inline code, bold, emphasis and links), no more. The standard
library has no Markdown, and Debian's python3-markdown would be one more
package for the site alone; what it would have to render is this small.

`link(target)` rewrites each link's target (the site points the spec's
links to C files at its own pages of them); it returns None for a target the
page cannot link to, whose text is then kept without a link.
"""

from __future__ import annotations

import html
import re
from typing import Callable

from .spec import github_anchor

Link = Callable[[str], "str | None"]


def inline(text: str, link: Link = lambda t: t) -> str:
    """One line's inline Markdown as HTML; code spans are left as written."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        s = html.escape(part, quote=False)
        s = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", s)
        s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", s)
        out.append(s)
    joined = "".join(out)

    def anchor(m: re.Match) -> str:
        target = link(html.unescape(m.group(2)))
        return m.group(1) if target is None else f"<a href='{html.escape(target)}'>{m.group(1)}</a>"
    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", anchor, joined)


def render(text: str, link: Link = lambda t: t, heading_id: Callable[[str], str] = github_anchor,
           code: Callable[[str, str], str] | None = None) -> str:
    """A document as HTML. `heading_id(text)` names each heading's anchor;
    `code(language, text)`, if given, renders a fenced block."""
    lines = text.splitlines()
    out: list[str] = []
    para: list[str] = []
    i = 0

    def flush() -> None:
        if para:
            out.append(f"<p>{inline(' '.join(para), link)}</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith("<!--"):
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            i += 1
            continue
        if line.startswith("```"):
            flush()
            language = line[3:].strip()
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            i += 1
            block = "\n".join(body)
            out.append(code(language, block) if code else
                       f"<pre><code>{html.escape(block)}</code></pre>")
            continue
        m = re.match(r"^(#{1,4}) (.+)$", line)
        if m:
            flush()
            level, title = len(m.group(1)), m.group(2)
            out.append(f"<h{level} id='{html.escape(heading_id(title))}'>{inline(title, link)}</h{level}>")
            i += 1
            continue
        if line.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            head, body = rows[0], [r for r in rows[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r)]
            out.append("<table><tr>" + "".join(f"<th>{inline(c, link)}</th>" for c in head) + "</tr>"
                       + "".join("<tr>" + "".join(f"<td>{inline(c, link)}</td>" for c in r) + "</tr>"
                                 for r in body) + "</table>")
            continue
        if re.match(r"^\s*- ", line):
            flush()
            out.append(_list(lines, i, link))
            while i < len(lines) and (re.match(r"^\s*- ", lines[i]) or
                                      (lines[i].startswith("  ") and lines[i].strip())):
                i += 1
            continue
        if not line.strip() or line.strip() == "---":
            flush()
        else:
            para.append(line.strip())
        i += 1
    flush()
    return "\n".join(out)


def _list(lines: list[str], i: int, link: Link) -> str:
    """A list and the one level of list nested in it."""
    items: list[tuple[int, str]] = []
    while i < len(lines) and (re.match(r"^\s*- ", lines[i]) or
                              (lines[i].startswith("  ") and lines[i].strip())):
        m = re.match(r"^(\s*)- (.*)$", lines[i])
        if m:
            items.append((1 if m.group(1) else 0, m.group(2)))
        elif items:
            items[-1] = (items[-1][0], items[-1][1] + " " + lines[i].strip())
        i += 1
    out, open_inner = ["<ul>"], False
    for depth, text in items:
        if depth and not open_inner:
            out.append("<ul>")
            open_inner = True
        elif not depth and open_inner:
            out.append("</ul></li>")
            open_inner = False
        elif not depth and len(out) > 1:
            out.append("</li>")
        out.append(f"<li>{inline(text, link)}" + ("</li>" if depth else ""))
    out.append("</ul></li></ul>" if open_inner else "</li></ul>")
    return "".join(out)
