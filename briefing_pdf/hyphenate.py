"""Hyphenation policy for the whole-paragraph line breaker.

:class:`Hyphenator` wraps pyphen with the policy a briefing needs, and
:func:`break_points` turns one whitespace-delimited token (punctuation,
quotes, links, CJK and all) into its break opportunities.

Why these dictionaries and this policy (see ../shared/field-notes.md and
docs/typography.md, "Hyphenation dictionaries"):

* The patterns are TeX's, converted by tools/make_hyph_dic.py and shipped in
  ``briefing_pdf/data/hyph``: German from the Trennmuster project
  (``dehyphn-x``, reformed spelling), English ``hyph-en-us`` (with its
  ``\\hyphenation`` exceptions).  pyphen's bundled German dictionary merges
  libhyphen's two compound levels without their minimums and splits
  "Zusamme-narbeit", "Deut-schland", "forts-chrittlicher"; the TeX patterns
  do not, so no letter-group repairs are needed on top of them.
* Parsing a dictionary costs ~0.5–1 s.  The patterns are compiled into a
  flat trie (:class:`Patterns`), cached on disk (:mod:`briefing_pdf.cache`),
  loaded lazily once per process and language (only the languages whose
  words are hyphenated), and every word's result is memoised at module level.
* We require a minimum word length and fragment lengths (at least the
  dictionary's own LEFT/RIGHTHYPHENMIN) and accept house exceptions
  (``Deep-Seek``: only there; ``OpenAI``: never), which override every rule.
* Words with digits ("R1-Modell"), URLs / e-mail addresses, all-caps
  abbreviations and CamelCase names are not hyphenated automatically.
  :meth:`Hyphenator.word_class` tells the line breaker which words are proper
  names or foreign (letters outside the language's alphabet; in English a
  capital not at a sentence start): those break only reluctantly.
* A word that already contains a hyphen ("Europe-US-China") breaks only after
  its hyphens; nothing is added there (``EXPLICIT``).
* Leading/trailing punctuation, including German quotes „ and “, is stripped
  before lookup – ReportLab's own hyphenation never split a word ending in “.
* URL slashes are breaks without hyphen (``NOHYPHEN``); so is the boundary
  between two CJK characters (except before closing CJK punctuation).

Callers decide *where* hyphenation applies at all: headings get only
reluctant breaks, and the paragraph adapter treats bold runs as names.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

__all__ = ["Hyphenator", "break_points", "HYPHEN", "EXPLICIT", "NOHYPHEN", "URLCHAR",
           "is_cjk", "get_hyphenator", "dictionary_path", "parse_exception"]

#: Break kinds returned by :func:`break_points`.
HYPHEN = "hyphen"      # dictionary break: draw an added "-" at the line end
EXPLICIT = "explicit"  # after an existing hyphen/dash: draw nothing extra
NOHYPHEN = "nohyphen"  # URL slash, CJK boundary: draw nothing extra
URLCHAR = "urlchar"    # inside a long URL segment: last-resort, nothing extra

_LANGS = {"de": "de_DE", "de_DE": "de_DE", "de-DE": "de_DE",
          "en": "en_US", "en_US": "en_US", "en-US": "en_US",
          "en_GB": "en_US"}   # no British patterns shipped: the American ones are the nearer fit

#: Shipped dictionaries (tools/make_hyph_dic.py; sources and licences in
#: briefing_pdf/data/hyph/README.md).
_DIC_FILES = {"de_DE": "hyph_de_DE.dic", "en_US": "hyph_en_US.dic"}

#: Letters that belong to the language; a word with any other letter is a
#: name or a foreign word (Šefčovič, Gdańsk, Путин) and breaks only reluctantly.
_ALPHABETS = {"de_DE": frozenset("abcdefghijklmnopqrstuvwxyzäöüß"),
              "en_US": frozenset("abcdefghijklmnopqrstuvwxyz")}

_PYPHEN: Dict[str, tuple] = {}  # language -> (Patterns, left, right)
_PYPHEN_LOCK = threading.Lock()
_MEMO: Dict[tuple, Dict[str, Tuple[int, ...]]] = {}
_INSTANCES: Dict[tuple, "Hyphenator"] = {}

_LEAD = "\"'„“”‚‘’«»‹›([{¿¡*_"
_TRAIL = "\"'„“”‚‘’«»‹›)]}.,;:!?…*_%"
_HYPHENS = "-\u2010\u2011\u2013"       # hyphen-minus, hyphen, nb-hyphen, en dash
_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", re.I)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSSESSIVE = ("'s", "’s")
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


def dictionary_path(lang: str) -> Path:
    """The shipped ``.dic`` for a language code (``de``, ``en_US`` ...)."""
    return Path(__file__).resolve().parent / "data" / "hyph" / _DIC_FILES[_LANGS[lang]]


def _hyphenmins(path: Path) -> Tuple[int, int]:
    """LEFT/RIGHTHYPHENMIN declared at the top of a .dic (pyphen ignores
    them; default 2/2)."""
    left = right = 2
    with path.open(encoding="utf-8") as fh:
        for _, line in zip(range(10), fh):
            m = re.match(r"(LEFT|RIGHT)HYPHENMIN\s+(\d+)", line)
            if m:
                if m.group(1) == "LEFT":
                    left = int(m.group(2))
                else:
                    right = int(m.group(2))
    return left, right


class Patterns:
    """A language's Liang patterns compiled for :func:`_scan`: a flat trie.

    ``nodes`` maps every prefix of every pattern (each node of the pattern
    trie, keyed by its path) to the pattern ending there, ``(offset,
    values)``, or to 0 where no pattern ends. One dictionary lookup per
    letter both walks the trie and finds the pattern, and a scan leaves a
    position as soon as it reads a string that is no node.

    Parsing the German ``.dic`` with pyphen takes ~0.5 s, so the compiled
    table is cached on disk (:mod:`briefing_pdf.cache`). Equal pattern values
    are one shared object, so the pickle holds ~60 000 short keys and ~400
    distinct values: it loads in ~5 ms (the earlier marshalled
    patterns-plus-prefixes form took ~15 ms).
    """

    __slots__ = ("nodes", "maxlen")

    def __init__(self, nodes: Dict[str, object], maxlen: int) -> None:
        self.nodes = nodes
        self.maxlen = maxlen

    @classmethod
    def from_pyphen(cls, patterns: Dict[str, tuple], maxlen: int) -> "Patterns":
        """Compile pyphen's ``HyphDict.patterns`` (``{key: (offset, values)}``)."""
        shared: Dict[tuple, tuple] = {}
        nodes: Dict[str, object] = {}
        for key in sorted(patterns):
            for i in range(1, len(key)):
                nodes.setdefault(key[:i], 0)
            offset, values = patterns[key]
            value = (offset, tuple(int(v) for v in values))
            nodes[key] = shared.setdefault(value, value)
        return cls(nodes, maxlen)


