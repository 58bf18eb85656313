"""Fonts: find, check, register and fall back.

ReportLab silently draws a character its font lacks as glyph 0 (a blank box).
We never let that happen: every font's character map is read with fontTools,
each run of characters the main face lacks is set in the first fallback font
that has them, and a character that no configured font has is reported before
layout starts (see :func:`briefing_pdf.text.check_glyphs`).

Parsed fonts are cached per process, so folder builds and ``watch`` pay the
parsing cost (the CJK font alone is 5 MB) once.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import BriefingError

FACES = ("regular", "bold", "italic", "bold_italic")

#: The fonts shipped in ``fonts/`` (package data ``briefing_pdf.fonts``).
DEFAULT_FONTS = {
    "regular": "NotoSerif-Regular.ttf",
    "bold": "NotoSerif-Bold.ttf",
    "italic": "NotoSerif-Italic.ttf",
    "bold_italic": "NotoSerif-BoldItalic.ttf",
    "heading": "NotoSans-Regular.ttf",
    "heading_bold": "NotoSans-Bold.ttf",
}
DEFAULT_FALLBACK = ["wqy-microhei.ttc"]


def shipped_font_dir() -> Path:
    """The folder of the shipped fonts: package data in an installed wheel
    (``briefing_pdf/fonts``), the repository's ``fonts/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for folder in (here / "fonts", here.parent / "fonts"):
        if (folder / DEFAULT_FONTS["regular"]).is_file():
            return folder
    return here / "fonts"


@dataclass(eq=False)
class FontFile:
    """A checked TrueType font file: its ReportLab name and character map."""

    path: Path
    rl_name: str
    #: The code points it maps (a :class:`CodeSet` for a large map).
    cmap: "frozenset[int] | CodeSet"


@lru_cache(maxsize=64)
def _inspect(path: Path, mtime: float) -> "frozenset[int] | CodeSet":
    """Character map of a font, after checking it is TrueType-outline (cached on
    disk as runs of code points): a frozenset, or for a large map (a CJK font)
    a :class:`CodeSet`."""
    import marshal

    from .cache import cached, file_key

    result = cached(file_key("cmap", path, 2), lambda: _read_cmap(path), marshal.dumps, marshal.loads)
    if isinstance(result, str):
        raise ValueError(result)
    codes = CodeSet(result)
    return codes if len(codes) >= LARGE_CMAP else frozenset(codes)


def _read_cmap(path: Path) -> list[int] | str:
    """The code points a font maps as runs (``[first, last, first, last, ...]``),
    or the reason it cannot be used."""
    try:
        codes = sorted(_parse_cmap(path))
    except ValueError as exc:
        return str(exc)
    runs: list[int] = []
    for code in codes:
        if runs and code == runs[-1] + 1:
            runs[-1] = code
        else:
            runs += [code, code]
    return runs


class CodeSet:
    """A large character map as sorted runs of code points (two int arrays).

    The CJK fallback font maps ~35,000 code points in a few hundred runs; as
    a frozenset its map took ~2.5 ms to load in every build (every build
    checks the fallback fonts). The font set asks it ``code in`` and
    ``issuperset``, each a binary search per code point here.
    """

    __slots__ = ("starts", "ends")

    def __init__(self, runs: list[int]) -> None:
        from array import array

        self.starts, self.ends = array("L", runs[0::2]), array("L", runs[1::2])

    def __contains__(self, code) -> bool:
        if type(code) is not int:
            return False
        k = bisect_right(self.starts, code) - 1
        return k >= 0 and code <= self.ends[k]

    def issuperset(self, codes) -> bool:
        return all(map(self.__contains__, codes))

    def __iter__(self):
        from itertools import chain

        # Iterated in C: a small map becomes its frozenset through this (_inspect).
        return chain.from_iterable(map(range, self.starts, map((1).__add__, self.ends)))

    def __len__(self) -> int:
        return sum(self.ends) - sum(self.starts) + len(self.starts)


