"""Tagged PDF from ReportLab: marked content, the structure tree, PDF/A metadata.

ReportLab's open-source edition writes no structure. This module adds it
*while* the document is drawn, from the logical tree of
:mod:`briefing_pdf.document` (never guessed from the page):

* Everything drawn for a node is a marked-content sequence with an MCID
  (``/P <</MCID 3>> BDC … EMC``), numbered from 0 per page. A node drawn in
  several pieces (a paragraph split over columns or pages) gets one MCID per
  piece, all listed in its one structure element.
* Furniture — footer, masthead band, rules, band backgrounds, callout tints,
  dot leaders, bullets — is ``/Artifact``.
* Inside a paragraph's text object, links, language spans and broken words
  get their own MCIDs (see :class:`TaggedParagraph`). A word broken at a line
  end is inside a ``Span`` element whose ``/ActualText`` is the covered text
  without the inserted hyphen, so a reader hears "Zusammenarbeit", not
  "Zusam- menarbeit".
* At save, :meth:`Tagger.finish` writes the structure elements (kids in
  drawing order, which is reading order here), the ParentTree, the role map,
  ``/MarkInfo``, ``/StructParents`` and ``/Tabs /S`` on pages, and gives
  every link annotation ``/Contents``, ``/F 4`` (print), ``/StructParent``
  and an OBJR in its ``Link`` element.

:func:`add_pdfa` writes what PDF/A-2 needs besides: XMP metadata that
repeats the Info dictionary (with ``pdfaid`` and, for PDF/UA, ``pdfuaid``
and its extension schema) and an sRGB output intent.

Standards (``--pdf-standard``): ``ua-1+a-2a`` (default: tags and both
identifications), ``a-2b`` (PDF/A-2b only: metadata and output intent, no
tags), ``none`` (plain ReportLab output, for speed comparisons).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFObject, PDFObjectReference,
                                      PDFStream, PDFString)

from .document import INLINE_TYPES, ROLE_MAP, Node, Text, script_lang

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

ARTIFACT_LAYOUT = "/Artifact <</Type /Layout>> BDC"
ARTIFACT_FOOTER = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"


_PLAIN = re.compile(r"[ -'*-\[\]-~]*")  # printable ASCII without ( ) \\
#: Characters PDFDocEncoding shares with Latin-1 (ISO 32000-1 Annex D), besides ASCII.
_DOC_LATIN = re.compile(r"[ -~\u00a1-\u00ac\u00ae-\u00ff]*")


def _pdf_text(value: str) -> str:
    """A PDF text string, written at C speed (ReportLab's escaping is pure Python): a
    literal when PDFDocEncoding has every character (German text), else UTF-16BE hex."""
    if _PLAIN.fullmatch(value):
        return f"({value})"
    if _DOC_LATIN.fullmatch(value):  # (the caller encodes the object as Latin-1)
        # (three replaces: str.translate with a mapping is several times slower)
        return "(" + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


class Element:
    """A structure element being collected: its node, parent and kids in drawing order."""

    __slots__ = ("node", "type", "parent", "kids", "name", "ref", "actual")

    def __init__(self, node: Node | None, type_: str, parent: "Element | None") -> None:
        self.node, self.type, self.parent = node, type_, parent
        self.kids: list = []  # Element | ("mcid", page, n) | ("objr", page, annot name)
        self.actual: list[str] | None = None
        # (``name``, its object's name in the document, and ``ref``, the reference to it
        # as in "12 0 R", are given at finish)


class Tagger:
    """Collects marked content and annotations during one build; writes the tree at save."""

    def __init__(self, document: Node) -> None:
        self.document = document
        self.parents: dict[int, Node] = {}
        parents, stack = self.parents, [document]
        while stack:  # Node.walk's order, in a loop (its nested generators cost twice as much)
            node = stack.pop()
            below = [kid for kid in node.kids if isinstance(kid, Node)]
            for kid in below:
                parents[id(kid)] = node
            stack += reversed(below)
        self.root = Element(document, "Document", None)
        self.elements: dict[int, Element] = {id(document): self.root}
        self.page_mcids: dict[int, list[Element]] = {}   # page -> the element of each MCID
        self.annotations: list[tuple[int, str, Element]] = []  # (page, annotation name, element)
        #: The Span of a broken word whose rest is still to be drawn, per paragraph node.
        self.pending: dict[int, Element] = {}
        self.links_drawn: list[Element] = []
        self.open_node: Node | None = None
        self.order: list[Element] = []  # every element in reading order, from finish
        self.written: list["_Element"] = []  # the objects of the elements, and
        self.parent_tree: "_ParentTree | None" = None  # of the ParentTree, in the document

    # -- elements ------------------------------------------------------------------------

    def element(self, node: Node) -> Element:
        """The element of a node, attached to its parent's on first use (drawing order)."""
        el = self.elements.get(id(node))
        if el is None:
            parent_node = self.parents.get(id(node))
            parent = self.element(parent_node) if parent_node is not None else self.root
            el = self.elements[id(node)] = Element(node, node.type, parent)
            parent.kids.append(el)
        return el

    def word_span(self, owner: Node) -> Element:
        """A new Span element for a hyphenated word, inside the element of ``owner``."""
        parent = self._opened(owner)
        el = Element(None, "Span", parent)
        el.actual = []
        parent.kids.append(el)
        return el

    # -- marked content -------------------------------------------------------------------

    def bdc(self, canvas: "Canvas", el: Element) -> str:
        """The BDC operator that starts a new piece of ``el`` (registers the MCID)."""
        page = canvas.getPageNumber()
        seq = self.page_mcids.get(page)
        if seq is None:
            seq = self.page_mcids[page] = []
        n = len(seq)
        seq.append(el)
        el.kids.append(("mcid", page, n))
        return f"/{el.type} <</MCID {n}>> BDC"

    def begin(self, canvas: "Canvas", node: Node) -> None:
        canvas.addLiteral(self.bdc(canvas, self.element(node)))

    def end(self, canvas: "Canvas") -> None:
        canvas.addLiteral("EMC")

    # -- inside a paragraph's text object (the marks of TaggedParagraph) ---------------------

    def mark(self, canvas: "Canvas", kind: str, label) -> list[str] | None:
        """What one mark inside a paragraph's lines does to the tree, and the operators it
        writes into the text object where it stands (None: nothing to write). Called in
        drawing order: TaggedParagraph makes a line's marks as drawPara asks for the line's
        runs, right before drawing it."""
        return _MARKS[kind](self, canvas, label)

    def _open(self, canvas, label):
        para, node = label
        span = self.pending.get(id(para))
        self.open_node = None if span is not None else node
        return [self.bdc(canvas, span if span is not None else self._opened(node))]

    def _switch(self, canvas, node):
        self.open_node = node
        return ["EMC", self.bdc(canvas, self._opened(node))]

    def _word(self, canvas, label):
        para, owner, text = label
        span = self.pending[id(para)] = self.word_span(owner)
        span.actual.append(text)
        self.open_node = None
        return ["EMC", self.bdc(canvas, span)]

    def _more(self, canvas, label):  # (word_more, lmore: the next piece of a Span's text)
        span = self.pending.get(id(label[0]))
        if span is not None:
            span.actual.append(label[1])
        return None

    def _word_end(self, canvas, label):
        para, text, node = label
        span = self.pending.pop(id(para), None)
        if span is not None:
            span.actual.append(text)
        if span is not None or node is not self.open_node:
            self.open_node = node
            return ["EMC", self.bdc(canvas, self._opened(node))]
        return None

    def _close(self, canvas, para):
        if para is not None:
            self.pending.pop(id(para), None)
        return ["EMC"]

    def _lopen(self, canvas, label):  # first line of a piece whose text is all its block's
        para, starts, text, lead = label
        span = self.pending.get(id(para))
        if span is not None:
            span.actual.append(text)
        elif starts:
            span = self.pending[id(para)] = self.word_span(para)
            span.actual.append(" " + text if lead else text)
        self.open_node = None if span is not None else para
        return [self.bdc(canvas, span if span is not None else self.element(para))]

    def _lspan(self, canvas, label):
        para, text = label
        span = self.pending[id(para)] = self.word_span(para)
        span.actual.append(text)
        self.open_node = None
        return ["EMC", self.bdc(canvas, span)]

    def _lend(self, canvas, para):  # the chain of broken lines ends with this line
        if self.pending.pop(id(para), None) is not None:
            self.open_node = para
            return ["EMC", self.bdc(canvas, self.element(para))]
        return None

    def _opened(self, node: Node) -> Element:
        """The element of a node whose text starts here; links are noted for their annotations."""
        el = self.elements.get(id(node)) or self.element(node)
        probe: Element | None = el
        while probe is not None and probe.node is not None and probe.node.type in INLINE_TYPES:
            if probe.type == "Link" and probe not in self.links_drawn:
                self.links_drawn.append(probe)
            probe = probe.parent
        return el

    def link_for(self, annot, block: Node) -> Element:
        """The Link element a new annotation belongs to: same target among the links just drawn."""
        uri = _annotation_target(annot)
        for el in self.links_drawn:
            if el.node is not None and el.node.href == uri:
                return el
        if self.links_drawn:
            return self.links_drawn[0]
        # (not seen opening: the link's text lies wholly inside a broken-word Span)
        link = next((n for n in block.walk() if n.type == "Link" and n.href == uri), None) or \
            next((n for n in block.walk() if n.type == "Link"), None)
        return self.element(link if link is not None else block)

    # -- annotations --------------------------------------------------------------------

    def annotations_since(self, canvas: "Canvas", count: int) -> list[str]:
        return [f"Annot.NUMBER{i}" for i in range(count + 1, canvas._annotationCount + 1)]

    def add_annotation(self, canvas: "Canvas", name: str, el: Element) -> None:
        page = canvas.getPageNumber()
        self.annotations.append((page, name, el))
        el.kids.append(("objr", page, name))

    # -- writing --------------------------------------------------------------------------

    def finish(self, canvas: "Canvas") -> None:
        """Write the structure tree into the document (called from ``Canvas.save``)."""
        doc = canvas._doc
        num = doc.idToObjectNumberAndVersion
        pages = doc.Pages.pages
        page_refs = {i + 1: "%d %d R" % num[doc.Reference(p).name] for i, p in enumerate(pages)}
        elements = self.order = self._in_order(self.root)
        for i, p in enumerate(pages):
            _extend_keys(p, "StructParents", "Tabs")
            p.StructParents = i
            if p.Annots:
                p.Tabs = PDFName("S")
        entries: list[tuple[int, list[Element] | Element]] = [
            (page - 1, self.page_mcids.get(page, [])) for page in range(1, len(pages) + 1)]
        key = len(pages)
        for page, name, el in self.annotations:
            entries.append((key, el))
            _amend_annotation(doc.idToObject[name], key, _contents(el))
            key += 1
        written = self.written
        for i, el in enumerate(elements):  # (numbered now: each reference is written once)
            el.name = name = f"SE{i}"
            obj = _Element(el, page_refs)
            written.append(obj)
            doc.Reference(obj, name)
            el.ref = "%d %d R" % num[name]
        self.parent_tree = _ParentTree(entries)
        root = PDFDictionary({
            "Type": PDFName("StructTreeRoot"),
            "K": PDFArray([PDFObjectReference(elements[0].name)]),
            "ParentTree": doc.Reference(self.parent_tree),
            "ParentTreeNextKey": key,
            "RoleMap": PDFDictionary({k: PDFName(v) for k, v in ROLE_MAP.items()}),
        })
        cat = doc.Catalog
        cat.StructTreeRoot = doc.Reference(root, "StructTreeRoot")
        cat.MarkInfo = PDFDictionary({"Marked": "true"})

    def release(self) -> None:
        """Drop the element graph once the PDF is written. Elements point at their parents
        and parents at their kids: without this, only the cyclic collector could free them
        (a few thousand objects per build, collected at a cost right after the build).
        The document's nodes are let go too: the canvas class that holds this tagger is
        cyclic garbage, which would keep the whole logical tree for the collector."""
        for el in self.order or self._in_order(self.root):
            el.parent = None
            el.kids = []
        for obj in self.written:  # (the document may live on, as cyclic garbage)
            obj.el = None
        if self.parent_tree is not None:
            self.parent_tree.entries = []
        self.order, self.written, self.parent_tree = [], [], None
        self.elements.clear()
        self.page_mcids.clear()
        self.pending.clear()
        self.links_drawn = []
        self.parents.clear()
        self.annotations = []
        self.root.node = self.document = self.open_node = None

    def _in_order(self, root: Element) -> list[Element]:
        """Every element, depth first. (Elements are made only when something is drawn for
        them or below them, so none is empty.)"""
        out: list[Element] = []
        _collect(root, out)
        return out


#: The marks by kind (see TaggedParagraph).
_MARKS = {"open": Tagger._open, "switch": Tagger._switch, "word": Tagger._word, "word_more": Tagger._more,
          "word_end": Tagger._word_end, "close": Tagger._close, "lopen": Tagger._lopen, "lspan": Tagger._lspan,
          "lmore": Tagger._more, "lend": Tagger._lend}


def _collect(el: Element, out: list) -> None:
    """``el`` and the elements below it into ``out``, depth first. (Recursion: the tree is
    as deep as the document, a dozen levels; it is the quickest walk here.)"""
    out.append(el)
    for kid in el.kids:
        if kid.__class__ is Element:
            _collect(kid, out)


class _Element(PDFObject):
    """A structure element, written straight from the collected :class:`Element` when the
    document is formatted. A piece of content on the element's own page (``/Pg``) is its
    bare MCID; one on another page an MCR dictionary.

    The tree has an object per element and an entry per piece of content; ReportLab's
    general dictionary formatting costs several times more than this, and the tagged
    build may cost at most 10 % more than an untagged one. So the references are texts
    made once at :meth:`Tagger.finish` (``Element.ref``, the pages'), where ReportLab has
    numbered the objects already (it numbers an object when it is registered).
    """

    __slots__ = ("el", "pages")

    def __init__(self, el: Element, pages: dict[int, str]) -> None:
        self.el, self.pages = el, pages  # pages: page number -> reference text

    def format(self, document) -> bytes:
        el, pages = self.el, self.pages
        parent = el.parent
        out = ["<< /S /", el.type, " /P ",  # (/Type /StructElem is optional)
               parent.ref if parent is not None else
               "%d %d R" % document.idToObjectNumberAndVersion["StructTreeRoot"]]
        home = None
        kids = []
        for kid in el.kids:
            if kid.__class__ is Element:
                kids.append(kid.ref)
                continue
            kind, page, n = kid
            if home is None:
                home = page
            if kind == "mcid":
                kids.append(str(n) if page == home else f"<< /Type /MCR /Pg {pages[page]} /MCID {n} >>")
            else:
                kids.append("<< /Type /OBJR /Pg %s /Obj %d %d R >>" % (
                    pages[page], *document.idToObjectNumberAndVersion[n]))
        if home is not None:
            out += [" /Pg ", pages[home]]
        out += [" /K [", " ".join(kids), " ]"] if kids else [" /K []"]
        node = el.node
        if node is not None:
            if node.lang:
                out += [" /Lang ", _pdf_text(node.lang)]
            if node.alt:
                out += [" /Alt ", _pdf_text(node.alt)]
            if node.title and node.type in ("Sect", "Art"):
                out += [" /T ", _pdf_text(node.title)]
        if el.actual is not None:
            actual = "".join(el.actual)
            text = _pdf_text(actual)
            out += [" /ActualText ", text]
            # (a literal holds Latin-1 letters only: no CJK, no language to give)
            lang = None if text[0] == "(" else script_lang(actual)
            if lang:
                out += [" /Lang ", _pdf_text(lang)]
        out.append(" >>")
        return "".join(out).encode("latin-1")


class _ParentTree(PDFObject):
    """The ParentTree number tree (one flat /Nums array): per page the elements of its MCIDs,
    per annotation its Link element."""

    def __init__(self, entries: list) -> None:
        self.entries = entries

    def format(self, document) -> bytes:
        out = ["<< /Nums ["]
        for key, value in self.entries:
            if value.__class__ is Element:
                out.append(f" {key} {value.ref}")
            else:
                out.append(f" {key} [{' '.join([el.ref for el in value])}]")
        out.append(" ] >>")
        return "".join(out).encode("latin-1")


def _contents(el: Element) -> str:
    """A link's alternative text: what it says, else where it goes."""
    node = el.node
    text = " ".join(node.plain_text().split()) if node is not None else ""
    return text or (node.href if node is not None and node.href else "link")


def _annotation_target(annot) -> str | None:
    if isinstance(annot, PDFDictionary):
        action = annot.dict.get("A")
        uri = action.dict.get("URI") if isinstance(action, PDFDictionary) else None
        return getattr(uri, "s", None)
    dest = getattr(annot, "Destination", None)
    return "#" + dest.name if hasattr(dest, "name") else None


def _extend_keys(obj, *keys: str) -> None:
    """ReportLab writes only the keys in ``__NoDefault__``: add some for one object."""
    names = list(obj.__NoDefault__)
    for k in keys:
        if k not in names:
            names.append(k)
    obj.__NoDefault__ = names


def _amend_annotation(annot, key: int, contents: str) -> None:
    """Give a link annotation its /StructParent, /Contents and the Print flag."""
    if isinstance(annot, PDFDictionary):  # canvas.linkURL
        annot.dict["StructParent"] = key
        annot.dict["Contents"] = PDFString(contents)
        annot.dict["F"] = 4
    else:  # pdfdoc.LinkAnnotation (canvas.linkRect): only "permitted" keys are written
        annot.permitted = tuple(annot.permitted) + ("StructParent",)
        annot.otherkw["StructParent"] = key
        annot.otherkw["F"] = 4
        annot.Contents = contents


# --------------------------------------------------------------------------- context helpers


def tagger_of(canvas) -> Tagger | None:
    return getattr(canvas, "tagger", None)


class artifact:
    """``with artifact(canvas):`` wraps what is drawn inside as furniture (no-op untagged)."""

    def __init__(self, canvas, opener: str = ARTIFACT_LAYOUT) -> None:
        self.canvas, self.opener = canvas, opener
        self.on = tagger_of(canvas) is not None

    def __enter__(self):
        if self.on:
            self.canvas.addLiteral(self.opener)
        return self

    def __exit__(self, *exc):
        if self.on:
            self.canvas.addLiteral("EMC")
        return False


class marked:
    """``with marked(canvas, node):`` wraps what is drawn inside as one piece of ``node``."""

    def __init__(self, canvas, node: Node | None) -> None:
        self.canvas, self.node = canvas, node
        self.tagger = tagger_of(canvas) if node is not None else None

    def __enter__(self):
        if self.tagger is not None:
            self.tagger.begin(self.canvas, self.node)
        return self

    def __exit__(self, *exc):
        if self.tagger is not None:
            self.tagger.end(self.canvas)
        return False


# --------------------------------------------------------------------------- PDF/A


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB ICC profile from lcms (via Pillow), its creation time blanked (reproducible).

    Kept in the disk cache under Pillow's version (which fixes the lcms it
    bundles): importing ``ImageCms`` and building the profile is ~2.5 ms of
    every one-shot build, reading it back a few microseconds.
    """
    import hashlib

    import PIL

    from .cache import cached

    key = "srgb-" + hashlib.sha256(f"srgb|1|{PIL.__version__}".encode()).hexdigest()[:24]
    return cached(key, _make_srgb_profile, bytes, _checked_icc)


def _make_srgb_profile() -> bytes:
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = bytes(12)  # dateTimeNumber: lcms writes the current time here
    return bytes(data)


def _checked_icc(data: bytes) -> bytes:
    """A cached profile, if it is whole: an ICC header whose size field is the length."""
    if len(data) < 128 or data[36:40] != b"acsp" or int.from_bytes(data[:4], "big") != len(data):
        raise ValueError("not an ICC profile")
    return data


def _xmp_date(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xmp_packet(info: dict[str, str], lang: str, epoch: int, standard: str) -> bytes:
    """XMP metadata repeating the Info entries, with the PDF/A (and PDF/UA) identification."""
    date = _xmp_date(epoch)
    ua = standard.startswith("ua-1")
    conformance = "A" if standard.endswith("a-2a") else "B"
    ua_schema = """
   <rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
     <pdfaProperty:name>part</pdfaProperty:name>
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
     <pdfaProperty:category>internal</pdfaProperty:category>
     <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li>""" if ua else ""
    extension = f"""
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas><rdf:Bag>{ua_schema}
   </rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>""" if ua else ""
    ua_id = '\n  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">' \
            "<pdfuaid:part>1</pdfuaid:part></rdf:Description>" if ua else ""
    keywords = f"<pdf:Keywords>{_x(info.get('Keywords', ''))}</pdf:Keywords><pdf:Trapped>False</pdf:Trapped>"
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_x(info['Title'])}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{_x(info['Author'])}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_x(info['Subject'])}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{_x(lang)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{_x(info['Creator'])}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{_x(info['Producer'])}</pdf:Producer>{keywords}
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part><pdfaid:conformance>{conformance}</pdfaid:conformance>
  </rdf:Description>{ua_id}{extension}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def add_pdfa(canvas: "Canvas", lang: str, epoch: int, standard: str) -> None:
    """XMP metadata, the sRGB output intent and printable annotations (PDF/A-2), before the
    document is written."""
    doc = canvas._doc
    for name, annot in list(doc.idToObject.items()):
        if name.startswith("Annot."):  # PDF/A: every annotation prints (/F 4)
            if isinstance(annot, PDFDictionary):
                annot.dict["F"] = 4
            else:
                annot.otherkw["F"] = 4
    info = doc.info
    values = {"Title": info.title, "Author": info.author, "Subject": info.subject,
              "Creator": info.creator, "Producer": info.producer, "Keywords": info.keywords or ""}
    xmp = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                    xmp_packet(values, lang, epoch, standard), filters=[])
    profile = PDFStream(PDFDictionary({"N": 3}), srgb_profile())
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
        "Info": PDFString("sRGB IEC61966-2.1"),
        "DestOutputProfile": doc.Reference(profile),
    })
    cat = doc.Catalog
    _extend_keys(cat, "OutputIntents")
    cat.Metadata = doc.Reference(xmp)
    cat.OutputIntents = PDFArray([doc.Reference(intent)])


def _tagged(node: Node) -> bool:
    """Whether an inline node is a structure element of its own: a link, or a span that
    says something (its language). A span that only styles (a run-in label, a date) is
    its parent's text."""
    return node.type != "Span" or node.lang is not None