def _compile_patterns(path: Path) -> Patterns:
    """The compiled patterns of a shipped ``.dic``: from the disk cache, else parsed by pyphen."""
    import pickle

    import pyphen  # parses the .dic once per cache entry (ReportLab imports it anyway)

    from .cache import cached, file_key

    def parse() -> Patterns:
        hd = pyphen.HyphDict(path)
        return Patterns.from_pyphen(hd.patterns, hd.maxlen)

    def dumps(table: Patterns) -> bytes:
        return pickle.dumps((table.maxlen, table.nodes), protocol=pickle.HIGHEST_PROTOCOL)

    def loads(data: bytes) -> Patterns:
        maxlen, nodes = pickle.loads(data)
        return Patterns(nodes, maxlen)

    return cached(file_key("hyph", path, getattr(pyphen, "VERSION", ""), "flat-trie", 1), parse, dumps, loads)


def _scan(patterns: Patterns, word: str) -> list:
    """Liang's pattern scan of ``word``: pyphen's ``HyphDict.positions`` as plain ints.

    pyphen tries every substring up to the longest pattern's length at every
    position; this scan walks the flat trie and leaves a position as soon as
    the substring read so far is no node (most stop after two or three
    letters), with the same points.
    """
    pointed = f".{word.lower()}."
    n = len(pointed)
    values_at = [0] * (n + 1)
    get = patterns.nodes.get
    for i in range(n - 1):
        j = i + 1
        pattern = get(pointed[i:j])
        while pattern is not None:  # no node is longer than the longest pattern
            if pattern:
                k = i + pattern[0]
                for v in pattern[1]:
                    if k <= n and v > values_at[k]:
                        values_at[k] = v
                    k += 1
            if j == n:
                break
            j += 1
            pattern = get(pointed[i:j])
    return [i - 1 for i, v in enumerate(values_at) if v % 2]


