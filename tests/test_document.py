"""The logical document tree (briefing_pdf.document): its shape, inline content and
languages. It must work without ReportLab, so these tests never build a PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from freshproc import fresh_python

from briefing_pdf.document import Node, Text, build_document, inline, plain, script_lang, split_lang
from briefing_pdf.ties import NBSP

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def test_document_module_imports_no_reportlab():
    """The tree is what an HTML edition would render too: building it imports no ReportLab."""
    code = (
        "import sys\n"
        "from briefing_pdf.pipeline import check\n"
        "from briefing_pdf.document import build_document\n"
        f"c = check({str(DATA / 'mini-en.yaml')!r})\n"
        "doc = build_document(c.issue.model, c.theme)\n"
        "assert doc.find(type='TOC') is not None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'reportlab'))\n"
    )
    stdout = fresh_python(code, cwd=ROOT)
    assert stdout.strip() == "[]", stdout


@pytest.mark.parametrize("text, lang", [
    ("서울", "ko"), ("삼성전자", "ko"), ("ラピダス", "ja"), ("佐藤はるか", "ja"), ("東京", "zh"),
    ("商务部公告2026年", "zh"), ("经济产业省", "zh"), ("Tokyo", None), ("：", None),
])
def test_script_lang(text, lang):
    """Hangul → ko, kana → ja, Han only → zh (a kanji-only Japanese word reads as zh: documented)."""
    assert script_lang(text) == lang


def test_split_lang_keeps_spaces_inside_a_run_and_outside_text_plain():
    assert split_lang("Seoul (서울 특별시) and Tokyo (東京).") == [
        ("Seoul (", None), ("서울 특별시", "ko"), (") and Tokyo (", None), ("東京", "zh"), (").", None)]
    assert split_lang("plain ASCII") == [("plain ASCII", None)]


def test_inline_links_styles_and_language_spans():
    kids = inline("Read the [**full** report](https://example.org/r) on *Shenzhen (深圳)*.")
    assert [k.type if isinstance(k, Node) else "Text" for k in kids] == [
        "Text", "Link", "Text", "Text", "Span", "Text", "Text"]
    link = kids[1]
    assert link.href == "https://example.org/r"
    assert link.plain_text() == "full report"  # a style change inside the label keeps one link
    assert [k.bold for k in link.kids] == [True, False]
    span = kids[4]
    assert (span.lang, span.plain_text(), span.kids[0].italic) == ("zh", "深圳", True)
    assert kids[2:4] == [Text(" on "), Text("Shenzhen (", italic=True)]


def test_plain_cleans_whitespace_and_marks_languages():
    kids = plain("  Kim   Min-jun (김민준) ")
    assert "".join(k.text if isinstance(k, Text) else k.plain_text() for k in kids) == "Kim Min-jun (김민준)"
    assert any(isinstance(k, Node) and k.lang == "ko" for k in kids)


@pytest.fixture(scope="module")
def mini():
    from briefing_pdf.pipeline import check

    checked = check(DATA / "mini-en.yaml")
    return checked, build_document(checked.issue.model, checked.theme)


def _headings(doc: Node) -> list[str]:
    return [n.type for n in doc.walk() if n.type in ("H1", "H2", "H3", "H4")]


def test_document_shape(mini):
    checked, doc = mini
    issue = checked.issue.model
    assert doc.type == "Document" and doc.lang == "en"
    roles = [n.role for n in doc.blocks()]
    assert roles[:2] == ["masthead", "contents"]
    assert roles[2:6] == ["top_story", "metrix", "topics", "digest"]
    assert all(n.type == "Sect" for n in doc.blocks())
    # Heading levels: one H1 (the series), an H2 per section, H3s below; never a skipped level.
    heads = _headings(doc)
    assert heads.count("H1") == 1 and heads[0] == "H1" or heads[1] == "H1"
    levels = [int(h[1]) for h in heads]
    assert all(b <= a + 1 for a, b in zip([0] + levels, levels))
    topics = doc.find(role="topics")
    arts = [n for n in topics.blocks() if n.type == "Art"]
    assert [a.blocks()[0].plain_text() for a in arts] == [t.title for t in issue.topics]
    assert [a.key for a in arts] == ["topic-1", "topic-2"]


def test_contents_is_a_toc_of_the_keyed_sections_and_articles(mini):
    _, doc = mini
    toc = doc.find(type="TOC")
    entries = toc.blocks()
    assert all(e.type == "TOCI" for e in entries)
    keyed = [n.key for n in doc.walk() if n.key and n.type in ("Sect", "Art")]
    assert [e.key for e in entries] == keyed
    first_article = next(e for e in entries if e.level == 1)
    assert first_article.plain_text() == "Literal text in Shenzhen"  # toc_title wins
    link = first_article.find(type="Link")
    assert link.href == "#art-top" and first_article.blocks()[0].type == "Reference"


def test_sources_analysis_and_run_in_labels(mini):
    checked, doc = mini
    top = doc.find(role="top_story").find(type="Art")
    lst = top.find(type="L")
    caption, *items = lst.blocks()
    assert caption.type == "Caption" and caption.plain_text() == checked.theme.label("sources")
    assert [i.type for i in items] == ["LI"] and items[0].blocks()[0].type == "LBody"
    body = items[0].blocks()[0]
    assert body.find(type="Link").href == "https://example.org/news/markup?x=1&y=2"
    assert body.find(type="Span").lang == "zh"  # the note 原文标题
    aside = top.find(type="Aside")
    run_in = aside.blocks()[0].kids[0]
    assert run_in.role == "run_in" and run_in.plain_text() == checked.theme.label("analysis")
    topic = doc.find(role="topics").find(type="Art")
    facts, outlook = [p for p in topic.blocks() if p.type == "P"][:2]
    assert facts.kids[0].plain_text() == checked.theme.label("facts")
    assert outlook.kids[0].plain_text() == checked.theme.label("outlook")


def test_digest_item_ends_with_its_date(mini):
    _, doc = mini
    item = doc.find(role="digest").find(type="Art")
    head, para = item.blocks()
    assert head.type == "H3" and head.find(type="Link").href == "https://example.org/rg/volumes"
    assert para.kids[-1].role == "date" and para.kids[-1].plain_text().replace(NBSP, " ") == "(20 Jan 2025)"


def test_ties_are_in_the_tree(mini):
    """No-break spaces are decided once, in the tree, so every edition gets them."""
    _, doc = mini
    value = doc.find(role="metrix").find(role="value")
    assert value.plain_text() == f"49,1{NBSP}%"


def test_masthead_and_logo_alt(tmp_path):
    from briefing_pdf.pipeline import check

    src = ROOT / "issues" / "en-2026-11-energy.yaml"
    checked = check(src)
    doc = build_document(checked.issue.model, checked.theme)
    logo = doc.find(role="logo")
    assert logo is not None and logo.type == "Figure"
    assert logo.alt == f"{checked.theme.brand.name} logo"
    # An explicit logo_alt in the brand file wins.
    brand = (ROOT / "issues" / "northwind.brand.yaml").read_text(encoding="utf-8")
    (tmp_path / "northwind-logo.svg").write_bytes((ROOT / "issues" / "northwind-logo.svg").read_bytes())
    (tmp_path / "b.brand.yaml").write_text(brand + "\nlogo_alt: Northwind compass rose\n", encoding="utf-8")
    issue = src.read_text(encoding="utf-8")
    (tmp_path / "i.yaml").write_text(issue.replace("brand: northwind.brand.yaml", "brand: b.brand.yaml"),
                                     encoding="utf-8")
    checked = check(tmp_path / "i.yaml")
    assert build_document(checked.issue.model, checked.theme).find(role="logo").alt == "Northwind compass rose"


def test_brand_schema_has_logo_alt():
    from briefing_pdf.model import brand_schema

    assert "logo_alt" in brand_schema()["properties"]


@pytest.mark.parametrize("text", ["Grüße „aus“ Köln – 3 €", "ab\u1100c", "x\u3000y", "中", "\U00020001", "a\u11ffb",
                                  "\u2fff", "ﾟ", "plain", "\u10ff\u1200"])
def test_cheap_cjk_test_agrees_with_the_classes(text):
    """may_have_cjk (a max() and a tiny regex) must be True whenever the CJK classes match."""
    import re

    from briefing_pdf import document, hyphenate

    big = re.compile(document._CJK)
    assert hyphenate.may_have_cjk(text) or not big.search(text)
    assert hyphenate._has_cjk(text) == bool(re.search(hyphenate._CJK_CLASS, text))
    assert document.split_lang(text) == _split_lang_reference(text, big)


def test_classification_by_code_point_agrees_with_the_classes_everywhere():
    """Every code point: the document's script of a character and the line
    breaker's is_cjk give exactly what the regex classes they replace matched."""
    import re

    from briefing_pdf import document, hyphenate

    classes = {script: re.compile(f"[{spec}]") for script, spec in
               ((0, document._CJK_PUNCT), (1, document._HAN), (2, document._KANA), (3, document._HANGUL))}
    breaker = re.compile(hyphenate._CJK_CLASS)
    specs = document._CJK_PUNCT + document._HAN + document._KANA + document._HANGUL + hyphenate._CJK_CLASS[1:-1]
    edges = {ord(ch) + d for ch in specs if ch != "-" for d in (-1, 0, 1)}  # every range's ends and neighbours
    for code in sorted(edges | set(range(0, 0x110000, 7))):
        ch = chr(code)
        expected = next((script for script, cls in classes.items() if cls.match(ch)), None)
        assert document._script(ch) == expected, hex(code)
        assert hyphenate.is_cjk(ch) == bool(breaker.match(ch)), hex(code)


