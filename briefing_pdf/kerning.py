"""Pair kerning from the fonts' own data, for measuring and for drawing.

ReportLab applies no kerning unless its HarfBuzz path is on, and that path
crashes on our input (see ``../shared/field-notes.md``). HarfBuzz is not
needed for it: for Latin, Greek and Cyrillic text without ligatures, the
font's pair kerning is a pure function of two neighbouring characters. So
each font file's kerning is read once with fontTools into a flat table
``{"To": -74.0, ...}`` (values in 1/1000 em, the unit of PDF widths and of
``TJ`` adjustments) and cached on disk like the parsed faces (cache.py).

Which data, and how they combine, follows HarfBuzz (and
``../shared/tools/pdfcheck.py``, which measures it): the lookups of the GPOS
``kern`` feature in all scripts, PairPos format 1 and 2, also inside
Extension lookups; within one lookup the first subtable that applies gives
the value (format 1: the pair is listed; format 2: the first glyph is
covered), and the lookups add up. Only the first glyph's X advance is used.
A font without such lookups falls back to a legacy ``kern`` table.

Only characters of the scripts we kern are tabled (Latin with its
extensions, Greek, Cyrillic, digits and punctuation, no whitespace), so a
table stays small; a pair with a space never kerns (the space glyph breaks
pairs in every shaper's output we compare with). CJK fallback fonts get an
empty or tiny table.

Drawing: :func:`text_out` writes a ``TJ`` array (``[(Ta) 74 (ble)] TJ``)
with the character codes of the font's subsets, so the glyphs sit exactly
where :func:`kerned_width` measured them; ``Tc``, ``Tw`` and ``Tz`` keep
working.

Speed without changing a byte: widths come from a per-font advance table
(:func:`advance_width`, the same sum ReportLab's ``stringWidth`` makes),
character codes are learnt once per document and font (:class:`_Codes`),
a drawn run is measured once (:func:`measure`) and PDF numbers are formatted
like ReportLab's ``fp_str`` without its character loop (:func:`_fp_str`).
"""

from __future__ import annotations

import marshal
import math
import re
from functools import lru_cache
from itertools import compress
from operator import add
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple
from weakref import WeakKeyDictionary

from reportlab.pdfbase.pdfmetrics import _fonts as _REGISTERED  # (name -> font: getFont without a call)
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth

__all__ = [
    "table_for_file", "kern_table", "kern_sum", "kern_pair", "kern_deltas",
    "kerned_width", "advance_width", "measure", "text_out", "draw_string", "KERN_CHARS",
]

#: Code point ranges whose pairs are tabled (inclusive).
KERN_RANGES: Tuple[Tuple[int, int], ...] = (
    (0x0021, 0x007E),   # Basic Latin without space and controls
    (0x00A1, 0x024F),   # Latin-1 supplement, Latin Extended-A and -B
    (0x0370, 0x03FF),   # Greek
    (0x0400, 0x04FF),   # Cyrillic
    (0x1E00, 0x1EFF),   # Latin Extended Additional
    (0x2010, 0x205E),   # dashes, quotes, ellipsis, primes ...
    (0x20A0, 0x20CF),   # currency signs
    (0x2100, 0x2122),   # № ™ and friends
)
_SKIP = {0x00A0, 0x00AD}  # no-break space, soft hyphen: never drawn as pairs


def KERN_CHARS(code: int) -> bool:
    """True for a code point whose pairs we table."""
    if code in _SKIP:
        return False
    return any(lo <= code <= hi for lo, hi in KERN_RANGES)


# ---------------------------------------------------------------------- reading
def _open_font(path: Path, index: int = 0):
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        return TTCollection(str(path), lazy=True).fonts[index]
    return TTFont(str(path), lazy=True)


def _xadv(value) -> int:
    return (getattr(value, "XAdvance", 0) or 0) if value is not None else 0


