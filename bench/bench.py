"""Speed benchmark of briefing-pdf; writes docs/performance.md.

Run with ``make bench`` (or ``python bench/bench.py [--quick]``). It measures

1. one-shot CLI builds of each sample issue (whole process, median of >= 7 runs)
   and their peak RSS (``os.wait4`` rusage of the child);
2. in-process build time per issue after warm-up (median of 7);
3. folder throughput in pages/s with ``--jobs 2`` (a sample copied 24 times);
4. time per page at 1x, 4x and 16x the content (topics/digest repeated);
5. where a one-shot build spends its time (phases, in fresh processes) and the
   hottest functions of a warm build (cProfile);
6. what the levers in other modules would be worth (pyphen pickle, cmap cache,
   fallback font, single render pass), measured here, not applied;
7. the cost of tagging: paired in-process builds of the default
   (PDF/UA-1 + PDF/A-2a) and ``--pdf-standard none``, alternating which goes
   first, CPU time of this process, medians (``--tagging-only`` runs just this
   and rewrites only its own section of docs/performance.md);
8. side by side with Typst (``bench/versus.py``; needs ``pip install '.[bench]'``):
   a batch of 24 *different* issues (text variants of a sample, so no cache
   short-circuits the work) with ``--jobs 2`` against 24 Typst processes two
   at a time, a warm build of new text ((10 issues − 1 issue) / 9 in one
   ``build DIR --jobs 1`` process) and one-shot builds, all paired and
   alternating (``--versus-only`` runs just this and rewrites its section).

Figures are medians (or ratios of medians). The machine is shared, so the
load average at the start is recorded with the results. Only the part of
docs/performance.md between the ``bench:begin``/``bench:end`` markers is
rewritten; the analysis around it is kept.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
TAG_BEGIN, TAG_END = "<!-- bench:tagging:begin -->", "<!-- bench:tagging:end -->"
VS_BEGIN, VS_END = "<!-- bench:typst:begin -->", "<!-- bench:typst:end -->"
PY = sys.executable
CLI = [PY, "-m", "briefing_pdf.cli"]
TARGETS = {"oneshot": 0.25, "inprocess": 0.100, "throughput": 40.0, "flat": 0.20, "rss": 120.0, "tagging": 0.10}

sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))  # versus.py, its sibling


def samples() -> list[Path]:
    found = sorted(p for p in (ROOT / "issues").glob("*.y*ml") if not p.name.endswith((".brand.yaml", ".brand.yml")))
    if not found:
        sys.exit("bench: no sample issues in issues/")
    return found


def med(values) -> float:
    return statistics.median(values)


#: The benchmark's own cache folder (set by ``main``): one-shot and folder
#: builds are timed as first builds, with the word store emptied before each
#: run (see bench/versus.py, "The word store").
STORE = None


def _forget_words() -> None:
    if STORE is not None:
        STORE.forget()


def run_child(args: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one child process (see ``versus.measure``)."""
    import versus

    wall, rss, code, _ = versus.measure(args, cwd=cwd, env=_env())
    return wall, rss, code