@pytest.mark.parametrize("text", ["東京 大阪", "東京\u00a0 大阪 x", "東京 „x“ 大阪", "  東京  ", "東京 ", "a 한 b 한",
                                  "東京\u3000大阪", "東京。 大阪", "x東京y", "東\u201e京", "：", "： 東", "東 ：",
                                  "\U00020001 \U00031350 ff", "ｦ ﾟ", "\u1100 \u1200 \u11ff"])
def test_split_lang_agrees_with_the_run_regex(text):
    import re

    from briefing_pdf import document

    assert document.split_lang(text) == _split_lang_reference(text, re.compile(document._CJK))


def _split_lang_reference(text, big):
    """split_lang as it was: the run regex over every non-ASCII text."""
    import re

    from briefing_pdf import document

    if text.isascii():
        return [(text, None)]
    run = re.compile(f"{document._CJK}+(?:[ \u00a0]+{document._CJK}+)*")
    out, pos = [], 0
    for m in run.finditer(text):
        run_text = m.group()
        lang = next((lang for lang, spec in (("ko", document._HANGUL), ("ja", document._KANA),
                                             ("zh", document._HAN)) if re.search(f"[{spec}]", run_text)), None)
        if lang is None:
            continue
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        out.append((m.group(), lang))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out or [(text, None)]


def test_no_cjk_class_is_compiled_for_latin_or_cjk_text():
    """The CJK classes (tens of thousands of code points, ~6 ms to compile) are
    never compiled: characters are classified by code point, Latin and CJK text alike."""
    code = ("import re\n"
            "from briefing_pdf import document, hyphenate\n"
            "print(document.split_lang('Grüße „aus“ Köln'), document.script_lang('Köln'),"
            " hyphenate.break_points('„Lieferketten“')[0])\n"
            "print(document.split_lang('Seoul (서울 특별시) und 東京'), hyphenate.break_points('(王文涛)')[0])\n"
            "cached = list(getattr(re, '_cache', {})) + list(getattr(re, '_cache2', {}))\n"
            "print(sum('\\u4e00' in str(key) for key in cached))\n")
    stdout = fresh_python(code, timeout=60)
    assert "'ko'" in stdout.splitlines()[1] and "'zh'" in stdout.splitlines()[1]
    assert stdout.splitlines()[2] == "0"
