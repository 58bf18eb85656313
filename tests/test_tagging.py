"""Tagged PDF/UA-1 + PDF/A-2a: assertions on the PDF itself (structure tree, marked
content, annotations, metadata, fonts) and, where installed, the shared checker,
outloud and poppler as second opinions."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

import pdftools

ROOT = Path(__file__).resolve().parents[1]
PDFUA = ROOT.parent / "shared" / "tools" / "pdfua.py"
OUTLOUD = shutil.which("outloud") or (str(Path(sys.executable).with_name("outloud"))
                                       if Path(sys.executable).with_name("outloud").exists() else None)


def _reference_tokens(built) -> list[str]:
    from briefing_pdf.reference import reference_text

    return pdftools.tokens(reference_text(built.issue, built.theme))


# --------------------------------------------------------------------------- the samples


def test_catalog_and_pages(full_sample):
    with pikepdf.open(full_sample.pdf) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert root.Lang == full_sample.issue.language
        assert root.ViewerPreferences.DisplayDocTitle is True
        tree = root.StructTreeRoot
        assert tree.RoleMap.Aside == "/Div"
        assert tree.K[0].S == "/Document" and tree.K[0].P.objgen == tree.objgen
        nums = list(tree.ParentTree.Nums)
        keys = [int(k) for k in nums[0::2]]
        assert int(tree.ParentTreeNextKey) == max(keys) + 1
        for i, page in enumerate(pdf.pages):
            assert int(page.obj.StructParents) == i
            if "/Annots" in page.obj and len(page.obj.Annots):
                assert page.obj.Tabs == "/S"


def _struct_elements(pdf) -> list:
    """Every structure element below the StructTreeRoot, depth first."""
    out, stack = [], [pdf.Root.StructTreeRoot.K[0]]
    while stack:
        el = stack.pop()
        out.append(el)
        stack += [k for k in el.K if isinstance(k, pikepdf.Dictionary) and "/S" in k]
    return out


def test_structure_references_agree(full_sample, hard):
    """The reference texts written for the tree (made once per element at save) point at the
    right objects: every kid's /P is its element, every bare MCID is on the element's /Pg page
    and the ParentTree lists, for each page, the element of each MCID at its index."""
    for built in (full_sample, hard):
        with pikepdf.open(built.pdf) as pdf:
            pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
            tree = pdf.Root.StructTreeRoot
            nums = tree.ParentTree.Nums
            parent_tree = dict(zip((int(k) for k in nums[0::2]), nums[1::2]))
            found: dict[tuple[int, int], tuple] = {}  # (page, MCID) -> element
            elements = _struct_elements(pdf)
            assert len(elements) > 20
            for el in elements:
                for kid in el.K:
                    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                        assert kid.P.objgen == el.objgen
                    elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                        found[(pages[kid.Pg.objgen], int(kid.MCID))] = el.objgen
                    elif not isinstance(kid, pikepdf.Dictionary):
                        found[(pages[el.Pg.objgen], int(kid))] = el.objgen
            assert found
            for (page, mcid), owner in found.items():
                key = int(pdf.pages[page].obj.StructParents)
                assert parent_tree[key][mcid].objgen == owner
            for i, page in enumerate(pdf.pages):  # and nothing listed that no element claims
                listed = parent_tree[int(page.obj.StructParents)]
                assert sorted(m for p, m in found if p == i) == list(range(len(listed)))


def test_release_lets_go_of_the_build(tmp_path):
    """After a tagged build no element graph or logical tree waits for the cyclic collector
    (the canvas class that holds the tagger is cyclic garbage): without the collector, at most
    the bare root element is still there."""
    import gc

    from briefing_pdf.document import Node
    from briefing_pdf.tagging import Element

    _build(tmp_path, "ua-1+a-2a")  # (warm: caches filled)
    gc.collect()
    nodes_before = sum(isinstance(o, Node) for o in gc.get_objects())
    gc.disable()
    try:
        _build(tmp_path, "ua-1+a-2a")
        left = [o for o in gc.get_objects() if isinstance(o, Element)]
        nodes_after = sum(isinstance(o, Node) for o in gc.get_objects())
    finally:
        gc.enable()
    assert len(left) <= 1 and all(el.node is None and not el.kids for el in left)
    # (nodes the layout's flowables still hold are the same in an untagged build)
    gc.collect()
    gc.disable()
    try:
        _build(tmp_path, "none")
        nodes_untagged = sum(isinstance(o, Node) for o in gc.get_objects())
    finally:
        gc.enable()
    assert nodes_after - nodes_before <= nodes_untagged - nodes_before


def test_every_link_annotation_is_tagged(full_sample):
    """Contents, Print flag, StructParent, and an OBJR in a Link element (UA 7.18.5, A-2 6.3.2)."""
    with pikepdf.open(full_sample.pdf) as pdf:
        parent_tree = dict(zip((int(k) for k in pdf.Root.StructTreeRoot.ParentTree.Nums[0::2]),
                               pdf.Root.StructTreeRoot.ParentTree.Nums[1::2]))
        count = 0
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                count += 1
                assert str(annot.Contents).strip()
                assert int(annot.F) & 4
                element = parent_tree[int(annot.StructParent)]
                assert element.S == "/Link"
                objrs = [k for k in element.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                assert any(k.Obj.objgen == annot.objgen for k in objrs)
        assert count >= 10


def test_pdfa_metadata_and_output_intent(full_sample):
    with pikepdf.open(full_sample.pdf) as pdf:
        xmp = bytes(pdf.Root.Metadata.read_bytes()).decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance>" in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
        title = re.search(r'<rdf:li xml:lang="x-default">(.*?)</rdf:li>', xmp).group(1)
        assert title == str(pdf.trailer.Info.Title)
        with pdf.open_metadata() as meta:
            assert meta["dc:creator"] == [str(pdf.trailer.Info.Author)]
            assert meta["pdf:Producer"] == str(pdf.trailer.Info.Producer)
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3
        data = profile.read_bytes()
        assert data[36:40] == b"acsp" and data[24:36] == bytes(12)  # creation time blanked


def test_no_helvetica_and_every_font_embedded(full_sample):
    """Not even ReportLab's initial Helvetica resource, nor text in an SVG logo."""
    with pikepdf.open(full_sample.pdf) as pdf:
        for page in pdf.pages:
            fonts = page.obj.Resources.get("/Font", {})
            for name, font in fonts.items():
                assert "Helvetica" not in str(font.BaseFont), (name, font.BaseFont)
                descriptor = font.get("/FontDescriptor")
                assert descriptor is not None and "/FontFile2" in descriptor, font.BaseFont
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", str(full_sample.pdf)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows and all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), out


