"""Bad input: every problem is a clear one-line message, and nothing is lost.

The corpus ``tests/cases/bad/`` drives most of this file: each
``<name>.expected`` holds the expected exit code and the exact stderr lines of
``briefing-pdf build`` (or ``validate``) for one bad input. The format::

    # what the case shows (comments and blank lines before '---' are ignored)
    exit: 1                   # required: 1 = content problem, 2 = usage problem
    input: other.yaml         # default: <name>.yaml
    command: validate         # default: build (with -o out/<name>.pdf)
    args: --brand x.brand.yaml
    ---
    name.yaml:4:1: YAML syntax error: ...     # one stderr line, exactly
    re: name\\.yaml:\\d+:\\d+: .*             # or a regular expression (fullmatch)

stderr must consist of exactly the listed lines, in that order: one line per
problem, all problems at once, no traceback, nothing else.

The rest are the classes that need more than an input file: unreadable files,
output problems (unwritable folder, full disk), atomic writes, folder builds.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing_pdf.cli import app
from briefing_pdf.errors import BriefingError

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
BAD = TESTS / "cases" / "bad"
VALID_MINIMAL = TESTS / "cases" / "valid" / "minimal.yaml"
EXE = ROOT / ".venv" / "bin" / "briefing-pdf"
PROBLEM_LINE = re.compile(r"^[^:\s][^:]*(?::\d+:\d+)?: (?:[\w\[\].]+: )?\S.*$")


# --------------------------------------------------------------------------- generated inputs


def make_cff_font(path: Path) -> None:
    """A tiny OpenType font with CFF (PostScript) outlines, which cannot be embedded."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    glyphs = [".notdef", "space", "A"]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(glyphs)
    fb.setupCharacterMap({32: "space", 65: "A"})
    charstrings = {}
    for name in glyphs:
        pen = T2CharStringPen(500, None)
        if name != "space":
            pen.moveTo((0, 0))
            pen.lineTo((0, 500))
            pen.lineTo((500, 0))
            pen.closePath()
        charstrings[name] = pen.getCharString()
    fb.setupCFF("TestCFF-Regular", {"FullName": "Test CFF"}, charstrings, {})
    fb.setupHorizontalMetrics({name: (500, 0) for name in glyphs})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Test CFF", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.save(str(path))


