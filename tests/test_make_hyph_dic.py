"""tools/make_hyph_dic.py: TeX patterns -> libhyphen .dic, and the shipped files."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pyphen
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "tools" / "hyph"


def _tool():
    spec = importlib.util.spec_from_file_location("make_hyph_dic", ROOT / "tools" / "make_hyph_dic.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TEX = r"""% title: Test patterns
% licence: do what you like
% hyphenmins:
%     typesetting:
%         left: 2
%         right: 3
% ====
\patterns{ % comment inside
1ba
a1b
}
\hyphenation{
ta-ble
abab
}
"""


def test_convert_writes_header_patterns_and_exceptions(tmp_path: Path):
    text = _tool().convert(TEX, "test.tex")
    lines = text.splitlines()
    assert lines[:3] == ["UTF-8", "LEFTHYPHENMIN 2", "RIGHTHYPHENMIN 3"]
    assert "% licence: do what you like" in lines
    assert "1ba" in lines and "a1b" in lines
    assert ".t2a3b2l2e." in lines          # patterns use level 1: exceptions at 2/3
    assert ".a2b2a2b." in lines
    path = tmp_path / "t.dic"
    path.write_text(text, encoding="utf-8")
    dic = pyphen.Pyphen(filename=path, left=1, right=1)
    assert dic.inserted("table") == "ta-ble"
    assert dic.inserted("abab") == "abab"        # the exception beats a1b / 1ba
    assert dic.inserted("xabx") == "xa-bx"


def test_exception_pattern_rejects_bad_marks():
    tool = _tool()
    for bad in ("-ab", "ab-", "a--b"):
        with pytest.raises(ValueError):
            tool.exception_pattern(bad, 8, 9)


@pytest.mark.parametrize("name,ref", [("hyph_de_DE.dic", "hyph-de-1996.dic"),
                                      ("hyph_en_US.dic", "hyph-en-us.dic")])
def test_shipped_dictionaries_agree_with_the_reference(name: str, ref: str):
    """Our conversion gives the same points as pdfcheck's reference .dic
    (converted independently from the same TeX sources)."""
    if not (SHARED / ref).exists():
        pytest.skip("reference dictionaries not available")
    ours = pyphen.Pyphen(filename=ROOT / "briefing_pdf" / "data" / "hyph" / name)
    theirs = pyphen.Pyphen(filename=SHARED / ref)
    words = [w for w in (ROOT / "issues").glob("*.yaml") for w in w.read_text(encoding="utf-8").split()]
    words = {w.strip(".,;:!?()„“”\"'").lower() for w in words} | {"associate", "table", "present"}
    words = [w for w in words if w.isalpha() and len(w) > 3]
    assert len(words) > 300
    assert [ours.positions(w) for w in words] == [theirs.positions(w) for w in words]
