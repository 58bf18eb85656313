"""The built PDFs themselves: text, reading order, contents, links, outline,
metadata, fonts, glyphs and page furniture.

Each sample is built once per session (see conftest.py); expectations come
from the issue model and the contract, never from the layout code.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import pdftools
from pdftools import CJK_RE, collapse, in_order_recall, join_hyphenated, missing_bag, tokens

SHARED_PDFCHECK = Path(__file__).resolve().parents[1].parent / "shared" / "tools" / "pdfcheck.py"

MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def _long_date(date: dt.date, lang: str) -> str:
    month = MONTHS[lang][date.month - 1]
    return f"{date.day}. {month} {date.year}" if lang == "de" else f"{date.day} {month} {date.year}"


def _without_footer(text: str, number: int, series: str) -> str:
    """Page text without the running footer (drawn first, so the first line)."""
    first, _, rest = text.partition("\n")
    if number > 1 and first.strip().endswith(str(number)) and collapse(series) in collapse(first):
        return rest
    return text


def _pdf_tokens(sample, pages=None) -> list[str]:
    """Tokens of the pages, footers removed, so words hyphenated across a page break rejoin."""
    vocab = sample.expected.vocabulary
    indices = range(len(sample.texts)) if pages is None else pages
    text = "\n".join(_without_footer(sample.texts[i], i + 1, sample.theme.series) for i in indices)
    return tokens(join_hyphenated(text, vocab))


# --------------------------------------------------------------------------- text


def test_every_word_is_in_the_text_layer(sample):
    expected = sample.expected.all_tokens()
    found = _pdf_tokens(sample)
    absent = sorted(set(expected) - set(found))
    assert not absent, f"{sample.stem}: words missing from the PDF text: {absent[:40]}"
    missing = missing_bag(expected, found)
    assert not missing, f"{sample.stem}: words printed fewer times than in the content: {dict(missing.most_common(30))}"


def test_body_reading_order(sample):
    """Body tokens appear in reading order (content stream follows the columns)."""
    expected = sample.expected.body_tokens()
    found = _pdf_tokens(sample, pages=range(1, sample.pages))
    recall = in_order_recall(expected, found)
    assert recall >= 0.99, f"{sample.stem}: in-order recall {recall:.4f} < 0.99"


def test_no_replacement_or_nul_characters_in_text(sample):
    for i, text in enumerate(sample.texts, 1):
        bad = {c for c in text if c in "\x00\ufffd" or unicodedata.category(c) == "Co"}
        assert not bad, f"page {i} has undrawable/unmapped characters {bad!r}"


def test_cjk_characters_are_in_the_text_layer(sample):
    wanted = set(CJK_RE.findall(" ".join([*sample.expected.front, *sample.expected.body])))
    found = set(CJK_RE.findall("".join(sample.texts)))
    assert wanted <= found, f"CJK characters missing from the text layer: {sorted(wanted - found)}"


def test_markup_characters_print_literally(builds):
    sample = builds.get("mini-en")
    text = collapse(" ".join(sample.texts))
    for literal in ("AT&T say x < y and y > z", "the tag <b>not bold</b> is shown",
                    "a lone * star", 'Quotes such as "this" and \'that\'', "5 * 3",
                    "AT&T and <b>literal</b> tags", "Markup & escaping in practice"):
        assert literal in text, f"{literal!r} not printed literally"
    # markup itself is consumed: no asterisks around bold/italic, no link syntax
    for consumed in ("**bold text**", "*italic text*", "[full report]", "](https://"):
        assert consumed not in text


# --------------------------------------------------------------------------- contents


def test_contents_lists_the_expected_entries(sample):
    titles = [collapse(t) for t, _ in sample.contents]
    assert titles == [collapse(c[0]) for c in sample.expected.contents]


def check_contents_pages(sample) -> None:
    """Each contents entry's page is the first body page that prints its heading."""
    pages = [collapse(t) for t in sample.texts]
    assert sample.contents, "no contents lines found on page 1"
    assert len(sample.contents) == len(sample.expected.contents)
    first_body = sample.contents_pages + 1
    for (toc_title, page), (_, heading, level) in zip(sample.contents, sample.expected.contents):
        assert first_body <= page <= sample.pages, f"{toc_title!r}: page {page} out of range"
        needle = collapse(heading)
        first = next((i for i in range(first_body, sample.pages + 1) if needle in pages[i - 1]), None)
        assert first == page, f"{toc_title!r}: contents says page {page}, heading {needle!r} first printed on {first}"