def _load(lang: str) -> Tuple[Patterns, int, int]:
    """``(patterns, left, right)`` for a normalised language code, loaded on first use.

    Only the languages an issue's words ask for are ever loaded: a German
    issue never reads the English table."""
    d = _PYPHEN.get(lang)
    if d is None:
        with _PYPHEN_LOCK:
            d = _PYPHEN.get(lang)
            if d is None:
                path = dictionary_path(lang)
                left, right = _hyphenmins(path)
                d = (_compile_patterns(path), left, right)
                _PYPHEN[lang] = d
    return d


def parse_exception(entry: str) -> Tuple[str, Tuple[int, ...]]:
    """``"Deep-Seek"`` -> ``("deepseek", (4,))``: the lookup key (lower case,
    no marks) and the allowed split offsets.  No mark means never split."""
    pos, k = [], 0
    for ch in entry:
        if ch == "-":
            pos.append(k)
        else:
            k += 1
    return entry.replace("-", "").lower(), tuple(pos)


class Hyphenator:
    """Dictionary hyphenation with a briefing policy.

    ``Hyphenator("de")`` or ``Hyphenator("en")``.  ``positions(word)`` returns
    the allowed split offsets inside a bare word (no punctuation); use
    :func:`break_points` for raw tokens.  Results are memoised per word at
    module level (shared by all instances with the same settings).

    ``exceptions`` are house entries such as ``"Deep-Seek"`` (split there and
    nowhere else) or ``"OpenAI"`` (never split), matched case-insensitively
    on the whole word; they override every other rule.  A dict
    ``{word: marked}`` is accepted too (its values are used).
    """


    def __deepcopy__(self, memo):
        return self  # one dictionary per language and process, never copied

    def __init__(self, lang: str = "de", min_word: int = 6, left: int = 2,
                 right: int = 3, exceptions: Optional[Iterable[str]] = None):
        if lang not in _LANGS:
            raise ValueError("unsupported hyphenation language %r" % lang)
        self.lang = _LANGS[lang]
        self.alphabet = _ALPHABETS[self.lang]
        self.min_word = min_word
        self.left = left
        self.right = right
        entries = exceptions.values() if isinstance(exceptions, dict) else (exceptions or ())
        self.exceptions: Dict[str, Tuple[int, ...]] = dict(parse_exception(e) for e in entries)
        key = (self.lang, min_word, left, right, tuple(sorted(self.exceptions.items())))
        self._memo = _MEMO.setdefault(key, {})
        self._classes = _MEMO.setdefault(("class",) + key, {})
        self._memo_id = key

    # -- policy -----------------------------------------------------------
    def exception(self, word: str) -> Optional[Tuple[int, ...]]:
        """The house exception's split offsets for a bare word, or None.
        A possessive ("DeepSeek's") follows its base word."""
        if not self.exceptions:
            return None
        low = word.lower()
        r = self.exceptions.get(low)
        if r is None and low.endswith(_POSSESSIVE):
            r = self.exceptions.get(low[:-2])
        return r

    def hyphenable(self, word: str) -> bool:
        """Whether a bare word may be hyphenated automatically at all."""
        if len(word) < self.min_word:
            return False
        if not word.isalpha():
            return False         # digits ("R1-Modell"), apostrophes, symbols, dots (abbreviations)
        if word.isupper():
            return False         # NATO, OECD
        # CamelCase brand names (DeepSeek, OpenAI): leave alone
        if any(c.isupper() for c in word[1:]):
            return False
        return True

    def word_class(self, token: str, sentence_start: bool = False) -> str:
        """How the line breaker may hyphenate a raw token: ``"exception"``
        (a house entry: its marks, whatever else applies), ``"name"`` (a
        proper name or foreign word: only reluctantly, when wider than the
        line) or ``"word"`` (ordinary).  Memoised.

        Foreign: a letter outside the language's alphabet (Šefčovič, Gdańsk,
        Ελλάδα).  English also treats a capitalised word that does not start
        a sentence as a name ("Hokkaido"); German capitalises every noun, so
        there the capital says nothing.
        """
        key = (token, sentence_start)
        r = self._classes.get(key)
        if r is None:
            r = self._classes[key] = self._word_class(token, sentence_start)
        return r

    def _word_class(self, token: str, sentence_start: bool) -> str:
        i, j = _strip(token)
        core = token[i:j]
        if not core:
            return "word"
        if self.exception(core) is not None:
            return "exception"
        alphabet = self.alphabet
        # (A word whose lower-case letters are all the language's needs no
        # look at each character: lower() maps characters one by one.)
        if not alphabet.issuperset(core.lower()) and \
                any(c.isalpha() and c.lower() not in alphabet for c in core):
            return "name"
        if self.lang == "en_US" and core[0].isupper() and not sentence_start:
            return "name"
        return "word"

    def positions(self, word: str) -> Tuple[int, ...]:
        """Allowed split offsets inside ``word`` (memoised)."""
        r = self._memo.get(word)
        if r is not None:
            return r
        r = self._compute(word)
        self._memo[word] = r
        return r

    def _compute(self, word: str) -> Tuple[int, ...]:
        exc = self.exception(word)
        if exc is not None:
            return exc
        if not self.hyphenable(word):
            return ()
        d, dleft, dright = _load(self.lang)
        left, right = max(self.left, dleft), max(self.right, dright)
        n = len(word)
        return tuple(p for p in _scan(d, word) if p >= left and n - p >= right)

    def hyphenate(self, word: str) -> str:
        """Debug helper: the word with '-' at every allowed position."""
        pos = self.positions(word)
        parts, last = [], 0
        for p in pos:
            parts.append(word[last:p])
            last = p
        parts.append(word[last:])
        return "-".join(parts)


