"""The cyclic collector pauses for a whole render and is left as it was found."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "issues" / "en-2026-11-energy.yaml"


@pytest.fixture(scope="module")
def checked():
    from briefing_pdf.pipeline import check

    return check(SAMPLE)


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused_during_render_and_restored(checked, enabled):
    from reportlab.platypus import Paragraph

    from briefing_pdf.render import render

    seen = []

    def paragraph(markup, style, **_):
        seen.append(gc.isenabled())
        return Paragraph(markup, style)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        result = render(checked.issue.model, checked.theme, paragraph_factory=paragraph)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert result.pdf.startswith(b"%PDF") and result.pages > 1
    assert seen and not any(seen)  # every paragraph was made with the collector paused


def test_collector_restored_when_render_fails(checked):
    from briefing_pdf.render import render

    def broken(markup, style, **_):
        raise RuntimeError("layout failed")

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        render(checked.issue.model, checked.theme, paragraph_factory=broken)
    assert gc.isenabled()
