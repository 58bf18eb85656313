"""Inline text: the contract's markup to ReportLab paragraph markup.

Editors write ``**bold**``, ``*italic*`` and ``[label](url)``; everything
else is literal. ReportLab's paragraph text, however, *is* markup: an
unescaped ``&`` or ``<`` is silently dropped or changed. So text goes through
two explicit steps:

1. :func:`parse_inline` parses the markup with markdown-it-py (only the
   emphasis and link rules are on; HTML, entities, backslash escapes and
   autolinks are off) into a flat list of :class:`Run` s.
2. :func:`to_markup` escapes each run and wraps it in ReportLab tags, and
   splits it into font runs: characters the face lacks go to the first
   fallback font that has them (:class:`briefing_pdf.fonts.FontSet`).

The module also checks texts before layout (:func:`check_issue_text`): link
schemes, and characters that no configured font can draw.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterator

from pydantic import BaseModel

from .errors import Problem
from .lazyre import compiling_lazily

if TYPE_CHECKING:
    from .fonts import FontSet
    from .load import SourceMap

#: Fields whose value is text with inline markup (the rest are plain strings).
MARKUP_FIELDS = frozenset({"body", "analysis", "facts", "outlook", "text"})
ALLOWED_SCHEMES = ("http", "https", "mailto")

#: Runs of whitespace, except the no-break spaces editors use to keep "70 %" together.
_WS = re.compile(r"[^\S\u00a0\u202f]+")
_PARA_SPLIT = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


def _markdown_it():
    """markdown-it-py's ``MarkdownIt``, imported on first use (start-up stays short).

    Its modules compile ~45 regular expressions while being imported, most of
    them for rules the "zero" preset leaves off (HTML blocks and tags,
    entities, autolinks, typographic replacements): ~3 ms of every build. They
    are compiled on first use instead (:mod:`briefing_pdf.lazyre`); the few
    the emphasis and link rules use compile then, the rest never."""
    with compiling_lazily(lambda _pattern: False, callers=("markdown_it.", "mdurl.")):
        from markdown_it import MarkdownIt
    return MarkdownIt


@lru_cache(maxsize=1)
def _parser():
    md = _markdown_it()("zero").enable(["emphasis", "link"])
    md.validateLink = lambda url: True  # we check schemes ourselves, with a clear error
    return md


def clean(text: str) -> str:
    """Collapse whitespace to single spaces and drop invisible format characters."""
    text = _WS.sub(" ", text).strip()
    if not text.isprintable():  # rare: only then look at each character's category
        text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
        text = _WS.sub(" ", text).strip()
    return text


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a text field: blank lines separate, single newlines are spaces."""
    return [p for p in (clean(chunk) for chunk in _PARA_SPLIT.split(text.strip())) if p]


#: Connector punctuation that stands in for "_" while parsing (same delimiter-flanking class,
#: but no emphasis marker), so underscores can neither open emphasis nor pair away a "*".
_UNDERSCORE_STANDINS = "\u203f\u2040\u2054\ufe33\ufe34\ufe4d\ufe4e\ufe4f"


def _hide_underscores(paragraph: str) -> tuple[str, Callable[[str], str]]:
    if "_" not in paragraph:
        return paragraph, lambda s: s
    for standin in _UNDERSCORE_STANDINS:
        encoded = urllib.parse.quote(standin)
        if standin not in paragraph and encoded.lower() not in paragraph.lower():
            return (paragraph.replace("_", standin),
                    lambda s, a=standin, e=encoded: s.replace(a, "_").replace(e, "_"))
    return paragraph, lambda s: s  # (every stand-in used: fall back to markdown-it's underscores)


def parse_inline(paragraph: str) -> list[Run]:
    """Runs of one paragraph. Unpaired ``*``, ``_`` and everything else stay literal."""
    hidden, restore = _hide_underscores(paragraph)
    tokens = _parser().parseInline(hidden)
    children = tokens[0].children if tokens else []
    runs: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for tok in children or []:
        kind = tok.type
        tok.content, tok.markup = restore(tok.content), restore(tok.markup)
        if kind == "text":
            _append(runs, Run(tok.content, bold > 0, italic > 0, href))
        elif kind in ("softbreak", "hardbreak"):
            _append(runs, Run(" ", bold > 0, italic > 0, href))
        elif kind in ("strong_open", "strong_close", "em_open", "em_close") and tok.markup.startswith("_"):
            # The contract knows only *…*; underscores are literal text.
            _append(runs, Run(tok.markup, bold > 0, italic > 0, href))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = restore(str(tok.attrs.get("href", "")))
        elif kind == "link_close":
            href = None
        else:  # any other inline token: keep its source text
            _append(runs, Run(tok.content or tok.markup, bold > 0, italic > 0, href))
    return runs


