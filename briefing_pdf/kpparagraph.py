"""KPParagraph: a drop-in ReportLab ``Paragraph`` with whole-paragraph line
breaking, a hyphenation policy and subtle font expansion.

Usage::

    from briefing_pdf.hyphenate import get_hyphenator
    from briefing_pdf.kpparagraph import KPParagraph
    p = KPParagraph(markup, style, hyphenator=get_hyphenator("de"))

``markup`` is ordinary ReportLab paragraph markup (``<b>``, ``<i>``,
``<font name=...>``, ``<a href=... color=...>``, ``<a name=.../>``, ``<br/>``,
entities).  ReportLab's parser produces ``self.frags`` (our own regex
tokeniser feeds its tag and data handlers, :func:`_parse_markup`); from them
we build a box/glue/penalty list with real font metrics (kerned widths per
fragment font and size, :mod:`briefing_pdf.kerning`) and break it with
:mod:`briefing_pdf.linebreak`. What a word contributes is memoised per word,
font, size and sentence start (:meth:`KPParagraph._plan`), so new text mostly
costs only the items of words seen before.

Drawing is our own (``drawPara`` is overridden) because each justified line
gets its own horizontal glyph scale (``Tz``, within ±``expand``), optional
letter spacing (``Tc``) and word spacing (``Tw``): font expansion lets word
spaces stay near natural, which line breaking alone cannot achieve in a
45-character column.  The distribution mirrors the breaker's model: up to
``r = 1`` every stretchable component takes its share; beyond that the glyph
scale is capped and the word spaces take the rest.  Paragraph-final lines,
lines ended by ``<br/>`` and non-justified alignments are set at natural
width (no expansion).

Why not ReportLab's own machinery for the rest:

* ``Paragraph.split`` re-joins lines with a space, turning a hyphenated line
  end into "Exportbe- schränkungen".  :meth:`KPParagraph.split` cuts between
  our computed lines and hands the rest on as items, so both halves keep the
  optimal breaks; ``allowWidows``/``allowOrphans`` (style or instance) are
  honoured and the first part justifies its last line.
* A hyphen at a line end is drawn as a real ``-`` (U+002D) glyph in the
  fragment's font, so copy/paste and text extraction see it.
* Links are tracked per drawn run with the actual (scaled) advance, so a link
  that spans a line break yields one clickable rectangle per line.

Kerning: every width the breaker sees includes the font's pair kerning (also
across fragments of one font and size inside a word, e.g. a link that starts
mid-word; never across a space), and the drawing places the glyphs with
``TJ`` arrays (:func:`briefing_pdf.kerning.text_out`), so breaker widths and
drawn widths are the same.  The kern across a hyphenation point belongs to
the box before it; taking the break removes it again and adds the hyphen
with its own kern.

Protrusion (margin kerning): on justified lines a final hyphen, full stop,
comma, colon, semicolon or closing quote hangs into the right margin by a
share of its width, an opening quote at the start into the left margin
(:data:`briefing_pdf.kerning.PROTRUDE_RIGHT` / ``PROTRUDE_LEFT``).  The
breaker knows the right-hand hang: the hyphen penalty is that much narrower,
and a word ending in such a character is followed by a zero-cost break whose
negative width is the hang.  The drawing stretches the line over the column
width plus the hangs, except that a line already looser than ``r = 1``
hangs only as far as it stays at ``r = 1``.

Shaping is left off (``shaping=0``): ReportLab 5.1's HarfBuzz path crashes on
mixed-font words, on paragraphs starting with ``<a name/>`` and on re-laid-out
hyphenated splits (field notes), and German/English Latin text needs no
shaping beyond pair kerning, which we apply ourselves (no ligatures:
docs/typography.md, "Kerning and ligatures").

Known simplifications: ``autoLeading`` is ignored (fixed ``style.leading``),
right-to-left text and ``<img>`` inline images are not supported, ``endDots``
is ignored.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Dict, List, Optional

from . import rlstart  # noqa: F401  (before any reportlab.platypus import: a lazy URI regex)
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.geomutils import normalizeTRBL
from reportlab.platypus.paragraph import (FragLine, Paragraph, ParaLines,
                                          _doLink, _drawBullet, _handleBulletWidth)
from reportlab.rl_config import _FUZZ, paraFontSizeHeightOffset

from . import linebreak as lb
from . import wordstore
from .hyphenate import EXPLICIT, HYPHEN, URLCHAR, Hyphenator, break_points
from .kerning import (PROTRUDE_RIGHT, kern_pair, kern_table, kerned_width, measure, pdf_number as _num,
                      protrusion, text_out)

__all__ = ["KPParagraph", "KPSettings", "DEFAULT_SETTINGS"]

_WS = " \t\n\r\f\v"
#: A no-break space: a tie between two words (see briefing_pdf.ties). It is set
#: as an ordinary interword glue that stretches like the others, with an
#: infinite penalty in front (TeX's ``~``), so justified ties do not look tight.
_NBSP = "\u00a0"
_WS_OR_TIE = _WS + _NBSP
#: A fragment's text as alternating runs of word characters and of spaces/ties.
_PIECES = re.compile("[%s]+|[^%s]+" % (_WS_OR_TIE, _WS_OR_TIE)).findall
_SW_CACHE: Dict[tuple, float] = {}
#: (settings, justification, hyphenator ...) -> {(word, font, size, sentence start): plan};
#: what the command line keeps between runs (:mod:`briefing_pdf.wordstore`)
_PLANS: Dict[tuple, dict] = {}


def _sw(text: str, font: str, size: float) -> float:
    """Kerned advance width of ``text`` in one font (memoised)."""
    k = (text, font, size)
    v = _SW_CACHE.get(k)
    if v is None:
        if len(_SW_CACHE) > 200000:
            _SW_CACHE.clear()
        v = _SW_CACHE[k] = kerned_width(text, font, size)
    return v


_COLORS: Dict[str, object] = {}


def _color(value):
    """A fragment's text colour as a ReportLab colour object. Styles carry
    the brand's colours as "#rrggbb" strings, and ReportLab's ``toColor``
    parses a string the slow way (CSS, names, literal_eval, then hex) on
    every ``setFillColor``; the object it returns writes the same operator."""
    if not isinstance(value, str):
        return value
    found = _COLORS.get(value)
    if found is None:
        from reportlab.lib.colors import toColor

        if len(_COLORS) > 1000:
            _COLORS.clear()
        found = _COLORS[value] = toColor(value)
    return found


def _kern_pt(f1, a: str, f2, b: str) -> float:
    """The kern (points) between character ``a`` drawn in fragment ``f1`` and
    the following ``b`` in ``f2``: only within one font, size and baseline
    (a link or a colour change inside a word keeps its kerning)."""
    if f1 is None or f2 is None or f1.fontName != f2.fontName or f1.fontSize != f2.fontSize \
            or getattr(f1, "rise", 0) != getattr(f2, "rise", 0):
        return 0.0
    return kern_pair(a, b, f1.fontName) * f1.fontSize / 1000.0


def _run_width(segs) -> float:
    """Kerned width of consecutive (frag, text) segments, kerns across them included."""
    width = 0.0
    pf = pt = None
    for f, t in segs:
        if t:
            width += _sw(t, f.fontName, f.fontSize)
            if pf is not None:
                width += _kern_pt(pf, pt[-1], f, t[0])
            pf, pt = f, t
    return width


def _char_widths(segs) -> list:
    """Per-character widths of segments (each with its kern to the next
    character), for emergency splitting of a token wider than the line."""
    out = []
    flat = [(f, ch) for f, t in segs for ch in t]
    for i, (f, ch) in enumerate(flat):
        w = _sw(ch, f.fontName, f.fontSize)
        if i + 1 < len(flat):
            w += _kern_pt(f, ch, flat[i + 1][0], flat[i + 1][1])
        out.append(w)
    return out


#: (``node``: the logical node a fragment belongs to, for tagging; two nodes that happen
#: to draw alike, say a language span in a font that has its script, stay apart.)
_LOOK = ("fontName", "fontSize", "textColor", "rise", "backColor", "link", "us_lines", "node")


def _same_look(a, b) -> bool:
    """True when two text fragments draw alike (so they can share one run)."""
    if hasattr(a, "cbDefn") or hasattr(b, "cbDefn"):
        return False
    return all(getattr(a, k, None) == getattr(b, k, None) for k in _LOOK)


def _frag_at(segs, index: int):
    """The fragment that holds character ``index`` of a segment list."""
    pos = 0
    for f, t in segs:
        pos += len(t)
        if index < pos:
            return f
    return None


#: One token of paragraph markup in the plain form we generate: a start tag with
#: double-quoted attributes (optionally self-closing), an end tag, a named or
#: numeric entity with its ";", or text without "<" and "&".
_MARKUP_TOKEN = re.compile(
    r'<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z][a-zA-Z0-9_-]*="[^"<>]*")*)\s*(/?)>'
    r'|</([a-zA-Z][a-zA-Z0-9]*)>'
    r'|&([a-zA-Z][a-zA-Z0-9]*);'
    r'|&#([0-9]+|[xX][0-9a-fA-F]+);'
    r'|([^<&]+)')
_MARKUP_ATTR = re.compile(r'([a-zA-Z][a-zA-Z0-9_-]*)="([^"]*)"')


def _markup_events(text: str):
    """The handler calls Python's ``HTMLParser`` makes for ``text`` (which
    ReportLab's paragraph parser is), as ``(method name, args)``, or None when
    the text holds anything outside the plain form of :data:`_MARKUP_TOKEN`
    (then the real parser reads it). For that form both agree: data runs end
    at "<" or "&", tag and attribute names are lower-cased, attribute values
    are unescaped, ``<x/>`` is a start and an end tag."""
    from html import unescape

    events = []
    pos = 0
    for m in _MARKUP_TOKEN.finditer(text):
        if m.start() != pos:
            return None
        pos = m.end()
        data = m.group(7)
        if data is not None:
            events.append(("handle_data", (data,)))
        elif m.group(1) is not None:
            tag = m.group(1).lower()
            attrs = [(k.lower(), unescape(v) if "&" in v else v)
                     for k, v in _MARKUP_ATTR.findall(m.group(2))]
            if attrs:
                attrs = [(k, _parsed_color(v) if k == "color" else v) for k, v in attrs]
            events.append(("handle_starttag", (tag, attrs)))
            if m.group(3):
                events.append(("handle_endtag", (tag,)))
        elif m.group(4) is not None:
            events.append(("handle_endtag", (m.group(4).lower(),)))
        elif m.group(5) is not None:
            events.append(("handle_entityref", (m.group(5),)))
        else:
            events.append(("handle_charref", (m.group(6),)))
    return events if pos == len(text) else None


def _parsed_color(value: str):
    """A ``color`` attribute as the colour object ReportLab's parser would
    make of it (it hands the value to ``toColor``, which returns a colour
    object unchanged): parsed once per value instead of once per tag. A value
    ``toColor`` rejects stays a string, for the parser's own error."""
    try:
        return _color(value)
    except Exception:
        return value