def _gpos_lookups(font) -> list:
    """The PairPos subtables of the GPOS ``kern`` feature, grouped per lookup."""
    if "GPOS" not in font:
        return []
    gpos = font["GPOS"].table
    if gpos.FeatureList is None or gpos.LookupList is None:
        return []
    indices = set()
    for record in gpos.FeatureList.FeatureRecord:
        if record.FeatureTag == "kern":
            indices.update(record.Feature.LookupListIndex)
    lookups = []
    for li in sorted(indices):
        lookup = gpos.LookupList.Lookup[li]
        subtables = []
        for sub in lookup.SubTable:
            if lookup.LookupType == 9:
                if getattr(sub, "ExtensionLookupType", None) != 2:
                    continue
                sub = sub.ExtSubTable
            elif lookup.LookupType != 2:
                continue
            if getattr(sub, "Format", None) in (1, 2):
                subtables.append(sub)
        if subtables:
            lookups.append(subtables)
    return lookups


def _apply_lookup(subtables: list, ours: Dict[str, List[str]], total: Dict[Tuple[str, str], int]) -> None:
    """Add one lookup's values for the glyph pairs of ``ours`` to ``total``.

    HarfBuzz takes, per pair, the first subtable that applies: a format 1
    subtable applies when it lists the pair, a format 2 subtable whenever it
    covers the first glyph (then even a zero value ends the search).
    """
    done_first: set = set()       # first glyphs a format 2 subtable consumed
    done_pairs: set = set()       # pairs a format 1 subtable consumed
    for sub in subtables:
        covered = [g for g in sub.Coverage.glyphs if g in ours and g not in done_first]
        if sub.Format == 1:
            sets = dict(zip(sub.Coverage.glyphs, sub.PairSet))
            for first in covered:
                for record in sets[first].PairValueRecord:
                    second = record.SecondGlyph
                    if second not in ours or (first, second) in done_pairs:
                        continue
                    done_pairs.add((first, second))
                    value = _xadv(record.Value1)
                    if value:
                        total[(first, second)] = total.get((first, second), 0) + value
            continue
        class1 = sub.ClassDef1.classDefs if sub.ClassDef1 is not None else {}
        class2 = sub.ClassDef2.classDefs if sub.ClassDef2 is not None else {}
        by_class: Dict[int, List[str]] = {}
        for glyph in ours:
            by_class.setdefault(class2.get(glyph, 0), []).append(glyph)
        rows = sub.Class1Record
        for first in covered:
            c1 = class1.get(first, 0)
            if c1 >= len(rows):
                continue
            row = rows[c1].Class2Record
            for c2, glyphs in by_class.items():
                if c2 >= len(row):
                    continue
                value = _xadv(row[c2].Value1)
                if not value:
                    continue
                for second in glyphs:
                    if (first, second) not in done_pairs:
                        total[(first, second)] = total.get((first, second), 0) + value
        done_first.update(covered)


def _legacy_kern(font, ours: Dict[str, List[str]]) -> Dict[Tuple[str, str], int]:
    total: Dict[Tuple[str, str], int] = {}
    if "kern" not in font:
        return total
    for sub in getattr(font["kern"], "kernTables", None) or []:
        pairs = getattr(sub, "kernTable", None) or {}
        for (first, second), value in pairs.items():
            if value and first in ours and second in ours:
                total[(first, second)] = total.get((first, second), 0) + value
    return total


def build_table(path: Path, index: int = 0) -> Dict[str, float]:
    """The character-pair kerning of a font file, in 1/1000 em (no caching)."""
    font = _open_font(path, index)
    upem = font["head"].unitsPerEm
    ours: Dict[str, List[str]] = {}
    for code, glyph in (font.getBestCmap() or {}).items():
        if KERN_CHARS(code):
            ours.setdefault(glyph, []).append(chr(code))
    total: Dict[Tuple[str, str], int] = {}
    lookups = _gpos_lookups(font)
    for subtables in lookups:
        _apply_lookup(subtables, ours, total)
    if not lookups:
        total = _legacy_kern(font, ours)
    scale = 1000.0 / upem
    table: Dict[str, float] = {}
    for (first, second), value in total.items():
        if not value:
            continue
        v = round(value * scale, 3)
        for a in ours[first]:
            for b in ours[second]:
                table[a + b] = v
    return table