def get_hyphenator(lang: str = "de", exceptions: Iterable[str] = (), **kw) -> Hyphenator:
    """Shared :class:`Hyphenator` instance per (lang, exceptions, settings)."""
    exc = tuple(exceptions)
    key = (lang, exc, tuple(sorted(kw.items())))
    h = _INSTANCES.get(key)
    if h is None:
        if len(_INSTANCES) > 256:   # many issues with different house lists in one process
            _INSTANCES.clear()
        h = _INSTANCES[key] = Hyphenator(lang, exceptions=exc, **kw)
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
#: The characters :func:`is_cjk` accepts, as a regex class (for reference and
#: tests): all are U+1100 or above.
_CJK_CLASS = ("[\u1100-\u11ff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf"
              "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff]")


_JAMO = re.compile("[\u1100-\u11ff]")


def may_have_cjk(text: str) -> bool:
    """False when ``text`` (not empty) has no character of U+1100..U+11FF or from U+3000 on,
    where every CJK class of ours lies; a max() and a small regex, cheap for Latin text
    (German quotes included)."""
    top = max(text)
    return top >= "\u3000" or (top >= "\u1100" and _JAMO.search(text) is not None)


def _has_cjk(text: str) -> bool:
    """``text`` (not empty, a token) has a CJK character. Past the cheap test,
    the characters are looked at one by one: a token is short, and compiling
    :data:`_CJK_CLASS` (tens of thousands of code points) took ~2 ms."""
    return may_have_cjk(text) and any(map(is_cjk, text))


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
    if _has_cjk(text):
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
