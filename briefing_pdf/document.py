"""The logical document: an issue as a tree of semantic nodes.

Between the validated model and the layout sits one tree that says what the
briefing *is* — sections, articles, headings, paragraphs, lists, inline
links and spans with their language — and nothing about how it looks. The
PDF's structure tree is written from it, the layout builds its flowables
from it, and a future HTML or e-mail edition would render it too. So this
module imports no ReportLab (a test checks that).

As WeasyPrint's ``formatting_structure/boxes.py`` names its boxes after CSS
2.1, the nodes here are named after PDF's standard structure types
(ISO 32000-1 14.8.4): ``Document``, ``Sect``, ``Art``, ``H1``–``H3``, ``P``,
``L``/``LI``/``LBody``, ``Caption``, ``TOC``/``TOCI``, ``Reference``,
``Link``, ``Span``, ``Figure``, ``Div``. Tagging is then a plain mapping.
The one custom type is ``Aside`` (the analysis callout, PDF 2.0's name), which
:data:`ROLE_MAP` maps to ``Div`` for PDF 1.7 readers.

Text lives in :class:`Text` leaves (a string with bold/italic), always
inside a block node or an inline ``Link``/``Span``. The inline markup of the
contract is parsed here, once (:func:`inline`). A run of Chinese, Japanese or
Korean characters becomes a ``Span`` with its own ``lang``: any Hangul →
``ko``; else any kana → ``ja``; else Han characters only → ``zh``. A
Japanese phrase written in kanji alone therefore reads as ``zh`` — the
characters are the same, and nothing in the text says otherwise.

``role`` is a presentational hint for renderers ("band", "run_in", "date",
…); ``key`` is the anchor of a section or article (contents, bookmarks).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterator, Union

from .brand import masthead_date, short_date
from .hyphenate import may_have_cjk
from .model import Article, Issue, Source, Topic
from .text import clean, paragraphs, parse_inline
from .ties import NBSP, tie_positions

if TYPE_CHECKING:
    from .brand import Theme

#: Structure types that are not in PDF 1.7, mapped to the standard type readers know.
ROLE_MAP: dict[str, str] = {"Aside": "Div"}

#: Inline types: their content flows inside a block's lines.
INLINE_TYPES = frozenset({"Link", "Span", "Reference"})


@dataclass(frozen=True)
class Text:
    """A stretch of text with one style. ``"\\n"`` alone is a line break."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(eq=False)
class Node:
    """One element of the logical document (compared by identity)."""

    type: str
    kids: list[Union["Node", Text]] = field(default_factory=list)
    lang: str | None = None
    alt: str | None = None
    href: str | None = None
    key: str | None = None
    title: str | None = None
    role: str | None = None
    level: int | None = None

    def __repr__(self) -> str:  # short: trees are deep
        extra = "".join(f" {k}={v!r}" for k, v in (("role", self.role), ("key", self.key), ("lang", self.lang))
                        if v)
        return f"<{self.type}{extra} {self.plain_text()[:30]!r}>"

    def plain_text(self) -> str:
        """The text a reader hears: all leaves, line breaks as spaces."""
        parts: list[str] = []
        for kid in self.kids:
            if isinstance(kid, Text):
                parts.append(" " if kid.text == "\n" else kid.text)
            else:
                parts.append(kid.plain_text())
        return "".join(parts)

    def walk(self) -> Iterator["Node"]:
        """This node and every node below it, depth first (document order)."""
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()

    def find(self, role: str | None = None, type: str | None = None) -> "Node | None":
        return next((n for n in self.walk() if (role is None or n.role == role)
                     and (type is None or n.type == type)), None)

    def blocks(self) -> list["Node"]:
        """Child nodes (not text leaves)."""
        return [k for k in self.kids if isinstance(k, Node)]

    @property
    def inline(self) -> bool:
        return self.type in INLINE_TYPES


# --------------------------------------------------------------------------- language of CJK runs

_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3005-\u3007"
_CJK_PUNCT = "\u3000-\u3004\u3008-\u303f\uff00-\uff65\uffe0-\uffee"
#: The CJK characters as a regex class (for reference and tests; the code
#: below classifies by code point instead, see :func:`_cjk_spans`).
_CJK = f"[{_HANGUL}{_KANA}{_HAN}{_CJK_PUNCT}]"