def _parse_cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() == ".ttc":
            font = TTCollection(str(path), lazy=True).fonts[0]
        else:
            font = TTFont(str(path), lazy=True)
        if "glyf" not in font:
            if "CFF " in font or "CFF2" in font:
                raise ValueError("is a CFF-flavoured OpenType font; only TrueType-outline fonts "
                                 "(.ttf, or .otf with glyf outlines) can be embedded")
            raise ValueError("has no TrueType outlines (glyf table)")
        cmap = font.getBestCmap() or {}
        return frozenset(cmap)
    except (TTLibError, OSError, AssertionError, KeyError, IndexError, AttributeError) as exc:
        raise ValueError(f"is not a readable TrueType font ({exc.__class__.__name__})") from None


def check_font(path: Path, display: str) -> "frozenset[int] | CodeSet":
    """The font's character map, or a BriefingError naming the file and the problem."""
    if not path.is_file():
        raise BriefingError.single(f"font file not found: {path}", file=display)
    try:
        with open(path, "rb") as handle:
            handle.read(4)
    except OSError as exc:
        raise BriefingError.single(f"font file {path} is not readable: {exc.strerror or exc}", file=display) from None
    try:
        return _inspect(path.resolve(), path.stat().st_mtime)
    except ValueError as exc:
        raise BriefingError.single(f"font {path.name} {exc}", file=display) from None


_registered: dict[str, Path] = {}


def register(path: Path, role: str) -> str:
    """Register a TTF/TTC with ReportLab once per process; return its font name."""
    from reportlab.pdfbase import pdfmetrics

    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    name = f"BP{role.title().replace('_', '')}-{digest}"
    if name not in _registered:
        pdfmetrics.registerFont(_cached_ttfont(name, path))
        _registered[name] = path
    return name


def registered_file(name: str) -> Path | None:
    """The font file registered under a ReportLab font name (None: not ours)."""
    return _registered.get(name)


def _scale(factor: float, x: float) -> float:
    return x * factor


class GlyphMetrics:
    """A face's ``hmetrics`` (advance width, left side bearing per glyph) in two int arrays.

    ReportLab keeps them as a list of tuples, which is most of the time it
    takes to unpickle a large face (10 ms of the CJK font's 20 ms), and reads
    them only to write a subset's ``hmtx``, as ``int(aw), int(lsb)`` of the
    glyphs used. The arrays hold those ints, so subsets come out byte for
    byte the same and the cached face loads as a few byte strings.
    """

    __slots__ = ("advances", "bearings")

    def __init__(self, pairs) -> None:
        from array import array

        self.advances = array("l", [int(aw) for aw, _lsb in pairs])
        self.bearings = array("l", [int(lsb) for _aw, lsb in pairs])

    def __getitem__(self, glyph: int) -> tuple[int, int]:
        return self.advances[glyph], self.bearings[glyph]

    def __len__(self) -> int:
        return len(self.advances)


def _parse_face(path: Path, index: int = 0):
    """ReportLab's parse of a font face, trimmed and compacted for the disk cache."""
    import functools
    from array import array

    from reportlab.pdfbase.ttfonts import TTFontFace

    face = TTFontFace(str(path), validate=0, subfontIndex=index)
    face._pdfScale = functools.partial(_scale, 1000 / face.unitsPerEm)
    # Only ReportLab's parser reads glyphToChar; for the CJK font it is
    # two thirds of the unpickling time.
    face.glyphToChar = {}
    # Read only by subsetting, by index: compact arrays unpickle ~50x faster than lists.
    face.hmetrics = GlyphMetrics(face.hmetrics)
    face.glyphPos = array("L", face.glyphPos)
    if len(face.charToGlyph) >= LARGE_CMAP and face.charWidths.keys() == face.charToGlyph.keys():
        face.charToGlyph = RunMap(face.charToGlyph)
        face.charWidths = SparseWidths(face.charWidths, face.charToGlyph)
    return _for_accelerator(face)


#: A face mapping at least this many code points (a CJK font) keeps its
#: character map and widths compact (:class:`RunMap`, :class:`SparseWidths`).
LARGE_CMAP = 4096


