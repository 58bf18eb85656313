"""Inline markup: what is markup, what is literal, and ReportLab escaping."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_pdf.text import (
    Run, check_issue_text, clean, escape, paragraphs, parse_inline, plain, text_problems, to_markup,
)


def rl_plain(markup: str) -> str:
    """What ReportLab's paragraph parser makes of our markup (raises on a syntax error)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    return Paragraph(markup, ParagraphStyle("t")).getPlainText()


# --------------------------------------------------------------------------- literal text


@pytest.mark.parametrize("text", [
    "AT&T", "x < y", "y > z", "<b>not bold</b>", "<Zhang>", "a lone * star", "5 * 3 = 15",
    "&amp; stays", "&lt;tag&gt;", "&copy; 2025", '"quoted" and \'single\'', "C:\\path\\file",
    "under_score and __double__", "`code`", "<https://example.org>", "# not a heading",
    "1. not a list", "- not a list", "[not a link]", "(parens)", "深圳 서울 東京", "50 % & more",
])
def test_literal_text_stays_literal(text):
    assert plain(text) == text
    assert rl_plain(to_markup(text, None)) == text


def test_escape():
    assert escape('AT&T <b> "x"') == 'AT&amp;T &lt;b&gt; "x"'


def test_bold_italic_and_links():
    runs = parse_inline("a **b** *c* [d](https://e.org/x)")
    assert runs == [Run("a "), Run("b", bold=True), Run(" "), Run("c", italic=True), Run(" "),
                    Run("d", href="https://e.org/x")]
    assert plain("a **b** *c* [d](https://e.org/x)") == "a b c d"


def test_nested_markup_in_links():
    runs = parse_inline("[**bold** label](https://e.org/x)")
    assert runs[0] == Run("bold", bold=True, href="https://e.org/x")
    assert runs[1] == Run(" label", href="https://e.org/x")


def test_bold_italic_combined():
    assert parse_inline("***both***") == [Run("both", bold=True, italic=True)]


@pytest.mark.parametrize("text", ["**unclosed bold", "*unclosed italic", "a * b * c", "**", "*"])
def test_unpaired_asterisks_are_literal(text):
    assert plain(text) == text


def test_link_with_ampersand_in_query_is_escaped_in_href():
    markup = to_markup("[report](https://example.org/r?a=1&b=2)", None)
    assert 'href="https://example.org/r?a=1&amp;b=2"' in markup
    assert rl_plain(markup) == "report"


def test_link_href_quotes_are_escaped():
    markup = to_markup('[x](https://example.org/a"b)', None)
    rl_plain(markup)  # parses
    assert 'href="https://example.org/a' in markup


def test_to_markup_tags():
    assert to_markup("**b** and *i*", None) == "<b>b</b> and <i>i</i>"
    assert to_markup("x", None, link_color="#123456") == "x"
    assert 'color="#123456"' in to_markup("[x](https://e.org/)", None, link_color="#123456")


# --------------------------------------------------------------------------- paragraphs


def test_paragraphs_split_on_blank_lines():
    text = "First line\ncontinues here.\n\nSecond paragraph.\n   \n\n\nThird."
    assert paragraphs(text) == ["First line continues here.", "Second paragraph.", "Third."]
    assert plain(text) == "First line continues here.\n\nSecond paragraph.\n\nThird."


def test_clean_collapses_whitespace_and_drops_format_characters():
    assert clean("a\t b\u200b c\u00ad d\n e") == "a b c d e"


def test_bold_across_a_line_break():
    assert plain("**bold\nacross**") == "bold across"
    assert parse_inline(paragraphs("**bold\nacross**")[0]) == [Run("bold across", bold=True)]


# --------------------------------------------------------------------------- property: ReportLab sees our text