def _is_core(code: int) -> bool:
    return code < 0x0180 or 0x2010 <= code <= 0x2122


#: Letters outside ASCII that German and English text uses all the time.
_EVERYDAY = frozenset(map(ord, "äöüßÄÖÜ"))


def _is_basic(code: int) -> bool:
    """ASCII, the Latin-1 signs (« » ° § ...), ä ö ü ß and the punctuation and
    currency signs from U+2010: the characters of nearly every text."""
    return code < 0x80 or 0xA0 <= code <= 0xBF or code in _EVERYDAY or 0x2010 <= code <= 0x2122


#: Parts of a font's pair table: pairs of basic characters only; the other
#: pairs of Latin-1/Latin Extended-A and punctuation; all pairs with a Latin
#: Extended-B, Greek or Cyrillic character.
BASIC, CORE, EXTENDED = 0, 1, 2


@lru_cache(maxsize=16)
def _split_table(path: Path, index: int) -> Tuple[Dict[str, float], Dict[str, float], Dict[str, float]]:
    """The font's pairs as its :data:`BASIC`, :data:`CORE` and :data:`EXTENDED` parts."""
    parts: Tuple[Dict[str, float], Dict[str, float], Dict[str, float]] = ({}, {}, {})
    for pair, value in build_table(path, index).items():
        a, b = ord(pair[0]), ord(pair[1])
        which = (BASIC if _is_basic(a) and _is_basic(b) else CORE) if _is_core(a) and _is_core(b) else EXTENDED
        parts[which][pair] = value
    return parts


def table_for_file(path: Path, index: int = 0, extended: bool = False,
                   parts: Iterable[int] | None = None) -> Dict[str, float]:
    """A font file's pair table, cached on disk (cache.py), part by part.

    The core table (about 5,000 pairs in a Noto face: ``parts`` BASIC and
    CORE) loads in half a millisecond, its basic part (~600 pairs: ASCII,
    umlauts, punctuation) in a twentieth of that; the pairs with Greek,
    Cyrillic or rarer Latin letters are six times as many and are only
    loaded (``extended=True``, or EXTENDED in ``parts``) once some text
    contains such a letter.
    """
    from .cache import cached, file_key

    def part(which: int) -> Dict[str, float]:
        return cached(file_key(f"kern{which}", path, index, 2), lambda: _split_table(path, index)[which],
                      marshal.dumps, marshal.loads)

    wanted = sorted(parts) if parts is not None else [BASIC, CORE, EXTENDED] if extended else [BASIC, CORE]
    try:
        table = part(wanted[0])
        for which in wanted[1:]:
            table = {**table, **part(which)}
        return table
    except Exception:  # an unreadable GPOS is no reason to fail a build: no kerning then
        return {}


# ------------------------------------------------------------------ measuring
_TABLES: Dict[str, Dict[str, float]] = {}
_PARTS: Dict[str, frozenset] = {}  # font name -> the parts its table holds
_COMPLETE: set = set()             # font names whose table holds every part
#: The characters whose pairs are not in the basic part: CORE's letters (the
#: Latin-1 and Latin Extended-A letters but ä ö ü ß) and EXTENDED's.
_BEYOND_BASIC = re.compile("[\u00c0-\u00c3\u00c5-\u00d5\u00d7-\u00db\u00dd\u00de\u00e0-\u00e3"
                           "\u00e5-\u00f5\u00f7-\u00fb\u00fd-\u024f\u0370-\u04ff\u1e00-\u1eff]")