class RunMap(Mapping):
    """A large face's ``charToGlyph`` (code point -> glyph) as runs in three int arrays.

    A CJK font maps ~35,000 code points, nearly all in runs where the code
    point and the glyph both step by one (223 runs in WenQuanYi Micro Hei).
    As a dict it takes ~2 ms to unpickle on every build that sets CJK text;
    as arrays, microseconds. ReportLab reads it with ``in`` and ``[]`` (when
    it assigns characters to subsets and writes a subset), a few hundred
    times a build, each a binary search here.
    """

    __slots__ = ("starts", "ends", "glyphs")

    def __init__(self, mapping: dict) -> None:
        from array import array

        self.starts, self.ends, self.glyphs = array("L"), array("L"), array("L")
        for code in sorted(mapping):
            glyph = mapping[code]
            if self.starts and code == self.ends[-1] + 1 and glyph == self.glyphs[-1] + code - self.starts[-1]:
                self.ends[-1] = code
            else:
                self.starts.append(code)
                self.ends.append(code)
                self.glyphs.append(glyph)

    def _run(self, code: int) -> int:
        """Index of the run holding ``code``, or -1."""
        k = bisect_right(self.starts, code) - 1
        return k if k >= 0 and code <= self.ends[k] else -1

    def __contains__(self, code) -> bool:
        return type(code) is int and self._run(code) >= 0

    def __getitem__(self, code: int) -> int:
        k = self._run(code) if type(code) is int else -1
        if k < 0:
            raise KeyError(code)
        return self.glyphs[k] + code - self.starts[k]

    def get(self, code, default=None):
        k = self._run(code) if type(code) is int else -1
        return default if k < 0 else self.glyphs[k] + code - self.starts[k]

    def __iter__(self):
        for start, end in zip(self.starts, self.ends):
            yield from range(start, end + 1)

    def __len__(self) -> int:
        return sum(self.ends) - sum(self.starts) + len(self.starts)


class SparseWidths(Mapping):
    """A large face's ``charWidths`` (code point -> advance): the width most of
    its characters share (the full-width ideographs) plus a dict of the others.

    The mapped code points are those of the face's :class:`RunMap`. ReportLab
    and :mod:`briefing_pdf.kerning` read it with ``get(code, default)``.
    """

    __slots__ = ("cmap", "common", "other")

    def __init__(self, widths: dict, cmap: RunMap) -> None:
        from collections import Counter

        self.cmap = cmap
        self.common = Counter(widths.values()).most_common(1)[0][0] if widths else 0
        self.other = {code: w for code, w in widths.items() if w != self.common}

    def get(self, code, default=None):
        width = self.other.get(code)
        if width is not None:
            return width
        return self.common if code in self.cmap else default

    def __contains__(self, code) -> bool:
        return code in self.cmap

    def __getitem__(self, code: int):
        width = self.get(code)
        if width is None:
            raise KeyError(code)
        return width

    def __iter__(self):
        return iter(self.cmap)

    def __len__(self) -> int:
        return len(self.cmap)


def _for_accelerator(face):
    """The face with plain dicts again if ReportLab's C accelerator measures
    text (it may read ``charWidths`` as a dict); else unchanged."""
    if isinstance(face.charToGlyph, RunMap):
        from reportlab.lib import rl_accel

        if getattr(rl_accel.instanceStringWidthTTF, "__name__", "") != "_py_instanceStringWidthTTF":
            face.charToGlyph = dict(face.charToGlyph.items())
            face.charWidths = dict(face.charWidths.items())
    return face


class PendingFace:
    """Stands in for a cached font face until something reads more than its name.

    Registering a font with ReportLab reads only the face's name; measuring
    or subsetting text reads its tables. The tables (unpickled from the disk
    cache, plus the font file's bytes) are loaded on that first read, and the
    font's ``face`` is then the real face, so a face that no text uses costs
    nothing. A cache entry that no longer fits the font file means parsing the
    font again, as on a cache miss.
    """

    __slots__ = ("name", "_font", "_path", "_size", "_state", "_face")

    def __init__(self, name: bytes, font, path: Path, size: int, state: bytes) -> None:
        self.name = name
        self._font, self._path, self._size, self._state = font, path, size, state
        self._face = None

    def load(self):
        """The real face (loaded once)."""
        if self._face is None:
            self._face = self._load()
            self._font.face = self._face
        return self._face

    def _load(self):
        import pickle

        from reportlab.pdfbase.ttfonts import TTFontFace

        try:
            data = _font_bytes(self._path)
            if len(data) != self._size:
                raise ValueError(f"{self._path} changed since it was cached")
            face = TTFontFace.__new__(TTFontFace)
            face.__dict__.update(pickle.loads(self._state))
            face._ttf_data = data
            return _for_accelerator(face)
        except Exception:  # noqa: BLE001 - the cache is only an optimisation
            return _parse_face(self._path)

    def __getattr__(self, attr: str):
        return getattr(self.load(), attr)


