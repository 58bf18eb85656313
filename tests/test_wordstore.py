"""The word store (briefing_pdf/wordstore.py): plans kept between runs.

A stored plan must be exactly the plan the build would compute, so every test
here compares PDFs byte for byte with a build that computed every word, and
counts how many words were computed to show the store was (or was not) used.
The content is written here and is unlike the samples: a Norwegian-themed
German issue and an English one with its own brand fonts.
"""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_pdf import kpparagraph, wordstore
from briefing_pdf.pipeline import build

ROOT = Path(__file__).resolve().parent.parent

ISSUE_DE = """\
series: Nordlicht-Notizen
date: 2026-02-12
language: de
top_story:
  title: Fjordfähren fahren elektrisch
  body: |
    Die Reederei aus Bergen ersetzt bis Herbst sieben Dieselfähren durch
    batterieelektrische Schiffe. Ladestationen an beiden Anlegern speisen
    Strom aus Wasserkraft, die Umlaufzeiten bleiben unverändert.

    Gemeinderäte entlang der Küstenstraße verlangen zusätzliche Abfahrten in
    den Wintermonaten; die Verkehrsbehörde prüft Ausschreibungsunterlagen.
    Auch **Wind**parkbetreiber und eine Werft aus Nagasaki (長崎) bewerben sich.
topics:
  - title: Lachszucht unter Auflagen
    facts: Die Aufsichtsbehörde senkte die zulässige Besatzdichte um ein Zehntel.
    outlook: Zuchtbetriebe investieren in geschlossene Netzgehege vor Tromsø.
imprint:
  publisher: {name: Nordlicht Verlag, address: [Kaigata 4, 5003 Bergen]}
"""

