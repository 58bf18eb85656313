"""Writing the PDF at the end of a build: ReportLab's bytes, with less work.

``Canvas.save`` is about a sixth of a warm build. Its largest single costs
are the embedded fonts: for every font ReportLab builds a TrueType subset in
pure Python (``TTFontFile.makeSubset``, checksums included) and compresses
it, 9 ms of a build. A subset is a pure function of the face and of the
subset's character list (ReportLab fills the slots below 32 in order of first
use, ASCII keeps its own codes), and the same lists recur from build to build
whenever issues share their first non-ASCII characters (the masthead, the
contents, German quotes and umlauts). :func:`realise_fonts` therefore does
what ``PDFDocument.GetPDFData`` does first (each delayed font's
``addObjects``), in the same order, with two memos:

* **subsets**: per face (weakly held), the bytes ``makeSubset`` returned for a
  character list, the very same object on a hit;
* **compression**: :class:`MemoFlate`, ReportLab's FlateDecode filter that
  returns the compressed bytes it made before for equal content. ``zlib`` is
  deterministic for equal input and level, so a hit is the byte string a
  fresh compression would give.

Then :func:`preformat` hands the plain dictionaries and arrays among the
document's objects (link annotations, font descriptors, the fonts'
``/Widths``) to :class:`FastFormat`, which writes ReportLab's formatting of
those classes with the per-value work (numbers, names, string escapes) done
once per process instead of once per value; anything it does not know goes
to ``pdfdoc.format`` as before.

Nothing else changes: the objects, their names and their order are
ReportLab's own, so the file is byte for byte what ``Canvas.save`` writes
without this module (tests/test_pdfwrite.py builds both ways and compares;
a ReportLab upgrade that changes its objects makes that test fail rather
than the output drift).
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator
from weakref import WeakKeyDictionary

from reportlab.pdfbase.pdfdoc import PDFObject

#: Character lists remembered per face; a build uses one or two per face.
SUBSETS_PER_FACE = 8
#: Compressed streams remembered (font files and their ToUnicode maps).
COMPRESSED_STREAMS = 64


class MemoFlate:
    """ReportLab's FlateDecode filter (``pdfdoc.PDFZCompress``) with a memo of its output.

    Used for the font streams only, whose contents recur between builds;
    ``pdfname`` is the same, so the stream dictionary is written as before.
    """

    pdfname = "FlateDecode"

    def __init__(self, size: int = COMPRESSED_STREAMS) -> None:
        from reportlab.pdfbase.pdfdoc import PDFZCompress

        self.plain = PDFZCompress
        self.size = size
        self.memo: OrderedDict[bytes | str, bytes] = OrderedDict()

    def encode(self, text: bytes | str) -> bytes:
        memo = self.memo
        out = memo.get(text)
        if out is None:
            out = memo[text] = self.plain.encode(text)
            if len(memo) > self.size:
                memo.popitem(last=False)
        else:
            memo.move_to_end(text)
        return out

    def decode(self, encoded: bytes) -> bytes:
        return self.plain.decode(encoded)


class FontWriter:
    """Realises a document's fonts as ReportLab does, remembering subsets and their compression.

    One per process is enough (:func:`font_writer`); the memos hold at most
    :data:`SUBSETS_PER_FACE` subsets per face and :data:`COMPRESSED_STREAMS`
    compressed streams.
    """

    def __init__(self) -> None:
        self.subsets: WeakKeyDictionary = WeakKeyDictionary()
        self.flate = MemoFlate()

    def realise(self, doc) -> None:
        """Each delayed font's objects, exactly as ``GetPDFData`` would add them first.

        ``doc.delayedFonts`` is emptied, so ``GetPDFData`` finds nothing left
        to do for them. Streams of the fonts compress through :attr:`flate`.
        """
        from reportlab.pdfbase.pdfdoc import PDFZCompress

        fonts, doc.delayedFonts = doc.delayedFonts, []
        before = set(doc.idToObject)
        for font in fonts:
            with self._remembering(getattr(font, "face", None)):
                font.addObjects(doc)
        for name, obj in doc.idToObject.items():
            if name not in before and (name.startswith("fontFile:") or name.startswith("toUnicodeCMap:")):
                if getattr(obj, "filters", None) == [PDFZCompress]:
                    obj.filters = [self.flate]

    @contextmanager
    def _remembering(self, face) -> Iterator[None]:
        """While one font adds its objects, its face's ``makeSubset`` answers from the memo."""
        original = getattr(face, "makeSubset", None)
        if original is None or not hasattr(face, "__dict__"):
            yield  # not a TrueType face we know (or a stand-in): ReportLab's way
            return
        memo = self.subsets.get(face)
        if memo is None:
            memo = self.subsets[face] = OrderedDict()

        def make_subset(subset):
            key = tuple(subset)
            data = memo.get(key)
            if data is None:
                data = memo[key] = original(subset)
                if len(memo) > SUBSETS_PER_FACE:
                    memo.popitem(last=False)
            else:
                memo.move_to_end(key)
            return data

        face.makeSubset = make_subset  # this instance only, for the length of addObjects
        try:
            yield
        finally:
            del face.makeSubset


