"""A plain wheel (not an editable install) carries the fonts and the default brand."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                               "-v", "-w", str(out), str(ROOT)], check=True, capture_output=True, text=True,
                              timeout=300)
    except subprocess.CalledProcessError as exc:  # pragma: no cover - shows pip's reason
        pytest.fail(f"pip wheel failed:\n{exc.stderr}")
    (found,) = out.glob("briefing_pdf-*.whl")
    BUILD_LOG.append(proc.stdout + proc.stderr)
    return found


BUILD_LOG: list[str] = []


def test_wheel_builds_without_setuptools_warnings(wheel: Path):
    """Issue 10: the licence table and an undeclared data package printed ~60 lines of banners."""
    log = BUILD_LOG[-1]
    for banner in ("is deprecated", "Package would be ignored", "SetuptoolsDeprecationWarning"):
        assert banner not in log, banner


def test_wheel_contains_fonts_licences_and_default_brand(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for font in ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf",
                 "NotoSerif-BoldItalic.ttf", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf",
                 "wqy-microhei.ttc", "OFL-Noto.txt", "LICENSE-wqy-microhei.txt"):
        assert f"briefing_pdf/fonts/{font}" in names
    assert "briefing_pdf/data/default.brand.yaml" in names
    for data in ("hyph_de_DE.dic", "hyph_en_US.dic", "LICENSE-dehyph-exptl.txt",
                 "LICENSE-hyph-en-us.txt", "README.md"):
        assert f"briefing_pdf/data/hyph/{data}" in names


def test_unpacked_wheel_builds_an_issue_without_the_checkout(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    issue = tmp_path / "issue.yaml"
    issue.write_text("date: 2026-03-12\nlanguage: de\ntop_story:\n  title: Titel\n"
                     "  body: Text mit Namen wie Wang Wentao (王文涛).\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site), "BRIEFING_PDF_NO_CACHE": "1"}
    code = ("import briefing_pdf.fonts as f, briefing_pdf.pipeline as p, sys;"
            "assert str(f.shipped_font_dir()).startswith(sys.argv[1]), f.shipped_font_dir();"
            "import briefing_pdf.hyphenate as h;"
            "assert str(h.dictionary_path('de')).startswith(sys.argv[1]), h.dictionary_path('de');"
            "assert h.get_hyphenator('de').hyphenate('Zusammenarbeit') == 'Zu-sam-men-ar-beit';"
            "p.build(sys.argv[2], sys.argv[3])")
    subprocess.run([sys.executable, "-c", code, str(site), str(issue), str(tmp_path / "out.pdf")],
                   check=True, env=env, cwd=tmp_path, timeout=120)
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
