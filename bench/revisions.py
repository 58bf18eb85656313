"""Warm in-process build time of this tree against an earlier revision, paired.

Issue 8 asks that kerning, ties and the new hyphenation cost a warm
in-process build at most 15 % over the build before them. This script
checks out the base revision into a temporary git worktree and alternates
fresh worker processes of both trees (which goes first alternates too). Each
worker imports its tree, builds every sample twice to warm up, then times
``--builds`` renders by CPU time and prints the median; the report gives the
median over the pairs and the ratio.

    python bench/revisions.py e303cf1                 # this tree with its default PDF standard
    python bench/revisions.py e303cf1 --standard none # like for like: no tagging

Not part of ``make bench``: it needs git and a second checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKER = r"""
import inspect, json, statistics, sys, time
from pathlib import Path
from briefing_pdf.pipeline import check
from briefing_pdf.render import render
standard, builds, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
kwargs = {"standard": standard} if "standard" in inspect.signature(render).parameters and standard else {}
out = {}
for name in files:
    checked = check(Path(name))
    issue, theme = checked.issue.model, checked.theme
    for _ in range(2):
        render(issue, theme, **kwargs)
    times = []
    for _ in range(builds):
        start = time.process_time()
        render(issue, theme, **kwargs)
        times.append(time.process_time() - start)
    out[Path(name).name] = statistics.median(times)
print(json.dumps(out))
"""


def worker(tree: Path, standard: str, builds: int, files: list[str]) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    result = subprocess.run([sys.executable, "-c", WORKER, standard, str(builds), *files], cwd=tree, env=env,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the earlier revision (e.g. e303cf1)")
    parser.add_argument("--standard", default="", help="PDF standard for this tree (default: its default)")
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--builds", type=int, default=5)
    args = parser.parse_args()
    samples = sorted(str(p) for p in (ROOT / "issues").glob("*.yaml") if not p.name.endswith(".brand.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.base], cwd=ROOT, check=True)
        try:
            runs: dict[str, dict[str, list[float]]] = {"base": {}, "head": {}}
            for i in range(args.pairs):
                order = [("base", base, ""), ("head", ROOT, args.standard)]
                for label, tree, standard in (order if i % 2 == 0 else order[::-1]):
                    files = [str(tree / Path(s).relative_to(ROOT)) for s in samples]
                    for name, seconds in worker(tree, standard, args.builds, files).items():
                        runs[label].setdefault(name, []).append(seconds)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    print(f"warm in-process build, CPU time, median of {args.pairs} paired workers x {args.builds} builds")
    print(f"base {args.base} vs this tree (standard: {args.standard or 'default'})")
    for name in runs["base"]:
        b, h = statistics.median(runs["base"][name]), statistics.median(runs["head"][name])
        print(f"  {name:32s} base {b * 1000:6.1f} ms   head {h * 1000:6.1f} ms   ratio {h / b:.2f}")


if __name__ == "__main__":
    main()
