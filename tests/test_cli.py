"""The command line's build / preview / watch plumbing and the CI workflow.

Most tests run the real console script in a subprocess (that is what users
and CI run). Builds use small two-page issues; failing issues stop before
layout, so the sharding and progress tests cost almost nothing. Only the
watch test waits on the clock, with generous timeouts so it cannot hang.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLI = [sys.executable, "-m", "briefing_pdf.cli"]
WORKFLOW = ROOT / ".github" / "workflows" / "pdfs.yml"
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<path>[\w.\[\]]+): (?P<msg>.+)$")

SMALL_ISSUE = (Path(__file__).parent / "data" / "small-en.yaml").read_text(encoding="utf-8")
BROKEN_ISSUE = SMALL_ISSUE.replace("  toc_title:", "  toc_titel:")  # line 6, column 3


def run(args, cwd, timeout=180, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env or _env(), **kw)


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="120")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("GITHUB_ACTIONS", None)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def write_issues(folder: Path, good=(), broken=()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in good:
        text = SMALL_ISSUE.replace("language: en", "language: de") if name.startswith("de") else SMALL_ISSUE
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    for name in broken:
        (folder / f"{name}.yaml").write_text(BROKEN_ISSUE, encoding="utf-8")


# -- fast start: commands that do not render do not import ReportLab ---------------------

@pytest.mark.parametrize("args", [["--help"], ["schema"], ["validate", "ISSUE"], ["build", "--help"]])
def test_non_rendering_commands_do_not_import_reportlab(tmp_path, args):
    write_issues(tmp_path, good=("en-small",))
    args = [str(tmp_path / "en-small.yaml") if a == "ISSUE" else a for a in args]
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefing_pdf.cli", *args],
                          capture_output=True, text=True, timeout=120, env=_env())
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert not {m for m in imported if m.split(".")[0] in ("reportlab", "pypdfium2", "watchfiles", "pyphen")}


# -- folder build: carries on past failures, exit 1, CI output, previews -----------------

@pytest.fixture(scope="module")
def folder_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("folder")
    write_issues(root / "issues", good=("de-small", "en-small"), broken=("bad",))
    (root / "issues" / "house.brand.yaml").write_text("name: [not, a, brand]\n", encoding="utf-8")
    proc = run(["build", "issues/", "-o", "out/", "--jobs", "2", "--png", "--dpi", "24"], cwd=root)
    return root, proc


def test_folder_build_exits_1_and_builds_the_others(folder_build):
    root, proc = folder_build
    assert proc.returncode == 1, proc.stderr
    assert sorted(p.name for p in (root / "out").glob("*.pdf")) == ["de-small.pdf", "en-small.pdf"]
    assert not (root / "out" / "bad.pdf").exists()
    assert not list((root / "out").glob(".*.tmp"))


def test_folder_build_output_is_quiet_lines_and_a_summary(folder_build):
    root, proc = folder_build
    assert "\x1b[" not in proc.stdout                       # no TTY: no progress bar, no colours
    lines = proc.stdout.splitlines()
    assert sorted(line.split()[1] for line in lines if line.startswith("ok ")) == [
        "issues/de-small.yaml", "issues/en-small.yaml"]
    assert any(line.startswith("FAIL  issues/bad.yaml") for line in lines)
    header = next(i for i, line in enumerate(lines) if line.split()[:4] == ["issue", "status", "pages", "time"])
    table = [line.split() for line in lines[header + 1:header + 4]]
    assert [row[:3] for row in table] == [["issues/bad.yaml", "FAILED", "–"],
                                          ["issues/de-small.yaml", "ok", "2"],
                                          ["issues/en-small.yaml", "ok", "2"]]
    assert lines[-1].startswith("2 built, 1 failed, 4 pages in ")
    assert "house.brand.yaml" not in proc.stdout             # brand files are not issues


def test_folder_build_problems_keep_the_compiler_format(folder_build):
    _, proc = folder_build
    problems = [line for line in proc.stderr.splitlines() if line.strip() and ": warning: " not in line]
    assert all(PROBLEM_LINE.match(line) for line in proc.stderr.splitlines() if line.strip()), proc.stderr
    assert problems == ["issues/bad.yaml:6:3: top_story.toc_titel: unknown key 'toc_titel' "
                        "(did you mean 'toc_title'?)"]
    assert PROBLEM_LINE.match(problems[0])


def test_folder_build_writes_previews_sized_per_dpi(folder_build):
    from PIL import Image

    root, _ = folder_build
    folder = root / "out" / "en-small-preview"
    assert sorted(p.name for p in folder.iterdir()) == ["en-small-contact.png", "en-small-p1.png", "en-small-p2.png"]
    w, h = Image.open(folder / "en-small-p1.png").size
    assert abs(w - 595.28 * 24 / 72) <= 1 and abs(h - 841.89 * 24 / 72) <= 1  # A4 at 24 dpi


def test_preview_command(folder_build, tmp_path):
    from PIL import Image

    root, _ = folder_build
    proc = run(["preview", root / "out" / "de-small.pdf", "-o", tmp_path / "p", "--dpi", "36"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    written = [Path(line) for line in proc.stdout.splitlines()]
    assert [p.name for p in written] == ["de-small-p1.png", "de-small-p2.png", "de-small-contact.png"]
    w, h = Image.open(written[0]).size
    assert abs(w - 595.28 * 36 / 72) <= 1 and abs(h - 841.89 * 36 / 72) <= 1
    missing = run(["preview", tmp_path / "nope.pdf"], cwd=tmp_path)
    assert missing.returncode == 2 and "file not found" in missing.stderr


def test_bytes_reproducible_across_processes(folder_build, tmp_path):
    """A one-shot build with another hash seed gives the folder build's bytes exactly."""
    root, _ = folder_build
    proc = run(["build", root / "issues" / "en-small.yaml", "-o", tmp_path / "again.pdf"], cwd=tmp_path,
               env=_env(PYTHONHASHSEED="12345"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "again.pdf").read_bytes() == (root / "out" / "en-small.pdf").read_bytes()


# -- sharding through the CLI (broken issues: they fail before layout, so this is cheap) ---

def _attempted(stdout: str) -> list[str]:
    return sorted(line.split()[1] for line in stdout.splitlines() if line.startswith(("ok ", "FAIL ")))


def test_shards_through_the_cli_partition_the_folder(tmp_path):
    names = [f"issue-{i}" for i in range(7)]
    write_issues(tmp_path / "issues", broken=names)
    seen = []
    for k in (1, 2, 3):
        proc = run(["build", "issues", "--shard", f"{k}/3", "-o", "out", "--jobs", "1"], cwd=tmp_path)
        assert proc.returncode == 1
        seen.append(_attempted(proc.stdout))
    again = run(["build", "issues/", "--shard", "2/3", "-o", "out", "--jobs", "1"], cwd=tmp_path)
    assert _attempted(again.stdout) == seen[1]                                # stable
    flat = [f for shard in seen for f in shard]
    assert sorted(flat) == sorted(f"issues/{n}.yaml" for n in names) and len(set(flat)) == len(flat)
    assert sorted(len(s) for s in seen) == [2, 2, 3]


@pytest.mark.parametrize("spec", ["3/2", "0/1", "x"])
def test_bad_shard_is_a_usage_error(tmp_path, spec):
    write_issues(tmp_path, broken=("a",))
    proc = run(["build", tmp_path, "--shard", spec], cwd=tmp_path)
    assert proc.returncode == 2 and "--shard" in proc.stderr


def test_empty_shard_is_not_an_error(tmp_path):
    write_issues(tmp_path / "issues", broken=("only",))
    results = [run(["build", "issues", "--shard", f"{k}/2"], cwd=tmp_path) for k in (1, 2)]
    assert sorted(r.returncode for r in results) == [0, 1]
    assert "nothing to build in this shard" in "".join(r.stderr for r in results)


def test_missing_input_is_a_usage_error(tmp_path):
    proc = run(["build", tmp_path / "nope.yaml"], cwd=tmp_path)
    assert proc.returncode == 2 and "file not found" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_terminal_build_shows_progress_and_still_reports(tmp_path):
    write_issues(tmp_path / "issues", broken=("a", "b", "c"))
    master, slave = os.openpty()
    proc = subprocess.Popen([*CLI, "build", "issues", "-o", "out", "--jobs", "2"], cwd=tmp_path,
                            stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=_env(TERM="xterm"))
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=30) == 1
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert text.count("FAIL  issues/") == 3
    assert "0 built, 3 failed" in text
    assert "issues/a.yaml:6:3: top_story.toc_titel: unknown key" in text


