"""Hard but valid input: it must build, completely and readably.

Every ``tests/cases/valid/*.yaml`` (and ``.json``) builds through the CLI with
exit 0 and no output on stderr; its PDF holds every word of the content, draws
no character as glyph 0, and keeps every character inside the page's text
area. The tests below add what each case is about: literal markup
characters, long words and URLs in a column, CJK names, a callout longer than
a page, a long METRIX value, 60 topics with a two-page contents.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pdftools
from conftest import Built
from pdftools import CJK_RE, collapse, join_hyphenated, missing_bag, tokens
from briefing_pdf.pipeline import PLACEHOLDER_IMPRINT

VALID = Path(__file__).resolve().parent / "cases" / "valid"
CASES = sorted(p for p in VALID.iterdir() if p.suffix in (".yaml", ".json"))
TOLERANCE = 0.75  # points: rounding of glyph boxes, never a visible overflow


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("valid")


_cache: dict[str, Built] = {}


def built(name: str, out_dir: Path) -> Built:
    """Build one valid case through the CLI (once per module) and read it back."""
    if name not in _cache:
        from briefing_pdf.cli import app
        from briefing_pdf.pipeline import check

        source = next(p for p in CASES if p.name == name or p.stem == name)
        pdf = out_dir / f"{source.stem}-{source.suffix[1:]}.pdf"
        result = CliRunner().invoke(app, ["build", str(source), "-o", str(pdf)])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == 0, f"{source.name} did not build:\n{result.stdout}{result.stderr}"
        warnings = [line for line in result.stderr.splitlines()
                    if line.endswith(PLACEHOLDER_IMPRINT) or ": warning: " in line and "pair up" in line]
        assert result.stderr.splitlines() == warnings  # at most the placeholder-imprint and 2*3*4 warnings
        checked = check(source)
        pages = len(pdftools.page_texts(pdf))
        _cache[name] = Built(source.stem, source, checked.issue.model, checked.theme, pdf, pages)
    return _cache[name]


def _text_nows(sample: Built) -> str:
    """All text, without any whitespace (line breaks may fall anywhere in a URL)."""
    return re.sub(r"\s+", "", "".join(sample.texts).replace("\ufffe", "").replace("\u00ad", ""))


@lru_cache(maxsize=None)
def _chars(pdf: Path) -> tuple[float, float, tuple[tuple[int, dict], ...]]:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        width, height = doc.pages[0].width, doc.pages[0].height
        chars = tuple((i + 1, c) for i, page in enumerate(doc.pages) for c in page.chars)
    return width, height, chars


def _hang(c: dict, side: str) -> float:
    """How far a character may reach into a margin or the gutter: protrusion
    lets a line-end hyphen, comma, full stop or quote hang by a share of its
    width (kerning.PROTRUDE_RIGHT / PROTRUDE_LEFT), nothing else."""
    from briefing_pdf.kerning import PROTRUDE_LEFT, PROTRUDE_RIGHT

    share = (PROTRUDE_RIGHT if side == "right" else PROTRUDE_LEFT).get(c["text"], 0.0)
    return share * (c["x1"] - c["x0"])


def _text_area(theme, page_width: float) -> tuple[float, float, float, float]:
    """(left, right, left column's right edge, right column's left edge) in points."""
    from reportlab.lib.units import mm

    d = theme.design
    left, right = d.margin_inside_mm * mm, page_width - d.margin_outside_mm * mm
    column = (right - left - d.gutter_mm * mm) / 2
    return left, right, left + column, right - column


# --------------------------------------------------------------------------- every case


@pytest.mark.parametrize("case", [p.name for p in CASES])
def test_valid_case_builds_completely(case: str, out_dir: Path):
    sample = built(case, out_dir)
    expected = sample.expected
    found = [t for text in sample.texts for t in tokens(join_hyphenated(text, expected.vocabulary))]
    missing = missing_bag(expected.all_tokens(), found)
    # A word too long for its line may be cut without a hyphen (headings, URLs): look for it
    # in the text without whitespace before calling it missing.
    flat = pdftools.norm(_text_nows(sample))
    missing = {word: n for word, n in missing.items() if word not in flat}
    assert not missing, f"words missing from the PDF text: {missing}"
    report = pdftools.glyph_report(sample.fonts)
    assert not report.notdef, f"characters drawn as glyph 0: {report.notdef[:10]}"
    assert not report.blank, f"visible characters drawn as empty glyphs: {report.blank[:10]}"
    for uri in (link.uri for link in sample.links if link.uri):
        assert uri.split(":", 1)[0].lower() in ("http", "https", "mailto"), uri


@pytest.mark.parametrize("case", [p.name for p in CASES])
def test_valid_case_stays_inside_the_text_area(case: str, out_dir: Path):
    """No character outside the margins; in the body, none across the column gutter."""
    sample = built(case, out_dir)
    width, height, chars = _chars(sample.pdf)
    left, right, col1_right, col2_left = _text_area(sample.theme, width)
    outside = [(p, c["text"], round(c["x0"], 1), round(c["x1"], 1)) for p, c in chars
               if c["x0"] < left - TOLERANCE - _hang(c, "left") or c["x1"] > right + TOLERANCE + _hang(c, "right")
               or c["top"] < 0 or c["bottom"] > height]
    assert not outside, f"characters outside the text area: {outside[:20]}"
    # In two-column text a line that starts in the left column must end before the gutter.
    # Full-width blocks (contents, masthead, METRIX) are excluded by what they contain.
    full_width = _full_width_lines(sample, chars, col1_right)
    overfull = {}
    for page, c in chars:
        if page <= max(sample.contents_pages, 1) or not c["text"].strip():  # contents: full width
            continue
        line = (page, round(c["top"]))
        if c["x0"] < col1_right and c["x1"] > col1_right + TOLERANCE + _hang(c, "right") and line not in full_width:
            overfull.setdefault(line, []).append(c["text"])
    assert not overfull, "lines running into the gutter: " + "; ".join(
        f"page {p} y={y}: …{''.join(t)[:40]}" for (p, y), t in list(overfull.items())[:10])


@pytest.mark.parametrize("case", [p.name for p in CASES])
def test_words_do_not_collide(case: str, out_dir: Path):
    """Readable: a word space never shrinks below 0.1 em (the samples' tightest is about 0.19 em)."""
    sample = built(case, out_dir)
    _width, _height, chars = _chars(sample.pdf)
    tight = []
    for (page, a), (_, space), (_, b) in zip(chars, chars[1:], chars[2:]):
        if space["text"] == " " and a["text"].strip() and b["text"].strip() and abs(a["top"] - b["top"]) < 1:
            gap = (b["x0"] - a["x1"]) / a["size"]
            if gap < 0.1:
                tight.append((page, f"{a['text']}␣{b['text']}", round(gap, 3)))
    assert not tight, f"word spaces too small (page, words, em): {tight[:10]}"


def _full_width_lines(sample: Built, chars, col1_right: float) -> set[tuple[int, int]]:
    """Lines of the blocks that span the page by design: footer, METRIX (value and text), imprint rule."""
    lines: dict[tuple[int, int], list[dict]] = {}
    for page, c in chars:
        lines.setdefault((page, round(c["top"])), []).append(c)
    out = set()
    metrix = sample.issue.metrix
    metrix_text = collapse(" ".join([metrix.value, metrix.text])) if metrix else ""
    footer_y = max(round(c["top"]) for _, c in chars)
    for key, cs in lines.items():
        text = "".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"]))
        words = [w for w in re.split(r"\s+", text) if w]
        if key[1] >= footer_y - 2:
            out.add(key)
        elif metrix and words and all(w.replace("\u00ad", "").rstrip("-") in metrix_text.replace(" ", "") or
                                      w in metrix_text for w in words):   # "…modernisierungs-": hyphenated
            out.add(key)
    return out


# --------------------------------------------------------------------------- literal characters


def test_markup_characters_print_literally(out_dir: Path):
    sample = built("literal-characters.yaml", out_dir)
    text = _text_nows(sample)
    for literal in [
        "R&D <budget> > 5 % & rising", "R&D <budget> & more", "7 & 8",
        "AT&T and Procter & Gamble said a < b > c; 3 * 4 = 12 and a lone * star.",
        r"C:\Users\editor\file.txt and \\server\share\x.",
        "https://example.org/search?q=a&b=c&lang=en&x=<1>",
        "&amp; &lt;b&gt; &#169; &nbsp; stay literal.",
        '<b>not bold</b>, <font name="Courier">no font</font>, <br/> and <a href="x">.',
        "snake_case_name and __dunder__; brackets [not a link] and (parens).",
        "\"Quotes & 'apostrophes' survive,\"", "Dana O'Neil <dana@example.org>", "2 * 3 = 6",
        "R&D <Weekly>:", "Budgets & <targets>", "(a&b <c>)",
        "<5 & >3", "Shares: 5 % < 10 % & > 1 %.", "Stats & <facts>",
        "Pipes | and * stars *", "# not a heading, > not a quote, - not a list, 1. not a list.",
        r"\* \_ \[ \\ (two backslashes above)",
        "M&A <deals>", "(Wire & Co)", "Deals & more <news>.", "Listen & learn.",
        "Q&A: <live> [plain field](javascript:alert(1))",  # a title is plain text: printed, never linked
    ]:
        assert literal.replace(" ", "") in text, f"{literal!r} is not printed literally"
    assert "**" not in text and "](https" not in text  # the markup itself is consumed


def test_ampersand_urls_are_exact_link_targets(out_dir: Path):
    sample = built("literal-characters.yaml", out_dir)
    uris = {link.uri for link in sample.links if link.uri}
    for url in ("https://example.org/r?id=1&sort=desc", "https://example.org/s?a=1&b=2",
                "https://example.org/d?x=1&y=2", "https://example.org/p?ep=1&t=30"):
        assert url in uris, f"{url} is not a link target (got {sorted(uris)})"
    assert not any("&amp;" in u for u in uris)


def test_markup_edges(out_dir: Path):
    sample = built("markup-edges.yaml", out_dir)
    text = _text_nows(sample)
    for literal in ["bold bold italic bold and all three and a lone * between spaces.",
                    "A link with bold inside and [x] (y) and ](.",
                    "Stars: 2 * 3 = 6, a * b, footnote* and another*; underscores: _a_ __b__; "
                    "234 has an italic 3."]:
        assert literal.replace(" ", "") in text, f"{literal!r} not printed as expected"
    assert "https://example.org/a?b=1&c=2" in {link.uri for link in sample.links}
    assert "mailto:desk@example.org" in {link.uri for link in sample.links}


# --------------------------------------------------------------------------- long words and URLs


def test_long_words_and_urls_are_complete(out_dir: Path):
    """Compounds hyphenate and URLs break, but no character is lost or added."""
    sample = built("long-words.yaml", out_dir)
    _width, _height, chars = _chars(sample.pdf)
    text = re.sub(r"\s+", "", "".join(c["text"] for _, c in chars))  # the glyphs as drawn
    joined = re.sub(r"(?<=[a-zäöüß])-(?=[a-zäöüß])", "", text)  # undo hyphenation at line ends
    words = {w.strip(".,:*") for w in re.split(r"\s+", sample.source.read_text("utf-8"))}
    compounds = sorted(w for w in words if len(w) >= 80 and w.isalpha())
    assert len(compounds) >= 6
    for word in compounds:
        assert word in joined, f"{word[:30]}… is not complete"
    from briefing_pdf.text import plain

    top, topic = sample.issue.top_story, sample.issue.topics[0]
    printed = " ".join(plain(t) for t in (top.body, top.analysis, topic.facts, topic.outlook))
    urls = [u.rstrip(".") for u in re.findall(r"https://\S+", printed) if len(u) >= 90]
    assert len(urls) >= 4
    for url in urls:
        assert url in text, f"{url[:40]}… is not printed exactly (no hyphen may be added)"
    uris = {link.uri for link in sample.links}
    assert ("https://example.org/bundesanzeiger/2026/03/12/bekanntmachung-nummer-123456789-"
            "abcdefghijklmnopqrstuvwxyz-0123456789") in uris


# --------------------------------------------------------------------------- CJK


@pytest.mark.parametrize("case", ["cjk-names-en.yaml", "cjk-names-de.yaml"])
def test_cjk_names_drawn_by_the_fallback_font(case: str, out_dir: Path):
    from fontTools.ttLib import TTCollection, TTFont

    sample = built(case, out_dir)
    source = sample.source.read_text("utf-8")
    source = "\n".join(line for line in source.splitlines() if not line.startswith("#"))
    wanted = set(CJK_RE.findall(source))
    assert len(wanted) >= 10
    found = set(CJK_RE.findall("".join(sample.texts)))
    assert wanted <= found, f"CJK characters missing from the text layer: {sorted(wanted - found)}"
    # Drawn with a real glyph of the CJK fallback font (not glyph 0 of the text font).
    report = pdftools.glyph_report(sample.fonts)
    assert not report.notdef
    fallback = sample.theme.fonts.fallback[0].path
    collection = fallback.suffix.lower() == ".ttc"
    font = TTCollection(str(fallback)).fonts[0] if collection else TTFont(str(fallback))
    ps_name = font["name"].getDebugName(6)
    cjk_fonts = {name for name in report.drawn_chars if ps_name and ps_name.split("-")[0] in name}
    assert cjk_fonts, f"the fallback font {ps_name} draws nothing (fonts: {sorted(report.drawn_chars)})"
    drawn = set().union(*(report.drawn_chars[name] for name in cjk_fonts))
    assert wanted <= drawn, f"not drawn by the CJK fallback: {sorted(wanted - drawn)}"
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in wanted)
    for name, chars in report.drawn_chars.items():
        if name not in cjk_fonts:
            assert not (chars & wanted), f"{name} draws CJK characters {sorted(chars & wanted)}"