GENERATED = {
    # Latin-1 "é" in the title: not UTF-8 (byte 0xE9 at offset 53).
    "not-utf8.yaml": lambda p: p.write_bytes(
        b"date: 2026-03-12\nlanguage: en\ntop_story:\n  title: Caf\xe9 society\n  body: x\n"),
    # UTF-16 (as some Windows editors save): not UTF-8 either.
    "utf16.yaml": lambda p: p.write_bytes(
        "date: 2026-03-12\nlanguage: en\n".encode("utf-16")),
    "cff-font.otf": make_cff_font,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A private copy of tests/cases/bad with the generated inputs added."""
    work = tmp_path_factory.mktemp("bad") / "bad"
    shutil.copytree(BAD, work)
    for name, make in GENERATED.items():
        make(work / name)
    return work


# --------------------------------------------------------------------------- the corpus


@dataclass
class Case:
    name: str
    exit: int
    input: str
    command: str = "build"
    args: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> "Case":
        head, sep, body = path.read_text("utf-8").partition("\n---\n")
        assert sep, f"{path.name}: no '---' line"
        meta: dict[str, str] = {}
        for line in head.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition(":")
                meta[key.strip()] = value.strip()
        return cls(path.stem, int(meta["exit"]), meta.get("input", f"{path.stem}.yaml"),
                   meta.get("command", "build"), meta.get("args", "").split(),
                   [line for line in body.splitlines() if line.strip()])

    def argv(self) -> list[str]:
        argv = [self.command, self.input, *self.args]
        if self.command == "build":
            argv += ["-o", f"out/{self.name}.pdf"]
        return argv


CASES = sorted(BAD.glob("*.expected"))


def _matches(expected: str, actual: str) -> bool:
    if expected.startswith("re: "):
        return re.fullmatch(expected[4:], actual) is not None
    return expected == actual


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, argv, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def test_corpus_is_complete():
    """Every bad input file has its .expected (brand files and helper inputs excepted)."""
    expected_inputs = {Case.read(p).input for p in CASES}
    helpers = {"ok-issue.yaml"}
    for path in sorted(BAD.iterdir()):
        if path.suffix in (".yaml", ".json") and not path.name.endswith(".brand.yaml"):
            assert path.name in expected_inputs | helpers, f"{path.name} has no .expected file"
    assert len(CASES) >= 30


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_bad_input(case_file: Path, corpus: Path, monkeypatch):
    case = Case.read(case_file)
    monkeypatch.chdir(corpus)
    start = time.perf_counter()
    code, _stdout, stderr = run_cli(case.argv())
    elapsed = time.perf_counter() - start
    lines = stderr.splitlines()
    assert "Traceback" not in stderr
    assert code == case.exit, stderr
    assert len(lines) == len(case.lines), "\n".join(["got:", *lines, "expected:", *case.lines])
    for want, got in zip(case.lines, lines):
        assert _matches(want, got), f"\nexpected: {want}\n     got: {got}"
        assert PROBLEM_LINE.match(got), f"not a problem line: {got}"
    assert not list((corpus / "out").glob(f"{case.name}*")) if (corpus / "out").exists() else True
    assert elapsed < 5, f"{case.name} took {elapsed:.1f} s"


def test_docs_show_the_real_messages():
    """Every corpus problem line pasted into docs/errors.md is one the tests expect, verbatim."""
    expected = {line for p in CASES for line in Case.read(p).lines}
    docs = (ROOT / "docs" / "errors.md").read_text("utf-8")
    blocks = re.findall(r"```\n(.*?)```", docs, re.S)
    shown = [line for block in blocks for line in block.splitlines()
             if re.match(r"^[\w.-]+\.(?:yaml|json):\d+:\d+: ", line) and (BAD / line.split(":")[0]).exists()
             or line.startswith(("not-utf8.yaml:", "utf16.yaml:"))]
    assert len(shown) >= 30
    stale = [line for line in shown if line not in expected]
    assert not stale, "docs/errors.md shows messages the CLI no longer prints:\n" + "\n".join(stale)


def test_unsafe_links_never_reach_a_link_annotation(corpus: Path, tmp_path):
    """Refused by the checks; and even a render that skips them draws no javascript: link."""
    import pikepdf

    from briefing_pdf.brand import brand_for, make_theme
    from briefing_pdf.load import load_issue
    from briefing_pdf.pipeline import build
    from briefing_pdf.render import render

    with pytest.raises(BriefingError, match="javascript"):
        build(corpus / "url-javascript-markup.yaml", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    loaded = load_issue(corpus / "url-javascript-markup.yaml")  # schema-valid: the links are in text
    pdf = tmp_path / "unchecked.pdf"
    pdf.write_bytes(render(loaded.model, make_theme(loaded.model, brand_for(loaded))).pdf)
    with pikepdf.open(pdf) as doc:
        uris = [str(a.A.URI) for page in doc.pages for a in page.obj.get("/Annots", [])
                if a.get("/A") is not None and a.A.get("/S") == "/URI"]
    assert uris and all(u.split(":", 1)[0] in ("http", "https", "mailto") for u in uris), uris


def test_python_tags_never_execute(corpus: Path, monkeypatch):
    monkeypatch.chdir(corpus)
    run_cli(["validate", "yaml-python-tag.yaml"])
    run_cli(["build", "yaml-python-tag.yaml", "-o", "out/x.pdf"])
    assert not (corpus / "pwned.txt").exists()


def test_billion_laughs_is_refused_fast(corpus: Path):
    from briefing_pdf.load import load_issue

    start = time.perf_counter()
    with pytest.raises(BriefingError) as info:
        load_issue(corpus / "yaml-billion-laughs.yaml")
    assert time.perf_counter() - start < 2
    assert "too large" in str(info.value)


def test_budget_bounds_wide_but_shallow_alias_expansion(tmp_path):
    """Many aliases of one big list: refused by the value budget, not by depth."""
    from briefing_pdf.load import NODE_BUDGET, load_issue

    items = ", ".join(f'"x{i}"' for i in range(2000))
    refs = ", ".join(["*big"] * (NODE_BUDGET // 2000 + 5))
    path = tmp_path / "wide.yaml"
    path.write_text(f"big: &big [{items}]\nall: [{refs}]\n")
    start = time.perf_counter()
    with pytest.raises(BriefingError, match="too large"):
        load_issue(path)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("text, is_json", [
    ("a: " + "[" * 200_000 + "]" * 200_000, False),
    ("[" * 200_000 + "]" * 200_000, True),
    ('{"a": ' * 100_000 + "1" + "}" * 100_000, True),
    ("a:\n" + "".join(" " * i + "-\n" for i in range(0, 400, 2)), False),
], ids=["yaml-flow", "json-list", "json-object", "yaml-block"])
def test_deep_nesting_is_refused_fast(text, is_json):
    """PyYAML's Python scanner is quadratic in flow depth: deep documents must be refused up front."""
    from briefing_pdf.load import parse_document

    start = time.perf_counter()
    with pytest.raises(BriefingError, match="nested too deeply") as info:
        parse_document(text, "deep.yaml", is_json=is_json)
    assert time.perf_counter() - start < 1
    assert info.value.problems[0].line is not None


# --------------------------------------------------------------------------- the real executable


def _exe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "briefing_pdf.cli"]
    return subprocess.run([*exe, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_real_cli_reports_without_traceback(corpus: Path):
    """Through the installed entry point: several bad files at once, exit 1, one line each."""
    proc = _exe("validate", "yaml-tab-indent.yaml", "url-javascript-markup.yaml", "yaml-python-tag.yaml",
                "not-utf8.yaml", "glyphs.yaml", cwd=corpus)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
    files = {line.split(":", 1)[0] for line in lines}
    assert files == {"yaml-tab-indent.yaml", "url-javascript-markup.yaml", "yaml-python-tag.yaml",
                     "not-utf8.yaml", "glyphs.yaml"}


def test_real_cli_usage_errors_exit_2(corpus: Path):
    proc = _exe("build", "does-not-exist.yaml", cwd=corpus)
    assert (proc.returncode, proc.stderr) == (2, "does-not-exist.yaml: file not found\n")
    proc = _exe("build", "ok-issue.yaml", "--brand", "no-such.brand.yaml", cwd=corpus)
    assert (proc.returncode, proc.stderr) == (2, "no-such.brand.yaml: brand file not found\n")
    proc = _exe("build", "--no-such-option", "ok-issue.yaml", cwd=corpus)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_internal_error_shows_traceback_only_with_debug(tmp_path, monkeypatch):
    """An unexpected exception is one line without --debug; with --debug the traceback shows."""
    from briefing_pdf import cli

    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    issue = tmp_path / "x.yaml"
    shutil.copy(VALID_MINIMAL, issue)
    monkeypatch.setattr("briefing_pdf.pipeline.check", boom)
    monkeypatch.setattr(sys, "argv", ["briefing-pdf", "validate", str(issue)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 1
    monkeypatch.setattr(sys, "argv", ["briefing-pdf", "--debug", "validate", str(issue)])
    with pytest.raises(RuntimeError, match="boom"):
        cli.main()


# --------------------------------------------------------------------------- unreadable inputs


def _deny_reading(monkeypatch, victim: Path) -> None:
    """Make ``victim`` unreadable for this process (chmod does not stop root)."""
    real_open = open
    real_read_bytes = Path.read_bytes

    def fake_open(file, *args, **kwargs):
        if Path(os.fsdecode(file)).resolve() == victim.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def fake_read_bytes(self):
        if self.resolve() == victim.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr("builtins.open", fake_open)
    monkeypatch.setattr(Path, "read_bytes", fake_read_bytes)


def _problems(fn, *args) -> list[str]:
    with pytest.raises(BriefingError) as info:
        fn(*args)
    lines = [str(p) for p in info.value.problems]
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), lines
    return lines


def test_unreadable_issue_file(corpus: Path, monkeypatch):
    from briefing_pdf.pipeline import check

    _deny_reading(monkeypatch, corpus / "ok-issue.yaml")
    assert _problems(check, corpus / "ok-issue.yaml") == [
        f"{corpus / 'ok-issue.yaml'}: file is not readable (permission denied)"]


def test_unreadable_brand_file(corpus: Path, monkeypatch):
    from briefing_pdf.pipeline import check

    brand = corpus / "logo-not-image.brand.yaml"
    _deny_reading(monkeypatch, brand)
    assert _problems(check, corpus / "ok-issue.yaml", brand) == [
        f"{brand}: file is not readable (permission denied)"]


def test_unreadable_font_file(corpus: Path, monkeypatch, tmp_path):
    from briefing_pdf.fonts import shipped_font_dir
    from briefing_pdf.pipeline import check

    font = tmp_path / "Serif.ttf"
    shutil.copy(shipped_font_dir() / "NotoSerif-Regular.ttf", font)
    brand = tmp_path / "house.brand.yaml"
    brand.write_text("name: House\nfonts:\n  regular: Serif.ttf\n")
    _deny_reading(monkeypatch, font)
    lines = _problems(check, corpus / "ok-issue.yaml", brand)
    assert lines == [f"{brand}:3:12: fonts.regular: font file {font} is not readable: Permission denied"]


def test_unreadable_logo_file(corpus: Path, monkeypatch, tmp_path):
    from briefing_pdf.pipeline import check

    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    brand = tmp_path / "house.brand.yaml"
    brand.write_text("name: House\nlogo: logo.png\n")
    _deny_reading(monkeypatch, logo)
    assert _problems(check, corpus / "ok-issue.yaml", brand) == [
        f"{brand}:2:7: logo: logo file is not readable: Permission denied"]


def test_issue_path_is_a_directory(tmp_path):
    from briefing_pdf.load import load_issue

    folder = tmp_path / "issue.yaml"
    folder.mkdir()
    assert _problems(load_issue, folder) == [f"{folder}: is a directory, expected a file"]


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    from briefing_pdf import load

    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("date: 2026-03-12\n" + "# padding\n" * 20)
    assert _problems(load.load_issue, path) == [f"{path}: file is too large (217 bytes; at most 100 are accepted)"]


# --------------------------------------------------------------------------- output problems


@pytest.fixture(scope="module")
def minimal_pdf(tmp_path_factory) -> bytes:
    """A good PDF (the bytes of the minimal valid issue), built once."""
    from briefing_pdf.pipeline import build

    out = tmp_path_factory.mktemp("good") / "minimal.pdf"
    build(VALID_MINIMAL, out)
    return out.read_bytes()


def _previous(folder: Path, name: str = "issue.pdf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(b"%PDF-1.4 the previous, good PDF\n")
    return target


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith("."))


def test_output_path_is_a_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(VALID_MINIMAL, "issue.yaml")
    Path("issue.pdf").mkdir()
    code, stdout, stderr = run_cli(["build", "issue.yaml", "-o", "issue.pdf"])
    assert code == 2  # a wrong invocation, not a content problem
    assert stderr == "issue.pdf: output path is a directory; give a file name ending in .pdf\n"
    assert "FAIL  issue.yaml (1 problem)" in stdout
    assert Path("issue.pdf").is_dir() and not list(Path("issue.pdf").iterdir())


def test_output_folder_is_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(VALID_MINIMAL, "issue.yaml")
    Path("out").write_text("a file where the output folder should be")
    code, _stdout, stderr = run_cli(["build", "issue.yaml", "-o", "out/issue.pdf"])
    assert code == 1
    assert stderr == "out/issue.pdf: cannot create output directory out: out is a file, not a folder\n"


def test_output_folder_not_writable(tmp_path, monkeypatch, minimal_pdf):
    """mkstemp fails with EACCES (simulated: root ignores chmod); the old PDF stays."""
    import tempfile

    from briefing_pdf.pipeline import write_atomic

    out = tmp_path / "out"
    target = _previous(out)
    before = target.read_bytes()

    def denied(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    assert _problems(write_atomic, target, minimal_pdf) == [f"{target}: cannot write the PDF: Permission denied"]
    assert target.read_bytes() == before
    assert _leftovers(out) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_output_folder_not_writable_for_real(tmp_path, monkeypatch):  # pragma: no cover - non-root only
    monkeypatch.chdir(tmp_path)
    shutil.copy(VALID_MINIMAL, "issue.yaml")
    out = _previous(tmp_path / "ro")
    before = out.read_bytes()
    os.chmod(tmp_path / "ro", 0o555)
    try:
        code, _stdout, stderr = run_cli(["build", "issue.yaml", "-o", "ro/issue.pdf"])
    finally:
        os.chmod(tmp_path / "ro", 0o755)
    assert code == 1 and stderr == "ro/issue.pdf: cannot write the PDF: Permission denied\n"
    assert out.read_bytes() == before


@pytest.mark.parametrize("stage", ["write", "fsync", "replace"])
def test_disk_full_keeps_previous_pdf(tmp_path, monkeypatch, stage):
    """ENOSPC at any stage of the write: exit 1, clear message, old PDF intact, no temp file."""
    import io

    monkeypatch.chdir(tmp_path)
    shutil.copy(VALID_MINIMAL, "issue.yaml")
    target = _previous(tmp_path / "out")
    before = target.read_bytes()

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if stage == "write":
        real_fdopen = os.fdopen

        class FillsUp(io.RawIOBase):
            """A file that takes the first 1000 bytes, then the disk is full."""

            def __init__(self, fd, *args, **kwargs):
                self.handle = real_fdopen(fd, *args, **kwargs)

            def write(self, data):
                self.handle.write(bytes(data[:1000]))
                full()

            def fileno(self):
                return self.handle.fileno()

            def close(self):
                self.handle.close()
                super().close()

        monkeypatch.setattr(os, "fdopen", FillsUp)
    elif stage == "fsync":
        monkeypatch.setattr(os, "fsync", full)
    else:
        monkeypatch.setattr(os, "replace", full)
    code, _stdout, stderr = run_cli(["build", "issue.yaml", "-o", "out/issue.pdf"])
    monkeypatch.undo()
    assert code == 1
    assert stderr == "out/issue.pdf: cannot write the PDF: No space left on device\n"
    assert target.read_bytes() == before
    assert _leftovers(tmp_path / "out") == []


def test_write_is_atomic_rename(tmp_path, monkeypatch, minimal_pdf):
    """The PDF is written to a temporary file in the target folder, then renamed over the target."""
    from briefing_pdf import pipeline

    target = _previous(tmp_path)
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        src, dst = Path(src), Path(dst)
        calls.append((src, dst))
        assert src.parent == dst.parent == tmp_path  # same folder: rename(2) is atomic
        assert src.name.startswith(".issue.pdf.") and src.name.endswith(".tmp")
        assert src.read_bytes() == minimal_pdf  # complete before the rename
        assert dst.read_bytes().startswith(b"%PDF-1.4 the previous")  # untouched until the rename
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    pipeline.write_atomic(target, minimal_pdf)
    assert len(calls) == 1
    assert target.read_bytes() == minimal_pdf
    assert _leftovers(tmp_path) == []


def test_failed_build_keeps_previous_pdf(tmp_path, monkeypatch):
    """A content error after a good build: the good PDF stays byte for byte."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(VALID_MINIMAL, "issue.yaml")
    assert run_cli(["build", "issue.yaml", "-o", "out/issue.pdf"])[0] == 0
    good = Path("out/issue.pdf").read_bytes()
    assert good.startswith(b"%PDF")
    Path("issue.yaml").write_text(Path("issue.yaml").read_text() + "outlok: typo\n")
    code, _stdout, stderr = run_cli(["build", "issue.yaml", "-o", "out/issue.pdf"])
    assert code == 1 and "unknown key 'outlok'" in stderr
    assert Path("out/issue.pdf").read_bytes() == good
    assert _leftovers(Path("out")) == []


def test_render_failure_keeps_previous_pdf(tmp_path, monkeypatch):
    """An exception while rendering (not a content problem) also leaves the old PDF alone."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(VALID_MINIMAL, "issue.yaml")
    target = _previous(tmp_path / "out")
    before = target.read_bytes()

    def broken(*_args, **_kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr("briefing_pdf.render.render", broken)
    code, _stdout, stderr = run_cli(["build", "issue.yaml", "-o", "out/issue.pdf"])
    assert code == 1
    assert "Traceback" not in stderr and "internal error: RuntimeError: layout exploded" in stderr
    assert target.read_bytes() == before
    assert _leftovers(tmp_path / "out") == []


def test_folder_build_continues_after_bad_issue(tmp_path, monkeypatch):
    """One bad issue does not stop the others; the summary lists the failure; exit 1."""
    monkeypatch.chdir(tmp_path)
    issues = tmp_path / "issues"
    issues.mkdir()
    shutil.copy(VALID_MINIMAL, issues / "a-good.yaml")
    shutil.copy(BAD / "unknown-key-near-miss.yaml", issues / "b-bad.yaml")
    shutil.copy(VALID_MINIMAL, issues / "c-good.yaml")
    code, stdout, stderr = run_cli(["build", "issues", "-o", "out", "--jobs", "1"])
    assert code == 1
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["a-good.pdf", "c-good.pdf"]
    warnings = [line for line in stderr.splitlines() if ": warning: " in line]
    assert [w.split(":")[0] for w in warnings] == ["issues/a-good.yaml", "issues/c-good.yaml"]  # placeholder imprint
    assert [line for line in stderr.splitlines() if line not in warnings] == [
        "issues/b-bad.yaml:7:5: topics[0].outlook: required field is missing",
        "issues/b-bad.yaml:9:5: topics[0].outlok: unknown key 'outlok' (did you mean 'outlook'?)",
    ]
    assert re.search(r"issues/b-bad\.yaml\s+FAILED", stdout)
    assert re.search(r"issues/a-good\.yaml\s+ok", stdout)
    assert "2 built, 1 failed" in stdout