# -- watch ----------------------------------------------------------------------------------

class Lines:
    """Collects a subprocess's output lines on a thread so reads can time out."""

    def __init__(self, stream, sink: list) -> None:
        self.queue: queue.Queue = queue.Queue()
        self.sink = sink
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def wait_for(self, pattern: str, timeout: float, retry=None, every: float = 4.0) -> str:
        """Next line matching ``pattern``; ``retry()`` is called again every ``every`` s until then."""
        deadline = time.monotonic() + timeout
        next_retry = time.monotonic() + every
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=0.2)
            except queue.Empty:
                if retry and time.monotonic() > next_retry:
                    retry()
                    next_retry = time.monotonic() + every
                continue
            if line is None:
                raise AssertionError(f"watch exited while waiting for {pattern!r}: {self.sink}")
            self.sink.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s: {self.sink}")


def test_watch_rebuilds_and_keeps_the_last_good_pdf(tmp_path):
    issues = tmp_path / "issues"
    write_issues(issues, good=("en-small",))
    source, target = issues / "en-small.yaml", tmp_path / "out" / "en-small.pdf"
    proc = subprocess.Popen([*CLI, "watch", "issues/en-small.yaml", "-o", "out/en-small.pdf"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    seen_out: list = []
    seen_err: list = []
    out, err = Lines(proc.stdout, seen_out), Lines(proc.stderr, seen_err)

    def save(text: str):
        def write() -> None:  # an editor's save: write a temporary file, rename it into place
            tmp = issues / ".en-small.yaml.swp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, source)
        write()
        return write

    try:
        out.wait_for(r" ok +out/en-small\.pdf \(2 pages", timeout=120)
        out.wait_for(r"^watching issues/en-small\.yaml", timeout=30)
        time.sleep(0.5)  # let the watcher start
        good = target.read_bytes()

        out.wait_for(r" FAIL +issues/en-small\.yaml: kept the last good PDF", timeout=90,
                     retry=save(BROKEN_ISSUE))
        problem = err.wait_for(r"toc_titel", timeout=30)
        assert problem == ("issues/en-small.yaml:6:3: top_story.toc_titel: unknown key 'toc_titel' "
                           "(did you mean 'toc_title'?)")
        assert target.read_bytes() == good                      # the last good PDF is kept
        assert not list(target.parent.glob(".*.tmp"))

        changed = SMALL_ISSUE.replace("six-week trial", "twelve-week trial")
        out.wait_for(r" ok +out/en-small\.pdf", timeout=90, retry=save(changed))
        rebuilt = target.read_bytes()
        assert rebuilt != good and rebuilt.startswith(b"%PDF-")
        # writing the PDF (and unrelated files) must not trigger rebuilds: no loop
        (issues / "notes.txt").write_text("not an input", encoding="utf-8")
        time.sleep(2.0)
        assert out.queue.empty(), seen_out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    assert proc.returncode in (0, -signal.SIGINT, 130)


# -- the CI workflow --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_is_valid_and_has_the_expected_shape(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    jobs = workflow["jobs"]
    assert list(jobs) == ["validate", "build", "pdfs"]
    assert jobs["build"]["needs"] == "validate" and jobs["pdfs"]["needs"] == "build"
    matrix = jobs["build"]["strategy"]["matrix"]["shard"]
    assert matrix == list(range(1, len(matrix) + 1)) and len(matrix) >= 2
    assert jobs["build"]["strategy"]["fail-fast"] is False
    for name in ("validate", "build"):
        uses = [s.get("uses", "") for s in jobs[name]["steps"]]
        assert uses[0].startswith("actions/checkout@") and uses[1].startswith("actions/setup-python@")
    runs = [s["run"] for s in jobs["build"]["steps"] if "run" in s]
    assert any("briefing-pdf build issues/" in r and "--shard" in r and "--png" in r for r in runs)
    upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "out/" and "${{ matrix.shard }}" in upload["with"]["name"]
    assert "!cancelled()" in upload["if"]     # upload the good PDFs of a shard that had a failure
    assert any("validate issues/" in s.get("run", "") for s in jobs["validate"]["steps"])
    assert any(s.get("uses", "").startswith("actions/upload-artifact/merge@") for s in jobs["pdfs"]["steps"])


def _expand(command: str, shard: int | None, total: int | None) -> str:
    if shard is not None:
        command = command.replace("${{ matrix.shard }}", str(shard))
        command = command.replace("${{ strategy.job-total }}", str(total))
    assert "${{" not in command, command
    return command


def test_workflow_run_steps_succeed_locally_in_order(workflow, tmp_path):
    """Every briefing-pdf `run:` of the workflow, in job and step order, on a copy of a repo."""
    write_issues(tmp_path / "issues", good=("de-small", "en-small"))
    for extra in ROOT.joinpath("issues").glob("*.brand.yaml"):  # brand files ride along; not issues
        shutil.copy(extra, tmp_path / "issues" / extra.name)
    executed = []
    for name, job in workflow["jobs"].items():
        shards = job.get("strategy", {}).get("matrix", {}).get("shard", [None])
        for shard in shards:
            for step in job["steps"]:
                command = step.get("run", "").strip()
                if not command:
                    continue
                if "pip install" in command:   # the test's venv already has briefing-pdf installed
                    continue
                command = _expand(command, shard, len(shards) if shard else None)
                assert shlex.split(command)[0] == "briefing-pdf", command
                proc = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=tmp_path,
                                      capture_output=True, text=True, timeout=240, env=_env())
                assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
                executed.append(command)
    assert executed[0] == "briefing-pdf validate issues/"
    assert len(executed) == 3
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.pdf")) == ["de-small.pdf", "en-small.pdf"]
    for stem in ("de-small", "en-small"):
        assert (out / f"{stem}-preview" / f"{stem}-contact.png").is_file()


# -- --pdf-standard -----------------------------------------------------------------------

def test_pdf_standard_option(tmp_path):
    """Default tagged; a-2b and none as asked, also for folder builds; anything else is a usage error."""
    import pikepdf

    write_issues(tmp_path / "in", good=["en-a", "de-b"])
    proc = run(["build", tmp_path / "in", "-o", tmp_path / "none", "--pdf-standard", "none", "-j", "2"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run(["build", tmp_path / "in" / "en-a.yaml", "-o", tmp_path / "tagged.pdf"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for pdf_path, tagged in [(tmp_path / "none" / "en-a.pdf", False), (tmp_path / "none" / "de-b.pdf", False),
                             (tmp_path / "tagged.pdf", True)]:
        with pikepdf.open(pdf_path) as pdf:
            assert ("/StructTreeRoot" in pdf.Root) is tagged
            assert ("/Metadata" in pdf.Root) is tagged
    proc = run(["build", tmp_path / "in" / "en-a.yaml", "--pdf-standard", "ua-2"], tmp_path)
    assert proc.returncode == 2
    assert "unknown --pdf-standard 'ua-2'" in proc.stderr and "ua-1+a-2a, a-2b, none" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- the workflow for a repository that holds only issues (issue 10) --------------------------

ISSUES_REPO_WORKFLOW = ROOT / "ci" / "issues-repo.yml"
IMPRINT = """imprint:
  publisher:
    name: Test House
"""


@pytest.fixture(scope="module")
def issues_repo_workflow() -> dict:
    return yaml.safe_load(ISSUES_REPO_WORKFLOW.read_text(encoding="utf-8"))


def test_no_workflow_sets_force_color():
    """FORCE_COLOR set to anything, "0" included, turns colour codes on in rich and others."""
    for path in (WORKFLOW, ISSUES_REPO_WORKFLOW):
        assert "FORCE_COLOR" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("path", [WORKFLOW, ISSUES_REPO_WORKFLOW], ids=["this-repo", "issues-repo"])
def test_collect_runs_only_when_a_build_ran(path):
    jobs = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]
    condition = jobs["pdfs"]["if"]
    assert "needs.build.result == 'success'" in condition and "needs.build.result == 'failure'" in condition
    assert "!cancelled()" in condition  # and never after a cancelled (or skipped) build


def test_issues_repo_workflow_installs_a_pinned_tool_without_pip_cache(issues_repo_workflow):
    wf = issues_repo_workflow
    pin = wf["env"]["BRIEFING_PDF"]
    assert re.fullmatch(r"briefing-pdf @ git\+https://\S+@\S+", pin), pin  # a pinned git reference
    for name in ("validate", "build"):
        steps = wf["jobs"][name]["steps"]
        setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
        assert "cache" not in setup.get("with", {})  # cache: pip fails without a pyproject/requirements file
        installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
        assert installs == ['python -m pip install "$BRIEFING_PDF"']
    runs = [s.get("run", "") for s in wf["jobs"]["validate"]["steps"]]
    assert "briefing-pdf validate issues/ --strict" in runs


def test_issues_repo_workflow_steps_succeed_locally_in_order(issues_repo_workflow, tmp_path):
    """Every briefing-pdf `run:` of the issues-only workflow, in order, in a folder with only issues."""
    write_issues(tmp_path / "issues", good=("de-small", "en-small"))
    for issue in (tmp_path / "issues").glob("*.yaml"):  # --strict: a real imprint, no placeholder
        issue.write_text(issue.read_text(encoding="utf-8") + IMPRINT, encoding="utf-8")
    executed = []
    for job in issues_repo_workflow["jobs"].values():
        shards = job.get("strategy", {}).get("matrix", {}).get("shard", [None])
        for shard in shards:
            for step in job["steps"]:
                command = step.get("run", "").strip()
                if not command or "pip install" in command:  # installed: the test's venv
                    continue
                command = _expand(command, shard, len(shards) if shard else None)
                proc = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=tmp_path,
                                      capture_output=True, text=True, timeout=240, env=_env())
                assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
                executed.append(command)
    assert len(executed) == 3 and executed[0] == "briefing-pdf validate issues/ --strict"
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["de-small.pdf", "en-small.pdf"]


def test_problems_are_github_annotations_on_a_runner(tmp_path):
    write_issues(tmp_path / "issues", broken=("bad",), good=("good",))
    proc = run(["validate", "issues/"], cwd=tmp_path, env=_env(GITHUB_ACTIONS="true"))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "::error file=issues/bad.yaml,line=6,col=3::top_story.toc_titel: unknown key 'toc_titel' "
        "(did you mean 'toc_title'?)",
        "::warning file=issues/good.yaml,line=1,col=1::imprint: no imprint given, so the built-in placeholder "
        "(a fictional publisher) is printed as the imprint; add imprint: to the issue or to its brand file",
    ]
    plain = run(["validate", "issues/"], cwd=tmp_path)
    assert plain.stderr.splitlines()[0].startswith("issues/bad.yaml:6:3: top_story.toc_titel:")


def test_annotation_escapes_the_workflow_command_syntax():
    from briefing_pdf.cli import github_annotation
    from briefing_pdf.errors import Problem

    line = github_annotation(Problem("100% of a: b, c", "dir,x/a:b.yaml", 3, None, "x.y"))
    assert line == "::error file=dir%2Cx/a%3Ab.yaml,line=3,col=1::x.y: 100%25 of a: b, c"


def test_top_level_help_lists_one_example_per_line():
    proc = run(["--help"], cwd=ROOT)
    lines = proc.stdout.splitlines()
    examples = [line.strip() for line in lines if line.strip().startswith("briefing-pdf ")]
    assert len(examples) >= 7
    assert all(line.count("briefing-pdf ") == 1 for line in examples)  # not run together
    assert any(line.startswith("briefing-pdf new ") for line in examples)


def test_preview_of_a_non_pdf_or_a_broken_pdf_leaves_no_folder(tmp_path):
    """Issue 10: `preview` on a YAML file was an internal error and left an empty folder behind."""
    write_issues(tmp_path, good=("en-x",))
    proc = run(["preview", "en-x.yaml"], cwd=tmp_path)
    assert proc.returncode == 2 and "not a PDF file" in proc.stderr and "internal error" not in proc.stderr
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a PDF\n")
    proc = run(["preview", "broken.pdf"], cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr.startswith("broken.pdf: cannot read this PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.pdf", "en-x.yaml"]


def test_summary_table_aligns_columns_without_rich():
    from briefing_pdf.batch import Result
    from briefing_pdf.cli import summary_table

    results = [Result(Path("issues/a-very-long-issue-name.yaml"), Path("out/a.pdf"), True, 12, 1.234),
               Result(Path("b.yaml"), Path("out/b.pdf"), False, 0, 0.05)]
    lines = summary_table(results, 1.3)
    assert lines[0].split() == ["issue", "status", "pages", "time"]
    assert lines[1].split() == ["issues/a-very-long-issue-name.yaml", "ok", "12", "1.23", "s"]
    assert lines[2].split() == ["b.yaml", "FAILED", "–", "0.05", "s"]
    # Left columns start together; right columns end together.
    assert lines[1].index("ok") == lines[2].index("FAILED") == lines[0].index("status")
    assert len(lines[0]) == len(lines[1]) == len(lines[2])
    assert lines[1].index("12") + 2 == lines[0].index("pages") + 5
    assert lines[-1] == "1 built, 1 failed, 12 pages in 1.30 s"