def test_contents_page_numbers_point_at_the_headings(sample):
    check_contents_pages(sample)


def test_outline_matches_contents(sample):
    outline = sample.outline
    assert [(lvl, collapse(t)) for lvl, t, _ in outline] == \
        [(lvl, collapse(title)) for title, _, lvl in sample.expected.contents]
    assert [p for _, _, p in outline] == [p for _, p in sample.contents]


def test_outline_has_sections_and_articles(full_sample):
    outline = full_sample.outline
    assert len(outline) >= 9
    assert {lvl for lvl, _, _ in outline} == {0, 1}
    assert outline[0][0] == 0, "the outline starts with a section"


# --------------------------------------------------------------------------- links


def test_every_url_is_a_link(sample):
    uris = {link.uri for link in sample.links if link.uri}
    missing = sample.expected.urls - uris
    assert not missing, f"URLs without a /Link /URI annotation: {sorted(missing)}"
    unexpected = uris - sample.expected.urls
    assert not unexpected, f"links to URLs that are not in the issue: {sorted(unexpected)}"


def test_link_areas_cover_their_labels(sample):
    """Each URI annotation sits on the text that links to it, not somewhere else."""
    labels = sample.expected.link_labels
    vocab = sample.expected.vocabulary
    for link in sample.links:
        if not link.uri:
            continue
        under = tokens(join_hyphenated(pdftools.text_in_rect(sample.pdf, link.page, link.rect), vocab))
        allowed = {t for label in labels.get(link.uri, []) for t in tokens(label)}
        assert under, f"no text under the link to {link.uri} on page {link.page}"
        # a word hyphenated inside the link shows as fragments of an allowed word
        stray = [t for t in under if not any(t in a for a in allowed)]
        assert len(stray) <= 1, f"link to {link.uri} covers {under}, expected words of {labels.get(link.uri)}"


def test_contents_entries_are_internal_links(sample):
    first_page = [link for link in sample.links if link.page == 1 and link.uri is None]
    assert len(first_page) == len(sample.contents), "one internal link per contents entry"
    first_page.sort(key=lambda link: -link.rect[3])  # top to bottom
    assert [link.dest_page for link in first_page] == [page for _, page in sample.contents]


def test_all_link_targets_resolve(sample):
    for link in sample.links:
        assert link.uri or link.dest_page, f"link on page {link.page} at {link.rect} goes nowhere"
        if link.uri:
            assert re.match(r"^(https?://|mailto:)", link.uri), link.uri


# --------------------------------------------------------------------------- metadata


def test_metadata(sample):
    from pypdf import PdfReader

    meta = PdfReader(str(sample.pdf)).metadata
    issue, theme = sample.issue, sample.theme
    series = issue.series or theme.brand.series or theme.brand.name
    assert meta.title == f"{series} – {_long_date(issue.date, issue.language)}"
    assert meta.author == theme.brand.name
    assert meta.subject and issue.top_story.title in meta.subject


def test_language(sample):
    import pikepdf

    with pikepdf.open(sample.pdf) as pdf:
        assert str(pdf.Root.Lang) == sample.issue.language


def test_page_size_is_a4(sample):
    import pikepdf

    with pikepdf.open(sample.pdf) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            assert abs((x1 - x0) - 595.28) < 1 and abs((y1 - y0) - 841.89) < 1


