"""Property tests (hypothesis): the markup converter and the loader.

Markup: any string becomes ReportLab paragraph markup that parses, whose text
is exactly the input minus the markup, with links only where the input has
them. Loader: any document (generated data, random text, random bytes,
mutated valid issues) yields a model or a clean BriefingError, never another
exception.

The example count is bounded for CI. A long local campaign::

    BRIEFING_FUZZ=long .venv/bin/python -m pytest tests/test_fuzz.py -q
    BRIEFING_FUZZ=long BRIEFING_FUZZ_EXAMPLES=50000 .venv/bin/python -m pytest tests/test_fuzz.py -q

(``BRIEFING_FUZZ`` picks the profile: ``ci`` (default, 150 examples per
test), ``dev`` (30) or ``long`` (20000, or ``BRIEFING_FUZZ_EXAMPLES``).)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from briefing_pdf.errors import BriefingError, Problem
from briefing_pdf.load import load_issue, parse_document, validate
from briefing_pdf.model import Brand, Issue
from briefing_pdf.text import _parser, check_issue_text, link_allowed, paragraphs, parse_inline, plain, to_markup

# --------------------------------------------------------------------------- profiles

_HC = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
       HealthCheck.function_scoped_fixture]
settings.register_profile("briefing-ci", max_examples=150, deadline=None, suppress_health_check=_HC,
                          derandomize=False, print_blob=True)
settings.register_profile("briefing-dev", max_examples=30, deadline=None, suppress_health_check=_HC)
settings.register_profile("briefing-long", max_examples=int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "20000")),
                          deadline=None, suppress_health_check=_HC)
PROFILE = f"briefing-{os.environ.get('BRIEFING_FUZZ', 'ci')}"
FUZZ = settings(settings.get_profile(PROFILE))
#: Whole-PDF properties are slow (a build each): a handful of examples, more in a long campaign.
FUZZ_PDF = settings(FUZZ, max_examples=max(4, FUZZ.max_examples // 500))

# --------------------------------------------------------------------------- strategies

#: Characters that matter to the markup (ours and ReportLab's) and to YAML, plus ordinary text.
MARKUP_CHARS = "*_[]()<>&;\"'\\`!#/:=?~|{}-"
SOME_TEXT = (string.ascii_letters + string.digits + " " * 6 + MARKUP_CHARS + "\n\t"
             + "äöüßéÆ€–—…«»„“" + "中国日本語한국어" + "\u00a0\u00ad\u200b")
URL_CHARS = string.ascii_letters + string.digits + "/?&=#%._-~:;<>\"'*[]"

texts = st.one_of(
    st.text(alphabet=SOME_TEXT, max_size=120),
    st.text(max_size=60),  # any Unicode, surrogates excluded by hypothesis
    st.lists(st.sampled_from(["**", "*", "[", "]", "(", ")", "](", "https://x.org/?a=1&b=2", "mailto:a@b.org",
                              "javascript:x()", "&amp;", "<b>", "</b>", "<", ">", "&", "_", "__", "\\", " ", "\n",
                              "\n\n", "word", "Wort", "中", "`"]), max_size=25).map("".join),
)


def _fontset():
    from briefing_pdf.fonts import load_fontset

    fonts = load_fontset({}, None, "<test>")
    fonts.register_all()
    return fonts


@pytest.fixture(scope="module")
def fonts():
    return _fontset()


@pytest.fixture(scope="module")
def style(fonts):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("fuzz", fontName=fonts.name("regular"), fontSize=9.5, leading=12.5)


# --------------------------------------------------------------------------- markup converter


def _frag_texts_and_links(para) -> tuple[str, set[str]]:
    text, links = [], set()
    for frag in para.frags:
        text.append(getattr(frag, "text", ""))
        for link in getattr(frag, "link", None) or []:
            # reportlab >= 4 keeps (kind, target, ...) tuples or plain strings
            target = link[1] if isinstance(link, (tuple, list)) else getattr(link, "link", link)
            links.add(str(target))
    return "".join(text), links


@FUZZ
@given(text=texts)
@example(text="AT&T <b>x</b> &amp; **bold *both* bold** [l](https://a.org/?x=1&y=2) * _u_ 中")
@example(text='[a"b](https://a.org/"onclick="x) [c](https://a.org/>&lt;)')
@example(text="**a [b](https://x.org) c**")
@example(text="[x](<https://a.org/a b>) [y](javascript:alert(1))")
def test_any_text_renders_through_reportlab(text, fonts, style):
    """to_markup output is valid ReportLab markup whose text is the run text, links the run links."""
    from reportlab.platypus import Paragraph

    for para in paragraphs(text):
        runs = parse_inline(para)
        markup = to_markup(para, fonts, link_color="#1F3A5F")
        p = Paragraph(markup, style)  # raises ValueError on markup ReportLab cannot parse
        got_text, got_links = _frag_texts_and_links(p)
        p.wrap(200, 10_000)
        assert got_text == "".join(r.text for r in runs)
        assert got_links == {r.href for r in runs if r.href and link_allowed(r.href)}
        assert all(link.split(":", 1)[0].lower() in ("http", "https", "mailto") for link in got_links)


def _oracle_plain(text: str) -> str:
    """Input minus markup, by an independent route: markdown-it's HTML renderer, tags stripped.

    Underscores are literal in the contract, so they are swapped for another
    connector punctuation (same flanking behaviour) that markdown-it ignores.
    """
    sentinel = "\u203f"
    out = []
    for para in paragraphs(text):
        rendered = _parser().renderInline(para.replace("_", sentinel))
        rendered = re.sub(r"<br\s*/?>\n?", " ", rendered)
        rendered = re.sub(r"</?(?:em|strong|a)(?:\s[^>]*)?>", "", rendered)
        out.append(html.unescape(rendered).replace(sentinel, "_").replace("\n", " "))
    return "\n\n".join(out)


@FUZZ
@given(text=texts.filter(lambda t: "\u203f" not in t))
@example(text="a * b ** c *** d")
@example(text="**bold** and _under_ and *it* and [l](https://x.org)")
def test_plain_is_input_minus_markup(text):
    assert plain(text) == _oracle_plain(text)


WORD = st.text(alphabet=string.ascii_letters + string.digits + "äöüß中&<>;\"'", min_size=1, max_size=8)
SAFE_RUN = st.lists(WORD, min_size=1, max_size=4).map(" ".join)


@st.composite
def structured(draw):
    """(markup, expected runs): text built from known runs, so the expected result is known."""
    parts, runs = [], []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["plain", "bold", "italic", "both", "link", "boldlink"]))
        text = draw(SAFE_RUN)
        url = "https://example.org/" + draw(st.text(alphabet=string.ascii_letters + "&=?/", max_size=10))
        if kind == "plain":
            parts.append(text)
            runs.append((text, False, False, None))
        elif kind == "bold":
            parts.append(f"**{text}**")
            runs.append((text, True, False, None))
        elif kind == "italic":
            parts.append(f"*{text}*")
            runs.append((text, False, True, None))
        elif kind == "both":
            parts.append(f"***{text}***")
            runs.append((text, True, True, None))
        elif kind == "link":
            parts.append(f"[{text}]({url})")
            runs.append((text, False, False, url))
        else:
            parts.append(f"**[{text}]({url})**")
            runs.append((text, True, False, url))
    return " ".join(parts), runs


@FUZZ
@given(case=structured())
def test_structured_markup_gives_the_known_runs(case):
    markup, expected = case
    want = []
    for i, (text, bold, italic, href) in enumerate(expected):
        if i:
            want.append((" ", False, False, None))
        want += [(ch, bold, italic, href) for ch in text]
    got = [(ch, r.bold, r.italic, r.href) for r in parse_inline(markup) for ch in r.text]
    assert got == want
    assert plain(markup) == " ".join(t for t, *_ in expected)


@FUZZ_PDF
@given(text=st.text(alphabet=string.ascii_letters + " &<>*_\\[]()\"'中ä", min_size=1, max_size=80)
       .filter(lambda t: t.strip()))
@example(text="AT&T <b>not bold</b> a * b C:\\x [l](https://a.org/?x=1&y=2)")
def test_rendered_pdf_text_is_the_plain_text(text, tmp_path_factory):
    """End to end for a few strings: the PDF's text layer holds exactly plain(text)."""
    import pypdfium2 as pdfium

    from briefing_pdf.pipeline import build

    folder = tmp_path_factory.mktemp("fuzzpdf")
    issue = folder / "issue.yaml"
    issue.write_text(yaml.safe_dump({"date": "2026-03-12", "language": "en",
                                     "top_story": {"title": "Fuzz", "body": text}}, allow_unicode=True))
    try:
        build(issue, folder / "issue.pdf")
    except BriefingError as exc:  # only a link problem or an unclosed mark may stop it
        assert all("link" in p.message or "never closed" in p.message for p in exc.problems), exc
        return
    doc = pdfium.PdfDocument(str(folder / "issue.pdf"))
    page_text = "".join(doc[i].get_textpage().get_text_range() for i in range(1, len(doc)))
    doc.close()
    flat = re.sub(r"\s+", "", page_text.replace("\ufffe", ""))
    want = re.sub(r"\s+", "", plain(text))
    assert want in flat


