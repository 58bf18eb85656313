#!/usr/bin/env python3
"""Convert a TeX hyphenation pattern file into a libhyphen ``.dic`` for pyphen.

Usage::

    python tools/make_hyph_dic.py SOURCE.tex|.pat TARGET.dic [--left N --right N]

Why a converter of our own: briefing-pdf hyphenates with the TeX patterns
(Trennmuster for German, hyph-utf8's hyph-en-us for English) because those are
the reference a typesetter expects, but it loads them with pyphen, which reads
libhyphen's format.  The conversion is mechanical and reproducible:

* The first line is the encoding (``UTF-8``), as libhyphen requires.
* ``LEFTHYPHENMIN``/``RIGHTHYPHENMIN`` come from ``--left/--right`` or else the
  source header's ``hyphenmins: typesetting:`` block; pyphen skips these lines
  and :mod:`briefing_pdf.hyphenate` reads them itself.
* The source's leading comment block (title, copyright, licence) is kept as
  ``%`` comment lines, so the licence travels with the data.
* Every pattern of ``\\patterns{...}`` is written unchanged, one per line.
* Every word of ``\\hyphenation{...}`` (TeX's exception list) becomes a
  whole-word pattern that outranks all patterns: an odd value (break) where
  the exception has a hyphen, an even value (no break) between all other
  letters, e.g. ``ta-ble`` -> ``.t8a9b8l8e.`` when the patterns use levels up
  to 7.  libhyphen has no exception list, and a whole-word pattern
  (``.word.``) can only match that exact word.

The output is a pure function of the input: same source, same bytes.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import List, Optional, Tuple

_DIGITS = re.compile(r"\d")


def _strip_comment(line: str) -> str:
    """TeX comment: everything from an unescaped ``%``."""
    m = re.search(r"(?<!\\)%", line)
    return line[:m.start()] if m else line


def _block(text: str, command: str) -> List[str]:
    """Whitespace-separated entries of ``\\command{...}`` (all occurrences)."""
    out: List[str] = []
    body = "\n".join(_strip_comment(line) for line in text.splitlines())
    for m in re.finditer(r"\\%s\s*\{([^}]*)\}" % command, body):
        out.extend(m.group(1).split())
    return out


def _header(text: str) -> List[str]:
    """The leading run of comment lines (title, copyright, licence)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("%"):
            break
        lines.append(line.rstrip())
    while lines and lines[-1].strip("% =") == "":
        lines.pop()
    return lines


def _hyphenmins(header: List[str]) -> Tuple[Optional[int], Optional[int]]:
    """``left``/``right`` of the header's ``typesetting:`` block, if any."""
    left = right = None
    in_typesetting = False
    for line in header:
        s = line.lstrip("%").strip()
        if s.startswith("typesetting:"):
            in_typesetting = True
            continue
        if in_typesetting:
            m = re.match(r"(left|right):\s*(\d+)", s)
            if m:
                if m.group(1) == "left":
                    left = int(m.group(2))
                else:
                    right = int(m.group(2))
                continue
            in_typesetting = False
    return left, right


def exception_pattern(word: str, no: int, yes: int) -> str:
    """``ta-ble`` -> ``.t{no}a{yes}b{no}l{no}e.``: a whole-word pattern that
    allows exactly the exception's breaks."""
    letters = word.replace("-", "")
    if not letters or word.startswith("-") or word.endswith("-") or "--" in word:
        raise ValueError("bad exception %r" % word)
    breaks, k = set(), 0
    for ch in word:
        if ch == "-":
            breaks.add(k)
        else:
            k += 1
    parts = [letters[0]]
    for i in range(1, len(letters)):
        parts.append(str(yes if i in breaks else no))
        parts.append(letters[i])
    return "." + "".join(parts) + "."


def convert(source: str, name: str, left: Optional[int] = None,
            right: Optional[int] = None) -> str:
    """The ``.dic`` text for the TeX pattern file content ``source``."""
    if "^^" in source:
        raise ValueError("^^ notation is not supported; use the UTF-8 source")
    header = _header(source)
    patterns = _block(source, "patterns")
    exceptions = _block(source, "hyphenation")
    if not patterns:
        raise ValueError("no \\patterns{...} block found")
    hl, hr = _hyphenmins(header)
    left = left if left is not None else (hl or 2)
    right = right if right is not None else (hr or 2)
    top = max(int(d) for p in patterns for d in _DIGITS.findall(p))
    no = top + 1 if (top + 1) % 2 == 0 else top + 2   # even, above every level
    yes = no + 1
    if yes > 9:
        raise ValueError("patterns use level %d: no room for exception levels" % top)
    lines = ["UTF-8",
             "LEFTHYPHENMIN %d" % left,
             "RIGHTHYPHENMIN %d" % right,
             "%% converted from %s by tools/make_hyph_dic.py: %d patterns, %d exceptions"
             % (name, len(patterns), len(exceptions)),
             "%"]
    lines.extend(header)
    lines.extend(patterns)
    lines.extend(exception_pattern(w.lower(), no, yes) for w in exceptions)
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("target", type=Path)
    ap.add_argument("--left", type=int)
    ap.add_argument("--right", type=int)
    a = ap.parse_args(argv)
    text = convert(a.source.read_text(encoding="utf-8"), a.source.name, a.left, a.right)
    a.target.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
