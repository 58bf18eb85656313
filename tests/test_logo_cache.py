"""An SVG logo's drawing is kept in the disk cache (render.svg_drawing).

A build that finds it must not import svglib and must write the same PDF; a
changed logo file must be parsed again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ISSUE = """\
series: Tidewater Notes
date: 2026-04-14
language: en
brand: tide.brand.yaml
top_story:
  title: Harbour dues rise for the first time in a decade
  body: |
    The port authority raised berth fees by four per cent; ferry operators
    say the increase will reach passengers before the summer timetable.
imprint:
  publisher: {name: Tidewater Press, address: [2 Slipway, Whitby]}
"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60" width="300" height="60">
  <rect x="0" y="0" width="60" height="60" fill="{colour}"/>
  <text x="70" y="42" font-size="30" font-family="sans-serif">Tidewater</text>
</svg>
"""


def _setup(folder: Path, colour: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tide.svg").write_text(SVG.replace("{colour}", colour), encoding="utf-8")
    (folder / "tide.brand.yaml").write_text("name: Tidewater\nlogo: tide.svg\nlogo_alt: Tidewater Press\n",
                                            encoding="utf-8")
    issue = folder / "issue.yaml"
    issue.write_text(ISSUE, encoding="utf-8")
    return issue


def _build(issue: Path, out: Path, cache: Path) -> set[str]:
    """Build in a fresh process; the top-level packages it imported."""
    env = dict(os.environ, BRIEFING_PDF_CACHE=str(cache), PYTHONPROFILEIMPORTTIME="1")
    env.pop("BRIEFING_PDF_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-m", "briefing_pdf.cli", "build", str(issue), "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
            if line.startswith("import time:")}


def test_a_cached_logo_drawing_gives_the_same_pdf_without_svglib(tmp_path):
    issue = _setup(tmp_path / "issue", "#1b4f72")
    cache = tmp_path / "cache"
    first = _build(issue, tmp_path / "first.pdf", cache)
    assert "svglib" in first  # the measurement works: the first build parses the logo
    assert list(cache.glob("svg-*"))
    again = _build(issue, tmp_path / "again.pdf", cache)
    assert not {"svglib", "lxml", "tinycss2"} & again
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()


def test_a_changed_logo_is_parsed_again(tmp_path):
    issue = _setup(tmp_path / "issue", "#1b4f72")
    cache = tmp_path / "cache"
    _build(issue, tmp_path / "blue.pdf", cache)
    _setup(tmp_path / "issue", "#c0392b")  # the same file name, new content
    changed = _build(issue, tmp_path / "red.pdf", cache)
    assert "svglib" in changed
    red = (tmp_path / "red.pdf").read_bytes()
    assert red != (tmp_path / "blue.pdf").read_bytes()
    assert b".752941 .223529 .168627 rg" in _content(tmp_path / "red.pdf")  # the new fill colour is drawn


def _content(pdf: Path) -> bytes:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        contents = doc.pages[0].Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        return b"".join(s.read_bytes() for s in streams)
