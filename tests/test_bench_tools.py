"""The benchmark helpers measure what they claim (bench/versus.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import versus  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak RSS via wait4 on Linux")


def test_peak_rss_is_the_commands_own_not_the_benchmarks():
    ballast = bytearray(150 * 1024 * 1024)  # the benchmark process is large by the time it measures
    ballast[::4096] = b"x" * len(ballast[::4096])
    wall, small, code, _ = versus.measure([sys.executable, "-c", "pass"])
    assert code == 0 and wall > 0
    assert small < 60, small  # a bare interpreter, not the 150 MiB parent
    _, grown, _, _ = versus.measure([sys.executable, "-c", "x = bytearray(80 * 1024 * 1024); x[::4096] = b'y' * len(x[::4096])"])
    assert grown - small > 70, (small, grown)
    del ballast


def test_exit_code_and_stderr_come_back():
    _, _, code, err = versus.measure([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])
    assert code == 3 and "boom" in err


def test_text_variants_differ_but_keep_structure(tmp_path):
    issue = ROOT / "issues" / "de-2026-11-lieferketten.yaml"
    a, b = versus.write_variants(issue, 2, tmp_path)
    da, db = (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (a, b))
    ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    assert ta != tb
    assert da.keys() == db.keys()
    assert ta.count("](") == tb.count("](") == issue.read_text(encoding="utf-8").count("](")
    assert len(da["topics"]) == len(db["topics"])
