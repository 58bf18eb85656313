"""Read a built PDF as a reader sees it: lines of glyphs, in column flow order.

The typography tests assert on what is on the page: which words end a
line, which glyphs share a baseline, which column a line sits in. pdfplumber
gives each glyph's box; this module groups them into :class:`Line` s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber


@dataclass
class Line:
    page: int
    column: int          # 0 left, 1 right; 0 for lines that span the page
    top: float
    x0: float
    x1: float
    size: float          # the largest glyph size on the line
    chars: list = field(default_factory=list)

    @property
    def text(self) -> str:
        out, last = [], None
        for c in self.chars:
            if last is not None and c["x0"] - last["x1"] > 0.2 * c["size"] and not out[-1].isspace() \
                    and c["text"] != " ":
                out.append(" ")
            out.append(c["text"])
            last = c
        return "".join(out).replace("\u00a0", " ").strip()

    @property
    def words(self) -> list[str]:
        return self.text.split()


def lines(pdf: Path, min_size: float = 0.0) -> list[Line]:
    """All text lines of the document in reading order (page, column, top)."""
    found: list[Line] = []
    with pdfplumber.open(str(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            middle = page.width / 2
            rows: dict[tuple[int, float], list] = {}
            for c in page.chars:
                if c["size"] < min_size:
                    continue
                column = 0 if c["x0"] < middle - 2 else 1
                key = (column, round(c["bottom"], 0))
                rows.setdefault(key, []).append(c)
            merged: dict[tuple[int, float], list] = {}
            for (column, bottom), chars in rows.items():
                merged.setdefault((column, bottom), []).extend(chars)
            for (column, bottom), chars in merged.items():
                chars.sort(key=lambda c: c["x0"])
                found.append(Line(number, column, chars[0]["top"], chars[0]["x0"], chars[-1]["x1"],
                                  max(c["size"] for c in chars), chars))
    # Lines that cross the middle (full-width rows) were split into two halves; that is fine
    # for the checks here, which look at line ends inside columns.
    found.sort(key=lambda ln: (ln.page, ln.column, ln.top))
    return found


def line_ends(flow: list[Line], size: float) -> list[tuple[Line, Line]]:
    """Pairs of consecutive lines of one size in flow order: (line, next line)."""
    same = [ln for ln in flow if abs(ln.size - size) < 0.3]
    return list(zip(same, same[1:]))
