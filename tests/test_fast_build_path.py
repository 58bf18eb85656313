"""The `build` fast path in cli.main: same behaviour as typer, without typer's per-parameter adapters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from freshproc import fresh_python

from briefing_pdf.cli import _fast_build_args

SMALL = Path(__file__).parent / "data" / "small-en.yaml"


def test_plain_build_arguments_are_parsed():
    args = _fast_build_args(["--debug", "build", "a.yaml", "dir", "-o", "out", "-j", "2", "--png",
                             "--dpi", "50", "--shard", "1/4", "--pdf-standard", "none", "--brand", "b.yaml",
                             "--strict"])
    assert args == {"paths": [Path("a.yaml"), Path("dir")], "debug": True, "output": Path("out"), "jobs": 2,
                    "png": True, "dpi": 50, "shard": "1/4", "pdf_standard": "none", "brand": Path("b.yaml"),
                    "strict": True}


def test_fast_path_knows_every_build_option():
    """An option added to `build` must reach the fast path too (else it silently goes slow)."""
    import inspect

    from briefing_pdf.cli import _BUILD_OPTIONS, BUILD_DEFAULTS, run_build
    from briefing_pdf.commands import build

    params = inspect.signature(build).parameters
    assert set(params) - {"paths"} == {name for name, _ in _BUILD_OPTIONS.values()} == set(BUILD_DEFAULTS)
    assert list(inspect.signature(run_build).parameters) == list(params)
    for name, default in BUILD_DEFAULTS.items():  # typer's defaults are the fast path's
        assert params[name].default.default == default, name


@pytest.mark.parametrize("argv", [
    [], ["build"], ["validate", "a.yaml"], ["build", "--help"], ["build", "a.yaml", "--output=x.pdf"],
    ["build", "a.yaml", "-j2"], ["build", "a.yaml", "-j", "two"], ["build", "a.yaml", "-o", "x", "-o", "y"],
    ["build", "a.yaml", "--jobs"], ["build", "--", "a.yaml"], ["build", "a.yaml", "--bogus"],
    ["build", "a.yaml", "-o", "--png"], ["--version"],
])
def test_everything_unusual_is_left_to_typer(argv):
    assert _fast_build_args(argv) is None


def _cli(*args, cwd):
    env = dict(os.environ, COLUMNS="120")
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "briefing_pdf.cli", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=180, env=env)


def _entry_point(*args, cwd):
    """The installed ``briefing-pdf`` script (what users and CI run), else ``python -m briefing_pdf.cli``."""
    exe = Path(sys.executable).with_name("briefing-pdf")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "briefing_pdf.cli"]
    env = dict(os.environ, COLUMNS="120", PYTHONPROFILEIMPORTTIME="1")
    return subprocess.run([*cmd, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=180, env=env)


def _imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_fast_path_writes_the_same_bytes_as_typer_and_skips_its_adapters(tmp_path):
    fast = _cli("build", SMALL, "-o", tmp_path / "fast.pdf", cwd=tmp_path)
    slow = _cli("build", SMALL, f"--output={tmp_path / 'slow.pdf'}", cwd=tmp_path)  # `=` goes through typer
    assert fast.returncode == slow.returncode == 0, fast.stderr[-2000:] + slow.stderr[-2000:]
    assert (tmp_path / "fast.pdf").read_bytes() == (tmp_path / "slow.pdf").read_bytes()
    assert "typer._adapters" not in _imported(fast.stderr)
    assert "typer._adapters" in _imported(slow.stderr)


@pytest.mark.parametrize("run", [_cli, _entry_point])
def test_plain_build_imports_neither_typer_nor_click(tmp_path, run):
    proc = run("build", SMALL, "-o", tmp_path / "x.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF-")
    imported = _imported(proc.stderr)
    assert "briefing_pdf.render" in imported  # the measurement itself works
    assert not {m for m in imported if m.split(".")[0] in ("typer", "click")}
    assert "briefing_pdf.commands" not in imported


def test_other_commands_still_go_through_typer(tmp_path):
    proc = _entry_point("validate", SMALL, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {"typer", "briefing_pdf.commands"} <= _imported(proc.stderr)


def test_cli_module_hands_out_the_typer_commands():
    from briefing_pdf import cli, commands

    assert cli.app is commands.app and cli.build is commands.build
    with pytest.raises(AttributeError):
        cli.no_such_thing  # noqa: B018


@pytest.mark.parametrize("extra", [["--pdf-standard", "bogus"], ["--shard", "3/2"], ["--brand", "missing.yaml"]])
def test_fast_path_fails_like_typer(tmp_path, extra):
    fast = _cli("build", SMALL, "-o", tmp_path / "x.pdf", *extra, cwd=tmp_path)
    slow = _cli("build", SMALL, f"--output={tmp_path / 'x.pdf'}", *extra, cwd=tmp_path)
    strip = lambda text: [l for l in text.splitlines() if not l.startswith("import time:")]
    assert fast.returncode == slow.returncode == 2
    assert strip(fast.stderr) == strip(slow.stderr) and strip(fast.stderr)


def test_reportlab_uri_regex_is_lazy_and_matches_like_the_real_one():
    """In a fresh process, as a build starts: another test that imports
    reportlab.platypus directly first would get the eager pattern."""
    code = (
        "import re\n"
        "import briefing_pdf.render  # imports reportlab.platypus through rlstart\n"
        "from reportlab.platypus import paragraph\n"
        "from briefing_pdf.rlstart import LazyPattern\n"
        "print(isinstance(paragraph.uri_pat, LazyPattern))\n"
        "real = re.compile(*paragraph.uri_pat._args)\n"
        "uris = ('https://example.com/a/b', 'ftp://user@10.0.0.1:21/x', 'not a uri', 'http://bücher.de/')\n"
        "print(all(bool(paragraph.uri_pat.match(u)) == bool(real.match(u)) for u in uris))\n"
        "print(paragraph._uri_split_pairs('https://example.com/a/b')[0] == ('https://example.com/a/', 'b'))\n"
        "print(re.compile('x').pattern == 'x')  # re.compile itself is the real one again\n")
    assert fresh_python(code).split() == ["True"] * 4


def test_memoised_fp_str_formats_exactly_like_reportlab():
    import random

    import briefing_pdf.render  # noqa: F401  (installs the memoised fp_str)
    from reportlab.lib import rl_accel
    from reportlab.pdfgen import canvas, textobject

    fast = rl_accel.fp_str
    original = getattr(fast, "original", None)
    if original is None:
        pytest.skip("ReportLab's C accelerator is installed: fp_str is not replaced")
    assert canvas.fp_str is fast and textobject.fp_str is fast
    rng = random.Random(7)
    values = [0, 1, -1, True, 0.5, 1e-8, -1e-8, 123456.789, 0.1 + 0.2, 595.2755905511812]
    values += [rng.uniform(-1000, 1000) for _ in range(500)] + [rng.randint(-10**6, 10**6) for _ in range(100)]
    for v in values:
        assert fast(v) == original(v) and fast(v) == original(v)  # cold and memoised
    for k in range(0, 600, 6):
        chunk = values[k:k + 6]
        assert fast(*chunk) == original(*chunk) and fast(chunk) == original(chunk)
    with pytest.raises(TypeError):
        fast("not a number")


def test_warm_up_state_is_frozen_out_of_the_cyclic_collector():
    code = ("import gc, briefing_pdf.batch as b; before = gc.get_freeze_count(); b.warm(('de',)); "
            "print(before, gc.get_freeze_count())")
    before, after = map(int, fresh_python(code).split())
    assert before == 0 and after > 10000


def test_fast_path_exits_130_on_ctrl_c_like_typer(monkeypatch):
    from briefing_pdf import cli

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run", interrupted)  # Ctrl+C while the issues are built (run_build calls it)
    monkeypatch.setattr(sys, "argv", ["briefing-pdf", "build", str(SMALL), "-o", "unused.pdf"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 130


def test_reportlab_imports_without_harfbuzz_and_leaves_it_importable():
    """ReportLab is imported as if uharfbuzz were absent (we never shape); the module itself stays usable."""
    pytest.importorskip("uharfbuzz")
    code = ("import sys, briefing_pdf.render; from reportlab.pdfbase import ttfonts; "
            "print(ttfonts.uharfbuzz is None, 'uharfbuzz' in sys.modules); "
            "import uharfbuzz; print(uharfbuzz.__name__)")
    stdout = fresh_python(code, timeout=120)
    assert stdout.split() == ["True", "False", "uharfbuzz"]


def test_reportlab_cjkwrap_regex_is_lazy_and_matches_like_the_real_one():
    code = ("import re, briefing_pdf.render; from reportlab.lib import textsplit; "
            "from briefing_pdf.rlstart import LazyPattern; "
            "real = re.compile(*textsplit.rx._args); text = 'Lieferketten 中文東京 한국어 end'; "
            "print(isinstance(textsplit.rx, LazyPattern), textsplit.rx.sub(r'\\1\\0 ', text) == real.sub(r'\\1\\0 ', text), "
            "textsplit.rx.pattern == real.pattern)")
    stdout = fresh_python(code, timeout=120)
    assert stdout.split() == ["True", "True", "True"]


@pytest.mark.parametrize("extra, code", [([], 0), (["--pdf-standard", "bogus"], 2)])
def test_console_script_finishes_without_teardown_but_runs_atexit(tmp_path, extra, code):
    """The console entry ends a build with os._exit after atexit handlers and flushed output."""
    mark = tmp_path / "atexit-ran"
    script = ("import atexit, sys; "
              f"atexit.register(lambda: open({str(mark)!r}, 'w').write('ran')); "
              f"sys.argv = ['briefing-pdf', 'build', {str(SMALL)!r}, '-o', {str(tmp_path / 'x.pdf')!r}, *{extra!r}]; "
              "from briefing_pdf import cli; cli.console(); print('after console()')")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert out.returncode == code, out.stderr[-2000:]
    assert "after console()" not in out.stdout  # the process ended inside console()
    assert mark.read_text() == "ran"
    if code == 0:
        assert out.stdout.startswith("ok    ") and (tmp_path / "x.pdf").is_file()
    else:
        assert "bogus" in out.stderr


def test_main_called_in_process_exits_with_systemexit(tmp_path, monkeypatch):
    """Only the console script skips teardown; main() in a running process raises SystemExit."""
    import gc

    from briefing_pdf import cli

    monkeypatch.setattr(sys, "argv", ["briefing-pdf", "build", str(SMALL), "-o", str(tmp_path / "x.pdf")])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 0 and (tmp_path / "x.pdf").is_file()
    assert gc.isenabled()


def test_profiling_a_build_still_writes_the_profile(tmp_path):
    """cProfile writes its results at exit: under a profiler the build exits the normal way."""
    prof = tmp_path / "build.prof"
    out = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "briefing_pdf.cli", "build",
                          str(SMALL), "-o", str(tmp_path / "x.pdf")], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    assert prof.stat().st_size > 1000


def test_yaml_reader_check_is_lazy_and_still_rejects_control_characters(tmp_path):
    issue = tmp_path / "ctl.yaml"
    issue.write_text('date: 2025-01-30\nlanguage: en\ntop_story:\n  title: "a\x07b"\n  body: x\n', encoding="utf-8")
    code = ("import sys; from briefing_pdf import load; import yaml.reader; from briefing_pdf.lazyre import LazyPattern\n"
            "print(isinstance(yaml.reader.Reader.NON_PRINTABLE, LazyPattern))\n"
            "try:\n    load.load_issue(sys.argv[1])\nexcept Exception as exc:\n    print(exc.problems[0].message)\n")
    out = subprocess.run([sys.executable, "-c", code, str(issue)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    lazy, message = out.stdout.splitlines()[:2]
    assert lazy == "True"
    assert "unacceptable character #x0007" in message


def test_markdown_it_regexes_are_lazy_and_parsing_is_unchanged():
    """markdown-it's import-time patterns are compiled on first use: the rules the
    "zero" preset leaves off never compile theirs, and parsing gives what the
    library itself gives with eagerly compiled patterns (a fresh process)."""
    code = (
        "import sys\n"
        "from briefing_pdf import text\n"
        "from briefing_pdf.lazyre import LazyPattern\n"
        "para = 'Ein **fetter** Text mit [Link](https://bücher.example/ä?x=1) und *kursiv* – 12 % & <b>'\n"
        "ours = [(r.text, r.bold, r.italic, r.href) for r in text.parse_inline(para)]\n"
        "marks = text.unclosed_marks('x **y [a](b')\n"
        "html_block = sys.modules['markdown_it.rules_block.html_block']\n"
        "from markdown_it.common import html_re\n"
        "print(type(html_re.HTML_TAG_RE).__name__, html_re.HTML_TAG_RE._compiled is None)\n"
        "print(all(isinstance(p, LazyPattern) for p, _end, _term in html_block.HTML_SEQUENCES))\n"
        "print(repr((ours, marks)))\n")
    eager = (
        "from markdown_it import MarkdownIt\n"
        "from briefing_pdf import text\n"
        "para = 'Ein **fetter** Text mit [Link](https://bücher.example/ä?x=1) und *kursiv* – 12 % & <b>'\n"
        "print(repr(([(r.text, r.bold, r.italic, r.href) for r in text.parse_inline(para)], "
        "text.unclosed_marks('x **y [a](b'))))\n")
    lazy_out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    eager_out = subprocess.run([sys.executable, "-c", eager], capture_output=True, text=True, timeout=60)
    assert lazy_out.returncode == 0 and eager_out.returncode == 0, lazy_out.stderr[-2000:] + eager_out.stderr[-2000:]
    kind, flags, result = lazy_out.stdout.splitlines()
    assert (kind, flags) == ("LazyPattern True", "True")
    assert result == eager_out.stdout.strip()
    assert "https://xn--bcher-kva.example/%C3%A4?x=1" in result  # through mdurl and punycode (lazy patterns)


def test_lazy_pattern_used_inside_its_block_compiles_for_real():
    import re

    from briefing_pdf.lazyre import LazyPattern, compiling_lazily

    with compiling_lazily(lambda p: p == "a+b", callers=("no.such.module",)):
        lazy = re.compile("a+b")
        other = re.compile("c+d")
        assert isinstance(lazy, LazyPattern) and not isinstance(other, LazyPattern)
        assert lazy.search("xaab").group() == "aab"  # used while the stand-in is still installed
    assert isinstance(lazy._compiled, re.Pattern)
    assert not isinstance(re.compile("a+b"), LazyPattern)


def test_idle_reportlab_module_patterns_are_lazy_and_still_work():
    """The patterns of modules ReportLab imports but a build does not use compile on
    first use; used anyway (the HTML parser, ReportLab's date class) they work."""
    code = (
        "import sys, briefing_pdf.render\n"
        "from briefing_pdf.lazyre import LazyPattern\n"
        "from briefing_pdf.rlstart import _IDLE_MODULES\n"
        "idle = [v for n, m in list(sys.modules.items()) if m is not None and n.startswith(_IDLE_MODULES)\n"
        "        for v in vars(m).values() if isinstance(v, LazyPattern)]\n"
        "print(len(idle), all(p._compiled is None for p in idle))\n"
        "from html.parser import HTMLParser\n"
        "class P(HTMLParser):\n"
        "    seen = []\n"
        "    def handle_starttag(self, tag, attrs): self.seen.append((tag, attrs))\n"
        "    def handle_data(self, data): self.seen.append(data)\n"
        "p = P(); p.feed('<a href=\"x&amp;y\">T&auml;st</a><!-- c -->'); p.close()\n"
        "from reportlab.lib.normalDate import NormalDate\n"
        "print(p.seen, NormalDate('2026-11-30').formatUS())\n")
    stdout = fresh_python(code, timeout=60)
    count, parsed = stdout.splitlines()
    assert int(count.split()[0]) >= 15 and count.split()[1] == "True"
    assert parsed == "[('a', [('href', 'x&y')]), 'Täst'] 11/30/26"


@pytest.mark.parametrize("preset", [None, ""])
def test_console_script_skips_pydantic_s_plugin_search_unless_told_otherwise(tmp_path, preset):
    """The console script's process never searches the installed distributions
    for pydantic plugins; a PYDANTIC_DISABLE_PLUGINS the caller sets (even
    empty, which turns plugins on) is kept."""
    script = ("import atexit, os, sys\n"
              "def report():\n"
              "    from pydantic.plugin import _loader\n"
              "    print(repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')), _loader._plugins is None)\n"
              "atexit.register(report)\n"
              f"sys.argv = ['briefing-pdf', 'build', {str(SMALL)!r}, '-o', {str(tmp_path / 'x.pdf')!r}]\n"
              "from briefing_pdf import cli; cli.console()\n")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if preset is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = preset
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180,
                         cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines()[-1] == ("'__all__' True" if preset is None else "'' False")
    assert (tmp_path / "x.pdf").is_file()


def test_pillow_image_module_runs_only_when_a_build_needs_it(tmp_path):
    """ReportLab imports PIL.Image at once; ours is lazy until something reads it.
    A PNG logo (which does need it) gives the same PDF as with Pillow loaded first."""
    probe = ("import sys, briefing_pdf.render\n"
             "print(type(sys.modules['PIL.Image']).__name__, 'PIL._imaging' in sys.modules)\n")
    assert fresh_python(probe).split() == ["_LazyModule", "False"]

    from PIL import Image

    Image.new("RGB", (500, 100), (20, 60, 120)).save(tmp_path / "logo.png")
    (tmp_path / "png.brand.yaml").write_text(
        "name: PNG House\nlogo: logo.png\nlogo_alt: PNG House\n"
        "imprint:\n  publisher: {name: PNG House, address: [1 Pixel Lane, Leeds]}\n", encoding="utf-8")
    issue = SMALL.read_text(encoding="utf-8")
    (tmp_path / "issue.yaml").write_text("brand: png.brand.yaml\n" + issue, encoding="utf-8")
    build = ("import sys\n{first}\nfrom briefing_pdf.pipeline import build\n"
             "build({src!r}, {out!r})\n"
             "print(type(sys.modules['PIL.Image']).__name__)\n")
    lazy = fresh_python(build.format(first="", src=str(tmp_path / "issue.yaml"), out=str(tmp_path / "lazy.pdf")))
    eager = fresh_python(build.format(first="import PIL.Image", src=str(tmp_path / "issue.yaml"),
                                      out=str(tmp_path / "eager.pdf")))
    assert lazy.split()[-1] == eager.split()[-1] == "module"  # the logo made it run
    assert (tmp_path / "lazy.pdf").read_bytes() == (tmp_path / "eager.pdf").read_bytes()
    assert b"/Subtype /Image" in (tmp_path / "lazy.pdf").read_bytes()
