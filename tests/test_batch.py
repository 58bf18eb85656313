"""Folder builds (briefing_pdf.batch): sharding, failures, reproducible bytes, previews.

Builds use a small two-page issue (the example of the format contract) so the
file stays fast; nothing here asserts on timings.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from briefing_pdf import batch
from briefing_pdf.batch import Result, build_many, build_one, discover, parse_shard, select_shard
from briefing_pdf.errors import BriefingError

SMALL_ISSUE = (Path(__file__).parent / "data" / "small-en.yaml").read_text(encoding="utf-8")
#: Same issue with an unknown key on line 6 (column 3).
BROKEN_ISSUE = SMALL_ISSUE.replace("  toc_title:", "  toc_titel:")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("issues")
    path = folder / "small.yaml"
    path.write_text(SMALL_ISSUE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(small, tmp_path_factory) -> Result:
    result = build_one(small, tmp_path_factory.mktemp("out") / "small.pdf")
    assert result.ok, "\n".join(map(str, result.problems))
    return result


# -- discovery and sharding ---------------------------------------------------------------

def test_discover_takes_issue_files_only_sorted(tmp_path):
    for name in ("b.yaml", "a.yml", "c.json", "house.brand.yaml", "notes.txt", "logo.svg"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub.yaml").mkdir()
    assert [p.name for p in discover(tmp_path)] == ["a.yml", "b.yaml", "c.json"]


FILES = [Path(f"issues/{lang}-2026-{n:02d}-topic.yaml") for n in range(1, 24) for lang in ("de", "en")]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 50])
def test_shards_partition_the_files(n):
    shards = [select_shard(FILES, k, n) for k in range(1, n + 1)]
    flat = [f for s in shards for f in s]
    assert sorted(flat) == sorted(FILES)           # union is everything ...
    assert len(flat) == len(set(flat))             # ... and shards are disjoint
    sizes = [len(s) for s in shards]
    assert max(sizes) - min(sizes) <= 1            # balanced, so no matrix job idles


def test_shards_are_stable_across_runs_and_input_order():
    shuffled = FILES[:]
    random.Random(7).shuffle(shuffled)
    for k in (1, 2, 3):
        first = select_shard(FILES, k, 3)
        assert select_shard(FILES, k, 3) == first
        assert sorted(select_shard(shuffled, k, 3)) == sorted(first)
    # pinned: a change to the partition would silently move issues between CI jobs
    assert [p.name for p in select_shard(FILES[:6], 1, 2)] == [
        "de-2026-01-topic.yaml", "en-2026-02-topic.yaml", "de-2026-03-topic.yaml"]


def test_shard_keeps_input_order_and_ignores_duplicates():
    files = [Path("c.yaml"), Path("a.yaml"), Path("b.yaml"), Path("a.yaml")]
    assert select_shard(files, 1, 1) == [Path("c.yaml"), Path("a.yaml"), Path("b.yaml")]


@pytest.mark.parametrize("spec,expected", [("1/1", (1, 1)), ("2/4", (2, 4)), (" 3/3", (3, 3))])
def test_parse_shard(spec, expected):
    assert parse_shard(spec) == expected


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", ""])
def test_parse_shard_rejects_bad_specs(spec):
    with pytest.raises(BriefingError) as info:
        parse_shard(spec)
    assert info.value.kind == "usage"
    assert "--shard" in str(info.value)


def test_languages_read_without_parsing(tmp_path):
    (tmp_path / "a.yaml").write_text("date: 2026-01-01\nlanguage: de\n", encoding="utf-8")
    (tmp_path / "b.json").write_text('{"language": "en"}', encoding="utf-8")
    (tmp_path / "c.yaml").write_text("nothing: here\n", encoding="utf-8")
    assert batch.languages([tmp_path / "a.yaml"]) == {"de"}
    assert batch.languages([tmp_path / "b.json"]) == {"en"}
    assert batch.languages([tmp_path / "c.yaml", tmp_path / "missing.yaml"]) == {"de", "en"}


def test_warm_up_never_raises():
    batch.warm(["en", "xx"])  # en: the language the builds below need anyway


# -- building -----------------------------------------------------------------------------

def test_failure_is_a_result_not_an_exception(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN_ISSUE, encoding="utf-8")
    result = build_one(bad, tmp_path / "bad.pdf")
    assert not result.ok and not (tmp_path / "bad.pdf").exists()
    assert [str(p) for p in result.problems] == [
        f"{bad}:6:3: top_story.toc_titel: unknown key 'toc_titel' (did you mean 'toc_title'?)"]


def test_build_many_carries_on_past_a_failure(tmp_path, built):
    good, bad = tmp_path / "a-good.yaml", tmp_path / "b-bad.yaml"
    good.write_text(SMALL_ISSUE, encoding="utf-8")
    bad.write_text(BROKEN_ISSUE, encoding="utf-8")
    missing = tmp_path / "c-missing.yaml"
    jobs = [(good, tmp_path / "out" / "a.pdf"), (bad, tmp_path / "out" / "b.pdf"),
            (missing, tmp_path / "out" / "c.pdf")]
    seen = []
    results = build_many(jobs, None, workers=2, on_done=seen.append)
    assert [r.source for r in results] == [good, bad, missing]       # input order
    assert sorted(r.source.name for r in seen) == sorted(p.name for p, _ in jobs)
    assert [r.ok for r in results] == [True, False, False]
    assert results[0].pages == built.pages >= 1
    assert (tmp_path / "out" / "a.pdf").read_bytes() == built.output.read_bytes()
    assert not (tmp_path / "out" / "b.pdf").exists()
    assert results[2].problems and str(missing) in str(results[2].problems[0])


# -- reproducible output ------------------------------------------------------------------

def test_same_input_gives_identical_bytes(small, built, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = build_one(small, tmp_path / "again.pdf")
    assert again.ok
    assert _sha(again.output) == _sha(built.output)


def _creation_date(pdf: Path) -> str:
    from pypdf import PdfReader

    return str(PdfReader(str(pdf)).metadata["/CreationDate"])


def test_document_date_is_the_issue_date(built, monkeypatch):
    assert _creation_date(built.output).startswith("D:20260312120000")


def test_source_date_epoch_sets_the_document_date(small, built, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    result = build_one(small, tmp_path / "epoch.pdf")
    assert result.ok
    assert _creation_date(result.output).startswith("D:20231114221320")
    import pikepdf

    with pikepdf.open(result.output) as pdf:
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114221320")
    assert _sha(result.output) != _sha(built.output)
    again = build_one(small, tmp_path / "epoch2.pdf")
    assert _sha(again.output) == _sha(result.output)
    import os

    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"  # the build restores the environment


# -- previews -----------------------------------------------------------------------------

@pytest.mark.parametrize("dpi", [20, 36])
def test_previews_written_at_the_chosen_dpi(built, tmp_path, dpi):
    from PIL import Image

    from briefing_pdf.preview import write_previews

    written = write_previews(built.output, tmp_path / "prev", dpi)
    pages = [p for p in written if "-p" in p.stem]
    assert [p.name for p in pages] == [f"small-p{i}.png" for i in range(1, built.pages + 1)]
    assert written[-1].name == "small-contact.png" and len(written) == built.pages + 1
    w, h = 595.28 * dpi / 72, 841.89 * dpi / 72  # A4 in points
    for page in pages:
        size = Image.open(page).size
        assert abs(size[0] - w) <= 1 and abs(size[1] - h) <= 1, size
    sheet = Image.open(written[-1]).size
    assert sheet[0] > min(built.pages, 4) * w and sheet[1] > h


def test_build_one_with_png(small, tmp_path):
    result = build_one(small, tmp_path / "p.pdf", png_dpi=18)
    assert result.ok and result.previews
    assert all(p.is_file() and p.parent == tmp_path / "p-preview" for p in result.previews)