@lru_cache(maxsize=1)
def font_writer() -> FontWriter:
    """The process's font writer (its memos serve every build in the process)."""
    return FontWriter()


def prepare(canvas) -> None:
    """The last steps of ``Canvas.save`` before the document is formatted, done the cheap way.

    ``Canvas.save`` first shows a pending page, then ``GetPDFData`` adds the
    delayed fonts' objects. Both happen here, in that order, so the call to
    ``Canvas.save`` that follows only formats the document.
    """
    if canvas._code:
        canvas.showPage()
    doc = canvas._doc
    font_writer().realise(doc)
    preformat(doc, fast_format())


@lru_cache(maxsize=1)
def fast_format() -> "FastFormat":
    """The process's formatter (its memos of names, numbers and strings serve every build)."""
    return FastFormat()


def preformat(doc, fast: "FastFormat") -> None:
    """Let :class:`FastFormat` write the plain dictionaries and arrays among the document's
    objects (link annotations, font descriptors, the structure root …), the dictionaries
    of annotations formatted the base class's way (internal links) and the fonts'
    ``/Widths``. Called when nothing but formatting is left to do."""
    from reportlab.pdfbase.pdfdoc import Annotation, PDFArray, PDFDictionary, PDFTrueTypeFont

    objects = doc.idToObject
    for name, obj in list(objects.items()):
        cls = obj.__class__
        if cls is PDFDictionary or cls is PDFArray:
            objects[name] = Preformatted(obj, fast)
        elif isinstance(obj, Annotation) and cls.format is Annotation.format:  # (LinkAnnotation)
            objects[name] = Preformatted(obj, fast)
        elif cls is PDFTrueTypeFont and getattr(obj, "Widths", None).__class__ is PDFArray:
            obj.Widths = Preformatted(obj.Widths, fast)


# --------------------------------------------------------------------------- formatting