# --------------------------------------------------------------------------- fonts and glyphs


def test_used_fonts_are_embedded_subset_truetype(sample):
    fonts = sample.fonts
    assert fonts
    for name, font in fonts.items():
        assert font.embedded and font.font_program, f"{name} is not embedded as FontFile2"
        assert re.match(r"^[A-Z]{6}\+", name), f"{name} is not a subset (no ABCDEF+ prefix)"


def test_no_notdef_or_blank_glyphs(sample):
    report = pdftools.glyph_report(sample.fonts)
    assert not report.notdef, f"glyphs drawn as .notdef (tofu): {report.notdef[:10]}"
    assert not report.blank, f"visible characters drawn with an empty glyph: {report.blank[:10]}"


def test_cjk_drawn_with_the_right_glyph(sample):
    """Each CJK character is drawn by an embedded glyph identical to the CJK font's glyph."""
    wanted = set(CJK_RE.findall(" ".join([*sample.expected.front, *sample.expected.body])))
    if not wanted:
        pytest.skip("no CJK text in this sample")
    report = pdftools.glyph_report(sample.fonts)
    drawn = set().union(*report.drawn_chars.values()) if report.drawn_chars else set()
    assert wanted <= drawn, f"CJK characters without a real glyph: {sorted(wanted - drawn)}"
    # Compare the outlines with the configured fallback font's own glyphs.
    from fontTools.ttLib import TTCollection, TTFont

    fb = sample.theme.fonts.fallback
    assert fb, "a CJK sample needs a fallback font"
    originals = []
    for f in fb:
        originals.append(TTCollection(str(f.path)).fonts[0] if f.path.suffix.lower() == ".ttc"
                         else TTFont(str(f.path)))
    checked = set()
    for name, font in sample.fonts.items():
        tt = pdftools._ttfont(font.font_program)
        cmap = {}
        for table in tt["cmap"].tables:
            for code, glyph in table.cmap.items():
                cmap.setdefault(code, glyph)
        for code in font.codes:
            ch = font.to_unicode.get(code, "")
            if len(ch) != 1 or not CJK_RE.match(ch) or ch in checked:
                continue
            orig = next((o for o in originals if ord(ch) in o.getBestCmap()), None)
            assert orig is not None
            mine = pdftools.glyph_outline(tt, cmap[code])
            theirs = pdftools.glyph_outline(orig, orig.getBestCmap()[ord(ch)])
            assert mine == theirs, f"{ch!r} (U+{ord(ch):04X}) drawn with a different glyph in {name}"
            checked.add(ch)
    assert wanted <= checked