def _parts_for(text: str) -> frozenset:
    """The table parts measuring ``text`` needs."""
    found = _BEYOND_BASIC.findall(text) if text and not text.isascii() else ()
    return frozenset({BASIC, *(CORE if _is_core(ord(ch)) else EXTENDED for ch in set(found))})


def kern_table(font_name: str, text: str = "") -> Dict[str, float]:
    """The pair table of a registered font (empty for fonts we did not register).

    ``text`` is what the table will be used on: the table holds the basic
    pairs, and the other core pairs or the extended ones once a text holds
    a letter of theirs (a rarer Latin, a Greek or a Cyrillic letter; each
    part is loaded once). Tables only ever grow, so widths measured before
    stay right: a pair of a part loaded later has a letter of that part,
    which the texts measured before did not hold.
    """
    table = _TABLES.get(font_name)
    if table is not None and (not text or font_name in _COMPLETE or text.isascii()
                              or _BEYOND_BASIC.search(text) is None):
        return table
    have = _PARTS.get(font_name, frozenset())
    need = _parts_for(text)
    if table is None or not need <= have:
        found = _font_file(font_name)
        parts = have | need
        table = _TABLES[font_name] = table_for_file(*found, parts=parts) if found else {}
        _PARTS[font_name] = parts
        if len(parts) == 3:
            _COMPLETE.add(font_name)
    return table


def _font_file(font_name: str) -> Optional[Tuple[Path, int]]:
    """The file (and collection index) behind a ReportLab font name: ours
    from fonts.py's registry, any other TrueType font from its face."""
    from .fonts import registered_file

    path = registered_file(font_name)
    if path is not None:
        return path, 0
    try:
        face = getFont(font_name).face
        name = getattr(face, "filename", None)
        if not name:
            return None
        suffix = getattr(face, "subfontNameX", b"") or b""
        index = int(suffix.lstrip(b"-") or 0) if isinstance(suffix, bytes) else 0
        return Path(name), index
    except Exception:  # standard fonts have no face file: no kerning
        return None


def kern_pair(a: str, b: str, font_name: str) -> float:
    """The kern between two characters, in 1/1000 em (0 when none)."""
    return kern_table(font_name, a + b).get(a + b, 0.0)


def kern_sum(text: str, font_name: str) -> float:
    """Sum of the kerns inside ``text``, in 1/1000 em."""
    if len(text) < 2:
        return 0.0
    table = kern_table(font_name, text)
    if not table:
        return 0.0
    return sum(filter(None, map(table.get, map(add, text, text[1:]))))


class _Advances(dict):
    """One TrueType font's glyph advances by character (1/1000 em), filled on
    first use from the face's table, with the face's default for a character
    it lacks: the values ReportLab's ``stringWidth`` adds up, looked up by
    character instead of by code point."""

    __slots__ = ("_widths", "_default")

    def __init__(self, widths: dict, default: float) -> None:
        super().__init__()
        self._widths = widths
        self._default = default

    def __missing__(self, char: str) -> float:
        value = self[char] = self._widths.get(ord(char), self._default)
        return value


#: font name -> (the font, its advance table); the table is ``None`` for a font
#: that is not TrueType or when ReportLab's C accelerator measures it (then
#: ``stringWidth`` itself is used)
_ADVANCES: Dict[str, Tuple[object, Optional[_Advances]]] = {}


def _advances(font_name: str) -> Tuple[object, Optional[_Advances]]:
    from reportlab.lib import rl_accel

    font = getFont(font_name)
    face = getattr(font, "face", None)
    table = None
    if getattr(font, "_dynamicFont", False) and hasattr(face, "charWidths") and \
            getattr(rl_accel.instanceStringWidthTTF, "__name__", "") == "_py_instanceStringWidthTTF":
        table = _Advances(face.charWidths, face.defaultWidth)
    entry = _ADVANCES[font_name] = (font, table)
    return entry