def _append(runs: list[Run], run: Run) -> None:
    if runs and (runs[-1].bold, runs[-1].italic, runs[-1].href) == (run.bold, run.italic, run.href):
        runs[-1] = Run(runs[-1].text + run.text, run.bold, run.italic, run.href)
    elif run.text:
        runs.append(run)


def plain(text: str) -> str:
    """The text a reader sees: markup removed, paragraphs joined by blank lines."""
    return "\n\n".join("".join(r.text for r in parse_inline(p)) for p in paragraphs(text))


def escape(text: str) -> str:
    """Escape the characters ReportLab's paragraph parser would interpret."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    """Escape text for a double-quoted ReportLab markup attribute."""
    return escape(text).replace('"', "&quot;")


def _face(base: str, bold: bool, italic: bool) -> str:
    if base.startswith("heading"):
        return "heading_bold" if bold or base == "heading_bold" else "heading"
    if bold and italic:
        return "bold_italic"
    return "bold" if bold else "italic" if italic else base


def font_runs(text: str, fonts: "FontSet | None", face: str) -> Iterator[tuple[str | None, str]]:
    """Split text into (fallback font name or None, chunk) runs."""
    if fonts is None or fonts.face_has_all(text, face):  # the common case: no fallback needed
        yield None, text
        return
    current: str | None = None
    chunk: list[str] = []
    for ch in text:
        font = None if ch == " " else fonts.font_for(ch, face)
        if font != current and chunk:
            yield current, "".join(chunk)
            chunk = []
        current = font
        chunk.append(ch)
    if chunk:
        yield current, "".join(chunk)


def fallback_markup(text: str, fonts: "FontSet | None", face: str) -> str:
    """Escaped text with ``<font>`` tags around runs the face cannot draw."""
    out = []
    for font, chunk in font_runs(text, fonts, face):
        out.append(escape(chunk) if font is None else f'<font name="{font}">{escape(chunk)}</font>')
    return "".join(out)


def runs_markup(runs: list[Run], fonts: "FontSet | None", base_face: str = "regular",
                link_color: str | None = None) -> str:
    """ReportLab paragraph markup for runs."""
    out = []
    for run in runs:
        piece = fallback_markup(run.text, fonts, _face(base_face, run.bold, run.italic))
        if run.italic and not base_face.startswith("heading"):
            piece = f"<i>{piece}</i>"
        if run.bold:
            piece = f"<b>{piece}</b>"
        if run.href and link_allowed(run.href):  # defence in depth: check_issue_text reports the rest
            color = f' color="{link_color}"' if link_color else ""
            piece = f'<a href="{attr(run.href)}"{color}>{piece}</a>'
        out.append(piece)
    return "".join(out)


def link_allowed(href: str) -> bool:
    """Whether a link target may become a PDF link: http, https or mailto only."""
    scheme = href.split(":", 1)[0].strip().lower() if ":" in href else ""
    return scheme in ALLOWED_SCHEMES and bool(href.split(":", 1)[1].strip())


def to_markup(paragraph: str, fonts: "FontSet | None", base_face: str = "regular",
              link_color: str | None = None) -> str:
    """One paragraph of contract markup → ReportLab paragraph markup."""
    return runs_markup(parse_inline(paragraph), fonts, base_face, link_color)


def plain_markup(text: str, fonts: "FontSet | None", base_face: str = "heading_bold") -> str:
    """A plain (markup-free) string such as a title → escaped ReportLab markup."""
    return fallback_markup(clean(text), fonts, base_face)


# --------------------------------------------------------------------------- checks


def walk_strings(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string in a model, with its field path."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from walk_strings(getattr(value, name), loc + (name,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from walk_strings(item, loc + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, loc + (key,))
    elif isinstance(value, str):
        yield loc, value


_COVERED: dict[int, tuple[weakref.ref, set[str]]] = {}


def _covered_chars(fonts: "FontSet") -> set[str]:
    """The characters found drawable so far with this font set (and the space):
    an issue has a few hundred distinct characters in thousands of strings, so
    each is looked up in the fonts' character maps once, not once per string."""
    entry = _COVERED.get(id(fonts))
    if entry is None or entry[0]() is not fonts:
        for key in [k for k, (ref, _) in _COVERED.items() if ref() is None]:
            del _COVERED[key]
        entry = _COVERED[id(fonts)] = (weakref.ref(fonts), {" "})
    return entry[1]


