"""Different-texts batches and a side-by-side comparison with Typst (issue 11).

Two things the 24-copies throughput figure cannot show:

* **Text variants.** ``write_variants`` turns one sample issue into N issues
  whose prose differs: the sentences of every paragraph are shuffled and
  about half of the longer words get their vowels rotated, both seeded by
  the variant's number. Paragraph-, word- and template-level caches
  therefore cannot short-circuit the work; structure, length and markup stay
  those of a real issue (links, bold and italic, CJK names, sources).
* **Typst.** ``typst_document`` writes an equivalent Typst document for one
  issue: A4, two justified, hyphenated columns in the same Noto faces (and
  the same CJK fallback), a masthead, a contents list, the top story,
  METRIX, topics with their sections, digest, podcasts and imprint, tagged
  for PDF/UA-1 like our default output. The content goes in as JSON (runs
  of plain / bold / italic / link text), so nothing needs escaping. Typst
  comes from PyPI (``pip install '.[bench]'``); each Typst "process" is
  ``python -c 'import typst; typst.compile(...)'``, so both sides pay a
  Python start-up.

Every comparison runs the two sides in alternating order and reports the
median of the per-pair ratios (ours / Typst): on a shared machine the load
moves between runs, not within a pair.

**The word store.** Our command line keeps the plans of the words it
measured (``briefing_pdf/wordstore.py``), so a repeated build of the same
text is faster than the first. Benchmarks that repeat an input would
therefore measure rebuilds. The comparison runs with a cache folder of its
own (``WordStoreState``) and empties the store before every timed run of
ours: batch, warm and one-shot figures are first builds of new text. The
one-shot is also reported as a rebuild (the store holding the issue's
words), what an editor sees after a correction.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
CLI = [sys.executable, "-m", "briefing_pdf.cli"]

#: Multi-paragraph Markdown fields of the issue format (../shared/issue-format.md).
PROSE = ("body", "analysis", "facts", "outlook", "text")
_SENTENCE_END = re.compile(r"(?<=[.!?“])\s+(?=[A-ZÄÖÜ])")
_PROTECTED = re.compile(r"\]\([^)]*\)|https?://\S+|\*\*|\*")
_WORD = re.compile(r"[a-zäöüß]{5,}", re.I)
_VOWELS = "aeiou"


# -- text variants ---------------------------------------------------------------------------

def _rotate_vowels(word: str, shift: int) -> str:
    out = []
    for ch in word:
        k = _VOWELS.find(ch)
        out.append(_VOWELS[(k + shift) % 5] if k >= 0 else ch)
    return "".join(out)


def _mutate_words(text: str, rng: random.Random, shift: int) -> str:
    """Rotate the vowels of about half the words of 5+ letters, outside link targets and markup."""
    def words(plain: str) -> str:
        return _WORD.sub(lambda m: _rotate_vowels(m.group(0), shift) if rng.random() < 0.5 else m.group(0),
                         plain)

    pieces, last = [], 0
    for m in _PROTECTED.finditer(text):
        pieces.append(words(text[last:m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(words(text[last:]))
    return "".join(pieces)


def _vary_prose(text: str, rng: random.Random, shift: int) -> str:
    paragraphs = []
    for para in re.split(r"\n\s*\n", text.strip()):
        sentences = _SENTENCE_END.split(" ".join(para.split()))
        # Shuffle only where markup cannot straddle a sentence boundary.
        if all(s.count("**") % 2 == 0 and s.count("[") == s.count("]") for s in sentences):
            rng.shuffle(sentences)
        paragraphs.append(_mutate_words(" ".join(sentences), rng, shift))
    return "\n\n".join(paragraphs) + "\n"


def _vary(node, rng: random.Random, shift: int):
    if isinstance(node, dict):
        return {k: _vary_prose(v, rng, shift) if k in PROSE and isinstance(v, str) else _vary(v, rng, shift)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_vary(v, rng, shift) for v in node]
    return node


def variant(data: dict, index: int) -> dict:
    """Variant ``index`` of a parsed issue (0 is the issue itself)."""
    if index == 0:
        return data
    rng = random.Random(index)
    return _vary(data, rng, 1 + (index - 1) % 4)


def write_variants(issue: Path, count: int, folder: Path) -> list[Path]:
    """Write variants 0..count-1 of ``issue`` (with its brand files and assets) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for asset in issue.parent.iterdir():
        if asset.name.endswith((".brand.yaml", ".brand.yml")) or asset.suffix.lower() in (".svg", ".png"):
            shutil.copy(asset, folder / asset.name)
    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    paths = []
    for i in range(count):
        path = folder / f"{issue.stem}-v{i:02d}.yaml"
        path.write_text(yaml.safe_dump(variant(data, i), allow_unicode=True, sort_keys=False, width=100),
                        encoding="utf-8")
        paths.append(path)
    return paths