def _blocks() -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """The ranges of :data:`_CJK`, sorted: their first code points (for
    :func:`bisect.bisect_right`) and ``(last, script)`` per range, where the
    script is 0 (punctuation), 1 (Han), 2 (kana) or 3 (Hangul)."""
    ranges = []
    for script, spec in ((0, _CJK_PUNCT), (1, _HAN), (2, _KANA), (3, _HANGUL)):
        for i in range(0, len(spec), 3):  # "a-b" triples
            ranges.append((ord(spec[i]), ord(spec[i + 2]), script))
    ranges.sort()
    return tuple(r[0] for r in ranges), tuple((r[1], r[2]) for r in ranges)


_BLOCK_STARTS, _BLOCK_ENDS = _blocks()
_SCRIPT_LANGS = ((3, "ko"), (2, "ja"), (1, "zh"))

#: Characters from U+1100 to U+11FF or from U+3000 on, where every CJK range
#: lies (see may_have_cjk). Written as a negated class of the rest, it
#: compiles in well under a millisecond; the CJK classes themselves, tens of
#: thousands of code points each, cost ~4 ms of every build with CJK text.
_HIGH = "[^\x00-\u10ff\u1200-\u2fff]+"


@lru_cache(maxsize=1)
def _high_runs() -> Callable[[str], Iterator[re.Match]]:
    """``finditer`` of :data:`_HIGH` (compiled when a text first has such characters)."""
    return re.compile(_HIGH).finditer


def _script(ch: str) -> int | None:
    """The script of a CJK character (see :func:`_blocks`), None for any other."""
    code = ord(ch)
    k = bisect_right(_BLOCK_STARTS, code) - 1
    if k >= 0 and code <= _BLOCK_ENDS[k][0]:
        return _BLOCK_ENDS[k][1]
    return None


def script_lang(text: str) -> str | None:
    """The language a CJK run is read in: ``ko``, ``ja``, ``zh``, or None (no CJK letters)."""
    if not text or not may_have_cjk(text):
        return None
    scripts = {_script(ch) for ch in text if ch >= "\u1100"}
    return next((lang for script, lang in _SCRIPT_LANGS if script in scripts), None)


def _cjk_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each run of CJK characters, spaces and no-break
    spaces between CJK characters included: the matches of the regex
    ``{_CJK}+(?:[ \u00a0]+{_CJK}+)*``, found by code point (only the
    characters :data:`_HIGH` finds are looked at one by one)."""
    start = end = -1
    for m in _high_runs()(text):
        i, stop = m.span()
        while i < stop:
            if _script(text[i]) is None:
                i += 1
                continue
            j = i + 1
            while j < stop and _script(text[j]) is not None:
                j += 1
            if end >= 0 and not text[end:i].strip(" \u00a0"):
                end = j  # only spaces since the last run: one run
            else:
                if end >= 0:
                    yield start, end
                start, end = i, j
            i = j
    if end >= 0:
        yield start, end


def split_lang(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, lang) where lang is set for CJK runs and None elsewhere."""
    if text.isascii() or not may_have_cjk(text):  # the common cases, cheap
        return [(text, None)]
    out: list[tuple[str, str | None]] = []
    pos = 0
    for start, end in _cjk_spans(text):
        lang = script_lang(text[start:end])
        if lang is None:
            continue
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], lang))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out or [(text, None)]


def _texts(text: str, bold: bool = False, italic: bool = False) -> list[Node | Text]:
    """Text leaves, with CJK runs wrapped in language spans."""
    out: list[Node | Text] = []
    for piece, lang in split_lang(text):
        leaf = Text(piece, bold, italic)
        out.append(Node("Span", [leaf], lang=lang) if lang else leaf)
    return out


def inline(paragraph: str) -> list[Node | Text]:
    """One paragraph of contract markup → inline content (texts, links, language spans)."""
    out: list[Node | Text] = []
    for run in parse_inline(paragraph):
        kids = _texts(run.text, run.bold, run.italic)
        if run.href is not None:
            link = out[-1] if out and isinstance(out[-1], Node) and out[-1].type == "Link" \
                and out[-1].href == run.href else None
            if link is None:
                out.append(Node("Link", kids, href=run.href))
            else:  # a link whose text changes style ("[**a** b](u)") stays one link
                link.kids += kids
        else:
            out += kids
    return out


def plain(text: str, bold: bool = False) -> list[Node | Text]:
    """A plain string (title, name): whitespace cleaned, no markup, language spans."""
    return _texts(clean(text), bold)


