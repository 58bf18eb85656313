"""Hyphenation policy for the whole-paragraph line breaker.

:class:`Hyphenator` wraps pyphen (``de_DE`` / ``en_US``) with the policy a
briefing needs, and :func:`break_points` turns one whitespace-delimited token
(punctuation, quotes, links, CJK and all) into its break opportunities.

Why a policy on top of pyphen (see ../shared/field-notes.md):

* pyphen's dictionary load costs ~0.7–1.3 s.  It is loaded lazily, once per
  process (module-level cache), and every word's result is memoised at module
  level, so repeated builds in one process pay nothing.
* German patterns allow two-letter tails ("Medikamen-te") and split inside
  "sch"/"ch"/"ck" ("forts-chrittlicher").  We require a minimum word length
  and minimum fragment lengths, forbid splits inside those letter groups, and
  accept an exception list.
* Words with digits ("R1-Modell"), URLs / e-mail addresses and all-caps
  abbreviations are not hyphenated automatically.
* A word that already contains a hyphen ("Europe-US-China") breaks only after
  its hyphens; nothing is added there (``EXPLICIT``).
* Leading/trailing punctuation, including German quotes „ and “, is stripped
  before lookup – ReportLab's own hyphenation never split a word ending in “.
* URL slashes are breaks without hyphen (``NOHYPHEN``); so is the boundary
  between two CJK characters (except before closing CJK punctuation).

Callers decide *where* hyphenation applies at all: headings simply do not
pass a hyphenator, and the paragraph adapter skips bold runs (names).
"""
from __future__ import annotations

import re
import threading
from typing import Dict, List, Optional, Tuple

__all__ = ["Hyphenator", "break_points", "HYPHEN", "EXPLICIT", "NOHYPHEN", "URLCHAR",
           "is_cjk", "get_hyphenator"]

#: Break kinds returned by :func:`break_points`.
HYPHEN = "hyphen"      # dictionary break: draw an added "-" at the line end
EXPLICIT = "explicit"  # after an existing hyphen/dash: draw nothing extra
NOHYPHEN = "nohyphen"  # URL slash, CJK boundary: draw nothing extra
URLCHAR = "urlchar"    # inside a long URL segment: last-resort, nothing extra

_LANGS = {"de": "de_DE", "de_DE": "de_DE", "de-DE": "de_DE",
          "en": "en_US", "en_US": "en_US", "en-US": "en_US", "en_GB": "en_GB"}

_PYPHEN: Dict[str, object] = {}
_PYPHEN_LOCK = threading.Lock()
_MEMO: Dict[tuple, Dict[str, Tuple[int, ...]]] = {}
_INSTANCES: Dict[tuple, "Hyphenator"] = {}

_LEAD = "\"'„“”‚‘’«»‹›([{¿¡*_"
_TRAIL = "\"'„“”‚‘’«»‹›)]}.,;:!?…*_%"
_HYPHENS = "-\u2010\u2011\u2013"       # hyphen-minus, hyphen, nb-hyphen, en dash
_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", re.I)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BAD_PAIRS = ("ch", "ck")      # German: never split inside ch, ck, sch
_CJK_CLOSE = set("，。、；：？！）」』】〕〉》”’・ー…％")
_CJK_OPEN = set("（「『【〔〈《“‘")


#: CJK runs of at most this many characters are not broken inside (names, terms).
SHORT_CJK_RUN = 6


def _cjk_run_length(text: str, k: int) -> int:
    """Length of the run of CJK characters around the boundary before ``text[k]``."""
    i, j = k - 1, k
    while i > 0 and is_cjk(text[i - 1]):
        i -= 1
    while j < len(text) and is_cjk(text[j]):
        j += 1
    return j - i


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs, kana and Hangul (characters between which a
    line may break)."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3040 <= o <= 0x30FF
            or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF
            or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x1100 <= o <= 0x11FF)


def _preload_patterns(pyphen, lang: str) -> None:
    """Put pyphen's parsed patterns for ``lang`` into its own cache, from disk.

    pyphen parses a dictionary in ~0.7 s; the parsed table (plain strings and
    ints) loads with marshal in a tenth of that. See :mod:`briefing_pdf.cache`.
    """
    import marshal
    from pathlib import Path

    from .cache import cached, file_key

    path = Path(pyphen.LANGUAGES[lang])
    if path in pyphen.hdcache:
        return

    def parse() -> dict:
        hd = pyphen.HyphDict(path)
        return {"maxlen": hd.maxlen,
                "patterns": {k: (v[0], tuple(int(x) for x in v[1])) for k, v in hd.patterns.items()}}

    def rebuild(table: dict):
        hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
        hd.patterns, hd.maxlen, hd.cache = table["patterns"], table["maxlen"], {}
        return hd

    try:
        table = cached(file_key("hyph", path, pyphen.VERSION if hasattr(pyphen, "VERSION") else ""),
                       parse, marshal.dumps, marshal.loads)
        pyphen.hdcache[path] = rebuild(table)
    except Exception:  # pragma: no cover - the cache is only an optimisation
        return