def advance_width(text: str, font_name: str, size: float) -> float:
    """``stringWidth(text, font_name, size)``, to the last bit, without
    ReportLab's per-character generator: the same advances are added in the
    same order and scaled the same way (so widths, and the PDF numbers made
    from them, do not change). A font registered again under the same name
    gets a new table."""
    entry = _ADVANCES.get(font_name)
    if entry is None or _REGISTERED.get(font_name) is not entry[0]:
        entry = _advances(font_name)
    table = entry[1]
    if table is None:
        return stringWidth(text, font_name, size)
    return 0.001 * size * sum(map(table.__getitem__, text))


def kerned_width(text: str, font_name: str, size: float) -> float:
    """Advance width of ``text`` as drawn by :func:`text_out` (no Tc/Tw/Tz)."""
    return advance_width(text, font_name, size) + kern_sum(text, font_name) * size / 1000.0


def measure(text: str, font_name: str, size: float) -> Tuple[float, Sequence[Tuple[int, float]]]:
    """``(kerned_width(...), kern_deltas(...))`` from one pass over the pairs:
    what drawing a line's run needs (its width for the line's spacing, its
    kerns for the ``TJ`` array). Not memoised: a line's text is seldom drawn
    twice, and the values equal those of the two functions exactly."""
    ksum = 0.0
    deltas: Sequence[Tuple[int, float]] = ()
    if len(text) > 1:
        table = kern_table(font_name, text)
        if table:
            values = list(map(table.get, map(add, text, text[1:])))
            ksum = sum(filter(None, values))
            if ksum or any(values):
                deltas = tuple(zip(compress(range(len(values)), values), filter(None, values)))
    return advance_width(text, font_name, size) + ksum * size / 1000.0, deltas


_DELTAS: Dict[Tuple[str, str], Sequence[Tuple[int, float]]] = {}


def kern_deltas(text: str, font_name: str) -> Sequence[Tuple[int, float]]:
    """``(i, k)`` for every kerned pair: the kern ``k`` (1/1000 em) follows
    character ``i``. Memoised: the same lines are drawn again in watch and
    batch builds."""
    key = (text, font_name)
    found = _DELTAS.get(key)
    if found is not None:
        return found
    deltas: Sequence[Tuple[int, float]] = ()
    if len(text) > 1:
        table = kern_table(font_name, text)
        if table:
            values = list(map(table.get, map(add, text, text[1:])))
            deltas = tuple((i, v) for i, v in enumerate(values) if v)
    if len(_DELTAS) > 100000:
        _DELTAS.clear()
    _DELTAS[key] = deltas
    return deltas


# -------------------------------------------------------------------- drawing
_NUMS: Dict[float, str] = {}
_LOG_E_10 = math.log(10.0)
_FORMATS = ("%.0f", "%.1f", "%.2f", "%.3f", "%.4f", "%.5f", "%.6f")


def _fp_str(value: float) -> str:
    """ReportLab's pure-Python ``fp_str`` for one number, step for step (the
    same digit count from the same logarithm, the same format), with its
    character loop replaced by ``rstrip``: six significant digits at most,
    no trailing zeros, no leading "0" before the point."""
    size = abs(value)
    if size <= 1e-7:
        return "0"
    digits = 6 if size <= 1 else min(max(0, 6 - int(math.log(size) / _LOG_E_10)), 6)
    text = _FORMATS[digits] % value
    if digits:
        text = text.rstrip("0")
        if text[-1] == ".":
            text = text[:-1]
    return text if text[0] != "0" or len(text) == 1 else text[1:]


def _formatter():
    """The number formatter for PDF text: ReportLab's own when it is its C
    accelerator, else :func:`_fp_str` (the same text, several times faster
    than the pure-Python original, whose every line and word spacing is a
    new number)."""
    from reportlab.lib import rl_accel

    original = getattr(rl_accel.fp_str, "original", rl_accel.fp_str)
    return _fp_str if getattr(original, "__name__", "") == "_py_fp_str" else rl_accel.fp_str


