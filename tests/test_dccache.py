"""briefing_pdf/dccache.py: dataclass methods compiled once and kept between runs.

The hook must change nothing but the compiling: the code of every generated
method is the code compiling its text gives, the classes behave the same, and
a second process really runs the kept code instead of compiling.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap

import pytest

from briefing_pdf import dccache

pytestmark = pytest.mark.skipif(sys.version_info[:2] not in dccache._VERSIONS,
                                reason="the hook is only installed where dataclasses' internals are known")

# A dataclass with every kind of generated method: defaults, a factory, a
# keyword-only field, ordering, frozen (__setattr__/__delattr__) and __hash__.
DEFINE = textwrap.dedent('''
    import dataclasses
    from typing import ClassVar

    @dataclasses.dataclass(order=True, frozen=True)
    class Point:
        x: int
        y: float = 1.5
        tags: tuple = dataclasses.field(default_factory=tuple)
        label: str = dataclasses.field(default="p", kw_only=True)
        count: ClassVar[int] = 0

    @dataclasses.dataclass
    class Box:
        items: list = dataclasses.field(default_factory=list)
        name: str = "box"
''')


def _define(namespace: dict) -> tuple:
    exec(compile(DEFINE, "<define>", "exec", dont_inherit=True), namespace)  # not this file's __future__
    return namespace["Point"], namespace["Box"]


def _methods(cls) -> dict:
    out = {}
    for name in ("__init__", "__repr__", "__eq__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__",
                 "__setattr__", "__delattr__"):
        fn = cls.__dict__.get(name)
        if fn is not None and hasattr(fn, "__code__"):
            c = fn.__code__
            out[name] = (c.co_code, c.co_consts, c.co_names, c.co_varnames, c.co_flags, c.co_filename,
                         c.co_qualname, fn.__defaults__, fn.__kwdefaults__, fn.__annotations__.keys())
    return out


def test_generated_methods_are_the_ones_compiling_gives(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    dccache.uninstall()
    plain = [_methods(c) for c in _define({})]
    monkeypatch.setattr(dccache, "_path", None)
    assert dccache.install()
    try:
        for _ in range(2):  # compiled by the hook, then taken from its memo
            hooked_classes = _define({})
            assert [_methods(c) for c in hooked_classes] == plain
        Point, Box = hooked_classes
        p = Point(1, tags=(2,), label="q")
        assert repr(p) == "Point(x=1, y=1.5, tags=(2,), label='q')"
        assert p == Point(1, 1.5, (2,), label="q") and p < Point(2) and hash(p) == hash(Point(1, 1.5, (2,), label="q"))
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.x = 3
        a, b = Box(), Box()
        a.items.append(1)
        assert b.items == [] and Box([1]) == a
    finally:
        dccache.uninstall()


def test_forward_references_compile_to_the_same_code(tmp_path, monkeypatch):
    import typing

    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    texts = ["int", "list[dict[str, 'Point']]", "typing.Optional[Sequence[int]]", "(*Ts,)[0]"]

    def codes() -> list:
        out = []
        for text in texts:
            c = typing.ForwardRef(text).__forward_code__
            out.append((c.co_code, c.co_consts, c.co_names, c.co_flags, c.co_filename))
        return out

    dccache.uninstall()
    plain = codes()
    monkeypatch.setattr(dccache, "_path", None)
    assert dccache.install()
    try:
        assert codes() == plain and codes() == plain  # compiled by the hook, then from its memo
        assert all("eval\0" + t in dccache._code for t in texts)
        with pytest.raises(SyntaxError):
            typing.ForwardRef("not an expression(")
    finally:
        dccache.uninstall()


def _run(code: str, cache) -> subprocess.CompletedProcess:
    env = dict(os.environ, BRIEFING_PDF_CACHE=str(cache))
    env.pop("BRIEFING_PDF_NO_CACHE", None)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


PROBE = textwrap.dedent('''
    import builtins, sys
    import briefing_pdf.dccache as d
    compiled = []
    def counting(*args):
        compiled.append(args[0])
        return builtins.compile(*args)
    d.compile = counting
    assert d.install()
    import dataclasses
    exec(%r, {})
    from briefing_pdf.model import Issue  # pydantic's and our own dataclasses, typed dicts' annotations
    print(len(compiled))
''') % DEFINE


def test_a_second_process_runs_the_kept_code_instead_of_compiling(tmp_path):
    first = _run(PROBE, tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert int(first.stdout.split()[-1]) > 20  # the first run compiles
    (kept,) = tmp_path.glob("dccode-*.marshal")
    second = _run(PROBE, tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert int(second.stdout.split()[-1]) == 0

    kept.write_bytes(b"\x00 not marshal data")
    third = _run(PROBE, tmp_path)
    assert third.returncode == 0, third.stderr[-2000:]
    assert int(third.stdout.split()[-1]) > 20  # a corrupt file: compiled again, and replaced
    assert _run(PROBE, tmp_path).stdout.split()[-1] == "0"


def test_no_hook_where_the_internals_are_not_known(monkeypatch):
    dccache.uninstall()
    monkeypatch.setattr(dccache, "_VERSIONS", ())
    assert not dccache.install()
    assert "exec" not in vars(dataclasses)


def test_no_hook_without_a_cache_folder(monkeypatch):
    dccache.uninstall()
    monkeypatch.setenv("BRIEFING_PDF_NO_CACHE", "1")
    assert not dccache.install()
    assert "exec" not in vars(dataclasses)