# -- the equivalent Typst document -----------------------------------------------------------

_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|\[([^\]]+)\]\(([^)\s]+)\)", re.S)


def _runs(text: str) -> list[list]:
    """Inline Markdown as runs ``[text, style, url]`` (style: "", "b" or "i")."""
    runs, last = [], 0
    for m in _INLINE.finditer(text):
        if m.start() > last:
            runs.append([text[last:m.start()], "", None])
        if m.group(1) is not None:
            runs.append([m.group(1), "b", None])
        elif m.group(2) is not None:
            runs.append([m.group(2), "i", None])
        else:
            runs.append([m.group(3), "", m.group(4)])
        last = m.end()
    if last < len(text):
        runs.append([text[last:], "", None])
    return runs


def _paras(text: str | None) -> list[list]:
    if not text:
        return []
    return [_runs(" ".join(p.split())) for p in re.split(r"\n\s*\n", text.strip())]


def _sources(items) -> list[str]:
    return [" – ".join(str(s.get(k)) for k in ("publisher", "title", "url") if s.get(k)) for s in items or ()]


LABELS = {
    "de": {"analysis": "Analyse", "facts": "Fakten", "outlook": "Ausblick", "sources": "Quellen",
           "digest": "Digest", "podcasts": "Podcasts", "imprint": "Impressum", "contents": "Inhalt"},
    "en": {"analysis": "Analysis", "facts": "Facts", "outlook": "Outlook", "sources": "Sources",
           "digest": "Digest", "podcasts": "Podcasts", "imprint": "Imprint", "contents": "Contents"},
}


def typst_data(data: dict) -> dict:
    """The issue's content in the shape ``TEMPLATE`` reads."""
    lang = data.get("language", "en")
    labels = LABELS.get(lang, LABELS["en"])
    top = data.get("top_story") or {}
    topics = []
    for t in data.get("topics") or ():
        sections = [{"label": labels[k], "paras": _paras(t.get(k))} for k in ("facts", "analysis", "outlook")
                    if t.get(k)]
        topics.append({"title": t["title"], "sections": sections, "sources": _sources(t.get("sources"))})
    metrix = data.get("metrix") or {}
    imprint = data.get("imprint") or {}
    lines = []
    for group in imprint.get("groups") or ():
        lines.append(group.get("heading", ""))
        lines += [f"{p.get('name', '')}, {p.get('role', '')}" for p in group.get("people") or ()]
    pub = imprint.get("publisher") or {}
    lines += [pub.get("name", ""), *(pub.get("address") or ()), pub.get("phone", ""), pub.get("email", "")]
    return {
        "lang": lang, "labels": labels, "series": data.get("series", ""), "number": str(data.get("number", "")),
        "date": str(data.get("date", "")),
        "top": {"title": top.get("title", ""), "paras": _paras(top.get("body")),
                "analysis": _paras(top.get("analysis")), "sources": _sources(top.get("sources"))},
        "metrix": {"value": metrix.get("value", ""), "paras": _paras(metrix.get("text"))},
        "topics": topics,
        "digest": [{"title": d.get("title", ""), "meta": f"{d.get('publisher', '')}, {d.get('date', '')}",
                    "paras": _paras(d.get("text"))} for d in data.get("digest") or ()],
        "podcasts": [{"title": p.get("title", ""), "paras": _paras(p.get("text"))} for p in data.get("podcasts") or ()],
        "imprint": [line for line in lines if line],
    }