def leaf_owners(node: Node) -> list[tuple[str, Node]]:
    """(text, innermost tagged node) for every text leaf of a block, in order (line breaks
    skipped)."""
    out: list[tuple[str, Node]] = []

    def walk(n: Node, owner: Node) -> None:
        for kid in n.kids:
            if isinstance(kid, Text):
                if kid.text != "\n":
                    out.append((kid.text, owner))
            else:
                walk(kid, kid if _tagged(kid) else owner)

    walk(node, node)
    return out


# --------------------------------------------------------------------------- paragraphs

from . import linebreak as lb  # noqa: E402
from .kpparagraph import KPParagraph  # noqa: E402


class _Ops:
    """A zero-width run that writes PDF operators into the text object where it stands
    (``drawPara`` reads ``pdf_ops``): the operators of a tagging mark."""

    __slots__ = ("pdf_ops",)

    def __init__(self, ops: list[str]) -> None:
        self.pdf_ops = ops


_SPACES = re.compile(r"\s+")


def _solid(text: str) -> int:
    """How many non-space characters ``text`` has."""
    return len(text) - sum(map(len, _SPACES.findall(text)))


def assign_nodes(frags: list, block: Node) -> list:
    """Give every text fragment the node its characters belong to (innermost inline node).

    The markup was made from ``block``, so its non-space characters are the
    same as the block's text leaves, in order; a fragment that spans two nodes
    is cut in two. If the texts disagree anyway, every fragment belongs to the
    block itself (still tagged, only without inline structure).
    """
    owners = leaf_owners(block)
    if all(owner is block for _, owner in owners):
        for f in frags:
            f.node = block
        return frags
    # Where each owner's characters end, counted in non-space characters.
    ends: list[tuple[int, Node]] = []
    total = 0
    for text, owner in owners:
        n = _solid(text)
        if n:
            total += n
            if ends and ends[-1][1] is owner:
                ends[-1] = (total, owner)
            else:
                ends.append((total, owner))
    out: list = []
    pos, k = 0, 0  # characters placed; index of the owner they belong to
    for f in frags:
        text = getattr(f, "text", "")
        if not text or hasattr(f, "cbDefn") or getattr(f, "lineBreak", False):
            f.node = ends[min(k, len(ends) - 1)][1] if ends else block
            out.append(f)
            continue
        n = _solid(text)
        if k >= len(ends) or pos + n <= ends[k][0]:  # the common case: within one owner
            f.node = ends[k][1] if k < len(ends) else block
            out.append(f)
            pos += n
            if k < len(ends) and pos == ends[k][0]:
                k += 1
            continue
        start = 0
        for i, ch in enumerate(text):  # crosses owners: cut at each boundary
            if ch.isspace():
                continue
            if k < len(ends) and pos == ends[k][0]:
                out.append(f.clone(text=text[start:i], node=ends[k][1]))
                start, k = i, k + 1
            pos += 1
        out.append(f.clone(text=text[start:], node=ends[k][1] if k < len(ends) else block))
        if k < len(ends) and pos == ends[k][0]:
            k += 1
    if pos != total:
        for f in out:
            f.node = block
    return out