def text_problems(value: str, is_markup: bool, fonts: "FontSet | None") -> list[str]:
    """What is wrong with one string: unsafe link targets, undrawable characters."""
    problems: list[str] = []
    if is_markup and "[" in value:  # (a link needs its "[": no parse for the rest)
        for para in paragraphs(value):
            for run in parse_inline(para):
                if run.href is not None:
                    scheme = run.href.split(":", 1)[0].lower() if ":" in run.href else ""
                    if not run.href.strip():
                        problems.append(f"link '[{run.text}]()' has no target; "
                                        "expected an http://, https:// or mailto: URL in the parentheses")
                    elif scheme not in ALLOWED_SCHEMES:
                        problems.append(f"link target '{run.href}' is not allowed; "
                                        "expected an http://, https:// or mailto: URL")
    if fonts is not None:
        known = _covered_chars(fonts)
        # clean() only turns whitespace into spaces and drops characters, and
        # the space is known: a text whose characters are known apart from its
        # line breaks needs no cleaning (no regex pass) to pass.
        if known.issuperset(value.replace("\n", " ")):
            return problems
        text = clean(value)
        if known.issuperset(text):
            return problems
        seen = set()
        for ch in text:
            if ch in seen or ch == " " or ch in known:
                continue
            seen.add(ch)
            if fonts.covered(ch):
                known.add(ch)
            else:
                category = unicodedata.category(ch)
                name = unicodedata.name(ch, None) or {"Co": "PRIVATE USE CHARACTER", "Cn": "UNASSIGNED CHARACTER",
                                                     "Cs": "SURROGATE"}.get(category, "UNNAMED CHARACTER")
                # Invisible characters (private use, unassigned, …) are named, not printed.
                shown = f"'{ch}' " if ch.isprintable() and category not in ("Co", "Cn", "Cs") else ""
                problems.append(f"character {shown}(U+{ord(ch):04X} {name}) cannot be drawn by any "
                                "configured font; remove it or add a fallback font that has it")
    return problems


def check_issue_text(issue: BaseModel, source: "SourceMap", fonts: "FontSet | None",
                     skip: frozenset[str] = frozenset({"brand", "url", "web"}),
                     warnings: list[Problem] | None = None) -> list[Problem]:
    """Problems in all text of an issue, located by the loader's source map;
    with a ``warnings`` list, also the warnings of the same walk (paired stars)."""
    problems = []
    for loc, value in walk_strings(issue):
        field = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if field in skip:
            continue
        for message in text_problems(value, field in MARKUP_FIELDS, fonts):
            problems.append(source.problem(loc, message))
        if field in MARKUP_FIELDS and ("*" in value or "[" in value):
            problems += markup_problems(value, loc, source)
            if warnings is not None and value.count("*") >= 2:
                warnings += star_warnings(value, loc, source)
    return problems


def markup_problems(value: str, loc: tuple, source: "SourceMap") -> list[Problem]:
    """Unclosed ``**``, ``*`` and links in one text field, each at its opening mark.

    The mark is found again in the file by a short needle (the mark and the
    word after it) and how often that needle occurs before it in the field."""
    problems = []
    paras = paragraphs(value)
    for n, para in enumerate(paras):
        for offset, message in unclosed_marks(para):
            needle = re.match(r"\S+", para[offset:]).group(0)[:24]
            earlier = sum(p.count(needle) for p in paras[:n]) + para[:offset].count(needle)
            problems.append(source.problem_at(loc, message, needle, earlier))
    return problems


def brand_text_problems(brand: BaseModel, source: "SourceMap", fonts: "FontSet") -> list[Problem]:
    """Glyph coverage of every brand text that reaches the page (name, series,
    labels, imprint), located in the brand file like the issue's text."""
    texts = [(loc, value) for loc, value in walk_strings(brand)
             if loc[0] not in ("fonts", "colors", "logo", "logo_alt", "hyphenation") and loc[-1] not in ("url", "web")]
    if all(fonts.covered(ch) for ch in set("".join(v for _l, v in texts)) if not ch.isspace()):
        return []  # the common case: one pass over the distinct characters
    problems = []
    for loc, value in texts:
        if loc[0] in ("fonts", "colors", "logo", "logo_alt", "hyphenation") or loc[-1] in ("url", "web"):
            continue
        for message in text_problems(value, False, fonts):
            problems.append(source.problem(loc, message))
    return problems


# --------------------------------------------------------------------------- unclosed markup

_LINK_START = re.compile(r"\[[^\[\]\n]*\]\(")


@lru_cache(maxsize=1)
def _checking_parser():
    """A second parser like :func:`_parser` whose emphasis and link rules record
    where each mark stands, so unmatched ones can be reported at their position.
    (The layout's parser stays unwrapped: this costs nothing when typesetting.)"""
    MarkdownIt = _markdown_it()
    from markdown_it.rules_inline import emphasis
    from markdown_it.rules_inline.link import link as link_rule

    md = MarkdownIt("zero").enable(["emphasis", "link"])
    md.validateLink = lambda url: True

    def marks(state, silent):
        start, before = state.pos, len(state.delimiters)
        found = emphasis.tokenize(state, silent)
        if found:
            for i, delim in enumerate(state.delimiters[before:]):
                state.env.setdefault("marks", []).append((start + i, delim, state.delimiters))
        return found

    def links(state, silent):
        start = state.pos
        found = link_rule(state, silent)
        if found:
            state.env.setdefault("links", set()).add(start)
        return found

    md.inline.ruler.at("emphasis", marks)
    md.inline.ruler.at("link", links)
    return md