TEMPLATE = r"""
#let d = json("issue.json")
#let L = d.labels
#set document(title: d.series + " " + d.number, author: d.series)
#set page(paper: "a4", margin: (x: 17mm, top: 24mm, bottom: 20mm), columns: 2,
  header: context { set text(font: "Noto Sans", size: 7.5pt); d.series; h(1fr); d.number },
  footer: context { set text(font: "Noto Sans", size: 7.5pt); d.date; h(1fr); counter(page).display() })
#set columns(gutter: 6mm)
#set text(font: ("Noto Serif", "WenQuanYi Micro Hei"), size: 9.5pt, lang: d.lang, hyphenate: true)
#set par(justify: true, leading: 0.58em, spacing: 0.75em)
#show heading: set text(font: ("Noto Sans", "WenQuanYi Micro Hei"), weight: "bold")
#show heading.where(level: 1): set text(size: 13pt)
#show heading.where(level: 2): set text(size: 10.5pt)
#show heading.where(level: 3): set text(size: 8.5pt)
#show link: set text(fill: rgb("#0E4A52"))

#let runs(rs) = for r in rs {
  let t = r.at(0)
  if r.at(2) != none { link(r.at(2), t) }
  else if r.at(1) == "b" { strong(t) }
  else if r.at(1) == "i" { emph(t) }
  else { t }
}
#let paras(ps) = for p in ps { par(runs(p)) }
#let sources(items) = if items.len() > 0 {
  heading(level: 2, outlined: false, L.sources)
  set text(size: 7.5pt)
  for s in items { par(justify: false, s) }
}

#place(top, scope: "parent", float: true, {
  block(fill: rgb("#0E4A52"), inset: 8pt, width: 100%,
    text(fill: white, font: "Noto Sans", weight: "bold", size: 16pt, d.series + "  " + d.number))
  outline(title: L.contents, depth: 1)
})

= #d.top.title
#paras(d.top.paras)
== #L.analysis
#paras(d.top.analysis)
#sources(d.top.sources)

#block(fill: luma(240), inset: 6pt, width: 100%, {
  text(font: "Noto Sans", weight: "bold", size: 18pt, fill: rgb("#B86E00"), d.metrix.value)
  paras(d.metrix.paras)
})

#for t in d.topics {
  heading(level: 1, t.title)
  for s in t.sections { heading(level: 2, s.label); paras(s.paras) }
  sources(t.sources)
}

#heading(level: 1, L.digest)
#for item in d.digest {
  heading(level: 2, outlined: false, item.title)
  text(size: 7.5pt, item.meta)
  paras(item.paras)
}

#heading(level: 1, L.podcasts)
#for p in d.podcasts { heading(level: 2, outlined: false, p.title); paras(p.paras) }

#heading(level: 1, L.imprint)
#set text(size: 7.5pt)
#for line in d.imprint { par(justify: false, line) }
"""


def typst_document(issue: Path, folder: Path) -> Path:
    """Write ``folder``/main.typ and its issue.json for ``issue``; return the .typ path."""
    folder.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    (folder / "issue.json").write_text(json.dumps(typst_data(data), ensure_ascii=False, default=str),
                                       encoding="utf-8")
    (folder / "main.typ").write_text(TEMPLATE.lstrip(), encoding="utf-8")
    return folder / "main.typ"


TYPST_RUN = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], "
             "ignore_system_fonts=True, pdf_standards=['ua-1'])")


def typst_command(typ: Path, pdf: Path) -> list[str]:
    """A whole Typst process for one document (Python start-up + import + compile)."""
    return [sys.executable, "-c", TYPST_RUN, str(typ), str(pdf), str(FONTS)]


def have_typst() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