def _paras(text: str, role: str | None = None) -> list[Node]:
    return [Node("P", inline(p), role=role) for p in paragraphs(text)]


def _lead(paras: list[Node], label: str) -> list[Node]:
    """Put a run-in label (``Die Fakten:``) in front of the first paragraph."""
    if paras:
        paras[0].kids[:0] = [Node("Span", plain(label), role="run_in"), Text(" ")]
    return paras


# --------------------------------------------------------------------------- the briefing


def _link(url: str, kids: list[Node | Text]) -> Node:
    return Node("Link", kids, href=url)


def _sources(theme: "Theme", sources: list[Source]) -> list[Node]:
    if not sources:
        return []
    items = []
    for s in sources:
        body: list[Node | Text] = [*plain(s.publisher, bold=True), Text(": ", bold=True),
                                   _link(s.url, plain(s.title))]
        if s.note:
            body += [Text(" ("), *plain(s.note), Text(")")]
        items.append(Node("LI", [Node("LBody", body)]))
    return [Node("L", [Node("Caption", plain(theme.label("sources")), role="label"), *items], role="sources")]


def _analysis(theme: "Theme", text: str | None) -> list[Node]:
    if not text:
        return []
    return [Node("Aside", _lead(_paras(text), theme.label("analysis")), role="analysis")]


def _article(theme: "Theme", article: Article) -> Node:
    return Node("Art", [Node("H3", plain(article.title), role="title"), *_paras(article.body),
                        *_analysis(theme, article.analysis), *_sources(theme, article.sources)],
                key="art-top", title=article.toc_title or article.title)


def _topic(theme: "Theme", index: int, topic: Topic) -> Node:
    kids: list[Node | Text] = [Node("H3", plain(topic.title), role="title"),
                               *_lead(_paras(topic.facts), theme.label("facts")),
                               *_lead(_paras(topic.outlook), theme.label("outlook")),
                               *_analysis(theme, topic.analysis), *_sources(theme, topic.sources)]
    return Node("Art", kids, key=f"topic-{index + 1}", title=topic.toc_title or topic.title)


def _section(theme: "Theme", key: str, label_key: str, kids: list[Node]) -> Node:
    label = theme.label(label_key)
    band = Node("H2", plain(label), role="band")
    return Node("Sect", [band, *kids], key=key, title=label, role=label_key)


def _metrix(theme: "Theme", issue: Issue) -> Node:
    m = issue.metrix
    assert m is not None
    kids = [Node("P", plain(m.value), role="value"), *_paras(m.text, role="metrix_text")]
    if m.source:
        kids.append(Node("P", [Text("("), *plain(theme.label("source")), Text(": "),
                               _link(m.source.url, plain(m.source.title)), Text(")")], role="source"))
    return _section(theme, "sec-metrix", "metrix", kids)


def _digest(theme: "Theme", issue: Issue) -> list[Node]:
    out = []
    for item in issue.digest:
        title = Node("H3", [_link(item.url, plain(f"{item.title} ({item.publisher})"))], role="item_title")
        paras = _paras(item.text)
        paras[-1].kids += [Text(" "), Node("Span", [Text(short_date(item.date, theme.lang))], role="date")]
        out.append(Node("Art", [title, *paras], role="digest_item"))
    return out


def _podcasts(issue: Issue) -> list[Node]:
    return [Node("Art", [Node("H3", [_link(p.url, plain(p.title))], role="item_title"),
                         *_paras(p.text)], role="podcast") for p in issue.podcasts]


def _imprint(theme: "Theme") -> Node | None:
    imprint = theme.imprint
    if imprint is None:
        return None
    kids: list[Node | Text] = [Node("H2", plain(theme.label("imprint")), role="imprint_title")]
    for group in imprint.groups:
        people: list[Node | Text] = [Node("H3", plain(group.heading.upper()), role="imprint_heading")]
        for person in group.people:
            people.append(Node("P", plain(person.name), role="name"))
            if person.role:
                people.append(Node("P", plain(person.role), role="person_role"))
        kids.append(Node("Div", people, role="group"))
    pub = imprint.publisher
    lines: list[list[Node | Text]] = [plain(line) for line in pub.address]
    if pub.phone:
        lines.append([*plain(theme.label("phone")), Text(" "), *plain(pub.phone)])
    if pub.email:
        lines.append([*plain(theme.label("email")), Text(" "), _link("mailto:" + pub.email, plain(pub.email))])
    if pub.web:
        lines.append([_link(pub.web, plain(pub.web))])
    address: list[Node | Text] = []
    for i, line in enumerate(lines):
        address += ([Text("\n")] if i else []) + line
    publisher = [Node("H3", plain(theme.label("publisher").upper()), role="imprint_heading"),
                 Node("P", plain(pub.name), role="name")]
    if address:
        publisher.append(Node("P", address, role="address"))
    kids.append(Node("Div", publisher, role="publisher"))
    return Node("Sect", kids, key="sec-imprint", title=theme.label("imprint"), role="imprint")