#: Shipped font files of at least this many bytes are mapped, not read (:func:`_font_bytes`).
MAP_BYTES = 1 << 20


def _font_bytes(path: Path):
    """A font file's bytes for subsetting: read whole, or for a large shipped
    font (the 5 MB CJK fallback) mapped read-only, so only the pages its
    subsets touch are ever read (reading it whole is ~2.5 ms of every build
    that sets CJK text). ReportLab only slices and indexes them. Shipped
    fonts are package data that nothing rewrites while a build runs; a
    brand's own font files are read whole, since a file truncated under a
    mapping would crash the process."""
    if path.stat().st_size >= MAP_BYTES and path.resolve().parent == shipped_font_dir().resolve():
        import mmap

        with open(path, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return path.read_bytes()


def _cached_ttfont(name: str, path: Path):
    """A ReportLab TTFont whose parsed face comes from the disk cache when it can.

    ReportLab parses the whole font (all glyph widths, the cmap) on every
    start; the 5 MB CJK font alone costs 0.15–0.3 s. The parsed face is
    pickled once (its one lambda replaced by a picklable partial), without
    the font file's bytes (``_ttf_data``, which subsetting reads): those are
    read from the font itself, so loading a face copies them once instead of
    twice (file to cache buffer, buffer to object) and the cache stays small.
    From the cache the face arrives as a :class:`PendingFace`: loaded when
    first used.
    """
    import pickle
    from weakref import WeakKeyDictionary

    import reportlab
    from reportlab import rl_config
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

    from .cache import cached, file_key

    font = TTFont.__new__(TTFont)

    def dumps(face) -> bytes:
        state = {k: v for k, v in vars(face).items() if k != "_ttf_data"}
        inner = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        return pickle.dumps((face.name, len(face._ttf_data), inner), protocol=pickle.HIGHEST_PROTOCOL)

    def loads(data: bytes) -> PendingFace:
        face_name, size, state = pickle.loads(data)
        return PendingFace(face_name, font, path, size, state)

    try:
        face = cached(file_key("ttf", path, reportlab.Version, 0, 6), lambda: _parse_face(path), dumps, loads)
    except Exception:  # pragma: no cover - fall back to ReportLab's own loading
        return TTFont(name, str(path))
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = False
    return font


def load_registered_faces() -> None:
    """Load every pending face of the fonts registered so far (warm-up before a pool forks)."""
    from reportlab.pdfbase import pdfmetrics

    for name in _registered:
        face = pdfmetrics.getFont(name).face
        if isinstance(face, PendingFace):
            face.load()


@dataclass
class FontSet:
    """The checked fonts of one brand.

    ``faces`` maps body faces (regular/bold/italic/bold_italic) and heading
    faces (heading/heading_bold) to files; ``fallback`` is tried in order for
    characters a face lacks.
    """

    faces: dict[str, FontFile]
    fallback: list[FontFile] = field(default_factory=list)
    #: The fallbacks registered for the current build (None: all of them).
    active_fallback: list[FontFile] | None = None

    def covered(self, char: str) -> bool:
        code = ord(char)
        return any(code in f.cmap for f in self.faces.values()) or any(code in f.cmap for f in self.fallback)

    def face_has_all(self, text: str, face: str) -> bool:
        """True when ``face`` itself can draw every character of ``text``."""
        return self.faces[face].cmap.issuperset(map(ord, text))

    def font_for(self, char: str, face: str) -> str | None:
        """ReportLab font name to draw ``char`` in ``face``; None means the face itself."""
        code = ord(char)
        if code in self.faces[face].cmap:
            return None
        for fb in self.active_fallback if self.active_fallback is not None else self.fallback:
            if code in fb.cmap:
                return fb.rl_name
        family_regular = "heading" if face.startswith("heading") else "regular"
        if code in self.faces[family_regular].cmap:
            return self.faces[family_regular].rl_name
        return None

    def needed_fallbacks(self, text: str) -> list[FontFile]:
        """The fallback fonts some character of ``text`` will be drawn with."""
        first, *others = (f.cmap for f in self.faces.values())
        shared = frozenset(first).intersection(*others)
        needed: list[FontFile] = []
        for code in {ord(ch) for ch in text} - shared:
            for fb in self.fallback:
                if code in fb.cmap:
                    if fb not in needed:
                        needed.append(fb)
                    break
        return needed

    def register_all(self, text: str | None = None) -> None:
        """Register with ReportLab (needed before layout, not for validation).

        With ``text``, only the fallback fonts that text needs are registered
        (the CJK font costs a fifth of a second and most of the memory); the
        others are switched off for this build.
        """
        from reportlab.lib.fonts import addMapping

        for role, f in list(self.faces.items()):
            f.rl_name = register(f.path, role)
        needed = self.fallback if text is None else self.needed_fallbacks(text)
        self.active_fallback = [f for f in self.fallback if f in needed]
        for i, f in enumerate(self.fallback):
            if f in needed:
                f.rl_name = register(f.path, f"fallback{i}")
        body = self.faces
        family = body["regular"].rl_name
        addMapping(family, 0, 0, body["regular"].rl_name)
        addMapping(family, 1, 0, body["bold"].rl_name)
        addMapping(family, 0, 1, body["italic"].rl_name)
        addMapping(family, 1, 1, body["bold_italic"].rl_name)
        heading = body["heading"].rl_name
        addMapping(heading, 0, 0, heading)
        addMapping(heading, 1, 0, body["heading_bold"].rl_name)
        addMapping(heading, 0, 1, heading)
        addMapping(heading, 1, 1, body["heading_bold"].rl_name)
        for f in self.active_fallback or []:
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(f.rl_name, bold, italic, f.rl_name)

    def name(self, face: str) -> str:
        return self.faces[face].rl_name


def load_fontset(spec: dict[str, object], base: Path | None, display: str) -> FontSet:
    """Check the fonts a brand names (paths relative to ``base``), shipped ones for the rest."""
    shipped = shipped_font_dir()
    problems = []

    def resolve(value: str | None, default: str) -> Path:
        return (base / value) if (value and base) else Path(value) if value else shipped / default

    own_body = bool(spec.get("regular"))
    faces: dict[str, FontFile] = {}
    failed: set[Path] = set()  # a broken file is reported once, not for every face that inherits it
    for role in (*FACES, "heading", "heading_bold"):
        value = spec.get(role)
        if not value and own_body and role not in ("heading", "heading_bold"):
            value = spec.get("regular") if role != "bold_italic" else (spec.get("bold") or spec.get("regular"))
        if not value and own_body and role in ("heading", "heading_bold"):
            value = spec.get("bold" if role == "heading_bold" else "regular") or spec.get("regular")
        path = resolve(value, DEFAULT_FONTS[role])
        if path in failed:
            continue
        try:
            faces[role] = FontFile(path, "", check_font(path, display))
        except BriefingError as exc:
            failed.add(path)
            problems.extend(p.__class__(p.message, p.file, p.line, p.column, f"fonts.{role}") for p in exc.problems)
    fallback_spec = spec.get("fallback")
    fallback_paths = [resolve(v, v) for v in fallback_spec] if fallback_spec is not None else \
        [shipped / name for name in DEFAULT_FALLBACK]
    fallback = []
    for i, path in enumerate(fallback_paths):
        try:
            fallback.append(FontFile(path, "", check_font(path, display)))
        except BriefingError as exc:
            problems.extend(p.__class__(p.message, p.file, p.line, p.column, f"fonts.fallback[{i}]")
                            for p in exc.problems)
    if problems:
        raise BriefingError(problems)
    return FontSet(faces, fallback)