@pytest.mark.skipif(not SHARED_PDFCHECK.is_file(), reason="shared pdfcheck tool not available")
def test_pdfcheck_agrees(full_sample):
    """Cross-check with the shared pdfcheck tool (secondary to the checks above)."""
    out = subprocess.run([sys.executable, str(SHARED_PDFCHECK), str(full_sample.pdf), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["glyphs"]["notdef"] == 0
    s = report["structure"]
    assert s["fonts_all_embedded"] and s["fonts_all_subset"]
    assert s["links"]["internal_unresolved"] == 0
    assert s["metadata"]["lang"] == full_sample.issue.language


# --------------------------------------------------------------------------- page furniture


def _footer_texts(pdf: Path) -> list[tuple[str, str]]:
    """(whole footer zone, its right-hand quarter) of each page: the bottom 20 mm."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            width = page.get_width()
            textpage = page.get_textpage()
            zone = 20 * 72 / 25.4
            out.append((textpage.get_text_bounded(0, 0, width, zone),
                        textpage.get_text_bounded(width * 0.75, 0, width, zone)))
        return out
    finally:
        doc.close()


def test_footer_on_every_page_but_the_first(sample):
    footers = _footer_texts(sample.pdf)
    issue, series = sample.issue, sample.theme.series
    assert not footers[0][0].strip(), f"page 1 has text in the footer zone: {footers[0][0]!r}"
    for number, (line, right) in enumerate(footers[1:], 2):
        assert line.strip(), f"page {number} has no footer"
        assert right.split()[-1] == str(number), f"page {number}: footer ends in {right!r}"
        line = collapse(line)
        assert collapse(series) in line and _long_date(issue.date, issue.language) in line, line


def test_first_page_has_masthead_and_no_footer_text(sample):
    first = collapse(sample.texts[0])
    issue = sample.issue
    footer_left = f"{sample.theme.series} · {_long_date(issue.date, issue.language)}"
    assert footer_left not in first
    assert collapse(sample.theme.series) in first
    assert sample.theme.label("contents") in first


# --------------------------------------------------------------------------- edge layouts


def _write_issue(path: Path, topics: list[dict]) -> Path:
    import yaml

    doc = {"date": "2025-01-30", "language": "en",
           "top_story": {"title": "Top", "body": "Body text."}, "topics": topics}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_long_contents_continue_on_the_next_page(tmp_path):
    """Contents that overflow page 1 continue, and every number still points at its heading."""
    from conftest import build_one

    topics = [{"title": f"Topic number {i} about a rather long subject that needs a very long title "
                        "to wrap in the contents list", "facts": "Facts are short.", "outlook": "So is the outlook."}
              for i in range(40)]
    sample = build_one(_write_issue(tmp_path / "long-contents.yaml", topics), tmp_path)
    assert sample.contents_pages >= 2
    check_contents_pages(sample)
    assert [p for _, _, p in sample.outline] == [p for _, p in sample.contents]
    footers = _footer_texts(sample.pdf)
    assert footers[1][1].split()[-1] == "2", "a contents continuation page has the footer"


def test_topic_headings_at_column_breaks_keep_their_bookmarks(tmp_path):
    from conftest import build_one

    topics = [{"title": f"T{i}", "facts": "Facts " * 200, "outlook": "Outlook " * 100} for i in range(3)]
    sample = build_one(_write_issue(tmp_path / "long-topics.yaml", topics), tmp_path)
    assert [t for _, t, _ in sample.outline] == ["TOP STORY", "Top", "TOPICS", "T0", "T1", "T2", "IMPRINT"]
    check_contents_pages(sample)


QUOTE_URL = 'https://example.org/a"b'


@pytest.mark.parametrize("field,value", [
    ("source", {"top_story": {"title": "Top", "body": "B",
                              "sources": [{"publisher": "P", "title": "T", "url": QUOTE_URL}]}}),
    ("metrix", {"metrix": {"value": "1", "text": "t", "source": {"title": "AP", "url": QUOTE_URL}}}),
    ("digest", {"digest": [{"title": "D", "publisher": "P", "url": QUOTE_URL, "date": "2025-01-01", "text": "t"}]}),
    ("podcast", {"podcasts": [{"title": "P", "url": QUOTE_URL, "text": "t"}]}),
    ("web", {"imprint": {"publisher": {"name": "P", "web": QUOTE_URL}}}),
    ("email", {"imprint": {"publisher": {"name": "P", "email": 'a"b@example.org'}}}),
])
def test_quote_in_url_fields_is_an_error_or_a_working_link(tmp_path, field, value):
    """A URL with a double quote is either refused with a located error or linked correctly."""
    import yaml

    from briefing_pdf.errors import BriefingError
    from conftest import build_one

    doc = {"date": "2025-01-30", "language": "en", "top_story": {"title": "Top", "body": "B"}, **value}
    path = tmp_path / "quote.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    try:
        sample = build_one(path, tmp_path)
    except BriefingError as exc:
        assert all(p.line for p in exc.problems)
        return
    uris = {link.uri for link in sample.links if link.uri}
    assert any("example.org/a" in u and "b" in u for u in uris)