ISSUE_EN = """\
series: Harbour Ledger
date: 2026-03-03
language: en
brand: ledger.brand.yaml
top_story:
  title: Tidal turbines clear their winter trials
  body: |
    Engineers anchored three submerged turbines off the headland in October;
    after a stormy winter, gearbox wear stayed below the manufacturer's limits.
    Grid operators now plan a cable upgrade before commissioning.
imprint:
  publisher: {name: Ledger Press, address: [1 Quay Row, Kirkwall]}
"""


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """An empty cache folder of the test's own; the store off again afterwards."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(folder))
    monkeypatch.delenv("BRIEFING_PDF_NO_CACHE", raising=False)
    yield folder
    wordstore.disable()


@pytest.fixture
def computed(monkeypatch):
    """Counts the words whose plan a build computes (instead of finding one)."""
    calls = []
    real, real_multi = kpparagraph.KPParagraph._plan, kpparagraph.KPParagraph._multi_plan

    def counting(self, f, raw, *args):
        calls.append((raw, f.fontName))
        return real(self, f, raw, *args)

    def counting_multi(self, segs, *args):  # a word of several segments (**Wind**park, (長崎))
        calls.append(("".join(t for _, t in segs), next(f.fontName for f, t in segs if t)))
        return real_multi(self, segs, *args)

    monkeypatch.setattr(kpparagraph.KPParagraph, "_plan", counting)
    monkeypatch.setattr(kpparagraph.KPParagraph, "_multi_plan", counting_multi)
    return calls


def _cold_build(issue: Path, out: Path, store: bool) -> bytes:
    """Build in this process as a fresh run would: no words in memory."""
    kpparagraph._PLANS.clear()
    wordstore.disable()
    if store:
        wordstore.enable()
    build(issue, out)
    return out.read_bytes()


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_stored_plan_gives_the_same_pdf_and_spares_the_work(tmp_path, store_dir, computed):
    issue = _write(tmp_path, "fjord.yaml", ISSUE_DE)
    plain = _cold_build(issue, tmp_path / "plain.pdf", store=False)
    first_run = len(computed)
    assert first_run > 50
    words = {word for word, _ in computed}
    assert {"Windparkbetreiber", "(長崎)"} <= words  # words of several segments are planned too
    assert not store_dir.exists() or not list(store_dir.glob("words-*"))  # the library never writes it

    _cold_build(issue, tmp_path / "first.pdf", store=True)
    assert wordstore.save()
    files = list(store_dir.glob("words-*"))
    assert len(files) == 1

    computed.clear()
    again = _cold_build(issue, tmp_path / "again.pdf", store=True)
    assert again == plain
    assert computed == []  # every word came from the store
    assert not wordstore.save()  # nothing new: the file is not rewritten


def test_a_changed_font_file_invalidates_its_plans(tmp_path, store_dir, computed):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name in ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf",
                 "NotoSerif-BoldItalic.ttf"):
        shutil.copy(ROOT / "fonts" / name, fonts / name)
    _write(tmp_path, "ledger.brand.yaml", "name: Ledger\nfonts:\n"
           "  regular: fonts/NotoSerif-Regular.ttf\n  bold: fonts/NotoSerif-Bold.ttf\n"
           "  italic: fonts/NotoSerif-Italic.ttf\n  bold_italic: fonts/NotoSerif-BoldItalic.ttf\n")
    issue = _write(tmp_path, "ledger.yaml", ISSUE_EN)
    plain = _cold_build(issue, tmp_path / "plain.pdf", store=False)
    _cold_build(issue, tmp_path / "first.pdf", store=True)
    assert wordstore.save()

    regular = fonts / "NotoSerif-Regular.ttf"
    st = regular.stat()
    os.utime(regular, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # "a new version of the font"
    computed.clear()
    again = _cold_build(issue, tmp_path / "again.pdf", store=True)
    assert again == plain
    redone = {font for _, font in computed}
    assert redone, "plans of the changed font must be computed again"
    from briefing_pdf.fonts import registered_file

    # the faces of the other files still come from the store (headings use the regular file here)
    assert {registered_file(font).resolve() for font in redone} == {regular.resolve()}, redone


def test_a_corrupt_store_is_ignored_and_replaced(tmp_path, store_dir, computed):
    issue = _write(tmp_path, "fjord.yaml", ISSUE_DE)
    plain = _cold_build(issue, tmp_path / "plain.pdf", store=False)
    _cold_build(issue, tmp_path / "first.pdf", store=True)
    assert wordstore.save()
    (path,) = store_dir.glob("words-*")
    path.write_bytes(b"\x00not a store" * 10)

    computed.clear()
    assert _cold_build(issue, tmp_path / "again.pdf", store=True) == plain
    assert len(computed) > 50  # nothing usable was read
    assert wordstore.save()
    fmt, _fonts, groups = marshal.loads(path.read_bytes())
    assert fmt == wordstore.FORMAT and sum(map(len, groups.values())) > 50


def test_the_store_keeps_the_newest_words_up_to_its_capacity(tmp_path, store_dir, monkeypatch):
    monkeypatch.setattr(wordstore, "CAPACITY", 60)
    first = _write(tmp_path, "fjord.yaml", ISSUE_DE)
    second = _write(tmp_path, "fjord2.yaml", ISSUE_DE.replace("Fjordfähren", "Küstenfähren")
                    .replace("Reederei aus Bergen", "Werft aus Ålesund"))
    _cold_build(first, tmp_path / "a.pdf", store=True)
    assert wordstore.save()
    _cold_build(second, tmp_path / "b.pdf", store=True)
    live = {g: dict(p) for g, p in kpparagraph._PLANS.items()}
    assert wordstore.save()
    (path,) = store_dir.glob("words-*")
    _fmt, _fonts, groups = marshal.loads(path.read_bytes())
    kept = [key for plans in groups.values() for key in plans]
    assert len(kept) == 60
    newest = [key for plans in live.values() for key in plans][:60]
    assert kept == newest  # this run's words first, in the order they were used


def test_the_store_is_keyed_by_the_code_that_computes_plans(monkeypatch):
    before = wordstore._code_key()
    monkeypatch.setattr(wordstore, "FORMAT", wordstore.FORMAT + 1)
    assert wordstore._code_key() != before
    monkeypatch.undo()
    real = wordstore._fingerprint
    monkeypatch.setattr(wordstore, "_fingerprint",
                        lambda p: (1, 2) if p is not None and p.name == "hyphenate.py" else real(p))
    assert wordstore._code_key() != before


def test_the_command_line_keeps_words_between_runs(tmp_path):
    issue = _write(tmp_path, "fjord.yaml", ISSUE_DE)
    env = dict(os.environ, BRIEFING_PDF_CACHE=str(tmp_path / "cache"))
    env.pop("BRIEFING_PDF_NO_CACHE", None)

    def run(out: str) -> bytes:
        proc = subprocess.run([sys.executable, "-m", "briefing_pdf.cli", "build", str(issue), "-o", out],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return (tmp_path / out).read_bytes()

    first = run("first.pdf")
    (store,) = (tmp_path / "cache").glob("words-*")
    written = store.stat().st_mtime_ns
    assert run("second.pdf") == first
    assert store.stat().st_mtime_ns == written  # a rebuild with nothing new leaves the file alone

    off = dict(env, BRIEFING_PDF_NO_CACHE="1")
    proc = subprocess.run([sys.executable, "-m", "briefing_pdf.cli", "build", str(issue), "-o", "off.pdf"],
                          cwd=tmp_path, env=off, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "off.pdf").read_bytes() == first


def test_a_folder_build_with_workers_reads_the_store_but_adds_nothing(tmp_path):
    """Pool workers start from the stored words (loaded before they fork); what
    they measure is not sent back (that cost a batch ~3 %), so the file stays."""
    folder = tmp_path / "issues"
    _write(folder, "fjord.yaml", ISSUE_DE)
    _write(folder, "kueste.yaml", ISSUE_DE.replace("Fjordfähren fahren elektrisch", "Küstenwache übt Bergung")
           .replace("Lachszucht", "Muschelernte"))
    env = dict(os.environ, BRIEFING_PDF_CACHE=str(tmp_path / "cache"))
    env.pop("BRIEFING_PDF_NO_CACHE", None)

    def run(out: str, jobs: str) -> None:
        proc = subprocess.run([sys.executable, "-m", "briefing_pdf.cli", "build", str(folder), "-o", out,
                               "--jobs", jobs], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr[-2000:]

    run("one", "1")
    (store,) = (tmp_path / "cache").glob("words-*")
    _fmt, _fonts, groups = marshal.loads(store.read_bytes())
    assert {"Fjordfähren", "Küstenwache"} <= {key[0] for plans in groups.values() for key in plans}
    written = store.stat().st_mtime_ns
    run("two", "2")
    assert store.stat().st_mtime_ns == written
    for name in ("fjord.pdf", "kueste.pdf"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()


def test_an_unusable_cache_folder_costs_only_the_store(tmp_path, monkeypatch, computed):
    """A cache 'folder' that is a file: the build computes its words, saving reports False."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(blocker))
    issue = _write(tmp_path, "fjord.yaml", ISSUE_DE)
    try:
        pdf = _cold_build(issue, tmp_path / "x.pdf", store=True)
        assert pdf.startswith(b"%PDF-") and len(computed) > 50
        assert wordstore.save() is False
        assert blocker.read_text() == "x"
    finally:
        wordstore.disable()


def test_stores_of_other_code_versions_are_pruned_when_stale(tmp_path, store_dir):
    import time

    store_dir.mkdir(parents=True)
    old = store_dir / "words-0123456789abcdef01234567.marshal"
    recent = store_dir / "words-fedcba9876543210fedcba98.marshal"
    other_cache = store_dir / "ttf-0123456789abcdef01234567"
    for path in (old, recent, other_cache):
        path.write_bytes(b"x")
    ancient = time.time() - (wordstore.STALE_DAYS + 1) * 86400
    os.utime(old, (ancient, ancient))
    os.utime(other_cache, (ancient, ancient))
    issue = _write(tmp_path, "fjord.yaml", ISSUE_DE)
    _cold_build(issue, tmp_path / "x.pdf", store=True)
    assert wordstore.save()
    assert not old.exists()                          # another version's store, stale: gone
    assert recent.exists() and other_cache.exists()  # a recent one, and other caches, stay