def _cut(runs: list, at: int) -> tuple[list, list]:
    """Runs split ``at`` characters in (a run that straddles the point is cut in two)."""
    if at <= 0:
        return [], runs
    pos = 0
    for i, (f, t) in enumerate(runs):
        if pos + len(t) >= at and t:
            k = at - pos
            if k == len(t):
                return runs[:i + 1], runs[i + 1:]
            return runs[:i] + [(f, t[:k])], [(f, t[k:])] + runs[i + 1:]
        pos += len(t)
    return runs, []


class TaggedParagraph(KPParagraph):
    """A :class:`KPParagraph` that knows its node and tags what it draws.

    Three ways, cheapest first:

    * a piece whose text is all its node's and has no broken word: one
      marked-content sequence around its whole text object;
    * otherwise, inside the text object, one sequence per stretch of one
      node. The switches are zero-width runs added to the lines
      (``_line_runs``) whose operators ``drawPara`` writes where they stand
      (:class:`_Ops`, made by :meth:`Tagger.mark`);
    * a word broken at a line end: if the lines around it hold only the
      block's own text, the lines joined by broken words form one ``Span``
      (marks at line starts and ends only); else a ``Span`` from the broken
      word's start to its end on the next line. Its ``/ActualText`` is the
      covered text without the inserted hyphen. A word that crosses a column
      or page continues its Span in the next piece (``Tagger.pending``).
    """

    def __init__(self, text, style=None, node: Node | None = None, **kwargs) -> None:
        super().__init__(text, style, **kwargs)
        self.node = node
        #: All text belongs to the block itself (no link, language span): see drawOn.
        self._tag_plain = False
        if node is not None:
            self.frags = assign_nodes(self.frags, node)
            self._tag_plain = all(getattr(f, "node", node) is node for f in self.frags)
        self._tagger: Tagger | None = None

    def _plain_piece(self, tagger: Tagger) -> bool:
        """Whether this piece is one stretch of its node: no inline nodes, no word broken at a
        line end, none carried over from the piece before. Then one marked-content sequence
        around the whole text object does, without marks in the lines (the common case)."""
        br = self.__dict__.get("_kp_breaks")
        if br is None:
            return False
        items = br.items
        self._tag_broken = broken = self._broken_lines(items, br.lines)
        return self._tag_plain and id(self.node) not in tagger.pending and not any(broken)

    def _mark(self, out: list, kind: str, label) -> None:
        """Make a mark (:meth:`Tagger.mark`) at this point of the line's runs ``out``: its
        operators become a zero-width run there. Made now, as drawPara asks for the line,
        rather than handed to a canvas callback when drawn: the same order (nothing else
        touches the tree in between), without a callback and its plumbing per mark."""
        ops = _MARKS[kind](self._tagger, self.canv, label)  # (Tagger.mark, one call less)
        if ops is not None:
            out.append((_Ops(ops), ""))

    def drawOn(self, canvas, x, y, _sW=0):
        tagger = tagger_of(canvas) if self.node is not None else None
        self._tagger, self._tag_line, self._tag_broken = tagger, 0, None
        if tagger is None:
            return super().drawOn(canvas, x, y, _sW)
        count = canvas._annotationCount
        tagger.links_drawn = []
        if self._plain_piece(tagger):
            self._tagger = None
            tagger.begin(canvas, self.node)
            super().drawOn(canvas, x, y, _sW)
            tagger.end(canvas)
        else:
            super().drawOn(canvas, x, y, _sW)
        self._tagger = None
        if canvas._annotationCount == count:  # (most paragraphs have no link)
            return
        for name in tagger.annotations_since(canvas, count):
            tagger.add_annotation(canvas, name, tagger.link_for(canvas._doc.idToObject[name], self.node))

    def _line_runs(self, items, ln):
        result = super()._line_runs(items, ln)
        if self._tagger is None:
            return result
        li = self._tag_line
        self._tag_line = li + 1
        lines = self._kp_breaks.lines
        broken = self._tag_broken
        if broken is None:
            broken = self._tag_broken = self._broken_lines(items, lines)
        if self._tag_plain:
            return (self._tail_runs(result[0], lines, li), *result[1:])
        if 0 < li < len(lines) - 1 and broken[li] is None and broken[li - 1] is None:
            # The common line: marks only where the node changes (usually none).
            cur, para = self._tag_cur, self.node
            for f, t in result[0]:
                if t and (getattr(f, "node", None) or para) is not cur:
                    break
            else:
                return result
        return (self._marked_runs(result[0], items, lines, li), *result[1:])

    @classmethod
    def _broken_lines(cls, items, lines) -> list[str | None]:
        """:meth:`_broken` of each line; a line that ends at a space (most) is told at once."""
        n = len(items)
        return [None if (end := ln.end) >= n or not items[end].is_penalty else cls._broken(items, ln)
                for ln in lines]

    @staticmethod
    def _broken(items, ln) -> str | None:
        """How a line's last word goes on: "hyphen" (a hyphen was inserted), "word" (broken
        without one: CJK, URL, explicit hyphen), or None (the word ends with the line)."""
        end = items[ln.end] if ln.end < len(items) else None
        if end is None or not end.is_penalty:
            return None
        if end.width > 0 and end.payload is not None:
            return "hyphen"
        if end.cost > -lb.INF and ln.end + 1 < len(items) and items[ln.end + 1].is_box:
            return "word"
        return None

    def _tail_runs(self, runs, lines, li) -> list:
        """Marks for a paragraph whose text is all its block's, once a line ends in a broken
        word: from that line to the paragraph's end (across columns and pages) the text is
        one Span whose /ActualText is the text without the inserted hyphens. So the block
        holds its own text only before its one child (every checker reads it in order), and
        marks sit at a piece's first and last line and where the Span starts."""
        para = self.node
        here = self._tag_broken[li]
        first, last = li == 0, li == len(lines) - 1
        pending = id(para) in self._tagger.pending  # (marks of earlier lines ran already)
        if not (first or last or pending or here is not None):
            return runs
        final = last and not getattr(self, "_JustifyLast", False)
        text = "".join([t for _, t in runs])
        if here == "hyphen":
            text = text[:-1]
        elif here is None and not final:
            text += " "  # the line ends at a word space
        out: list = []
        if first:  # opens the Span carried over from the piece before, or starts one, or the block
            self._mark(out, "lopen", (para, here is not None, text, self._kp_cont))
        elif pending:
            self._mark(out, "lmore", (para, text))
        elif here is not None:
            self._mark(out, "lspan", (para, " " + text))  # after the previous line's space
        self._tag_cur = para
        if not (out or last):  # (a line inside the Span: its text noted, nothing to write)
            return runs
        out += runs
        if last:
            self._mark(out, "close", para if final else None)
        return out

    def _chain_runs(self, runs, lines, li) -> list:
        """Marks for a piece whose text is all its block's: lines joined by broken words form
        one Span whose /ActualText is their text without the inserted hyphens. The marks sit
        at line starts and ends only, so no run is cut (cheaper than word-exact spans)."""
        broken = self._tag_broken
        para = self.node
        here = broken[li]
        after = li > 0 and broken[li - 1] is not None
        first, last = li == 0, li == len(lines) - 1
        if not (first or last or here or after):
            return runs
        text = None
        if here is not None or after or first:
            text = "".join([t for _, t in runs])
            if here == "hyphen":
                text = text[:-1]
            elif here is None and not (last and not getattr(self, "_JustifyLast", False)):
                text += " "  # the line ends at a word space: a chain ending here reads it
        out: list = []
        if first:  # (a chain starting on a continued piece's first line follows a word space)
            self._mark(out, "lopen", (para, here is not None, text, self._kp_cont))
        elif here is not None and not after:
            self._mark(out, "lspan", (para, " " + text))  # after the previous line's space
        elif after:
            self._mark(out, "lmore", (para, text))
        out += runs
        self._tag_cur = para
        if last:  # (a chain that ends here ends with the piece)
            self._mark(out, "close", None if here is not None else para)
        elif here is None and (after or first):
            self._mark(out, "lend", para)
        return out

    def _switch_runs(self, runs, para: Node, first: bool, last: bool) -> list:
        """A line without a broken word: open the piece on the first line, switch where
        the node changes, close on the last line."""
        cur = None if first else self._tag_cur
        if not (first or last):
            for f, t in runs:
                if t and (getattr(f, "node", None) or para) is not cur:
                    break
            else:
                return runs  # one node all along: nothing to mark
        out: list = []
        for run in runs:
            f, t = run
            if t:
                n = getattr(f, "node", None) or para
                if first:
                    self._mark(out, "open", (para, n))
                    cur, first = n, False
                elif n is not cur:
                    self._mark(out, "switch", n)
                    cur = n
            out.append(run)
        if first:  # a line with no text at all
            ops = self._tagger.mark(self.canv, "open", (para, para))
            out.insert(0, (_Ops(ops), ""))
            cur = para
        self._tag_cur = cur
        if last:
            self._mark(out, "close", None)
        return out

    def _marked_runs(self, runs, items, lines, li):
        """The line's runs with the marks that switch marked content (see the class doc)."""
        para = self.node
        if self._tag_broken is None:
            self._tag_broken = self._broken_lines(items, lines)
        broken = self._tag_broken[li]
        after = (li == 0 and self._kp_cont) or (li > 0 and self._tag_broken[li - 1] is not None)
        first, last = li == 0, li == len(lines) - 1
        if broken is None and not after:  # most lines: marks only where the node changes
            return self._switch_runs(runs, para, first, last)
        if all((getattr(f, "node", None) or para) is para for f, t in runs if t):
            return self._chain_runs(runs, lines, li)  # the block's own text only: whole lines
        text = "".join([t for _, t in runs])
        body = text[:-1] if broken == "hyphen" else text
        node_of = lambda f: getattr(f, "node", None) or para  # noqa: E731
        out: list = []
        cur = None if first else self._tag_cur
        if first:
            lead = next((f for f, t in runs if t), None)
            cur = node_of(lead) if lead is not None else para
            self._mark(out, "open", (para, cur))
        if after and broken is not None and " " not in body:  # one long word broken twice
            self._mark(out, "word_more", (para, body))
            out += runs
        else:
            # head: the rest of a word broken on the line before; tail: a word broken here
            head_end = (text.find(" ") if " " in text else len(text)) if after else 0
            tail_start = body.rfind(" ") + 1 if broken is not None else len(text)
            head, rest = _cut(runs, head_end)
            mid, tail = _cut(rest, tail_start - head_end)
            out += head
            if after:
                lead = next((f for f, t in mid + tail if t), None)
                cur = node_of(lead) if lead is not None else cur
                self._mark(out, "word_end", (para, text[:head_end], cur))
            for run in mid:
                f, t = run
                if t:
                    n = node_of(f)
                    if n is not cur:
                        self._mark(out, "switch", n)
                        cur = n
                out.append(run)
            if broken is not None:
                lead = next((f for f, t in tail if t), None)
                self._mark(out, "word", (para, node_of(lead) if lead is not None else cur, body[tail_start:]))
                out += tail
        self._tag_cur = cur
        if last:
            self._mark(out, "close", None)
        return out