ALPHABET = st.sampled_from(list("ab xyz&<>*\"'[]()_\\`#;=/:.-?") + ["深", "서", "&amp;", "<b>", "</i>", "**"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_reportlab_prints_exactly_the_plain_text(text):
    """Whatever an editor types, ReportLab parses our markup and shows plain(text)."""
    for para in paragraphs(text) or [""]:
        expected = plain(para)
        got = rl_plain(to_markup(para, None))
        assert re.sub(r"\s+", " ", got).strip() == re.sub(r"\s+", " ", expected).strip()


# --------------------------------------------------------------------------- checks


@pytest.mark.parametrize("target", ["javascript:alert(1)", "ftp://example.org/x", "file:///etc/passwd",
                                    "relative/page", "data:text/html,x"])
def test_link_targets_must_be_http_or_mailto(target):
    problems = text_problems(f"see [x]({target})", True, None)
    assert problems and "not allowed" in problems[0]


@pytest.mark.parametrize("target", ["https://e.org/x", "http://e.org", "mailto:a@e.org"])
def test_allowed_link_targets(target):
    assert text_problems(f"see [x]({target})", True, None) == []


def test_undrawable_characters_are_reported_in_every_string(fontset):
    """Characters found drawable are remembered per font set; one that is not
    is reported in each string that holds it, in order of first occurrence,
    once per string."""
    pua, pua2 = "\ue000", "\ue001"
    assert text_problems("Straße Ελλάδα 中文", False, fontset) == []
    first = text_problems(f"a{pua}b{pua2}{pua}", False, fontset)
    assert [m.split("(U+")[1][:4] for m in first] == ["E000", "E001"]
    again = text_problems(f"Straße {pua2}", False, fontset)
    assert len(again) == 1 and "U+E001" in again[0]
    assert text_problems("Straße", False, fontset) == []
    # a link in a paragraph is still checked when the field has other paragraphs
    assert text_problems(f"x\n\nsee [x](ftp://e.org) {pua}", True, fontset)[0].startswith("link target")
    # line breaks and tabs are whitespace, not characters to draw; what is undrawable is still found
    assert text_problems("Straße\n\n\tEλλάδα\r\n", False, fontset) == []
    late = text_problems(f"Straße\nzweite Zeile\n\nStraße {pua2}", False, fontset)
    assert len(late) == 1 and "U+E001" in late[0]


def test_markup_is_not_checked_in_plain_fields():
    assert text_problems("[x](javascript:alert(1))", False, None) == []


def test_check_issue_text_names_the_field(tmp_path):
    from briefing_pdf.load import load_issue

    path = tmp_path / "i.yaml"
    path.write_text("date: 2025-01-30\nlanguage: en\ntop_story:\n  title: T\n  body: |\n"
                    "    fine\n\n    see [x](javascript:alert(1))\n", encoding="utf-8")
    loaded = load_issue(path)
    problems = check_issue_text(loaded.model, loaded.source, None)
    assert len(problems) == 1
    p = problems[0]
    assert p.path == "top_story.body" and p.line == 5 and "javascript" in p.message


# -- unclosed markup and paired gender stars (issue 10) ------------------------------------

@pytest.mark.parametrize("paragraph, expected", [
    ("**Aistė Žukauskienė.", [(0, "'**'")]),
    ("see *this", [(4, "'*'")]),
    ("***a**", [(0, "'*'")]),
    ("[tender notice](https://example.org/t and more", [(0, "link '[tender notice](")]),
    ("[a](https://example.org/a b)", [(0, "link '[a](")]),
    ("[**x](https://example.org/)", [(1, "'**'")]),
    ("**bold *bold italic* bold** and ***all three***", []),
    ("2 * 3 = 6, a * b, footnote* and another*; 2*3*4", []),
    ("Mitarbeiter*innen sind eingeladen", []),
    ("[x] (y) and ](. and [ok](https://example.org/)", []),
])
def test_unclosed_marks(paragraph, expected):
    from briefing_pdf.text import unclosed_marks

    got = unclosed_marks(paragraph)
    assert [(offset, message.split(" ")[0] if "link" not in message else message[:len(want)])
            for (offset, message), (_o, want) in zip(got, expected)] == expected
    assert len(got) == len(expected)


def test_paired_gender_stars_are_found():
    from briefing_pdf.text import intraword_pairs

    assert intraword_pairs("Alle Mitarbeiter*innen und Bürger*innen.") == [(16, "innen und Bürger")]
    assert intraword_pairs("Ein *echtes* Kursiv und Kolleg*innen allein.") == []