def _num(value: float) -> str:
    """PDF number text exactly as ReportLab's ``fp_str`` writes it, memoised
    (kerns and positions take few values)."""
    text = _NUMS.get(value)
    if text is None:
        global _num_text
        if _num_text is None:
            _num_text = _formatter()
        if len(_NUMS) > 10000:
            _NUMS.clear()
        text = _NUMS[value] = _num_text(value)
    return text


_num_text = None


class _Codes:
    """What one TrueType font's characters are in one PDF document: the subset
    and the escaped one-byte string ReportLab's ``splitString`` gives each.

    ReportLab numbers a font's characters in each document in the order they
    are first drawn. A character seen for the first time is handed to
    ``splitString`` on its own, in text order, so it gets exactly the code it
    would have got inside the whole string; after that it is a dictionary
    lookup (no per-character Python loop, no re-escaping of every string).
    """

    __slots__ = ("font", "subset", "text", "first_only")

    # (The canvas and its document are passed in, not kept: the codes live in
    # a weak mapping keyed by the document, which a reference from here would
    # keep alive.)
    def __init__(self, font) -> None:
        self.font = font
        self.subset: Dict[str, int] = {}
        self.text: Dict[str, str] = {}
        #: every character seen so far is in subset 0 (a document's first 256)
        self.first_only = True

    def learn(self, text: str, canvas) -> None:
        """Assign codes to the characters of ``text`` not seen yet, in order."""
        subset, out = self.subset, self.text
        for char in text:
            if char not in out:
                (number, code), = self.font.splitString(char, canvas._doc)
                subset[char] = number
                out[char] = canvas._escape(code)
                if number:
                    self.first_only = False

    def chunks(self, text: str, canvas) -> List[Tuple[int, List[str]]]:
        """``[(subset, escaped characters), ...]`` like ``splitString``."""
        if self.first_only:
            try:
                return [(0, list(map(self.text.__getitem__, text)))]
            except KeyError:
                self.learn(text, canvas)
                if self.first_only:
                    return [(0, list(map(self.text.__getitem__, text)))]
        try:
            numbers = list(map(self.subset.__getitem__, text))
        except KeyError:
            self.learn(text, canvas)
            numbers = list(map(self.subset.__getitem__, text))
        escaped = list(map(self.text.__getitem__, text))
        first = numbers[0]
        if numbers.count(first) == len(numbers):
            return [(first, escaped)]
        out: List[Tuple[int, List[str]]] = []
        start = 0
        for i in range(1, len(numbers) + 1):
            if i == len(numbers) or numbers[i] != numbers[start]:
                out.append((numbers[start], escaped[start:i]))
                start = i
        return out


#: document -> {font name: _Codes}; weak, like ReportLab's own per-document font state
_CODES: "WeakKeyDictionary" = WeakKeyDictionary()


def _codes(font, canvas) -> _Codes:
    doc = canvas._doc
    fonts = _CODES.get(doc)
    if fonts is None:
        fonts = _CODES[doc] = {}
    found = fonts.get(font.fontName)
    if found is None or found.font is not font:
        found = fonts[font.fontName] = _Codes(font)
    return found


#: PDF number text as ReportLab writes it (``fp_str``), memoised
pdf_number = _num