# -- the word store --------------------------------------------------------------------------

class WordStoreState:
    """A cache folder of the benchmark's own, so that it decides what the word store holds.

    Use as a context manager (it points ``BRIEFING_PDF_CACHE`` at ``folder``
    for the child processes); :meth:`forget` empties the word store, keeping
    the parsed fonts and patterns, which every run finds warm."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._saved: str | None = None

    def __enter__(self) -> "WordStoreState":
        self._saved = os.environ.get("BRIEFING_PDF_CACHE")
        os.environ["BRIEFING_PDF_CACHE"] = str(self.folder)
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is None:
            os.environ.pop("BRIEFING_PDF_CACHE", None)
        else:
            os.environ["BRIEFING_PDF_CACHE"] = self._saved

    def forget(self) -> None:
        for path in self.folder.glob("words-*"):
            path.unlink()


def first_build(store: WordStoreState | None, run):
    """``run`` as a first build of its text: the word store emptied before (untimed)."""
    def wrapped():
        if store is not None:
            store.forget()
        return run()
    return wrapped


# -- timing ----------------------------------------------------------------------------------

#: Runs a command as its grandchild and reports its wall time and peak RSS. Linux keeps a
#: process's peak RSS across fork and exec, so a command started straight from this (large)
#: benchmark process would report at least the benchmark's own size; the small launcher
#: forks it afresh. Its start-up is outside the timed span.
_LAUNCHER = """
import os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(report, "w") as f:
    f.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def measure(cmd: list[str], **popen) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS in MiB, exit code, stderr) of one run of ``cmd``."""
    import os
    import tempfile

    fd, report = tempfile.mkstemp(prefix="bench-run-")
    os.close(fd)
    try:
        proc = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, report, *cmd], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, **popen)
        wall, rss, code = Path(report).read_text().split()
    finally:
        Path(report).unlink(missing_ok=True)
    return float(wall), int(rss) / 1024, int(code), proc.stderr.decode("utf-8", "replace")


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of one process; a failure ends the benchmark."""
    wall, rss, code, err = measure(cmd)
    if code != 0:
        raise SystemExit(f"bench: {' '.join(cmd[:4])} … failed: {err[-800:]}")
    return wall, rss