def _load(lang: str):
    d = _PYPHEN.get(lang)
    if d is None:
        with _PYPHEN_LOCK:
            d = _PYPHEN.get(lang)
            if d is None:
                import pyphen  # imported lazily: the import itself is cheap
                _preload_patterns(pyphen, lang)
                d = pyphen.Pyphen(lang=lang, left=2, right=2)
                _PYPHEN[lang] = d
    return d


class Hyphenator:
    """Dictionary hyphenation with a briefing policy.

    ``Hyphenator("de")`` or ``Hyphenator("en")``.  ``positions(word)`` returns
    the allowed split offsets inside a bare word (no punctuation); use
    :func:`break_points` for raw tokens.  Results are memoised per word at
    module level (shared by all instances with the same settings).
    """


    def __deepcopy__(self, memo):
        return self  # one dictionary per language and process, never copied

    def __init__(self, lang: str = "de", min_word: int = 6, left: int = 2,
                 right: int = 3, exceptions: Optional[Dict[str, str]] = None):
        if lang not in _LANGS:
            raise ValueError("unsupported hyphenation language %r" % lang)
        self.lang = _LANGS[lang]
        self.min_word = min_word
        self.left = left
        self.right = right
        self.exceptions = {}
        for k, v in (exceptions or {}).items():
            self.exceptions[k.lower()] = v
        key = (self.lang, min_word, left, right, tuple(sorted(self.exceptions.items())))
        self._memo = _MEMO.setdefault(key, {})
        self._memo_id = key

    # -- policy -----------------------------------------------------------
    def hyphenable(self, word: str) -> bool:
        """Whether a bare word may be hyphenated automatically at all."""
        if len(word) < self.min_word:
            return False
        if any(c.isdigit() for c in word):
            return False
        if not word.isalpha():
            return False         # apostrophes, symbols, dots (abbreviations)
        if word.isupper():
            return False         # NATO, OECD
        # CamelCase brand names (DeepSeek, OpenAI): leave alone
        if any(c.isupper() for c in word[1:]):
            return False
        return True

    def positions(self, word: str) -> Tuple[int, ...]:
        """Allowed split offsets inside ``word`` (memoised)."""
        r = self._memo.get(word)
        if r is not None:
            return r
        r = self._compute(word)
        self._memo[word] = r
        return r

    def _compute(self, word: str) -> Tuple[int, ...]:
        if not self.hyphenable(word):
            return ()
        low = word.lower()
        exc = self.exceptions.get(low)
        if exc is not None:
            pos, k = [], 0
            for ch in exc:
                if ch == "-":
                    pos.append(k)
                else:
                    k += 1
            return tuple(pos)
        d = _load(self.lang)
        n = len(word)
        out = []
        for p in d.positions(word):
            p = int(p)
            if p < self.left or n - p < self.right:
                continue
            if self.lang.startswith("de"):
                pair = low[p - 1:p + 1]
                if pair in _BAD_PAIRS:
                    continue
                if low[p - 1] == "s" and low[p:p + 2] == "ch":
                    # s|ch: the correct split is usually one letter earlier
                    continue
            out.append(p)
        return tuple(out)

    def hyphenate(self, word: str) -> str:
        """Debug helper: the word with '-' at every allowed position."""
        pos = self.positions(word)
        parts, last = [], 0
        for p in pos:
            parts.append(word[last:p])
            last = p
        parts.append(word[last:])
        return "-".join(parts)


def get_hyphenator(lang: str = "de", **kw) -> Hyphenator:
    """Shared :class:`Hyphenator` instance per (lang, settings)."""
    key = (lang, tuple(sorted(kw.items())))
    h = _INSTANCES.get(key)
    if h is None:
        h = _INSTANCES[key] = Hyphenator(lang, **kw)
    return h


def _strip(token: str) -> Tuple[int, int]:
    i, j = 0, len(token)
    while i < j and token[i] in _LEAD:
        i += 1
    while j > i and token[j - 1] in _TRAIL:
        j -= 1
    return i, j


def _is_url(core: str) -> bool:
    return bool(_URL_RE.match(core)) or (core.count("/") >= 2 and "." in core.split("/")[0])