def text_out(tx, text: str, trailing: float = 0.0,
             deltas: Optional[Iterable[Tuple[int, float]]] = None, width: Optional[float] = None) -> None:
    """Like ``tx.textOut(text)``, with the font's pair kerning applied.

    The kerns go into ``TJ`` arrays (a kern of -74/1000 em after "T" is
    written ``[(T) 74 (o)] TJ``); ``trailing`` is a kern after the last
    character, towards the next run (same font, different fragment). The
    text object's cursor advances by the kerned width, so code that reads it
    (``getX``) stays right. ``deltas`` and ``width`` (:func:`measure`) save
    looking the kerns and advances up again when the caller has them.

    The operators are written here rather than by ReportLab's text object,
    byte for byte as it writes them (subset switch ``/F1+0 9 Tf 10.8 TL``,
    ``(...) Tj``), with the character codes looked up per document
    (:class:`_Codes`) instead of re-encoded and re-escaped on every call.
    """
    if not text:
        tx.textOut(text)
        return
    font = getFont(tx._fontname)
    if not getattr(font, "_dynamicFont", False):  # a standard font: kerning is not ours to add
        tx.textOut(text)
        return
    if deltas is None:
        deltas = kern_deltas(text, tx._fontname)
    size = tx._fontsize
    canvas = tx._canvas
    code = tx._code
    kerns = dict(deltas)
    if trailing:
        kerns[len(text) - 1] = kerns.get(len(text) - 1, 0.0) + trailing
    at = sorted(kerns)
    chunks = _codes(font, canvas).chunks(text, canvas)
    pos = 0
    for subset, chunk in chunks:
        if subset != tx._curSubset:
            code.append(f"{font.getSubsetInternalName(subset, canvas._doc)} {_num(size)} Tf "
                        f"{_num(tx._leading)} TL")
            tx._curSubset = subset
        n = len(chunk)
        inside = at if len(chunks) == 1 else [k - pos for k in at if pos <= k < pos + n]
        if not inside:
            code.append(f"({''.join(chunk)}) Tj")
        else:
            parts = []
            start = 0
            for i in inside:
                parts.append(f"({''.join(chunk[start:i + 1])})")
                parts.append(_num(-kerns[pos + i]))
                start = i + 1
            if start < n:
                parts.append(f"({''.join(chunk[start:])})")
            code.append(f"[{' '.join(parts)}] TJ")
        pos += n
    if width is None:
        tx._x += advance_width(text, tx._fontname, size) + (sum(kerns.values()) * size / 1000.0)
    else:
        tx._x += width + trailing * size / 1000.0


def draw_string(canvas, x: float, y: float, text: str, font_name: str, size: float,
                align: str = "left") -> float:
    """``canvas.drawString`` (or ``drawRightString`` with ``align="right"``)
    with kerning; returns the kerned width."""
    width = kerned_width(text, font_name, size)
    if align == "right":
        x -= width
    tx = canvas.beginText(x, y)
    tx.setFont(font_name, size)
    text_out(tx, text)
    canvas.drawText(tx)
    return width


# ------------------------------------------------------------ margin kerning
#: Share of a glyph's advance that hangs into the right margin when it ends a
#: justified line (character protrusion, as in microtype or Typst): small
#: glyphs at a line end leave a visible dent in the edge otherwise. Only
#: glyphs that read as "light" hang; an en dash or a bracket does not.
PROTRUDE_RIGHT: Dict[str, float] = {
    "-": 0.8, "\u2010": 0.8, "\u2011": 0.8, ".": 0.8, ",": 0.8, ":": 0.5, ";": 0.5,
    "\u201d": 0.7, "\u201c": 0.7, "\u2019": 0.7, '"': 0.7, "'": 0.7,
    "\u00bb": 0.5, "\u00ab": 0.5,
}
#: The same for an opening quote that starts a justified line.
PROTRUDE_LEFT: Dict[str, float] = {
    "\u201e": 0.6, "\u201c": 0.6, "\u201a": 0.6, "\u2018": 0.6, '"': 0.6, "'": 0.6,
    "\u00ab": 0.5, "\u00bb": 0.5,
}


def protrusion(char: str, font_name: str, size: float, side: str = "right") -> float:
    """How far (points) ``char`` hangs into the margin at a line's end
    (``side="right"``) or start (``"left"``); 0 for most characters."""
    share = (PROTRUDE_RIGHT if side == "right" else PROTRUDE_LEFT).get(char)
    if not share:
        return 0.0
    return share * advance_width(char, font_name, size)