def _masthead(theme: "Theme", issue: Issue) -> Node:
    date = masthead_date(issue.date, issue.language)
    if issue.number:
        date += f"  ·  NR. {issue.number}" if issue.language == "de" else f"  ·  NO. {issue.number}"
    kids: list[Node | Text] = [Node("P", plain(date), role="dateline"), Node("H1", plain(theme.series), role="series")]
    if theme.logo is not None:
        kids.append(Node("Figure", alt=theme.brand.logo_alt or f"{theme.brand.name} logo", role="logo"))
    else:
        kids.append(Node("P", plain(theme.brand.name.upper()), role="brand"))
    return Node("Sect", kids, role="masthead")


def _contents(theme: "Theme", body: list[Node]) -> Node:
    """Contents entries for every keyed section and article, in reading order."""
    entries = []
    for sect in body:
        for node in sect.walk():
            if node.key and node.title:
                level = 0 if node.type == "Sect" else 1
                link = Node("Link", plain(node.title), href="#" + node.key)
                entries.append(Node("TOCI", [Node("Reference", [link])], key=node.key, title=node.title, level=level))
    return Node("Sect", [Node("H2", plain(theme.label("contents")), role="contents_title"),
                         Node("TOC", entries)], role="contents")


def _text_blocks(root: Node) -> Iterator[Node]:
    """Block nodes that hold text (directly or in inline kids)."""
    for node in root.walk():
        if not node.inline and any(isinstance(k, Text) or k.inline for k in node.kids):
            yield node


def _leaves(node: Node) -> Iterator[tuple[Node, int]]:
    """(owner, index) of every text leaf of a block, through its inline kids, in order."""
    for i, kid in enumerate(node.kids):
        if isinstance(kid, Text):
            yield node, i
        elif kid.inline:
            yield from _leaves(kid)


def apply_ties(root: Node, lang: str | None) -> None:
    """No-break spaces (units, dates, initials, …; :mod:`briefing_pdf.ties`) in every text block.

    The rules see a block's whole text, so "Dr. **Keller**" ties across the change of style."""
    for block in _text_blocks(root):
        leaves = list(_leaves(block))
        texts = [owner.kids[i].text for owner, i in leaves]  # type: ignore[union-attr]
        positions = tie_positions("".join(texts), lang)
        if not positions:
            continue
        pending, offset = iter(positions), 0
        nxt = next(pending, None)
        for (owner, i), text in zip(leaves, texts):
            chars = list(text)
            while nxt is not None and nxt < offset + len(chars):
                chars[nxt - offset] = NBSP
                nxt = next(pending, None)
            offset += len(chars)
            leaf = owner.kids[i]
            owner.kids[i] = Text("".join(chars), leaf.bold, leaf.italic)  # type: ignore[union-attr]


def build_document(issue: Issue, theme: "Theme") -> Node:
    """The briefing as a tree: masthead, contents, the sections, imprint."""
    body = [_section(theme, "sec-top", "top_story", [_article(theme, issue.top_story)])]
    if issue.metrix:
        body.append(_metrix(theme, issue))
    if issue.topics:
        body.append(_section(theme, "sec-topics", "topics",
                             [_topic(theme, i, t) for i, t in enumerate(issue.topics)]))
    if issue.digest:
        body.append(_section(theme, "sec-digest", "digest", _digest(theme, issue)))
    if issue.podcasts:
        body.append(_section(theme, "sec-podcasts", "podcasts", _podcasts(issue)))
    imprint = _imprint(theme)
    if imprint is not None:
        body.append(imprint)
    document = Node("Document", [_masthead(theme, issue), _contents(theme, body), *body], lang=issue.language,
                    title=theme.series)
    apply_ties(document, issue.language)
    return document
