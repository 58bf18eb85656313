"""House hyphenation exceptions, seen in the finished PDF (line ends read with pdfplumber)."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from briefing_pdf.pipeline import build


def column_lines(pdf_path: Path) -> list[str]:
    """The text lines in reading order: per page the left column, then the right."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            mid = page.width / 2
            for right in (False, True):
                rows: dict[int, list] = {}
                for w in page.extract_words():
                    if (w["x0"] >= mid) == right:
                        rows.setdefault(round(w["top"]), []).append(w)
                for top in sorted(rows):
                    out.append(" ".join(w["text"] for w in sorted(rows[top], key=lambda w: w["x0"])))
    return out


def hyphen_breaks(pdf_path: Path) -> list[tuple[str, str]]:
    """(last word, next line's first word) for every line that ends in a hyphen."""
    lines = column_lines(pdf_path)
    return [(a.split()[-1], b.split()[0]) for a, b in zip(lines, lines[1:]) if a.endswith("-")]


# Short filler words (never hyphenated) around the two brand names, in paragraphs
# of different lengths, so that the line breaker meets DeepSeek at many line ends.
PARAS = [" ".join(["Wir"] + ["sahen"] * (k % 5) + ["am"] * (k % 3)
                  + ["DeepSeek und OpenAI, dann kam DeepSeek mit OpenAI und DeepSeek vor OpenAI."] * 3)
         for k in range(24)]


def _build(tmp_path: Path, issue_list: str = "", brand_list: str | None = None) -> Path:
    head = "date: 2026-03-12\nlanguage: de\n"
    if brand_list is not None:
        (tmp_path / "house.brand.yaml").write_text(
            f"name: House\nimprint:\n  publisher: {{name: House}}\n{brand_list}", encoding="utf-8")
        head += "brand: house.brand.yaml\n"
    body = "\n\n    ".join(PARAS)
    src = tmp_path / "issue.yaml"
    src.write_text(f"{head}{issue_list}top_story:\n  title: Titel\n  body: |\n    {body}\n",
                   encoding="utf-8")
    out = tmp_path / "issue.pdf"
    build(src, out)
    return out


@pytest.fixture(scope="module")
def with_exceptions(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("hyph"), "hyphenation: [Deep-Seek, OpenAI]\n")


def test_house_exception_breaks_at_exactly_the_marked_point(with_exceptions: Path):
    breaks = hyphen_breaks(with_exceptions)
    assert len(breaks) >= 3, breaks            # the break really happens in this text
    assert set(breaks) == {("Deep-", "Seek")}, breaks


def test_word_without_a_mark_never_ends_a_line_with_a_hyphen(with_exceptions: Path):
    lines = column_lines(with_exceptions)
    assert sum("OpenAI" in line for line in lines) > 20
    assert not [line for line in lines if line.endswith(("Open-", "Ope-", "Op-", "OpenA-"))]


def test_without_the_list_camelcase_names_stay_whole(tmp_path: Path):
    assert hyphen_breaks(_build(tmp_path)) == []


def test_issue_entry_overrides_the_brand_entry(tmp_path: Path):
    """The brand allows Deep-Seek; the issue says DeepSeek never breaks."""
    pdf = _build(tmp_path, "hyphenation: [DeepSeek]\n", "hyphenation: [Deep-Seek, OpenAI]\n")
    assert hyphen_breaks(pdf) == []
    brand_only = _build(tmp_path, "", "hyphenation: [Deep-Seek, OpenAI]\n")
    assert set(hyphen_breaks(brand_only)) == {("Deep-", "Seek")}