def _parse_markup(parser, text: str, style):
    """``parser.parse(text, style)`` (ReportLab's ParaParser), with the
    tokenising done by :func:`_markup_events` when it can: the fragments come
    from ReportLab's own tag and data handlers either way. HTMLParser scans
    the markup in Python, a regex does it in C (paragraph construction about
    a fifth cheaper)."""
    from reportlab.platypus.paraparser import _re_para

    if not (len(text) >= 6 and text[0] == "<" and _re_para.match(text)):
        wrapped = "<para>" + text + "</para>"
    else:
        wrapped = text
    events = _markup_events(wrapped)
    if events is None:
        return parser.parse(text, style)
    parser._setup_for_parse(style)
    try:
        for name, args in events:
            getattr(parser, name)(*args)
    except Exception:
        from reportlab.lib.utils import annotateException

        annotateException("\nparagraph text %s caused exception" % ascii(wrapped))
    return parser._complete_parse()


class KPSettings:
    """Typographic parameters of the adapter (all lengths relative to the
    space or font size, so they scale with the style)."""

    def __init__(self, expand: float = 0.02, letterspace: float = 0.005,
                 space_stretch: float = 0.9, space_shrink: float = 0.25,
                 hyphen_penalty: float = 100.0, explicit_hyphen_penalty: float = 50.0,
                 url_penalty: float = 100.0, url_char_penalty: float = 600.0, cjk_penalty: float = 0.0,
                 min_last_line_em: float = 2.5, hyphenate_bold: bool = False,
                 hyphenate: bool = True, reluctant_hyphen_penalty: float = 5000.0,
                 reluctant_min_chars: int = 14, display: bool = False, protrude: bool = True,
                 loose_space: float = 1.8, loose_expand: float = 0.04,
                 params: Optional[lb.Params] = None):
        #: max relative glyph scaling per line (0.02 = 98–102 %)
        self.expand = expand
        #: max letter spacing per character, in em (0 = off)
        self.letterspace = letterspace
        #: interword glue stretch / shrink as a fraction of the space width
        self.space_stretch = space_stretch
        self.space_shrink = space_shrink
        self.hyphen_penalty = hyphen_penalty
        self.explicit_hyphen_penalty = explicit_hyphen_penalty
        self.url_penalty = url_penalty
        self.url_char_penalty = url_char_penalty
        self.cjk_penalty = cjk_penalty
        self.min_last_line_em = min_last_line_em
        self.hyphenate_bold = hyphenate_bold
        #: False: no ordinary hyphenation (headings, lists, names) ...
        self.hyphenate = hyphenate
        #: ... but a word of at least ``reluctant_min_chars`` letters may still
        #: break at a dictionary point, at this high cost, rather than be cut
        #: anywhere when it does not fit the line at all.
        self.reluctant_hyphen_penalty = reluctant_hyphen_penalty
        self.reluctant_min_chars = reluctant_min_chars
        #: Display text (headings, item titles, contents entries): lines break
        #: only at spaces, unless a word is wider than the line, and they are
        #: balanced (see :meth:`KPParagraph._break_display`).
        self.display = display
        #: justified lines: hyphens, full stops, commas, quotes ... at a line
        #: end hang into the margin, opening quotes at a line start too
        #: (kerning.PROTRUDE_RIGHT / PROTRUDE_LEFT)
        self.protrude = protrude
        #: a justified line whose word spaces would exceed ``loose_space`` times
        #: their natural width (only lines beyond the breaker's r = 1) may scale
        #: its glyphs up to ``1 + loose_expand`` to take part of the excess
        self.loose_space = loose_space
        self.loose_expand = loose_expand
        self.params = params or lb.Params()

    def plan_key(self) -> tuple:
        """The settings a word's plan can depend on, as a stable value (the
        plan memo and :mod:`briefing_pdf.wordstore` key on it; the breaker's
        ``params`` do not shape a plan)."""
        return tuple(v for k, v in vars(self).items() if k != "params")


