"""Shared fixtures: every sample issue built once per session.

``sample`` is parametrised over every issue in ``issues/`` (brand files
excluded) and the small fixtures ``tests/data/mini-*.yaml``; ``full_sample``
only over ``issues/`` (the full-size samples). Builds are lazy and cached, so
running one test builds only what it needs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
ISSUES = ROOT / "issues"
sys.path.insert(0, str(TESTS))

import pdftools  # noqa: E402


@pytest.fixture(autouse=True)
def _plain_problem_lines(monkeypatch):
    """Tests expect compiler-style lines; on a GitHub runner the CLI would write annotations."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _issue_files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    files = [p for ext in ("yaml", "yml", "json") for p in folder.glob(f"{pattern}.{ext}")]
    return sorted(p for p in files if not p.name.endswith((".brand.yaml", ".brand.yml")))


FULL_SAMPLES = {p.stem: p for p in _issue_files(ISSUES)}
MINI_SAMPLES = {p.stem: p for p in _issue_files(DATA, "mini-*")}
ALL_SAMPLES = {**FULL_SAMPLES, **MINI_SAMPLES}


@dataclass
class Built:
    """One built sample: its source, model, theme and PDF, with lazy readings of the PDF."""

    stem: str
    source: Path
    issue: object  # briefing_pdf.model.Issue
    theme: object  # briefing_pdf.brand.Theme
    pdf: Path
    pages: int

    @cached_property
    def texts(self) -> list[str]:
        return pdftools.page_texts(self.pdf)

    @cached_property
    def expected(self) -> pdftools.Expected:
        return pdftools.expected_for(self.issue, self.theme)

    @cached_property
    def links(self) -> list[pdftools.LinkAnnot]:
        return pdftools.links(self.pdf)

    @cached_property
    def outline(self) -> list[tuple[int, str, int]]:
        return pdftools.outline(self.pdf)

    @cached_property
    def fonts(self) -> dict[str, pdftools.DrawnFont]:
        return pdftools.drawn_fonts(self.pdf)

    @cached_property
    def contents_pages(self) -> int:
        """Pages from page 1 on that hold contents lines (``Title ..... N``)."""
        n = 0
        while n < len(self.texts) and pdftools.contents_entries(self.texts[n]):
            n += 1
        return n

    @cached_property
    def contents(self) -> list[tuple[str, int]]:
        return [e for text in self.texts[:max(self.contents_pages, 1)] for e in pdftools.contents_entries(text)]


def build_one(source: Path, out_dir: Path, stem: str | None = None) -> Built:
    """Check and build one issue file into ``out_dir``."""
    from briefing_pdf.pipeline import build, check

    stem = stem or source.stem
    checked = check(source)
    pdf = out_dir / f"{stem}.pdf"
    result = build(source, pdf)
    return Built(stem, source, checked.issue.model, checked.theme, pdf, result.pages)


class _Builds:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.cache: dict[str, Built] = {}

    def get(self, stem: str) -> Built:
        if stem not in self.cache:
            self.cache[stem] = build_one(ALL_SAMPLES[stem], self.out, stem)
        return self.cache[stem]


@pytest.fixture(scope="session")
def builds(tmp_path_factory) -> _Builds:
    """Lazy, session-wide builds of the samples: ``builds.get(stem)``."""
    return _Builds(tmp_path_factory.mktemp("pdfs"))


@pytest.fixture(scope="session")
def built_samples(builds) -> dict[str, tuple[object, Path]]:
    """Every sample built: ``{stem: (issue model, pdf path)}``."""
    return {stem: (builds.get(stem).issue, builds.get(stem).pdf) for stem in ALL_SAMPLES}


@pytest.fixture
def sample(request, builds) -> Built:
    return builds.get(request.param)


@pytest.fixture
def full_sample(request, builds) -> Built:
    return builds.get(request.param)


def pytest_generate_tests(metafunc):
    if "sample" in metafunc.fixturenames:
        metafunc.parametrize("sample", sorted(ALL_SAMPLES), indirect=True)
    if "full_sample" in metafunc.fixturenames:
        metafunc.parametrize("full_sample", sorted(FULL_SAMPLES), indirect=True)


@pytest.fixture(scope="session")
def fontset():
    """The shipped fonts, checked and registered with ReportLab."""
    from briefing_pdf.fonts import load_fontset

    fs = load_fontset({}, None, "<test>")
    fs.register_all()
    return fs