# --------------------------------------------------------------------------- long callout, METRIX


def test_analysis_longer_than_a_page_splits(out_dir: Path):
    sample = built("long-analysis.yaml", out_dir)
    assert sample.pages >= 4
    pages_of = {}
    for i, text in enumerate(sample.texts, 1):
        for m in re.finditer(r"Paragraph (\d+):", text):
            pages_of.setdefault(int(m.group(1)), i)
    assert sorted(pages_of) == list(range(1, 31)), "a paragraph of the callout is missing"
    assert pages_of[30] - pages_of[1] >= 2, "the callout should run over at least three pages"
    assert list(pages_of.values()) == sorted(pages_of.values()), "callout paragraphs out of order"


def test_long_metrix_value(out_dir: Path):
    sample = built("long-metrix.yaml", out_dir)
    text = collapse(" ".join(sample.texts))
    joined = re.sub(r"(?<=\w)[-\ufffe\u00ad] ?(?=\w)", "", text)
    for part in ["1.234.567.890.123.456.789,01", "Milliarden Euro", "Sondervermögen",
                 "Infrastrukturmodernisierungsprogramm"]:
        assert part in joined or part.replace(" ", "") in joined.replace(" ", ""), part


# --------------------------------------------------------------------------- 60 topics


def test_many_topics_contents_over_two_pages_with_right_numbers(out_dir: Path):
    sample = built("many-topics.yaml", out_dir)
    issue = sample.issue
    assert len(issue.topics) == 60 and len(issue.digest) == 80
    assert sample.contents_pages >= 2, "the contents should continue on page 2"
    entries = sample.contents
    expected = sample.expected.contents
    assert [collapse(t) for t, _ in entries] == [collapse(c[0]) for c in expected]
    pages = [collapse(t) for t in sample.texts]
    first_body = sample.contents_pages + 1
    for (toc_title, page), (_, heading, _level) in zip(entries, expected):
        needle = collapse(heading)
        first = next((i for i in range(first_body, sample.pages + 1) if needle in pages[i - 1]), None)
        assert first == page, f"{toc_title!r}: contents says page {page}, heading first printed on page {first}"
    outline = sample.outline
    assert [(lvl, collapse(t)) for lvl, t, _ in outline] == [(lvl, collapse(c)) for c, _, lvl in expected]
    assert [p for _, _, p in outline] == [p for _, p in entries], "outline and contents disagree"
    assert max(p for _, p in entries) >= first_body + 3  # the numbers really vary
    # Every contents entry is a link to its heading's page.
    internal = [link for link in sample.links if link.page <= sample.contents_pages and link.dest_page]
    assert sorted(link.dest_page for link in internal) == sorted(p for _, p in entries)