def _env() -> dict:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import reportlab

    try:
        import pyphen
        pyphen_version = getattr(pyphen, "__version__", "?")
    except ImportError:
        pyphen_version = "-"
    return {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu, "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}",
        "reportlab": reportlab.Version, "pyphen": pyphen_version,
        "load": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# -- 1. one-shot CLI ---------------------------------------------------------------------

def bench_oneshot(issues: list[Path], runs: int, tmp: Path) -> list[dict]:
    rows = []
    for issue in issues:
        out = tmp / f"{issue.stem}.pdf"
        run_child([*CLI, "build", str(issue), "-o", str(out)])  # warm the OS file cache
        walls, rss = [], []
        for _ in range(runs):
            _forget_words()
            wall, peak, code = run_child([*CLI, "build", str(issue), "-o", str(out)])
            if code != 0:
                raise SystemExit(f"bench: building {issue} failed (exit {code})")
            walls.append(wall)
            rss.append(peak)
        rows.append({"issue": issue.name, "pages": _pages(out), "median": med(walls), "min": min(walls),
                     "rss": max(rss), "runs": runs})
    return rows


def bench_startup(runs: int) -> dict:
    """Whole-process floors: Python alone, --help, and validate (no ReportLab)."""
    sample = samples()[0]
    result = {}
    for name, args in (("python -c pass", [PY, "-c", "pass"]),
                       ("briefing-pdf --help", [*CLI, "--help"]),
                       ("briefing-pdf validate", [*CLI, "validate", str(sample)]),
                       ("python -c 'import reportlab.platypus'", [PY, "-c", "import reportlab.platypus"])):
        result[name] = med(run_child(args)[0] for _ in range(runs))
    return result


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


# -- 2. in-process --------------------------------------------------------------------------

def bench_inprocess(issues: list[Path], runs: int, tmp: Path) -> list[dict]:
    from briefing_pdf.pipeline import build

    rows = []
    for issue in issues:
        out = tmp / f"inproc-{issue.stem}.pdf"
        build(issue, out)  # warm-up: imports, fonts, hyphenation dictionary
        build(issue, out)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = build(issue, out)
            times.append(time.perf_counter() - start)
        rows.append({"issue": issue.name, "pages": result.pages, "median": med(times), "min": min(times),
                     "per_page": med(times) / result.pages, "passes": _passes(issue)})
    return rows


def _passes(issue: Path) -> int:
    """How many layout passes render() makes for an issue."""
    from reportlab.platypus import BaseDocTemplate

    from briefing_pdf import render
    from briefing_pdf.pipeline import check

    checked = check(issue)
    original = BaseDocTemplate.build
    count = 0

    def counting(self, *a, **kw):
        nonlocal count
        count += 1
        return original(self, *a, **kw)

    BaseDocTemplate.build = counting
    try:
        render.render(checked.issue.model, checked.theme)
    finally:
        BaseDocTemplate.build = original
    return count


# -- 3. folder throughput ------------------------------------------------------------------

def bench_throughput(issue: Path, copies: int, jobs: int, runs: int, tmp: Path) -> dict:
    folder = tmp / "folder"
    folder.mkdir()
    for brand in issue.parent.glob("*.brand.y*ml"):
        shutil.copy(brand, folder / brand.name)
    for asset in issue.parent.iterdir():
        if asset.suffix.lower() in (".svg", ".png", ".ttf", ".ttc"):
            shutil.copy(asset, folder / asset.name)
    for i in range(copies):
        shutil.copy(issue, folder / f"{issue.stem}-{i:02d}{issue.suffix}")
    walls, rss = [], []
    for _ in range(runs):
        out = tmp / "folder-out"
        shutil.rmtree(out, ignore_errors=True)
        _forget_words()
        wall, peak, code = run_child([*CLI, "build", str(folder), "-o", str(out), "--jobs", str(jobs)])
        if code != 0:
            raise SystemExit(f"bench: folder build failed (exit {code})")
        walls.append(wall)
        rss.append(peak)
    pages = sum(_pages(p) for p in (tmp / "folder-out").glob("*.pdf"))
    return {"issue": issue.name, "copies": copies, "jobs": jobs, "pages": pages, "median": med(walls),
            "pages_per_s": pages / med(walls), "runs": runs}


# -- 4. scaling ----------------------------------------------------------------------------

def scaled_issue(issue: Path, factor: int, tmp: Path) -> Path:
    import yaml

    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    if data.get("brand"):
        data["brand"] = str((issue.parent / data["brand"]).resolve())
    for key in ("topics", "digest"):
        items = data.get(key) or []
        data[key] = [dict(item, title=f"{item['title']} ({n + 1})" if n else item["title"])
                     for n in range(factor) for item in items]
    target = tmp / f"{issue.stem}-x{factor}.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def bench_scaling(issue: Path, factors: list[int], runs: int, tmp: Path) -> list[dict]:
    from briefing_pdf.pipeline import build

    rows = []
    for factor in factors:
        path = scaled_issue(issue, factor, tmp)
        out = tmp / f"{path.stem}.pdf"
        build(path, out)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = build(path, out)
            times.append(time.perf_counter() - start)
        _forget_words()
        wall, peak, _ = run_child([*CLI, "build", str(path), "-o", str(tmp / f"{path.stem}-cli.pdf")])
        rows.append({"factor": factor, "pages": result.pages, "median": med(times),
                     "per_page": med(times) / result.pages, "rss": peak, "oneshot": wall})
    base = rows[0]["per_page"]
    for row in rows:
        row["ratio"] = row["per_page"] / base
    return rows


# -- 5. where the time goes --------------------------------------------------------------

PHASES = r"""
import gc, json, sys, time
gc.disable()  # as the console script does for a one-issue build
from pathlib import Path
marks = [("start", time.perf_counter())]
def lap(name): marks.append((name, time.perf_counter()))
import briefing_pdf.cli; lap("import the CLI (no typer on the build path)")
from briefing_pdf import pipeline; lap("import pipeline (pydantic, PyYAML, markdown-it)")
from briefing_pdf.load import load_issue
from briefing_pdf.brand import brand_for, make_theme
from briefing_pdf.text import check_issue_text
path = Path(sys.argv[1])
loaded = load_issue(path); lap("load + validate YAML")
theme = make_theme(loaded.model, brand_for(loaded, None)); lap("brand + font checks (fontTools cmaps)")
check_issue_text(loaded.model, loaded.source, theme.fonts); lap("text and glyph checks")
from briefing_pdf import render; lap("import ReportLab + layout modules")
theme.fonts.register_all(); lap("register fonts (faces load on first use, in layout)")
from briefing_pdf.hyphenate import get_hyphenator
get_hyphenator(loaded.model.language).positions("Zusammenarbeitsvereinbarung"); lap("hyphenation patterns (the issue's language)")
rendered = render.render(loaded.model, theme); lap("layout + write (all passes)")
pipeline.write_atomic(Path(sys.argv[2]), rendered.pdf); lap("write the file")
print(json.dumps([(n, t - marks[i][1]) for i, (n, t) in enumerate(marks[1:])]))
"""


def bench_phases(issue: Path, runs: int, tmp: Path) -> list[tuple[str, float]]:
    collected: dict[str, list[float]] = {}
    order: list[str] = []
    for _ in range(runs):
        out = subprocess.run([PY, "-c", PHASES, str(issue), str(tmp / "phases.pdf")], capture_output=True,
                             text=True, check=True, env=_env(), cwd=ROOT)
        for name, seconds in json.loads(out.stdout.strip().splitlines()[-1]):
            if name not in collected:
                order.append(name)
            collected.setdefault(name, []).append(seconds)
    interpreter = med(run_child([PY, "-c", "pass"])[0] for _ in range(runs))
    return [("Python start-up", interpreter)] + [(name, med(collected[name])) for name in order]


def bench_profile(issue: Path, top: int = 14) -> list[tuple[str, int, float, float]]:
    """Hottest functions (own time) of a warm in-process build."""
    from briefing_pdf.pipeline import build

    out = Path(tempfile.mkdtemp()) / "profile.pdf"
    build(issue, out)
    profiler = cProfile.Profile()
    profiler.enable()
    build(issue, out)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = file
        for marker in ("site-packages/", "briefing_pdf/"):
            if marker in file:
                short = ("briefing_pdf/" if marker == "briefing_pdf/" else "") + file.split(marker, 1)[1]
        rows.append((f"{short}:{line} {func}", nc, tt, ct))
    rows.sort(key=lambda r: -r[2])
    shutil.rmtree(out.parent, ignore_errors=True)
    return rows[:top]


# -- 6. levers in other modules, measured -----------------------------------------------

LEVER_PYPHEN = r"""
import json, pickle, sys, time
t = time.perf_counter(); import pyphen; d = pyphen.Pyphen(lang="de_DE"); parse = time.perf_counter() - t
blob = pickle.dumps(d.hd, protocol=pickle.HIGHEST_PROTOCOL)
open(sys.argv[1], "wb").write(blob)
print(json.dumps({"parse": parse, "bytes": len(blob)}))
"""
LEVER_PYPHEN_LOAD = r"""
import json, pickle, sys, time
t = time.perf_counter(); import pyphen; hd = pickle.load(open(sys.argv[1], "rb")); load = time.perf_counter() - t
ok = hd.positions("Lieferkettengesetz") == pyphen.Pyphen(lang="de_DE").hd.positions("Lieferkettengesetz")
print(json.dumps({"load": load, "same": ok}))
"""
LEVER_FONTS = r"""
import json, pickle, sys, time
from pathlib import Path
from fontTools.ttLib import TTCollection, TTFont
from reportlab.pdfbase.ttfonts import TTFont as RLFont
out = {}
for path in sorted(Path(sys.argv[1]).glob("*.tt[fc]")):
    t = time.perf_counter()
    font = TTCollection(str(path), lazy=True).fonts[0] if path.suffix == ".ttc" else TTFont(str(path), lazy=True)
    cmap = frozenset(font.getBestCmap() or {})
    cmap_s = time.perf_counter() - t
    blob = pickle.dumps(cmap, protocol=pickle.HIGHEST_PROTOCOL)
    t = time.perf_counter(); pickle.loads(blob); cached = time.perf_counter() - t
    t = time.perf_counter()
    RLFont("B" + path.stem.replace("-", ""), str(path), **({"subfontIndex": 0} if path.suffix == ".ttc" else {}))
    rl_s = time.perf_counter() - t
    out[path.name] = {"cmap": cmap_s, "cmap_cached": cached, "reportlab": rl_s, "mb": path.stat().st_size / 2**20}
print(json.dumps(out))
"""


def bench_levers(issue: Path, runs: int, tmp: Path) -> dict:
    levers: dict = {}
    pick = tmp / "de_DE.pickle"
    parse = [json.loads(subprocess.run([PY, "-c", LEVER_PYPHEN, str(pick)], capture_output=True, text=True,
                                       check=True).stdout) for _ in range(runs)]
    load = [json.loads(subprocess.run([PY, "-c", LEVER_PYPHEN_LOAD, str(pick)], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(runs)]
    levers["pyphen"] = {"parse": med(p["parse"] for p in parse), "pickle": med(p["load"] for p in load),
                        "bytes": parse[0]["bytes"], "same": all(p["same"] for p in load)}
    fonts = [json.loads(subprocess.run([PY, "-c", LEVER_FONTS, str(ROOT / "fonts")], capture_output=True,
                                       text=True, check=True).stdout) for _ in range(runs)]
    levers["fonts"] = {name: {key: med(run[name][key] for run in fonts) for key in fonts[0][name]}
                       for name in fonts[0]}
    # layout passes: the contents' page numbers used to need a second pass
    levers["render"] = {"passes": _passes(issue)}
    return levers


# -- report -----------------------------------------------------------------------------------

def bench_tagging(issues: list[Path], pairs: int, tmp: Path) -> list[dict]:
    """Tagged (default standard) against untagged (``none``) builds of each issue.

    Paired: each pair builds both, the order alternating, so drift and the
    neighbours' load fall on both sides alike. CPU time of this process
    (``time.process_time``), because the machine is shared and wall time
    would count the other processes' turns.
    """
    from briefing_pdf.pipeline import build
    from briefing_pdf.standards import DEFAULT_STANDARD

    rows = []
    for issue in issues:
        out = tmp / f"tagging-{issue.stem}.pdf"
        for standard in (DEFAULT_STANDARD, "none") * 2:  # warm-up
            build(issue, out, standard=standard)
        tagged, plain, ratios = [], [], []
        for i in range(pairs):
            order = (DEFAULT_STANDARD, "none") if i % 2 == 0 else ("none", DEFAULT_STANDARD)
            seconds = {}
            for standard in order:
                start = time.process_time()
                build(issue, out, standard=standard)
                seconds[standard] = time.process_time() - start
            tagged.append(seconds[DEFAULT_STANDARD])
            plain.append(seconds["none"])
            ratios.append(seconds[DEFAULT_STANDARD] / seconds["none"])
        rows.append({"issue": issue.name, "pairs": pairs, "tagged": med(tagged), "none": med(plain),
                     "ratio": med(tagged) / med(plain), "pair_ratio": med(ratios)})
    return rows


def tagging_report(rows: list[dict]) -> str:
    worst = max(row["ratio"] for row in rows)
    lines = [TAG_BEGIN, "", "### Cost of tagging (PDF/UA-1 + PDF/A-2a against `--pdf-standard none`)", "",
             f"In-process builds, warm, paired ({rows[0]['pairs']} pairs per issue, alternating order), CPU time, "
             "medians. Target: at most +10 %.", "",
             "| issue | tagged | none | cost (ratio of medians) | median of pair ratios |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['issue']} | {row['tagged'] * 1000:.0f} ms | {row['none'] * 1000:.0f} ms | "
                     f"{(row['ratio'] - 1) * 100:+.1f} % | {(row['pair_ratio'] - 1) * 100:+.1f} % |")
    lines += ["", f"Largest cost: **{(worst - 1) * 100:+.1f} %** "
                  f"{_ok(worst - 1, TARGETS['tagging'])}.", "", TAG_END]
    return "\n".join(lines)


def write_tagging(block: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if TAG_BEGIN in text:
        head, rest = text.split(TAG_BEGIN, 1)
        text = head + block + rest.split(TAG_END, 1)[1]
    else:  # first time: right after the measured block
        head, rest = text.split(END, 1)
        text = head + END + "\n\n" + block + rest
    DOC.write_text(text, encoding="utf-8")


def bench_versus(issue: Path, quick: bool, tmp: Path) -> dict:
    """Issue 11's side-by-side figures against Typst (see bench/versus.py)."""
    import versus

    variants, docs = versus.prepare(issue, 24, tmp / "versus")
    with versus.WordStoreState(tmp / "versus-cache") as store:
        versus._wall([*CLI, "build", str(variants[-1]), "-o", str(tmp / "prime.pdf")])  # fonts, patterns
        return {"issue": issue.name, "machine": machine(),
                "oneshot": versus.bench_oneshot(variants[0], docs[0], 3 if quick else 7, tmp, store),
                "warm": versus.bench_warm_new_text(variants, 1 if quick else 3, tmp, store),
                "batch": versus.bench_batch(variants, docs, 2, 1 if quick else 3, tmp, store)}


def versus_report(v: dict) -> str:
    m, one, warm, batch = v["machine"], v["oneshot"], v["warm"], v["batch"]
    lines = [VS_BEGIN, "", "### Side by side with Typst (issue 11)", "",
             f"Measured {m['date']}, load average at start {m['load']}. Text variants of {v['issue']} "
             "(sentences shuffled, vowels of about half the longer words rotated; bench/versus.py), first builds "
             "(the word store emptied before each of our runs) unless a row says otherwise, and for "
             "each an equivalent Typst document (same fonts, two justified hyphenated columns, contents, "
             f"PDF/UA-1 tags) compiled by Typst from PyPI in its own Python process. Paired, alternating runs; "
             "ratios are medians of the per-pair ratios (ours / Typst).", "",
             "| measure | briefing-pdf | Typst | ratio | target | |", "|---|---|---|---|---|---|",
             f"| {batch['issues']} different issues, `--jobs {batch['jobs']}` ({batch['pages']} pages) "
             f"| {batch['ours']:.2f} s | {batch['typst']:.2f} s | {batch['ratio']:.2f} | ≤ 1.0 "
             f"| {_ok(batch['ratio'], 1.0)} |",
             f"| warm build of new text, per issue ((10 − 1) / 9, one process) | {warm['per_issue'] * 1000:.0f} ms "
             f"| | | ≤ 150 ms | {_ok(warm['per_issue'], 0.150)} |",
             f"| one-shot build, first build of the text | {one['ours']:.2f} s | {one['typst']:.2f} s "
             f"| {one['ratio']:.2f} | ≤ 3.5 | {_ok(one['ratio'], 3.5)} |",
             *([f"| one-shot build, rebuild (word store holds the text) | {one['rebuild']['ours']:.2f} s "
                f"| {one['rebuild']['typst']:.2f} s | {one['rebuild']['ratio']:.2f} | ≤ 3.5 "
                f"| {_ok(one['rebuild']['ratio'], 3.5)} |"] if "rebuild" in one else []),
             f"| peak RSS, one-shot | {one['rss_ours']:.0f} MiB | {one['rss_typst']:.0f} MiB | | ≤ 110 MiB "
             f"| {_ok(one['rss_ours'], 110)} |", "",
             f"Runs: batch {batch['runs']}, warm {warm['runs']} (1 issue {warm['one']:.2f} s, 10 issues "
             f"{warm['ten']:.2f} s, whole process), one-shot {one['runs']}.", "", VS_END]
    return "\n".join(lines)


def write_versus(block: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if VS_BEGIN in text:
        head, rest = text.split(VS_BEGIN, 1)
        text = head + block + rest.split(VS_END, 1)[1]
    else:  # first time: right after the tagging block
        head, rest = text.split(TAG_END, 1)
        text = head + TAG_END + "\n\n" + block + rest
    DOC.write_text(text, encoding="utf-8")


def _have_typst() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def _ok(value: float, target: float, lower_is_better: bool = True) -> str:
    good = value <= target if lower_is_better else value >= target
    return "✓" if good else "✗"


def report(r: dict) -> str:
    m = r["machine"]
    lines = [BEGIN, "",
             f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores usable), {m['os']}, Python {m['python']}, "
             f"ReportLab {m['reportlab']}, pyphen {m['pyphen']}. Load average at start: {m['load']} "
             "(the machine is shared; compare ratios rather than absolute figures across runs).", "",
             "### Against the targets", "",
             "| measure | result | target | |", "|---|---|---|---|"]
    one = max(row["median"] for row in r["oneshot"])
    inproc = max(row["median"] for row in r["inprocess"])
    flat = max((row["ratio"] - 1 for row in r["scaling"]), key=abs)
    rss = max([row["rss"] for row in r["oneshot"]] + [row["rss"] for row in r["scaling"]])
    tp = r["throughput"]
    lines += [
        f"| one-shot CLI build, slowest sample (median) | {one:.2f} s | ≤ {TARGETS['oneshot']:.2f} s "
        f"| {_ok(one, TARGETS['oneshot'])} |",
        f"| in-process build per issue, slowest sample (median, warm) | {inproc * 1000:.0f} ms | "
        f"≤ {TARGETS['inprocess'] * 1000:.0f} ms | {_ok(inproc, TARGETS['inprocess'])} |",
        f"| folder throughput, `--jobs {tp['jobs']}` | {tp['pages_per_s']:.1f} pages/s | ≥ {TARGETS['throughput']:.0f} "
        f"| {_ok(tp['pages_per_s'], TARGETS['throughput'], False)} |",
        f"| time per page 1× → 16× content (largest deviation) | {flat * 100:+.0f} % | ±{TARGETS['flat'] * 100:.0f} % "
        f"| {_ok(abs(flat), TARGETS['flat'])} |",
        f"| peak RSS (largest one-shot) | {rss:.0f} MiB | ≤ {TARGETS['rss']:.0f} MiB | {_ok(rss, TARGETS['rss'])} |",
        "", "### One-shot CLI build (whole process)", "",
        "| issue | pages | median | fastest | peak RSS | runs |", "|---|---|---|---|---|---|"]
    for row in r["oneshot"]:
        lines.append(f"| {row['issue']} | {row['pages']} | {row['median']:.2f} s | {row['min']:.2f} s | "
                     f"{row['rss']:.0f} MiB | {row['runs']} |")
    lines += ["", "Floors (whole process, median): " + ", ".join(
        f"`{name}` {seconds:.2f} s" for name, seconds in r["startup"].items()) + ".", "",
        "### In-process build (warm: after two builds in the same process)", "",
        "| issue | pages | median | fastest | per page | layout passes |", "|---|---|---|---|---|---|"]
    for row in r["inprocess"]:
        lines.append(f"| {row['issue']} | {row['pages']} | {row['median'] * 1000:.0f} ms | {row['min'] * 1000:.0f} ms | "
                     f"{row['per_page'] * 1000:.0f} ms | {row['passes']} |")
    lines += ["", "### Folder throughput", "",
              f"`briefing-pdf build <folder> --jobs {tp['jobs']}` on {tp['copies']} copies of {tp['issue']}: "
              f"{tp['pages']} pages in {tp['median']:.2f} s (whole process, median of {tp['runs']}) = "
              f"**{tp['pages_per_s']:.1f} pages/s**.", "",
              "### Scaling: time per page at 1×, 4× and 16× the content", "",
              f"Topics and digest of {r['scaling_issue']} repeated; in-process, warm, median.", "",
              "| content | pages | build | per page | vs 1× | one-shot | peak RSS |", "|---|---|---|---|---|---|---|"]
    for row in r["scaling"]:
        lines.append(f"| {row['factor']}× | {row['pages']} | {row['median']:.2f} s | {row['per_page'] * 1000:.0f} ms | "
                     f"{row['ratio']:.2f} | {row['oneshot']:.2f} s | {row['rss']:.0f} MiB |")
    total = sum(s for _, s in r["phases"])
    lines += ["", f"### Where a one-shot build's time goes ({r['phases_issue']}, fresh process, median per phase)", "",
              "| phase | time | share |", "|---|---|---|"]
    for name, seconds in r["phases"]:
        lines.append(f"| {name} | {seconds * 1000:.0f} ms | {seconds / total * 100:.0f} % |")
    lines += [f"| **total** | **{total * 1000:.0f} ms** | |", "",
              f"### Hottest functions of a warm build ({r['phases_issue']}, cProfile, own time)", "",
              "| function | calls | own | cumulative |", "|---|---|---|---|"]
    for name, calls, own, cum in r["profile"]:
        lines.append(f"| `{name}` | {calls} | {own * 1000:.0f} ms | {cum * 1000:.0f} ms |")
    lv = r["levers"]
    py = lv["pyphen"]
    lines += ["", "### Parsing costs that the on-disk caches avoid, measured", "",
              f"- pyphen `de_DE`: parsing the dictionary {py['parse'] * 1000:.0f} ms in a fresh process; "
              f"loading the same parsed `HyphDict` from a pickle ({py['bytes'] / 2**20:.1f} MiB) "
              f"{py['pickle'] * 1000:.0f} ms (same hyphenation: {'yes' if py['same'] else 'NO'}).",
              "- Fonts, per file (fresh process): fontTools character map / the same map from a pickle / "
              "ReportLab `TTFont` parse:"]
    for name, f in lv["fonts"].items():
        lines.append(f"  - {name} ({f['mb']:.1f} MiB): {f['cmap'] * 1000:.0f} ms / {f['cmap_cached'] * 1000:.1f} ms / "
                     f"{f['reportlab'] * 1000:.0f} ms")
    rd = lv["render"]
    lines += [f"- Render ({r['phases_issue']}): {rd['passes']} layout pass(es) per build.", "", END]
    return "\n".join(lines)


SKELETON = """# Performance

How fast `briefing-pdf` is, where the time goes and what would make it faster.
The measured section is written by `make bench` (`bench/bench.py`); the
analysis below it is by hand and quotes those figures.

{block}
"""


def write_doc(block: str) -> None:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    if DOC.exists() and BEGIN in DOC.read_text(encoding="utf-8"):
        text = DOC.read_text(encoding="utf-8")
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1] if END in rest else ""
        DOC.write_text(head + block + tail, encoding="utf-8")
    else:
        DOC.write_text(SKELETON.format(block=block), encoding="utf-8")


def main() -> None:
    # Time today's code: with PYTHONDONTWRITEBYTECODE a stale .pyc is recompiled on every start.
    import compileall

    compileall.compile_dir(ROOT / "briefing_pdf", quiet=1)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test, not for the record)")
    parser.add_argument("--no-write", action="store_true", help="print the report instead of writing the doc")
    parser.add_argument("--report-only", action="store_true", help="rewrite the doc from out/bench.json")
    parser.add_argument("--tagging-only", action="store_true",
                        help="measure only the cost of tagging and rewrite only its section")
    parser.add_argument("--pairs", type=int, default=41, help="pairs of builds per issue for the tagging cost")
    parser.add_argument("--versus-only", action="store_true",
                        help="measure only the comparison with Typst and rewrite only its section")
    args = parser.parse_args()
    if args.versus_only:
        if not _have_typst():
            raise SystemExit("bench: Typst is not installed; pip install -e '.[bench]'")
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as name:
            block = versus_report(bench_versus(samples()[0], args.quick, Path(name)))
        print(block)
        if not args.no_write:
            write_versus(block)
        return
    if args.tagging_only:
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as name:
            block = tagging_report(bench_tagging(samples(), 7 if args.quick else args.pairs, Path(name)))
        if args.no_write:
            print(block)
        else:
            write_tagging(block)
            print(block)
        return
    if args.report_only:
        write_doc(report(json.loads((ROOT / "out" / "bench.json").read_text(encoding="utf-8"))))
        return
    runs = 3 if args.quick else 7
    issues = samples()
    results: dict = {"machine": machine()}
    import versus

    global STORE
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as name, \
            versus.WordStoreState(Path(name) / "cache") as STORE:
        tmp = Path(name)

        def step(label: str, fn, *a):
            print(f"bench: {label} …", file=sys.stderr, flush=True)
            start = time.perf_counter()
            value = fn(*a)
            print(f"bench:   {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
            return value

        results["startup"] = step("start-up floors", bench_startup, runs)
        results["oneshot"] = step("one-shot CLI builds", bench_oneshot, issues, runs, tmp)
        results["inprocess"] = step("in-process builds", bench_inprocess, issues, runs, tmp)
        results["throughput"] = step("folder throughput", bench_throughput, issues[0], 24, 2,
                                     2 if args.quick else 3, tmp)
        scale_issue = issues[0]
        results["scaling_issue"] = scale_issue.name
        results["scaling"] = step("scaling 1×/4×/16×", bench_scaling, scale_issue, [1, 4, 16],
                                  1 if args.quick else 3, tmp)
        results["phases_issue"] = issues[0].name
        results["phases"] = step("phases", bench_phases, issues[0], 3 if args.quick else 5, tmp)
        results["profile"] = step("profile", bench_profile, issues[0])
        results["levers"] = step("levers", bench_levers, issues[0], 3 if args.quick else 5, tmp)
        results["tagging"] = step("tagging cost", bench_tagging, issues, 7 if args.quick else args.pairs, tmp)
        if _have_typst():
            results["versus"] = step("side by side with Typst", bench_versus, issues[0], args.quick, tmp)
        else:
            print("bench: Typst not installed (pip install -e '.[bench]'): no comparison", file=sys.stderr)
    block = report(results)
    (ROOT / "out").mkdir(exist_ok=True)
    (ROOT / "out" / "bench.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if args.no_write:
        print(block)
        print(tagging_report(results["tagging"]))
    else:
        write_doc(block)
        write_tagging(tagging_report(results["tagging"]))
        if "versus" in results:
            write_versus(versus_report(results["versus"]))
        print(f"bench: wrote {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