def _wall(cmd: list[str]) -> float:
    """Wall time of one process started directly (no launcher: batches time many processes)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd[:4])} … failed: {proc.stderr.decode('utf-8', 'replace')[-800:]}")
    return wall


def _many(cmds: list[list[str]], jobs: int) -> float:
    """Wall time of running ``cmds`` as separate processes, ``jobs`` at a time."""
    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(_wall, cmds))
    return time.perf_counter() - start


def paired(ours, theirs, runs: int) -> dict:
    """Alternate two timed callables ``runs`` times; medians and the median pair ratio."""
    a, b = [], []
    for i in range(runs):
        if i % 2:
            b.append(theirs())
            a.append(ours())
        else:
            a.append(ours())
            b.append(theirs())
    return {"ours": statistics.median(a), "typst": statistics.median(b),
            "ratio": statistics.median(x / y for x, y in zip(a, b)), "runs": runs}


def prepare(issue: Path, count: int, tmp: Path) -> tuple[list[Path], list[Path]]:
    """``count`` variants of ``issue`` and one Typst document per variant."""
    variants = write_variants(issue, count, tmp / "variants")
    docs = [typst_document(v, tmp / "typst" / v.stem) for v in variants]
    return variants, docs


def bench_batch(variants: list[Path], docs: list[Path], jobs: int, runs: int, tmp: Path,
                store: WordStoreState | None = None) -> dict:
    """Our folder build of the variants against one Typst process per document, ``jobs`` at a time."""
    folder = variants[0].parent
    out = tmp / "batch-out"
    ours = first_build(store, lambda: _wall([*CLI, "build", str(folder), "-o", str(out), "--jobs", str(jobs)]))
    theirs = lambda: _many([typst_command(d, d.with_suffix(".pdf")) for d in docs], jobs)
    result = paired(ours, theirs, runs)
    result.update(issues=len(variants), jobs=jobs, pages=sum(_pages(p) for p in out.glob("*.pdf")))
    return result


def bench_warm_new_text(variants: list[Path], runs: int, tmp: Path, store: WordStoreState | None = None) -> dict:
    """(time for 10 different issues − time for 1) / 9 in one ``build DIR --jobs 1`` process."""
    one, ten = tmp / "warm-1", tmp / "warm-10"
    for folder, files in ((one, variants[:1]), (ten, variants[:10])):
        folder.mkdir(exist_ok=True)
        for asset in variants[0].parent.iterdir():
            if asset not in variants:
                shutil.copy(asset, folder / asset.name)
        for f in files:
            shutil.copy(f, folder / f.name)
    t1, t10 = [], []
    for i in range(runs):
        order = ((one, t1), (ten, t10)) if i % 2 == 0 else ((ten, t10), (one, t1))
        for folder, sink in order:
            sink.append(first_build(store, lambda: _wall(
                [*CLI, "build", str(folder), "-o", str(tmp / "warm-out"), "--jobs", "1"]))())
    per_issue = (statistics.median(t10) - statistics.median(t1)) / 9
    return {"one": statistics.median(t1), "ten": statistics.median(t10), "per_issue": per_issue, "runs": runs}


def bench_oneshot(issue: Path, doc: Path, runs: int, tmp: Path, store: WordStoreState | None = None) -> dict:
    """One whole ``briefing-pdf build`` process against one Typst process; peak RSS of ours.

    With ``store``: first builds (``ours``, ``ratio``) and, as ``rebuild``, the
    same build again with the word store holding the issue's words."""
    rss = {"ours": 0.0, "typst": 0.0}

    def timed(side: str, cmd: list[str]) -> float:
        wall, peak = _timed(cmd)
        rss[side] = max(rss[side], peak)
        return wall

    build = lambda: timed("ours", [*CLI, "build", str(issue), "-o", str(tmp / "oneshot.pdf")])
    theirs = lambda: timed("typst", typst_command(doc, tmp / "oneshot-typst.pdf"))
    result = paired(first_build(store, build), theirs, runs)
    if store is not None:
        build()  # fills the store with the issue's words
        result["rebuild"] = paired(build, theirs, runs)
    result.update(rss_ours=rss["ours"], rss_typst=rss["typst"])
    return result


def _pages(pdf: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def main() -> None:  # a quick look without the rest of bench.py
    # Time today's code: with PYTHONDONTWRITEBYTECODE a stale .pyc is recompiled on every start.
    import compileall

    compileall.compile_dir(ROOT / "briefing_pdf", quiet=1)
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="Different-texts batch and Typst comparison.")
    parser.add_argument("issue", type=Path, nargs="?", default=ROOT / "issues" / "de-2026-11-lieferketten.yaml")
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--oneshot-runs", type=int, default=7)
    parser.add_argument("--only", choices=("batch", "warm", "oneshot"), action="append")
    args = parser.parse_args()
    if not have_typst():
        raise SystemExit("bench: Typst is not installed; pip install '.[bench]'")
    only = set(args.only or ("batch", "warm", "oneshot"))
    with tempfile.TemporaryDirectory() as name, WordStoreState(Path(name) / "cache") as store:
        tmp = Path(name)
        variants, docs = prepare(args.issue, max(args.count, 10), tmp)
        _wall([*CLI, "build", str(variants[-1]), "-o", str(tmp / "prime.pdf")])  # parsed fonts and patterns
        out = {}
        if "oneshot" in only:
            out["oneshot"] = bench_oneshot(variants[0], docs[0], args.oneshot_runs, tmp, store)
        if "warm" in only:
            out["warm"] = bench_warm_new_text(variants, args.runs, tmp, store)
        if "batch" in only:
            out["batch"] = bench_batch(variants[:args.count], docs[:args.count], 2, args.runs, tmp, store)
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
