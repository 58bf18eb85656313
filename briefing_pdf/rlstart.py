"""ReportLab start-up and number formatting, made cheaper without changing a byte.

**The URI regex.**

``reportlab.platypus.paragraph`` compiles ``uri_pat`` (a case-insensitive
pattern over the whole BMP, derived from Django's URL validator) at import,
which takes 20-35 ms of every one-shot build; it is only used to split long
URIs at slashes, which our paragraphs never ask it to do. While that module
is imported, this one pattern (recognised by its opening) becomes a
:class:`~briefing_pdf.lazyre.LazyPattern` that compiles itself on first use
(see :mod:`briefing_pdf.lazyre`), so behaviour is unchanged if ReportLab does
use it.

The same holds for ``reportlab.lib.textsplit.rx`` (a class of U+2E80 to
U+FFFF, ~2.5 ms to compile), used only by ``cjkwrap``, which nothing of ours
calls, and for every pattern of the modules in :data:`_IDLE_MODULES` (~2 ms
in all), which ReportLab imports but a build does not use: its safe
evaluator, its Python source colouriser, its date class and the standard
library's HTML parser (our paragraphs tokenise their markup themselves and
hand it to that parser only in unusual cases).

**HarfBuzz.** ``reportlab.pdfbase.ttfonts`` imports ``uharfbuzz`` if it is
installed (~6 ms; the test extras install it), only to shape text, and
briefing-pdf sets all text unshaped (our fonts are registered with
``shapable = False``; see tests/test_shaping.py). While ReportLab is
imported here, ``import uharfbuzz`` fails for ReportLab alone, as if it were
not installed; afterwards the module is importable as usual.

**Pillow.** ``reportlab.lib.utils`` imports ``PIL.Image`` at import
(~7-10 ms: Pillow's C core, its EXIF and TIFF tag tables), but a build only
needs it for a raster logo. :func:`_defer_pil_image` puts a lazy module in
its place first (the standard library's ``importlib.util.LazyLoader``): the
real module runs on the first attribute anyone reads, a PNG logo's
``Image.open`` say, and is then the same module it would have been.

**Number formatting.** Without ReportLab's C accelerator, ``fp_str`` (every
coordinate, colour and text origin of a page) is pure Python and about a
tenth of a warm build; the same few thousand values recur. :func:`memo_fp_str`
formats each number once and joins the memoised strings, which is exactly
what the original does number by number; anything that is not a plain int
or float goes to the original unchanged.

Modules that import ``reportlab.platypus`` import this module first.
"""

from __future__ import annotations

import sys

from .lazyre import LazyPattern, compiling_lazily  # noqa: F401  (LazyPattern: what the patterns become)

_URI_OPENING = "(^(?:[a-z0-9\\.\\-\\+]*)://)"
_CJKWRAP_PATTERN = "([\u2e80-\uffff])"
#: Modules (name prefixes) whose import-time patterns a build does not use.
_IDLE_MODULES = ("reportlab.lib.rl_safe_eval", "reportlab.lib.PyFontify", "reportlab.lib.normalDate",
                 "html.parser")


def _lazy_patterns():
    """The block within which ReportLab is imported (see the module's docstring)."""
    return compiling_lazily(lambda p: p.startswith(_URI_OPENING) or p == _CJKWRAP_PATTERN, callers=_IDLE_MODULES)


def _import_paragraph() -> None:
    unset = object()
    harfbuzz = sys.modules.get("uharfbuzz", unset)
    if "reportlab.pdfbase.ttfonts" not in sys.modules:
        sys.modules["uharfbuzz"] = None  # `import uharfbuzz` raises ImportError
    try:
        with _lazy_patterns():
            import reportlab.platypus.paragraph  # noqa: F401
    finally:
        if harfbuzz is unset:
            sys.modules.pop("uharfbuzz", None)
        else:
            sys.modules["uharfbuzz"] = harfbuzz


def memo_fp_str(original):
    """A memoising stand-in for ReportLab's pure-Python ``fp_str``."""
    from reportlab.lib.utils import isSeq

    memo: dict = {}
    plain = (int, float)

    def fp_str(*a):
        if len(a) == 1 and isSeq(a[0]):
            a = a[0]
        try:
            return " ".join([memo[x] for x in a])
        except (KeyError, TypeError):
            pass
        if len(memo) > 100000:
            memo.clear()
        out = []
        for x in a:
            text = memo.get(x) if type(x) in plain else None
            if text is None:
                text = original(x)
                if type(x) in plain:
                    memo[x] = text
            out.append(text)
        return " ".join(out)

    fp_str.original = original
    return fp_str


def _install_fp_str() -> None:
    with _lazy_patterns():
        from reportlab.lib import rl_accel

    original = rl_accel.fp_str
    if getattr(original, "__name__", "") != "_py_fp_str":
        return  # the C accelerator (or an earlier install): nothing to gain
    fast = memo_fp_str(original)
    rl_accel.fp_str = fast
    for name, module in list(sys.modules.items()):  # modules that imported it already
        if name.startswith("reportlab.") and getattr(module, "fp_str", None) is original:
            module.fp_str = fast


def _defer_pil_image() -> None:
    """Make ``PIL.Image`` a lazily executed module, unless it is imported already."""
    if "PIL.Image" in sys.modules:
        return
    import importlib.util

    try:
        spec = importlib.util.find_spec("PIL.Image")
    except ImportError:  # no Pillow: ReportLab's own import says so
        return
    if spec is None or not hasattr(spec.loader, "exec_module"):
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["PIL.Image"] = module
    spec.loader.exec_module(module)
    setattr(sys.modules["PIL"], "Image", module)


_defer_pil_image()
_install_fp_str()
if "reportlab.platypus.paragraph" not in sys.modules:
    _import_paragraph()