# --------------------------------------------------------------------------- loader

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=20), st.dates(), st.sampled_from(["de", "en", "2026-03-12", "https://x.org"]))
KEYS = st.one_of(st.sampled_from(sorted(set(Issue.model_fields) | set(Brand.model_fields)
                                        | {"title", "body", "facts", "outlook", "url", "value", "text"})),
                 st.text(max_size=10))
documents = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(KEYS, children, max_size=5), max_leaves=25)


def _clean_error(exc: BriefingError, display: str) -> None:
    assert exc.problems, "a BriefingError without problems"
    for p in exc.problems:
        assert isinstance(p, Problem) and p.message
        line = str(p)
        assert "\n" not in line and "\r" not in line, f"a problem must be one line: {line!r}"
        assert p.file == display


def _load_text(text: str, display: str = "fuzz.yaml", is_json: bool = False):
    for model in (Issue, Brand):
        try:
            data, source = parse_document(text, display, is_json=is_json)
            validate(data, model, source)
        except BriefingError as exc:
            _clean_error(exc, display)


def _dump_yaml(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@FUZZ
@given(doc=documents)
def test_any_yaml_document_loads_or_fails_cleanly(doc):
    _load_text(_dump_yaml(doc))


@FUZZ
@given(doc=documents)
def test_any_json_document_loads_or_fails_cleanly(doc):
    _load_text(json.dumps(doc, default=str), "fuzz.json", is_json=True)


@FUZZ
@given(text=st.one_of(st.text(max_size=200),
                      st.text(alphabet="abc:-[]{}&*!|>'\"#%@` \n\t?,0123456789.", max_size=200)))
@example(text="a: &x [*x]")
@example(text="- !!python/object/apply:os.system [ls]")
@example(text="? [a]\n: b")
@example(text="{[1]: 2}")
@example(text="date: 2026-02-30\nlanguage: en\ntop_story: {title: x, body: y}")
@example(text="%YAML 1.1\n---\na: 1\n...\n---\nb: 2")
def test_any_text_loads_or_fails_cleanly(text):
    _load_text(text)
    _load_text(text, "fuzz.json", is_json=True)


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_load_or_fail_cleanly(data, tmp_path_factory):
    path = tmp_path_factory.getbasetemp() / "fuzz-bytes.yaml"
    path.write_bytes(data)
    try:
        load_issue(path)
    except BriefingError as exc:
        _clean_error(exc, str(path))


BASE_ISSUE = {
    "date": "2026-03-12", "language": "en", "number": "7",
    "top_story": {"title": "T", "body": "Body **b** [l](https://x.org)", "analysis": "A",
                  "sources": [{"publisher": "P", "title": "S", "url": "https://x.org/s"}]},
    "metrix": {"value": "5", "text": "M", "source": {"title": "AP", "url": "https://x.org/m"}},
    "topics": [{"title": "T1", "facts": "F", "outlook": "O"}],
    "digest": [{"title": "D", "publisher": "P", "url": "https://x.org/d", "date": "2026-03-10", "text": "X"}],
    "podcasts": [{"title": "P", "url": "https://x.org/p", "text": "X"}],
    "imprint": {"groups": [{"heading": "H", "people": [{"name": "N", "role": "R"}]}],
                "publisher": {"name": "N", "address": ["A"], "web": "https://x.org"}},
}


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = [p for p in _paths(BASE_ISSUE) if p]


@st.composite
def mutated_issues(draw):
    """A valid issue with a few random edits: replaced values, deleted keys, extra keys, odd strings."""
    doc = json.loads(json.dumps(BASE_ISSUE))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "extra", "text"]))
            if action == "replace":
                parent[path[-1]] = draw(documents)
            elif action == "delete":
                del parent[path[-1]]
            elif action == "extra" and isinstance(parent, dict):
                parent[draw(KEYS)] = draw(scalars)
            else:
                parent[path[-1]] = draw(texts)
        except (KeyError, IndexError, TypeError):
            pass
    return doc


@FUZZ
@given(doc=mutated_issues())
def test_mutated_issues_load_and_check_cleanly(doc, fonts):
    """Near-valid issues reach deep into validation and the text checks; still only BriefingErrors."""
    text = _dump_yaml(doc)
    try:
        data, source = parse_document(text, "fuzz.yaml")
        issue = validate(data, Issue, source)
    except BriefingError as exc:
        _clean_error(exc, "fuzz.yaml")
        return
    for problem in check_issue_text(issue, source, fonts):
        assert problem.file == "fuzz.yaml" and problem.line is not None and problem.path


def test_profile_is_bounded_in_ci():
    if PROFILE == "briefing-ci":
        assert 100 <= FUZZ.max_examples <= 200 and FUZZ.deadline is None