DEFAULT_SETTINGS = KPSettings()


def _is_bold(frag) -> bool:
    return "bold" in frag.fontName.lower()


def _slice_segs(segs, a: int, b: int):
    """Characters a:b of a segment list [(frag, text), ...]; zero-width
    segments (anchors) at the boundaries go with the later part."""
    out = []
    pos = 0
    for f, t in segs:
        n = len(t)
        if n == 0:
            if a <= pos < b or (pos == b == a):
                out.append((f, t))
            continue
        lo, hi = max(a, pos), min(b, pos + n)
        if lo < hi:
            out.append((f, t[lo - pos:hi - pos]))
        pos += n
    return out


def _ends_sentence(text: str) -> bool:
    """Whether a word ends a sentence (or a clause before a colon), so that
    a capital on the next word is no sign of a name."""
    return text.rstrip("\"'”’“»«)]*").endswith((".", "!", "?", ":", "…"))


def _reluctant_points(text: str, pts):
    """Drop dictionary points that leave fewer than 4 letters on a side:
    a forced break in a long word must still read as two real fragments."""
    total = sum(ch.isalpha() for ch in text)
    out = []
    for p, kind in pts:
        if kind == HYPHEN:
            before = sum(ch.isalpha() for ch in text[:p])
            if before < 4 or total - before < 4:
                continue
        out.append((p, kind))
    return out


#: A ``<br/>`` in the token list.
_BR = "BR"


class _Tok:
    __slots__ = ("segs", "space", "tie")

    def __init__(self):
        self.segs = []      # [(frag, text)]
        self.space = None   # frag of the whitespace following the word
        self.tie = False    # that whitespace is a no-break space (U+00A0)