def test_structure_order_text_has_the_issue_text_in_order(full_sample):
    """What a screen reader reads, across columns and pages, with hyphenated words whole."""
    found = pdftools.tokens(pdftools.struct_text(full_sample.pdf))
    expected = _reference_tokens(full_sample)
    assert pdftools.in_order_recall(expected, found) >= 0.99


def test_headings_figure_and_languages(full_sample):
    elements = pdftools.struct_elements(full_sample.pdf)
    types = [e["type"] for e in elements]
    heads = [int(t[1]) for t in types if re.fullmatch(r"H[1-6]", t)]
    assert heads[0] == 1 and heads.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(heads, heads[1:]))
    if full_sample.theme.logo is not None:
        figure = next(e for e in elements if e["type"] == "Figure")
        assert figure["alt"]
    langs = {e["lang"] for e in elements if e["lang"]}
    assert {"zh", "ko"} <= langs  # both samples quote Chinese and Korean names


@pytest.mark.skipif(not PDFUA.is_file(), reason="shared pdfua checker not available")
def test_shared_checker_passes_all_profiles(full_sample):
    out = subprocess.run([sys.executable, str(PDFUA), str(full_sample.pdf), "--profile", "all"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ua1 PASS" in out.stdout and "a2b PASS" in out.stdout and "a2a PASS" in out.stdout


@pytest.mark.skipif(not PDFUA.is_file(), reason="shared pdfua checker not available")
def test_shared_checker_struct_text_recall(full_sample, tmp_path):
    """The checker's own structure-order text (what it reads as a screen reader would)."""
    out = tmp_path / "order.txt"
    subprocess.run([sys.executable, str(PDFUA), str(full_sample.pdf), "--struct-text", str(out)],
                   capture_output=True, text=True)
    lines = out.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line.split(": ", 1)[1] if ": " in line else line for line in lines)  # "[pages] Type: text"
    assert pdftools.in_order_recall(_reference_tokens(full_sample), pdftools.tokens(text)) >= 0.99


@pytest.mark.skipif(OUTLOUD is None, reason="outloud not installed")
def test_outloud_reports_no_pdfua_error(full_sample):
    out = subprocess.run([OUTLOUD, str(full_sample.pdf), "--layer", "conformance", "-q"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and " 0 error(s)" in out.stdout, out.stdout + out.stderr


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler's pdfinfo not installed")
def test_poppler_reads_the_structure(full_sample):
    out = subprocess.run(["pdfinfo", "-struct-text", str(full_sample.pdf)], capture_output=True)
    assert out.returncode == 0
    text = out.stdout.decode("utf-8", errors="replace")  # poppler prints PDFDocEncoded titles as they are
    lines = text.splitlines()
    assert lines[0] == "Document" and any("TOCI" in line for line in lines)
    assert full_sample.issue.top_story.title.split()[0] in text


# --------------------------------------------------------------------------- hard cases

_WORDS = ("Die grenzüberschreitende Zusammenarbeit der Lieferkettenverantwortlichen erfordert "
          "Verwaltungsvereinbarungen, Kooperationsmechanismen und Rechtssicherheit für mittelständische "
          "Unternehmen, die Datenschutzgrundverordnung und Außenwirtschaftsverordnung gleichzeitig beachten. ")
_LINK = "[ausführliche Stellungnahme des Bundesverbandes der Mittelständischen Wirtschaft](https://example.org/stellungnahme)"


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    """One paragraph long enough for three columns, with a CJK span, a long link and long compounds."""
    folder = tmp_path_factory.mktemp("hard")
    paragraph = (_WORDS * 14 + f"Eine {_LINK} liegt vor, ebenso Stimmen aus Shenzhen (深圳) und Tokio (東京). "
                 + _WORDS * 14).strip()
    src = folder / "hard.yaml"
    src.write_text(
        "date: 2026-11-27\nlanguage: de\ntop_story:\n  title: Ein Absatz über drei Spalten\n"
        "  body: |\n    " + paragraph + "\n", encoding="utf-8")
    from conftest import build_one

    return build_one(src, folder)


def _element_mcids(pdf, predicate) -> list[set[tuple[int, int]]]:
    """For every element matching ``predicate``: the (page, MCID) pairs below it."""
    pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    found = []

    def below(el, acc) -> None:
        for kid in (el.K if isinstance(el.K, pikepdf.Array) else [el.K]):
            if isinstance(kid, int):  # an MCID on the element's own page
                acc.add((pages[el.Pg.objgen], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                acc.add((pages[kid.Pg.objgen], int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                below(kid, acc)

    def walk(el) -> None:
        if not isinstance(el, pikepdf.Dictionary) or "/S" not in el:
            return
        if predicate(el):
            acc: set = set()
            below(el, acc)
            found.append(acc)
        for kid in (el.K if isinstance(el.K, pikepdf.Array) else [el.K]):
            walk(kid)

    walk(pdf.Root.StructTreeRoot.K[0])
    return found


def _text_objects_with(pdf, page: int, mcids: set[int]) -> int:
    """How many text objects (BT … ET) on a page hold marked content with one of ``mcids``."""
    count, inside, hit, stack = 0, False, False, []
    for operands, op in pikepdf.parse_content_stream(pdf.pages[page]):
        name = str(op)
        if name == "BT":
            inside, hit = True, False
        elif name == "ET":
            count += hit
            inside = False
        elif name == "BDC":
            props = operands[1]
            stack.append(isinstance(props, pikepdf.Dictionary) and int(props.get("/MCID", -1)) in mcids)
            hit = hit or (inside and stack[-1])
        elif name == "EMC" and stack:
            stack.pop()
    return count


def test_hard_paragraph_is_one_P_over_three_columns(hard):
    with pikepdf.open(hard.pdf) as pdf:
        long_ps = [m for m in _element_mcids(pdf, lambda e: e.S == "/P") if len(m) > 20]
        assert len(long_ps) == 1
        mcids = long_ps[0]
        pages = sorted({p for p, _ in mcids})
        assert len(pages) >= 2
        pieces = sum(_text_objects_with(pdf, p, {m for q, m in mcids if q == p}) for p in pages)
        assert pieces >= 3  # one drawn piece per column


def test_hard_cjk_link_and_hyphenated_words(hard):
    elements = pdftools.struct_elements(hard.pdf)
    spans = [e for e in elements if e["type"] == "Span"]
    assert any(e["lang"] == "zh" for e in spans)
    link = max((e for e in elements if e["type"] == "Link"), key=lambda e: e["objr"])
    assert link["objr"] >= 2  # the label runs over a line break: one annotation per line, one Link
    words = [e["actual"] for e in spans if e["actual"]]
    assert len(words) >= 5  # long compounds in a justified column: some lines end in a hyphen
    assert all("-" not in w.rstrip(",.") or "-" in w[:-1] for w in words)
    text = pdftools.struct_text(hard.pdf)
    source = hard.issue.top_story.body
    for word in ("Zusammenarbeit", "Lieferkettenverantwortlichen", "Datenschutzgrundverordnung"):
        assert text.count(word) == source.count(word), word
    assert pdftools.in_order_recall(_reference_tokens(hard), pdftools.tokens(text)) >= 0.999


def test_hard_pdf_passes_the_shared_checker(hard):
    if not PDFUA.is_file():
        pytest.skip("shared pdfua checker not available")
    out = subprocess.run([sys.executable, str(PDFUA), str(hard.pdf), "--profile", "all"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


# --------------------------------------------------------------------------- standards


def _build(tmp_path, standard: str) -> bytes:
    from briefing_pdf.pipeline import build

    out = tmp_path / f"{standard}.pdf"
    build(ROOT / "tests" / "data" / "mini-de.yaml", out, standard=standard)
    return out.read_bytes()


def test_standards_a2b_and_none(tmp_path):
    a2b, none = _build(tmp_path, "a-2b"), _build(tmp_path, "none")
    with pikepdf.open(tmp_path / "a-2b.pdf") as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/OutputIntents" in pdf.Root
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp and "pdfuaid" not in xmp
    with pikepdf.open(tmp_path / "none.pdf") as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/Metadata" not in pdf.Root
    assert b"BDC" not in a2b and len(none) < len(a2b)
    if PDFUA.is_file():
        res = subprocess.run([sys.executable, str(PDFUA), str(tmp_path / "a-2b.pdf"), "--profile", "a2b"],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stdout


def test_tagged_output_is_byte_reproducible(tmp_path):
    assert _build(tmp_path, "ua-1+a-2a") == _build(tmp_path / "..", "ua-1+a-2a")


def test_unknown_standard_is_a_usage_error(tmp_path):
    from briefing_pdf.errors import BriefingError
    from briefing_pdf.pipeline import build

    with pytest.raises(BriefingError) as info:
        build(ROOT / "tests" / "data" / "mini-de.yaml", tmp_path / "x.pdf", standard="ua-2")
    assert info.value.kind == "usage" and "ua-1+a-2a" in str(info.value.problems[0])


# --------------------------------------------------------------------------- a logo with text

_TEXT_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 220 40" width="220" height="40">
  <circle cx="20" cy="20" r="15" fill="#FFFFFF"/>
  <text x="44" y="27" font-family="Arial" font-weight="bold" font-size="20" fill="#FFFFFF">北风 Лаб Ωmega</text>
</svg>
"""


def _text_logo_issue(folder: Path, logo: str, alt: str | None = None) -> Path:
    (folder / "logo.svg").write_text(logo, encoding="utf-8")
    brand = ("name: Beifeng Lab\nseries: Beifeng Brief\nlogo: logo.svg\n" + (f"logo_alt: {alt}\n" if alt else "")
             + "imprint:\n  publisher: {name: Beifeng Lab}\n")
    (folder / "b.brand.yaml").write_text(brand, encoding="utf-8")
    issue = (ROOT / "tests" / "data" / "mini-en.yaml").read_text(encoding="utf-8")
    (folder / "i.yaml").write_text("brand: b.brand.yaml\n" + issue, encoding="utf-8")
    return folder / "i.yaml"


def test_svg_logo_text_in_non_latin_letters_is_embedded_and_has_alt(tmp_path):
    """svglib would set <text> in Helvetica (not embedded, no CJK); it is set in the brand's fonts."""
    from briefing_pdf.pipeline import build

    out = tmp_path / "logo.pdf"
    build(_text_logo_issue(tmp_path, _TEXT_LOGO, alt="Beifeng Lab, north wind"), out)
    with pikepdf.open(out) as pdf:
        names = {str(f.BaseFont) for p in pdf.pages for f in p.obj.Resources.get("/Font", {}).values()}
    assert not any("Helvetica" in n for n in names), names
    assert any("WenQuanYi" in n for n in names)  # 北风 from the CJK fallback
    figure = next(e for e in pdftools.struct_elements(out) if e["type"] == "Figure")
    assert figure["alt"] == "Beifeng Lab, north wind" and figure["mcr_pages"] == [0]
    assert "北风" in pdftools.page_texts(out)[0]
    if PDFUA.is_file():
        res = subprocess.run([sys.executable, str(PDFUA), str(out), "--profile", "all"], capture_output=True, text=True)
        assert res.returncode == 0, res.stdout


def test_svg_logo_text_no_font_can_draw_is_a_located_brand_error(tmp_path):
    from briefing_pdf.errors import BriefingError
    from briefing_pdf.pipeline import check

    src = _text_logo_issue(tmp_path, _TEXT_LOGO.replace("Ωmega", "\U0001F600"))
    with pytest.raises(BriefingError) as info:
        check(src)
    problem = info.value.problems[0]
    assert problem.file.endswith("b.brand.yaml") and problem.path == "logo" and "U+1F600" in problem.message


# --------------------------------------------------------------------------- the valid corpus

VALID = sorted((ROOT / "tests" / "cases" / "valid").glob("*.*"))


@pytest.mark.parametrize("source", VALID, ids=lambda p: p.name)
def test_valid_corpus_is_tagged(source, tmp_path):
    """Hard-but-valid inputs (80-letter compounds, 120-character URLs broken inside links, many
    topics, CJK names): every link annotation sits in a Link element, and the checker passes."""
    from briefing_pdf.pipeline import build

    out = tmp_path / f"{source.stem}.pdf"
    build(source, out)
    with pikepdf.open(out) as pdf:
        tree = pdf.Root.StructTreeRoot
        parents = dict(zip((int(k) for k in tree.ParentTree.Nums[0::2]), tree.ParentTree.Nums[1::2]))
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                assert parents[int(annot.StructParent)].S == "/Link"
    found = pdftools.tokens(pdftools.struct_text(out))
    from briefing_pdf.pipeline import check
    from briefing_pdf.reference import reference_text

    checked = check(source)
    expected = pdftools.tokens(reference_text(checked.issue.model, checked.theme))
    assert pdftools.in_order_recall(expected, found) >= 0.99
    if PDFUA.is_file():
        res = subprocess.run([sys.executable, str(PDFUA), str(out), "--profile", "all"], capture_output=True, text=True)
        assert res.returncode == 0, res.stdout


def test_tagging_does_not_change_the_pages(tmp_path):
    """Marked content is invisible: tagged and untagged builds render to the same pixels."""
    import pypdfium2

    _build(tmp_path, "ua-1+a-2a")
    _build(tmp_path, "none")

    def pixels(path: Path) -> list[bytes]:
        doc = pypdfium2.PdfDocument(str(path))
        try:
            return [page.render(scale=1).to_pil().tobytes() for page in doc]
        finally:
            doc.close()

    tagged, plain = pixels(tmp_path / "ua-1+a-2a.pdf"), pixels(tmp_path / "none.pdf")
    assert len(tagged) == len(plain) and tagged == plain