class FastFormat:
    """ReportLab's formatting of plain PDF values, with the per-value work done once.

    ReportLab formats every value through ``pdfdoc.format``: each number goes
    through ``fp_str`` and a Python codec, each name through ``PDFName`` and
    the codec, each string through a per-character escape loop. A build's
    link annotations, font widths and descriptors are ~4000 such values.
    This writes the same bytes for the exact classes it knows —
    ``PDFDictionary``, ``PDFArray``, ``PDFString`` (unencrypted, automatic
    encoding), ``PDFObjectReference``, names and other ``str``, ``int``,
    ``float``, ``bytes`` — and hands everything else (subclasses included)
    to ``pdfdoc.format``. Names, numbers and strings are remembered.
    """

    def __init__(self) -> None:
        from reportlab import rl_config
        from reportlab.pdfbase import pdfdoc

        self.pdfdoc, self.rl_config = pdfdoc, rl_config
        self.text: dict[str, bytes] = {}     # str value -> its bytes (names mostly)
        self.names: dict[str, bytes] = {}    # dictionary key -> b"/Key "
        self.numbers: dict = {}              # int/float -> bytes (keyed by type too)
        # escapePDF on bytes, at C speed: each byte to its escape (Latin-1 code point = byte)
        table = {c: "\\%03o" % c for c in range(256) if c < 32 or c >= 127}
        table.update({ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"})
        self.escapes = str.maketrans(table)

    def value(self, v, document) -> bytes:
        """``pdfdoc.format(v, document)`` for a value inside a dictionary or an array."""
        pdfdoc = self.pdfdoc
        cls = v.__class__
        if cls is str:
            out = self.text.get(v)
            if out is None:
                if len(self.text) > 100000:
                    self.text.clear()
                out = self.text[v] = pdfdoc.pdfdocEnc(v)
            return out
        if cls is int or cls is float:
            key = (cls, v)
            out = self.numbers.get(key)
            if out is None:
                if len(self.numbers) > 100000:
                    self.numbers.clear()
                out = self.numbers[key] = pdfdoc.pdfdocEnc(pdfdoc.fp_str(v))
            return out
        if cls is pdfdoc.PDFObjectReference:
            return ("%s %s R" % document.idToObjectNumberAndVersion[v.name]).encode("ascii")
        if cls is pdfdoc.PDFArray:
            return self.array(v, document)
        if cls is pdfdoc.PDFDictionary:
            return self.dictionary(v, document)
        if cls is pdfdoc.PDFString:
            out = self.string(v, document)
            if out is not None:
                return out
        elif cls is bytes:
            return v
        return pdfdoc.format(v, document)

    def dictionary(self, d, document) -> bytes:
        """``PDFDictionary.format``: keys sorted (unless ordered), six entries to a line."""
        items = d.dict
        keys = list(items.keys())
        if not isinstance(items, OrderedDict):
            keys.sort()
        names, value = self.names, self.value
        parts = []
        for k in keys:
            name = names.get(k)
            if name is None:
                name = names[k] = self.pdfdoc.format(self.pdfdoc.PDFName(k), document) + b" "
            parts.append(name + value(items[k], document))
        return b"<<\n" + self._lines(parts, d.multiline, 6) + b"\n>>"

    def array(self, a, document) -> bytes:
        """``PDFArray.format``: ten elements to a line."""
        value = self.value
        return b"[ " + self._lines([value(e, document) for e in a.sequence], a.multiline, 10) + b" ]"

    def _lines(self, parts: list, multiline, per_line: int) -> bytes:
        """ReportLab's layout of dictionary entries or array elements: one per line when
        the object asks for it, else ``per_line`` to a line."""
        if (multiline and self.rl_config.pdfMultiLine) or multiline == "forced":
            return b"\n ".join(parts)
        for i in reversed(range(per_line, len(parts), per_line)):
            parts.insert(i, b"\n ")
        return b" ".join(parts)

    def string(self, s, document) -> bytes | None:
        """``PDFString.format`` for text in the usual case (else None: ReportLab's own)."""
        pdfdoc = self.pdfdoc
        text = s.s
        if (text.__class__ is not str or getattr(s, "enc", "auto") != "auto" or getattr(s, "escape", 1) != 1
                or not isinstance(document.encrypt, pdfdoc.NoEncryption)):
            return None
        try:
            raw = text.encode("pdfdoc")
        except UnicodeEncodeError:
            raw = b"\xfe\xff" + text.encode("utf_16_be")
        # escapePDF's output is printable ASCII, which the PDFDocEncoding codec keeps as is.
        return ("(" + raw.decode("latin-1").translate(self.escapes) + ")").encode("ascii")


class Preformatted(PDFObject):
    """Stands in for a document object: writes it through :class:`FastFormat`.

    Placed into ``doc.idToObject`` under the object's name once nothing but
    formatting is left to do, so references (which go by name) find it. An
    annotation is written as ``Annotation.format`` writes it: its ``Dict()``.
    """

    def __init__(self, obj, fast: FastFormat) -> None:
        self.obj, self.fast = obj, fast
        comment = getattr(obj, "__Comment__", None)
        if comment is not None:  # (ReportLab writes it only with comments on, not invariant)
            self.__Comment__ = comment

    def format(self, document) -> bytes:
        obj, fast = self.obj, self.fast
        cls = obj.__class__
        if cls is fast.pdfdoc.PDFDictionary:
            return fast.dictionary(obj, document)
        if cls is fast.pdfdoc.PDFArray:
            return fast.array(obj, document)
        return fast.dictionary(obj.Dict(), document)  # an annotation: what Annotation.format formats