class KPParagraph(Paragraph):
    """Paragraph with Knuth–Plass line breaking (see module docstring).

    Extra constructor arguments: ``hyphenator`` (a
    :class:`~briefing_pdf.hyphenate.Hyphenator` or ``None`` for no automatic
    hyphenation; explicit hyphens, URL slashes and CJK boundaries remain break
    opportunities) and ``settings`` (:class:`KPSettings`).
    """

    def __init__(self, text, style=None, hyphenator: Optional[Hyphenator] = None,
                 bulletText=None, frags=None, caseSensitive=1, encoding="utf8",
                 settings: Optional[KPSettings] = None):
        Paragraph.__init__(self, text, style, bulletText=bulletText, frags=frags,
                           caseSensitive=caseSensitive, encoding=encoding)
        self.hyphenator = hyphenator
        self.settings = settings or DEFAULT_SETTINGS
        self._kp_items = {}      # auto-hyphenation flag -> item list
        self._kp_cache = {}      # (w0, w1) -> Breaks
        self._kp_cont = False    # continuation part of a split
        self._kp_fixed_items = None   # items handed over by split()

    def _setup(self, text, style, bulletText, frags, cleaner):
        """ReportLab's ``Paragraph._setup`` with the markup tokenised by
        :func:`_parse_markup` (same fragments, a fraction of the time)."""
        if frags is None:
            from reportlab.platypus.paraparser import ParaParser
            from reportlab.platypus.paragraph import textTransformFrags

            text = cleaner(text)
            parser = ParaParser()
            parser.caseSensitive = self.caseSensitive
            style, frags, bullet_frags = _parse_markup(parser, text, style)
            if frags is None:
                raise ValueError("xml parser error (%s) in paragraph beginning\n'%s'"
                                 % (parser.errors[0], text[:min(30, len(text))]))
            textTransformFrags(frags, style)
            if bullet_frags:
                bulletText = bullet_frags
        self.text = text
        self.frags = frags
        self.style = style
        self.bulletText = bulletText
        self.debug = 0

    # ------------------------------------------------------------------ items
    def _tokens(self) -> List[_Tok]:
        toks: List[_Tok] = []
        cur = None
        for f in self.frags:
            if getattr(f, "lineBreak", False):
                toks.append(_BR)
                cur = None
                continue
            if hasattr(f, "cbDefn"):
                if getattr(f.cbDefn, "kind", None) == "img":
                    continue   # inline images unsupported
                if cur is None:
                    cur = _Tok()
                    toks.append(cur)
                cur.segs.append((f, ""))
                continue
            text = f.text
            if not text:
                continue
            for piece in _PIECES(text):
                if piece[0] in _WS_OR_TIE:
                    if cur is not None and cur.space is None:
                        if cur.segs[-1][1] or any(t for _, t in cur.segs):
                            cur.space = f
                            cur.tie = not piece.strip(_NBSP)
                            cur = None
                        # else: an anchor alone; let the next word join it
                    elif cur is None and toks and toks[-1] is not _BR and toks[-1].tie \
                            and piece.strip(_NBSP):
                        toks[-1].tie = False  # "a\u00a0" + " b" across frags: a plain space wins
                else:
                    if cur is None or cur.space is not None:
                        cur = _Tok()
                        toks.append(cur)
                    cur.segs.append((f, piece))
        return toks

    def _template(self, segs, allow, expand, ls, protrude=False):
        """Item template of one token: ``(ctext, csegs, entries)`` where an
        entry is ``("B", a, b, width, stretch)`` (characters a:b) or
        ``("P", width, cost, flagged, auto, hyphen_frag_index)``.

        Widths are kerned. The kern across a break point (between characters
        b-1 and b) is part of the box before it, and the penalty takes it off
        again when the break is taken; it adds the hyphen with its own kern
        instead, less the hyphen's protrusion when ``protrude`` (justified
        text).  So a line's width is exact whichever breaks are chosen.
        """
        st = self.settings
        raw = "".join(t for _, t in segs)
        text, pts = break_points(raw, self.hyphenator, allow_auto=bool(allow))
        if allow == "reluctant":   # a forced break keeps 4+ letters on each side
            pts = _reluctant_points(text, pts)
        hyphen_cost = st.hyphen_penalty if allow is True else st.reluctant_hyphen_penalty
        if text != raw:   # soft hyphens removed
            segs = [(f, t.replace("\xad", "")) for f, t in segs]
        cuts = [0] + [p for p, _ in pts] + [len(text)]
        entries = []
        single = len(segs) == 1
        n = len(text)
        if single:
            f = lf = segs[0][0]
            # (one font and size: the kern across a point is a table lookup)
            kerns = kern_table(f.fontName, text)
        for k in range(len(cuts) - 1):
            a, b = cuts[k], cuts[k + 1]
            if single:
                width = _sw(text[a:b], f.fontName, f.fontSize)
                cross = kerns.get(text[b - 1:b + 1], 0.0) * f.fontSize / 1000.0 if b < n else 0.0
                stretch = width * expand + (b - a) * ls * f.fontSize
            else:
                piece = _slice_segs(segs, a, b)
                width = _run_width(piece)
                nch = 0
                fs = 0.0
                lf = None
                for f, t in piece:
                    if t:
                        nch += len(t)
                        fs = f.fontSize
                        lf = f
                cross = _kern_pt(lf, text[b - 1], _frag_at(segs, b), text[b]) if b < n else 0.0
                stretch = width * expand + nch * ls * fs
            entries.append(("B", a, b, width + cross, stretch))
            if k < len(pts):
                kind = pts[k][1]
                # what a break here takes off: the kern across it, and the
                # part of the last glyph that hangs into the margin
                off = cross + (protrusion(text[b - 1], lf.fontName, lf.fontSize)
                               if protrude and kind != HYPHEN else 0.0)
                if kind == HYPHEN:
                    hf = lf
                    hyphen = _sw("-", hf.fontName, hf.fontSize) + (
                        kerns.get(text[b - 1] + "-", 0.0) * hf.fontSize / 1000.0 if single
                        else _kern_pt(hf, text[b - 1], hf, "-"))
                    if protrude:
                        hyphen -= protrusion("-", hf.fontName, hf.fontSize)
                    entries.append(("P", hyphen - off, hyphen_cost, True, True, hf))
                elif kind == URLCHAR:
                    entries.append(("P", -off, st.url_char_penalty, False, False, None))
                elif kind == EXPLICIT:
                    entries.append(("P", -off, st.explicit_hyphen_penalty, True, False, None))
                else:
                    cjk = not text[b - 1].isascii()
                    entries.append(("P", -off, st.cjk_penalty if cjk else st.url_penalty,
                                    False, False, None))
        return text, segs, entries

    def _allow(self, hy_ok: bool, raw: str, bold: bool, sentence_start: bool = False):
        """Hyphenation for one word: True (ordinary), "reluctant" (only to avoid
        cutting a very long word anywhere) or False.  A house exception breaks
        at its marks like an ordinary word, even when bold or a name; names
        and foreign words (:meth:`Hyphenator.word_class`) only reluctantly."""
        if not hy_ok:
            return False
        st = self.settings
        kind = self.hyphenator.word_class(raw, sentence_start)
        if st.hyphenate and (kind == "exception"
                             or (kind == "word" and (st.hyphenate_bold or not bold))):
            return True
        return "reluctant" if len(raw) >= st.reluctant_min_chars else False

    def _plan(self, f, raw: str, start: bool, hy_ok: bool, expand: float, ls: float,
              protrude: bool) -> tuple:
        """What a one-fragment word contributes, independent of its fragment:
        ``(entries, ends_sentence, hang, hyphen_end)``. A box entry is
        ``(True, width, stretch, text, emergency_pieces)``, a penalty entry
        ``(False, width, cost, flagged, carries_frag, auto)``; ``hang`` is the
        protrusion of its last glyph, ``hyphen_end`` whether it ends in a hyphen
        ("Maschinenbau-"). A new text mostly repeats words, so this is looked
        up per (word, font, size, sentence start) and the items are made from
        it without slicing, measuring or classifying the word again. (The
        plan holds no fragment, so the memo keeps no paragraph alive.)"""
        allow = self._allow(hy_ok, raw, _is_bold(f), start)
        text, _, entries = self._template([(f, raw)], allow, expand, ls, protrude)
        out = []
        for e in entries:
            if e[0] == "B":
                a, b, width = e[1], e[2], e[3]
                out.append((True, width, e[4], text[a:b], width > 40.0 and b - a > 1))
            else:
                out.append((False, e[1], e[2], e[3], e[5] is not None, e[4]))
        hang = protrusion(text[-1], f.fontName, f.fontSize) \
            if protrude and text and text[-1] in PROTRUDE_RIGHT else 0.0
        hyphen_end = len(text) > 1 and text[-1] in "-\u2010" and text[-2].isalnum()
        return tuple(out), _ends_sentence(text), hang, hyphen_end

    def _multi_plan(self, segs, start: bool, hy_ok: bool, expand: float, ls: float, protrude: bool) -> tuple:
        """:meth:`_plan` for a word of several segments (a link or a change of
        font inside it, a CJK name in parentheses): ``(soft, entries,
        ends_sentence, hang, hyphen_end)``. It holds no fragment either: a
        box entry is ``(True, a, b, width, stretch, emergency_pieces)`` over
        characters a:b, a penalty ``(False, width, cost, flagged, frag_at,
        auto)`` where ``frag_at`` is the character whose fragment draws the
        hyphen (-1: none); ``soft`` says the segments carry soft hyphens,
        which the items leave out."""
        allow = self._allow(hy_ok, "".join(t for _, t in segs), any(_is_bold(f) for f, t in segs if t), start)
        text, csegs, entries = self._template(segs, allow, expand, ls, protrude)
        out = []
        b = 0
        for e in entries:
            if e[0] == "B":
                a, b, width = e[1], e[2], e[3]
                out.append((True, a, b, width, e[4], width > 40.0 and b - a > 1))
            else:  # the hyphen's fragment is the one of the character before the break
                out.append((False, e[1], e[2], e[3], b - 1 if e[5] is not None else -1, e[4]))
        lf = _frag_at(csegs, len(text) - 1)
        hang = protrusion(text[-1], lf.fontName, lf.fontSize) \
            if protrude and text and text[-1] in PROTRUDE_RIGHT and lf is not None else 0.0
        hyphen_end = len(text) > 1 and text[-1] in "-\u2010" and text[-2].isalnum()
        return csegs is not segs, tuple(out), _ends_sentence(text), hang, hyphen_end

    def _build_items(self, auto: bool) -> list:
        st = self.settings
        justify = self.style.alignment == TA_JUSTIFY
        expand = st.expand if justify else 0.0
        ls = st.letterspace if justify else 0.0
        hy = self.hyphenator
        hy_ok = auto and hy is not None
        protrude = justify and st.protrude
        gkey = (st.plan_key(), expand, ls, protrude, hy._memo_id if hy else None, hy_ok)
        pcache = _PLANS.setdefault(gkey, {})
        if len(pcache) > 100000:
            pcache.clear()
        stored = wordstore.group(gkey)   # plans kept from earlier runs (CLI only)
        Box, Penalty, Glue = lb.Box, lb.Penalty, lb.Glue
        items = []
        append = items.append
        toks = self._tokens()
        ntoks = len(toks)
        sstretch, sshrink = st.space_stretch, st.space_shrink
        spaces = {}     # (font, size) -> a space's width, stretch and shrink
        start = True    # sentence start: capitals there are not names
        for ti, tok in enumerate(toks):
            if tok is _BR:
                while items and items[-1].is_glue:
                    items.pop()
                items.extend(lb.forced_break())
                start = True
                continue
            segs = tok.segs
            if len(segs) == 1:
                f, raw = segs[0]
                pkey = (raw, f.fontName, f.fontSize, start)
                plan = pcache.get(pkey)
                if plan is None:
                    plan = stored.get(pkey)
                    if plan is None or not wordstore.font_ok(f.fontName):
                        plan = self._plan(f, raw, start, hy_ok, expand, ls, protrude)
                    pcache[pkey] = plan
                entries, start, hang, hyphen_end = plan
                for e in entries:
                    if e[0]:
                        piece = [(f, e[3])]
                        append(Box(e[1], piece, e[2], e[2],
                                   (lambda piece=piece: _char_widths(piece)) if e[4] else None))
                    else:
                        append(Penalty(e[1], e[2], e[3], f if e[4] else None, auto=e[5]))
            else:
                # (what a plan of several segments depends on: see _multi_plan)
                mkey = (tuple((getattr(f, "fontName", None), getattr(f, "fontSize", None), getattr(f, "rise", 0), t)
                              for f, t in segs), start)
                plan = pcache.get(mkey)
                if plan is None:
                    plan = stored.get(mkey)
                    if plan is None or not all(wordstore.font_ok(k[0]) for k in mkey[0] if k[0] is not None):
                        plan = self._multi_plan(segs, start, hy_ok, expand, ls, protrude)
                    pcache[mkey] = plan
                soft, entries, start, hang, hyphen_end = plan
                csegs = [(f, t.replace("\xad", "")) for f, t in segs] if soft else segs
                for e in entries:
                    if e[0]:
                        piece = _slice_segs(csegs, e[1], e[2])
                        append(Box(e[3], piece, e[4], e[4], (lambda piece=piece: _char_widths(piece)) if e[5] else None))
                    else:
                        append(Penalty(e[1], e[2], e[3], _frag_at(csegs, e[4]) if e[4] >= 0 else None, auto=e[5]))
            if tok.space is not None and ti < ntoks - 1:
                # A line that ends after this word is that much narrower when
                # its last glyph (a full stop, comma, hyphen ...) hangs into the
                # margin; a zero-cost break before the space says so (and the
                # space itself is then no longer a breakpoint).
                if tok.tie:
                    append(lb.tie())
                elif hyphen_end:
                    # "Maschinenbau- und": a line ending here shows a hyphen,
                    # so the break must count as flagged (ladder cap).
                    append(Penalty(-hang, 0.0, True, None))
                elif hang:
                    append(Penalty(-hang, 0.0, False, None))
                f = tok.space
                fkey = (f.fontName, f.fontSize)
                glue = spaces.get(fkey)
                if glue is None:
                    w = _sw(" ", f.fontName, f.fontSize)
                    # ragged: a short line is fine, a hyphen is not (TeX's \raggedright)
                    glue = spaces[fkey] = (w, w * sstretch, w * sshrink) if justify else (w, f.fontSize * 3.0, 0.0)
                append(Glue(*glue, f))
        return items

    def _items(self, auto: bool) -> list:
        if self._kp_fixed_items is not None:
            return self._kp_fixed_items
        its = self._kp_items.get(auto)
        if its is None:
            its = self._kp_items[auto] = self._build_items(auto)
        return its

    def _params(self) -> lb.Params:
        p = self.settings.params
        m = self.settings.min_last_line_em * self.style.fontSize
        # Ragged text: every line may fall short by a few ems at little cost.
        stretch = 0.0 if self.style.alignment == TA_JUSTIFY else 3.0 * self.style.fontSize
        if p.min_last_line_width != m or p.line_stretch != stretch:
            p = replace(p, min_last_line_width=m, line_stretch=stretch)
        return p

    def _break(self, w0: float, w1: float) -> lb.Breaks:
        key = (round(w0, 3), round(w1, 3))
        br = self._kp_cache.get(key)
        if br is not None:
            return br
        lw = (lambda i: w0 if i == 0 else w1) if abs(w0 - w1) > 1e-6 else w0
        params = self._params()
        if self._kp_fixed_items is not None:
            br = lb.break_lines(self._kp_fixed_items, lw, params)
        elif self.settings.display:
            # Ragged display lines: any slack is feasible, demerits decide; one
            # pass instead of a tight pass that short heading lines always fail.
            br = self._break_display(self._items(True), w0, w1, replace(params, passes=(3,)))
        else:
            # Dictionary lookups are memoised per word (hyphenate.py), so the
            # items are built once with all hyphenation points; pass 1 of the
            # breaker ignores the automatic ones. (Items without the points
            # for pass 1 would not set the same lines: a syllable's box carries
            # the kern across its point in its width but not in its stretch,
            # so a whole word stretches differently. Nor would it pay: the
            # paragraphs pass 1 sets are the short ones, which hold 3-11 % of
            # an issue's dictionary scans, while a second item list for the
            # others costs more than that; measured for issue 11.)
            br = lb.break_lines(self._items(True), lw, params)
        self._kp_cache[key] = br
        return br

    @staticmethod
    def _break_display(items: list, w0: float, w1: float, params: lb.Params) -> lb.Breaks:
        """Break a heading: at spaces only, into balanced lines.

        Hyphens, slashes and CJK boundaries are offered to the breaker only
        when some unbreakable piece is wider than the line; otherwise a
        heading never shows "Medi-" / "kamentenbeschaffung". The lines are
        then balanced the way CSS ``text-wrap: balance`` does it: (nearly) the
        narrowest measure that still gives the same number of lines, so no
        line of one or two short words sits above long ones.
        """
        narrow = min(w0, w1)
        # Words (material between glues) and whether each is wider than the line.
        word_of, widths, word, run = [], [], 0, 0.0
        for it in items:
            if it.is_glue:
                widths.append(run)
                word, run = word + 1, 0.0
            elif it.is_box:
                run += it.width
            word_of.append(word)
        widths.append(run)
        # Inside a word that fits, only the spaces may break; inside a word wider
        # than the line its own points (hyphenation, slashes, CJK) are offered.
        spaces_only = [it for it, w in zip(items, word_of)
                       if not (it.is_penalty and -lb.INF < it.cost < lb.INF and widths[w] <= narrow + 1e-6)]
        widest = max((w for w in widths if w <= narrow + 1e-6), default=0.0)
        best = lb.break_lines(spaces_only, (lambda i: w0 if i == 0 else w1) if w0 != w1 else w0, params)
        count = len(best.lines)
        if count < 2 or best.pass_used > 3:
            return best
        # The narrowest measure cannot be below an even share of the text or the
        # widest word; widen from there in 3 % steps until the lines fit. Headings
        # are short and balanced lines need a step or two (a search would
        # need seven breaks per heading).
        total = sum(it.width for it in spaces_only if it.is_box or it.is_glue)
        scale = max(widest, total / count) / narrow
        while scale < 1.0:
            a, b = w0 * scale, w1 * scale
            lw = (lambda i: a if i == 0 else b) if a != b else a
            # A measure at which even first fit needs more lines cannot give
            # `count` fitting lines: skip its trial break (same result, fewer runs).
            fewest = lb.fewest_lines(spaces_only, lw, 2e-6)
            if fewest is None or fewest <= count:
                trial = lb.break_lines(spaces_only, lw, params)
                if len(trial.lines) == count and trial.pass_used <= 3 and \
                        all(ln.natural <= ln.width + 1e-6 for ln in trial.lines):
                    return trial
            scale *= 1.03
        return best

    # --------------------------------------------------------------- flowable
    def _widths(self, availWidth):
        style = self.style
        later = availWidth - style.leftIndent - style.rightIndent
        if self._kp_cont:
            first = later
        else:
            first = later - style.firstLineIndent
        W = [first, later]
        if self.bulletText and not self._kp_cont:
            _handleBulletWidth(self.bulletText, style, W)
        return W

    def __deepcopy__(self, memo):
        # BalancedColumns deep-copies flowables before every trial split.
        # A shallow copy is enough (split/wrap rebind attributes, they do not
        # mutate shared structures) and it shares the break cache, which is
        # what keeps balanced columns fast.
        import copy as _copy

        return _copy.copy(self)

    def wrap(self, availWidth, availHeight):
        if availWidth < _FUZZ:
            return 0, 0x7fffffff
        self.width = availWidth
        w0, w1 = self._widths(availWidth)
        self._wrapWidths = [w0, w1]
        br = self._break(w0, w1)
        if br is not getattr(self, "_kp_breaks", None) or "blPara" not in self.__dict__:
            # Balanced columns wrap a paragraph many times at the same width:
            # rebuild ReportLab's line structure only when the breaks change.
            self._kp_breaks = br
            self.blPara = self._fake_blpara(br)
        self.height = len(br.lines) * self.style.leading
        return self.width, self.height

    def _fake_blpara(self, br):
        """Minimal ReportLab line structure for code that inspects blPara
        (line count, extraSpace/wordCount for getActualLineWidths0 etc.)."""
        fs = self.style.fontSize
        lines = []
        for ln in br.lines:
            lines.append(FragLine(extraSpace=ln.width - ln.natural, wordCount=1, words=[],
                                  fontSize=fs, ascent=fs, descent=-0.2 * fs,
                                  lineBreak=ln.forced, currentWidth=ln.natural))
        return ParaLines(kind=1, lines=lines, fontSize=fs)

    def minWidth(self):
        its = self._items(False)
        return max([it.width for it in its if it.is_box] or [0])

    def _derive(self, items, cont, br_for_width=None, key=None, justify_last=False):
        p = self.__class__.__new__(self.__class__)
        p.__dict__.update(self.__dict__)
        p._kp_items = {}
        p._kp_cache = {}
        if br_for_width is not None:
            p._kp_cache[key] = br_for_width
        p._kp_fixed_items = items
        p._kp_cont = cont
        p._JustifyLast = justify_last
        if cont:
            p.bulletText = None
        # Layout state belongs to the original flowable, not to its parts:
        # ReportLab's ``_postponed`` flag in particular would make the doc
        # template raise LayoutError for a part that merely needs a new frame.
        for a in ("blPara", "_kp_breaks", "height", "_postponed", "_frame", "_splitCount"):
            p.__dict__.pop(a, None)
        return p

    def split(self, availWidth, availHeight):
        if availWidth < _FUZZ or availHeight < _FUZZ:
            return []
        self.wrap(availWidth, availHeight)
        br = self._kp_breaks
        lines = br.lines
        n = len(lines)
        if n == 0:
            return []
        style = self.style
        leading = style.leading
        s = int((availHeight + 1e-6) / leading)
        allowOrphans = getattr(self, "allowOrphans", getattr(style, "allowOrphans", 0))
        allowWidows = getattr(self, "allowWidows", getattr(style, "allowWidows", 1))
        if s == 0 or (not allowOrphans and s <= 1):
            return []
        if n <= s:
            return [self]
        if not allowWidows and n == s + 1:
            if (allowOrphans and n == 3) or n > 3:
                s -= 1
            else:
                return []
        # A word hyphenated across a column or page break is hard to read (and
        # to search): end the column a line earlier when that leaves at least
        # two lines on each side.
        if lines[s - 1].hyphenated and s - 1 >= 2 and n - (s - 1) >= 2:
            s -= 1
        w0, w1 = self._wrapWidths
        items = br.items
        # First part: same items, the first s lines, last line justified.
        last = lines[s - 1]
        it_end = items[last.end]
        cut = list(items[:last.end])
        if it_end.is_penalty:
            cut.append(lb.Penalty(it_end.width, -lb.INF, it_end.flagged, it_end.payload))
        else:
            cut.append(lb.Penalty(0.0, -lb.INF, False, None))
        b1 = lb.Breaks(items=items, lines=lines[:s], pass_used=br.pass_used)
        P1 = self._derive(cut, self._kp_cont, b1, (round(w0, 3), round(w1, 3)),
                          justify_last=True)
        # Second part: remaining items, lines shifted.
        off = lines[s].start
        rest = list(items[off:])
        shifted = [replace(ln, start=ln.start - off, end=ln.end - off) for ln in lines[s:]]
        b2 = lb.Breaks(items=rest, lines=shifted, pass_used=br.pass_used)
        P2 = self._derive(rest, True, b2, (round(w1, 3), round(w1, 3)))
        P1.wrap(availWidth, availHeight)
        return [P1, P2]

    # ---------------------------------------------------------------- drawing
    def draw(self):
        self.drawPara(self.debug)

    def _line_runs(self, items, ln):
        """[(frag, text)] runs of a line, plus expansion/glue stretch sums.

        Adjacent runs of the same fragment, or of fragments that look the
        same (ReportLab's parser splits text at entities: "AT&amp;T"), are
        merged as they come: one text operator per run, kerned throughout."""
        merged = []
        cf = ct = None          # the run being merged
        Xy = Gy = Xz = Gz = 0.0
        BoxPiece, half_fil = lb.BoxPiece, lb.FIL / 2
        for it in items[ln.start:ln.end]:
            if it.is_box:
                pl = it.payload
                if isinstance(pl, BoxPiece):
                    pl = _slice_segs(pl.payload, pl.start, pl.end)
                Xy += it.stretch
                Xz += it.shrink
            elif it.is_glue:
                if it.stretch >= half_fil:
                    continue
                pl = ((it.payload, " "),)
                Gy += it.stretch
                Gz += it.shrink
            else:
                continue
            for f, t in pl:
                if ct is not None and t and (cf is f or (ct and _same_look(cf, f))):
                    ct += t
                else:
                    if ct is not None:
                        merged.append((cf, ct))
                    cf, ct = f, t
        end = items[ln.end] if ln.end < len(items) else None
        if end is not None and end.is_penalty and end.flagged and end.payload is not None:
            f = end.payload     # an added hyphen (its penalty carries the frag)
            if ct is not None and (cf is f or (ct and _same_look(cf, f))):
                ct += "-"
            else:
                if ct is not None:
                    merged.append((cf, ct))
                cf, ct = f, "-"
        if ct is not None:
            merged.append((cf, ct))
        return merged, Xy, Gy, Xz, Gz

    def drawPara(self, debug=0):
        canvas = self.canv
        style = self.style
        br = getattr(self, "_kp_breaks", None)
        if br is None:
            self.wrap(self.width, 0x7fffffff)
            br = self._kp_breaks
        items, lines = br.items, br.lines
        leading = style.leading
        leftIndent = style.leftIndent
        st = self.settings
        justify = style.alignment == TA_JUSTIFY
        justify_last = getattr(self, "_JustifyLast", False)

        bg = style.backColor
        bw = getattr(style, "borderWidth", None)
        bc = getattr(style, "borderColor", None)
        if bg or (bc and bw):
            canvas.saveState()
            kw = dict(fill=0, stroke=0)
            if bc and bw:
                canvas.setStrokeColor(bc)
                canvas.setLineWidth(bw)
                kw["stroke"] = 1
            if bg:
                canvas.setFillColor(bg)
                kw["fill"] = 1
            tbp, rbp, bbp, lbp = normalizeTRBL(getattr(style, "borderPadding", 0))
            canvas.rect(leftIndent - lbp, -bbp,
                        self.width - (leftIndent + style.rightIndent) + lbp + rbp,
                        self.height + tbp + bbp, **kw)
            canvas.restoreState()
        if not lines:
            return

        canvas.saveState()
        fs0 = style.fontSize
        y = self.height - fs0 if paraFontSizeHeightOffset else self.height - fs0 * 0.8
        offset0 = 0.0 if self._kp_cont else style.firstLineIndent
        if self.bulletText and not self._kp_cont:
            offset0 = _drawBullet(canvas, offset0, y, self.bulletText, style, rtl=False)
        tx = canvas.beginText(0, y)
        code = tx._code
        bottomup = canvas.bottomup
        cur_font = None
        cur_color = None
        cur_rise = 0
        cur_tz = 100.0
        cur_tc = 0.0
        cur_tw = 0.0
        post = []       # (kind, args) drawn after the text object
        links_out = []
        nlines = len(lines)
        for li, ln in enumerate(lines):
            runs, Xy, Gy, Xz, Gz = self._line_runs(items, ln)
            width = ln.width
            x0 = leftIndent + (offset0 if li == 0 else 0.0)
            is_last = li == nlines - 1
            just = justify and not ln.forced and not (is_last and not justify_last)
            natural = 0.0
            nchars = 0
            nspaces = 0
            fs_line = fs0
            trail = [0.0] * len(runs)   # kern (1/1000 em) from a run to the next
            measured = [None] * len(runs)   # (kerned width, kerns) of each run
            prev = None
            for ri, (f, t) in enumerate(runs):
                if t:
                    m = measured[ri] = measure(t, f.fontName, f.fontSize)
                    natural += m[0]
                    nchars += len(t)
                    nspaces += t.count(" ")
                    fs_line = f.fontSize
                    if prev is not None:
                        pf, pt, pi = prev
                        k = _kern_pt(pf, pt[-1], f, t[0])
                        if k:
                            natural += k
                            trail[pi] = k * 1000.0 / pf.fontSize
                    prev = (f, t, ri)
            hang_l = hang_r = 0.0
            if just and st.protrude and prev is not None:
                first = next((f, t) for f, t in runs if t)
                hang_l = protrusion(first[1][0], first[0].fontName, first[0].fontSize, "left")
                hang_r = protrusion(prev[1][-1], prev[0].fontName, prev[0].fontSize)
                slack = width - natural
                room = Xy + Gy - slack      # stretch left before the ratio reaches 1
                if slack > 0 and hang_l + hang_r > max(room, 0.0):
                    # a line that is loose already does not get looser for
                    # its hang: it hangs only as far as it can stay at r <= 1
                    cut = max(0.0, room) / (hang_l + hang_r)
                    hang_l *= cut
                    hang_r *= cut
                # the line is set over the wider measure, shifted left by the
                # opening quote's hang (the breaker counted the right hang)
                width += hang_l + hang_r
                x0 -= hang_l
            scale, tc, tw = 1.0, 0.0, 0.0
            if not just and natural > width + 0.01:
                just = True    # a last/ragged line set with shrink: compress it
            if just and runs:
                E = width - natural
                X, G = (Xy, Gy) if E > 0 else (Xz, Gz)
                tot = X + G
                if tot > 0 and abs(E) > 1e-6:
                    r = E / tot
                    frac = max(-1.0, min(1.0, r))      # expansion share
                    expand_amt = frac * X
                    ratio_exp = (expand_amt / X) if X > 0 else 0.0
                    scale = 1.0 + ratio_exp * st.expand
                    tc = ratio_exp * st.letterspace * fs_line
                    inner = natural + tc * max(nchars - 1, 0)
                    if nspaces:
                        tw = (width / scale - inner) / nspaces
                        space = _sw(" ", style.fontName, fs_line)
                        limit = (st.loose_space - 1) * space
                        if r > 1 and tw > limit and inner > 0:
                            # A line the breaker could only set loose (a tied unit
                            # or a name that cannot move): widen its glyphs a
                            # little more, up to ``loose_expand``, instead of
                            # opening rivers of 3x word spaces.
                            scale = min(1 + st.loose_expand, max(scale, width / (inner + nspaces * limit)))
                            tw = (width / scale - inner) / nspaces
                        # Never shrink a word space below its allowed minimum
                        # (words would collide); an emergency line that is
                        # still too long is condensed instead.
                        min_tw = -_sw(" ", style.fontName, fs_line) * st.space_shrink
                        if tw < min_tw:
                            tw = min_tw
                            scale = width / (inner + nspaces * tw)
                    else:
                        # single word: glyph scale alone, within limits
                        if inner > 0:
                            scale = max(1 - st.expand, min(1 + st.expand, width / inner))
            elif style.alignment == TA_CENTER:
                x0 += (width - natural) / 2.0
            elif style.alignment == TA_RIGHT:
                x0 += width - natural
            tz = scale * 100.0
            # (the operators ReportLab's setHorizScale/setCharSpace/setWordSpace write)
            if abs(tz - cur_tz) > 1e-4:
                code.append(f"{_num(tz)} Tz")
                cur_tz = tz
            if abs(tc - cur_tc) > 1e-6:
                code.append(f"{_num(tc)} Tc")
                cur_tc = tc
            if abs(tw - cur_tw) > 1e-6:
                code.append(f"{_num(tw)} Tw")
                cur_tw = tw
            if bottomup:   # (what setTextOrigin writes, with the faster number text)
                code.append(f"1 0 0 1 {_num(x0)} {_num(y)} Tm")
                tx._x0 = tx._x = x0
                tx._y0 = tx._y = y
            else:
                tx.setTextOrigin(x0, y)
            x = x0
            open_links = {}
            for ri, (f, t) in enumerate(runs):
                if not t:
                    ops = getattr(f, "pdf_ops", None)
                    if ops is not None:  # operators written here (tagging marks)
                        code += ops
                        continue
                    cb = getattr(f, "cbDefn", None)
                    if cb is not None:
                        if cb.kind == "anchor":
                            canvas.bookmarkHorizontal(cb.name, x, y + leading)
                        else:
                            func = canvas.getNamedCB(cb.name)
                            if func:
                                canvas._curr_tx_info = {"tx": tx, "cur_x": x, "cur_y": y,
                                                        "leading": leading, "xs": None}
                                try:
                                    func(canvas, cb.kind, getattr(cb, "label", None))
                                finally:
                                    del canvas._curr_tx_info
                    continue
                fkey = (f.fontName, f.fontSize)
                if fkey != cur_font:
                    tx.setFont(f.fontName, f.fontSize)
                    cur_font = fkey
                if f.textColor != cur_color:
                    tx.setFillColor(_color(f.textColor))
                    cur_color = f.textColor
                if f.rise != cur_rise:
                    tx.setRise(f.rise)
                    cur_rise = f.rise
                kt = trail[ri]
                m = measured[ri]
                adv = scale * (m[0] + kt * f.fontSize / 1000.0
                               + tc * len(t) + tw * t.count(" "))
                text_out(tx, t, kt, m[1], m[0])
                lk = f.link
                for l in lk or ():
                    if l not in open_links:
                        open_links[l] = [x, x + adv, f.rise - 0.2 * f.fontSize, f.rise + f.fontSize]
                    else:
                        rec = open_links[l]
                        rec[1] = x + adv
                        rec[2] = min(rec[2], f.rise - 0.2 * f.fontSize)
                        rec[3] = max(rec[3], f.rise + f.fontSize)
                if open_links:
                    for l in list(open_links):
                        if l not in (lk or ()):
                            links_out.append((l, open_links.pop(l), y))
                bgc = getattr(f, "backColor", None)
                if bgc:
                    post.append(("bg", (x, y - 0.2 * f.fontSize + f.rise, adv,
                                        leading, bgc)))
                if f.us_lines:
                    for u in f.us_lines:
                        post.append(("us", (u, x, x + adv, y + f.rise, f.fontSize, f.textColor)))
                x += adv
            for l, rec in open_links.items():
                links_out.append((l, rec, y))
            y -= leading
        if cur_rise:
            tx.setRise(0)
        if cur_tz != 100.0:
            tx.setHorizScale(100)
        if cur_tc:
            tx.setCharSpace(0)
        if cur_tw:
            tx.setWordSpace(0)
        for kind, a in post:
            if kind == "bg":
                x, yb, w, h, c = a
                canvas.setFillColor(c)
                canvas.rect(x, yb, w, h, stroke=0, fill=1)
        canvas.drawText(tx)
        for kind, a in post:
            if kind == "us":
                u, x1, x2, yb, fs, tcol = a
                k = u[1] if len(u) > 1 else "underline"
                col = (u[2] if len(u) > 2 else None) or tcol
                dy = -0.125 * fs if k == "underline" else 0.25 * fs
                canvas.setStrokeColor(col)
                canvas.setLineWidth(0.05 * fs)
                canvas.line(x1, yb + dy, x2, yb + dy)
        for (n, link), (x1, x2, lo, hi), yb in links_out:
            _doLink(tx, link, (x1, yb + lo, x2, yb + hi))
        canvas.restoreState()
