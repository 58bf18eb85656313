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
    font_writer().realise(canvas._doc)