@lru_cache(maxsize=4096)
def _scan(paragraph: str) -> tuple[str, dict]:
    """The paragraph as parsed (underscores hidden) and the marks and links the
    checking parser recorded; cached, so the error and warning checks (and
    rebuilds of the same text in watch or a warm process) parse it once."""
    hidden, _restore = _hide_underscores(paragraph)
    env: dict = {}
    _checking_parser().parseInline(hidden, env)
    return hidden, env


def unclosed_marks(paragraph: str) -> list[tuple[int, str]]:
    """(offset, message) for every ``*``/``**`` that opens emphasis but is never
    closed, and every ``[label](`` that does not become a link (no ``)``, or a
    space in the target). markdown-it leaves both as literal text; an editor
    almost never means that, so the check reports them with the fix."""
    hidden, env = _scan(paragraph)
    out: list[tuple[int, str]] = []
    runs: dict[int, list[int]] = {}
    for pos, delim, siblings in env.get("marks", []):
        if delim.marker != ord("*") or not delim.open or delim.end >= 0:
            continue
        index = next((i for i, d in enumerate(siblings) if d is delim), -1)
        if any(d.end == index for d in siblings):
            continue  # matched as a closer
        runs.setdefault(_run_start(hidden, pos), []).append(pos)
    for start, positions in sorted(runs.items()):
        end = start + len(positions)
        while end < len(hidden) and hidden[end] == "*":
            end += 1
        if start > 0 and end < len(hidden) and hidden[start - 1].isalnum() and hidden[end].isalnum():
            continue  # inside a word ("Mitarbeiter*innen"): a gender star, printed as written
        mark = "*" * len(positions)
        what = "bold" if len(positions) == 2 else "italic" if len(positions) == 1 else "bold italic"
        out.append((start, f"'{mark}' opens {what} text that is never closed; close it with '{mark}' "
                           "(for a literal asterisk write a lone * with a space on each side)"))
    linked = env.get("links", set())
    for m in _LINK_START.finditer(hidden):
        if m.start() not in linked:
            out.append((m.start(), f"link '{paragraph[m.start():m.end()]}…' is never closed; end the "
                                   "target with ')' and percent-encode spaces in it (%20)"))
    return sorted(out)


def _intraword(text: str, pos: int) -> bool:
    """Whether the run of ``*`` at ``pos`` stands between two letters or digits."""
    start, end = _run_start(text, pos), pos
    while end < len(text) and text[end] == "*":
        end += 1
    return start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def intraword_pairs(paragraph: str) -> list[tuple[int, str]]:
    """(offset, italic text) for ``*`` pairs that both stand inside words, as two
    gender stars do ("Mitarbeiter*innen und Bürger*innen"): CommonMark pairs
    them into emphasis, which is rarely what the writer meant."""
    hidden, env = _scan(paragraph)
    where = {id(delim): pos for pos, delim, _siblings in env.get("marks", [])}
    found: dict[int, str] = {}
    for pos, delim, siblings in env.get("marks", []):
        if delim.marker != ord("*") or delim.end < 0:
            continue
        closer = where.get(id(siblings[delim.end]))
        if closer is None or not (_intraword(hidden, pos) and _intraword(hidden, closer)):
            continue
        start = _run_start(hidden, pos)
        if start not in found:
            inner = paragraph[pos + 1:closer].strip("*")
            found[start] = inner
    return sorted(found.items())


def star_warnings(value: str, loc: tuple, source: "SourceMap") -> list[Problem]:
    """Warnings for one text field that parses, but probably not as meant (paired gender stars)."""
    problems = []
    paras = paragraphs(value)
    for n, para in enumerate(paras):
        for offset, inner in intraword_pairs(para):
            needle = re.match(r"\S+", para[offset:]).group(0)[:24]
            earlier = sum(p.count(needle) for p in paras[:n]) + para[:offset].count(needle)
            problem = source.problem_at(
                loc, f"the '*' inside words pair up and set '{inner}' in italics; for gender stars "
                     "write ':' (Mitarbeiter:innen) or '∗' (U+2217), for italics put the '*' around "
                     "whole words", needle, earlier)
            problems.append(Problem(problem.message, problem.file, problem.line, problem.column,
                                    problem.path, severity="warning"))
    return problems


def _run_start(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1] == "*":
        pos -= 1
    return pos