_BP_MEMO: Dict[tuple, Tuple[str, List[Tuple[int, str]]]] = {}
_CJK_RE = re.compile("[\u1100-\u11ff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf"
                     "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff]")
_EXPL_RE = re.compile("[-\u2010\u2011\u2013/]")


def break_points(token: str, hyphenator: Optional[Hyphenator] = None,
                 allow_auto: bool = True) -> Tuple[str, List[Tuple[int, str]]]:
    """Memoised front end of :func:`_break_points` (same arguments/result;
    the returned list must not be modified)."""
    key = (token, hyphenator._memo_id if hyphenator is not None else None, allow_auto)
    r = _BP_MEMO.get(key)
    if r is None:
        if len(_BP_MEMO) > 500000:
            _BP_MEMO.clear()
        r = _BP_MEMO[key] = _break_points(token, hyphenator, allow_auto)
    return r


def _break_points(token: str, hyphenator: Optional[Hyphenator] = None,
                  allow_auto: bool = True) -> Tuple[str, List[Tuple[int, str]]]:
    """Break opportunities inside one whitespace-free token.

    Returns ``(text, points)``: ``text`` is the token with soft hyphens
    (U+00AD) removed, ``points`` a sorted list of ``(offset, kind)`` – a break
    may occur *before* ``text[offset]``; ``kind`` is :data:`HYPHEN` (draw an
    added hyphen), :data:`EXPLICIT` or :data:`NOHYPHEN`.
    """
    pts: List[Tuple[int, str]] = []
    if "\xad" in token:
        # Author-supplied soft hyphens override the dictionary.
        text, k = [], 0
        for ch in token:
            if ch == "\xad":
                if 0 < k:
                    pts.append((k, HYPHEN))
            else:
                text.append(ch)
                k += 1
        text = "".join(text)
        pts = [(p, kind) for p, kind in pts if p < len(text)]
        return text, pts if allow_auto else []
    text = token
    n = len(text)
    if n < 2:
        return text, pts

    # CJK: break between ideographs (kinsoku: not before closing punctuation,
    # not after opening punctuation). A short run - a name or a term such as
    # "(王文涛)" or "(이재명)" in Latin text - stays whole, like a word.
    if _CJK_RE.search(text):
        for k in range(1, n):
            a, b = text[k - 1], text[k]
            if is_cjk(a) and is_cjk(b) and not (b in _CJK_CLOSE or a in _CJK_OPEN) \
                    and _cjk_run_length(text, k) > SHORT_CJK_RUN:
                pts.append((k, NOHYPHEN))
        return text, pts

    i, j = _strip(text)
    core = text[i:j]
    if not core:
        return text, pts
    if _EMAIL_RE.match(core):
        return text, pts
    if _is_url(core):
        m = _URL_RE.match(core)
        begin = m.end() if m else 0
        # Break after "/" and "-", before "." and "?"/"&" (Chicago style);
        # never within the scheme, never leaving a fragment under 3 chars.
        m_len = len(core)
        last = begin
        for k in range(begin, m_len - 1):
            c = core[k]
            if c in "/-" :
                p = k + 1
            elif c in ".?&=_" and k > begin:
                p = k
            else:
                continue
            if p - last >= 3 and m_len - p >= 3 and core[p - 1] != core[p]:
                pts.append((i + p, NOHYPHEN))
                last = p
        # Long segments without such a break get costly character-level
        # breaks (no hyphen: a hyphen would corrupt the address).
        bounds = [begin] + [p - i for p, _ in pts] + [m_len]
        extra = []
        for a, b in zip(bounds, bounds[1:]):
            if b - a >= 10:
                for p in range(a + 4, b - 3, 1):
                    if core[p - 1].isalnum() and core[p].isalnum():
                        extra.append((i + p, URLCHAR))
        if extra:
            pts = sorted(pts + extra)
        return text, pts

    # Explicit hyphens / dashes / slashes inside the word.
    if _EXPL_RE.search(core):
        for k in range(1, len(core) - 1):
            c = core[k]
            if (c in _HYPHENS) and k >= 2 and len(core) - k - 1 >= 2 \
                    and core[k - 1] not in _HYPHENS and core[k + 1] not in _HYPHENS:
                pts.append((i + k + 1, EXPLICIT))
            elif c == "/" and k >= 2 and len(core) - k - 1 >= 2:
                pts.append((i + k + 1, NOHYPHEN))
        return text, pts

    if hyphenator is not None and allow_auto:
        for p in hyphenator.positions(core):
            pts.append((i + p, HYPHEN))
    return text, pts
