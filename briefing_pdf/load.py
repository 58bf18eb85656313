"""Read issue and brand files (YAML or JSON) into validated models.

The loader keeps the position of every key and value, so each problem can be
reported as ``file:line:col: field.path: message``. It composes the YAML node
graph with PyYAML's *safe* machinery and builds plain Python data itself:

* no tag outside the YAML core schema is ever constructed (``!!python/...``
  is an error, not code execution);
* aliases are expanded under a node budget, so "billion laughs" documents and
  recursive anchors are refused in milliseconds instead of eating memory;
* timestamps stay strings, so pydantic reports impossible dates like any
  other field error.

This module never imports ReportLab: validating content must stay fast.
"""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import BriefingError, Problem
from .lazyre import compiling_lazily
from .model import Brand, Issue

#: PyYAML's reader compiles this check (~3 ms) at import; only its pure-Python
#: reader uses it, which a YAML issue meets only when the C loader fails.
_YAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
with compiling_lazily(lambda pattern: pattern == _YAML_NON_PRINTABLE):
    import yaml

M = TypeVar("M", bound=BaseModel)
Loc = tuple[Any, ...]

#: Upper bound on values built from one document (aliases count each time).
NODE_BUDGET = 200_000
MAX_DEPTH = 64
MAX_FILE_BYTES = 20 * 1024 * 1024

_CORE = "tag:yaml.org,2002:"


@dataclass
class SourceMap:
    """Positions (1-based line, column) of values and keys by field path."""

    file: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    #: How plain scalars that YAML did not read as text were written (``yes``,
    #: ``12.4``), so messages can quote the user's spelling instead of ``true``.
    raw: dict[Loc, str] = field(default_factory=dict, repr=False)
    #: The document's text (for :meth:`find`); empty when unknown.
    text: str = field(default="", repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        while True:
            if loc in self.values:
                return self.values[loc]
            if not loc:
                return (None, None)
            loc = loc[:-1]

    def find(self, loc: Loc, needle: str, occurrence: int = 0) -> tuple[int | None, int | None]:
        """Position of the ``occurrence``-th ``needle`` in the raw text from the
        value at ``loc`` on: points a problem inside a long text at its mark
        (block, folded and quoted values alike); the value's own position if
        the needle cannot be found (e.g. it was written with escapes)."""
        line, col = self.locate(loc)
        if not self.text or line is None:
            return line, col
        starts = self._line_starts()
        at = starts[line - 1] + (col or 1) - 1 if line - 1 < len(starts) else 0
        for _ in range(occurrence + 1):
            at = self.text.find(needle, at)
            if at < 0:
                return line, col
            at += 1
        at -= 1
        import bisect

        row = bisect.bisect_right(starts, at) - 1
        return row + 1, at - starts[row] + 1

    def _line_starts(self) -> list[int]:
        if not self._starts:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._starts

    def problem_at(self, loc: Loc, message: str, needle: str, occurrence: int = 0) -> Problem:
        line, col = self.find(loc, needle, occurrence)
        return Problem(message, self.file, line, col, format_loc(loc))

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, col = self.locate(loc, key=key)
        return Problem(message, self.file, line, col, format_loc(loc))


@dataclass
class Loaded(typing.Generic[M]):
    """A validated model together with where it came from."""

    model: M
    path: Path
    source: SourceMap


def format_loc(loc: Loc) -> str:
    """``("topics", 1, "sources", 0, "url")`` → ``topics[1].sources[0].url``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# --------------------------------------------------------------------------- reading


def read_text(path: Path, display: str) -> str:
    """The file's text, or a BriefingError that says what is wrong with it."""
    try:
        if path.is_dir():
            raise BriefingError.single("is a directory, expected a file", file=display)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BriefingError.single(f"file is too large ({size} bytes; at most {MAX_FILE_BYTES} are accepted)",
                                       file=display)
        data = path.read_bytes()
    except FileNotFoundError:
        raise BriefingError.single("file not found", file=display) from None
    except PermissionError:
        raise BriefingError.single("file is not readable (permission denied)", file=display) from None
    except OSError as exc:
        raise BriefingError.single(f"cannot read file: {exc.strerror}", file=display) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BriefingError.single("file is UTF-16 encoded (it starts with a UTF-16 byte order mark); "
                                   "save the file as UTF-8", file=display, line=1, column=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        bad = data[exc.start]
        raise BriefingError.single(
            f"file is not UTF-8: byte 0x{bad:02X} at byte offset {exc.start} cannot be decoded; "
            "save the file as UTF-8", file=display, line=line, column=col) from None
    return text.removeprefix("\ufeff")


_CURLY = "\u201c\u201d\u201e\u2018\u2019\u201a\u00ab\u00bb"
_BLOCK_START = re.compile(r"^(\s*)(?:-\s+)?[^\s#][^#]*?:\s+[|>][-+0-9]*\s*(?:#.*)?$")


def _under_indented_block(text: str, before_line: int) -> tuple[int, int, int] | None:
    """(line, column, block line) of the first line above ``before_line`` that ends
    a ``|``/``>`` block by being indented less than the block, while not
    being a ``key:`` line: PyYAML notices the damage only lines later."""
    lines = text.splitlines()
    i = 0
    while i < min(len(lines), before_line):
        start = _BLOCK_START.match(lines[i])
        i += 1
        if not start:
            continue
        key_indent = len(start.group(1))
        body = [j for j in range(i, len(lines)) if lines[j].strip()]
        if not body:
            break
        indent = len(lines[body[0]]) - len(lines[body[0]].lstrip(" "))
        for j in body:
            line = lines[j]
            own = len(line) - len(line.lstrip(" "))
            if own >= indent:
                continue
            stripped = line.strip()
            if own <= key_indent and (re.match(r"^(?:-\s+)?[^\s:#][^:#]*:(\s|$)", stripped) or stripped.startswith(("-", "#"))):
                break  # a key or list item: the block has simply ended
            if j + 1 < before_line:
                return j + 1, own + 1, i
            break
    return None


def _yaml_problem(exc: yaml.YAMLError, display: str, text: str = "") -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    start = getattr(exc, "context_mark", None)
    message = f"YAML syntax error: {problem}"
    if context and "while" not in context:
        message += f" ({context})"
    hint = ""
    opened = f"line {start.line + 1}, column {start.column + 1}" if start else "above"
    source_line = text.splitlines()[line - 1] if text and line and line <= len(text.splitlines()) else ""
    block = _under_indented_block(text, line) if text and line else None
    if block is not None and ("expected ':'" in problem or "expected <block end>" in problem
                              or "mapping values" in problem):
        at, col, opened_at = block
        return Problem(f"YAML syntax error: this line is indented less than the '|' or '>' text block that "
                       f"starts on line {opened_at}, so it ends the block (and the file no longer makes sense "
                       "a few lines below); indent it like the other lines of the block", display, at, col)
    if any(q in source_line for q in _CURLY) and "mapping values are not allowed" in problem:
        return Problem(message + "; hint: “ ” and ‘ ’ are typographic quotes, not YAML quotes, so the ': ' "
                       "inside them is read as a new key; put the text in straight quotes: "
                       "title: '“Gas: the outlook”'", display, line, col)
    if "'\\t'" in problem or "\t" in problem:
        hint = "YAML does not allow tabs for indentation (or after a key); use spaces"
    elif "found unknown escape character" in problem:
        hint = "in double quotes a backslash starts an escape; use single quotes or '\\\\'"
    elif "anchor" in context:
        hint = "'&' at the start of a value starts a YAML anchor; quote the text, e.g. title: \"& Co report\""
    elif "alias" in context or "found undefined alias" in problem:
        hint = "'*' starts an alias in YAML; quote text that begins with '*', e.g. title: \"*New* rules\""
    elif "quoted scalar" in context:
        hint = f"the quoted text that starts at {opened} is never closed"
    elif "flow mapping" in context or "flow sequence" in context:
        bracket = "{" if "mapping" in context else "["
        hint = f"the '{bracket}' at {opened} is never closed (or quote a value that contains '{bracket}')"
    elif "mapping values are not allowed" in problem:
        hint = ("a value that contains ': ' must be quoted, e.g. title: \"Gas: the outlook\"; "
                "or this line is indented further than the key above it")
    elif "could not find expected ':'" in problem:
        hint = "a key is missing its ':' or the indentation is off"
    elif "found character '@'" in problem or "found character '`'" in problem:
        hint = "quote values that begin with '@' or '`'"
    elif "expected <block end>" in problem:
        hint = "check the indentation of this line against the lines above"
    if hint:
        message += f"; hint: {hint}"
    return Problem(message, display, line, col)


class _Builder:
    """Turns a composed YAML node graph into plain data plus a SourceMap."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.budget = NODE_BUDGET
        self.scalars = yaml.constructor.SafeConstructor()
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, loc: Loc = (), depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0 or depth > MAX_DEPTH:
            raise BriefingError.single(
                "document is too large or too deeply nested (recursive or exploding aliases?); "
                f"at most {NODE_BUDGET} values and {MAX_DEPTH} levels are accepted",
                file=self.source.file, line=node.start_mark.line + 1, column=node.start_mark.column + 1)
        mark = node.start_mark
        self.source.values.setdefault(loc, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _CORE + "seq":
                return self._bad_tag(node, loc)
            return [self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> Any:
        if node.tag != _CORE + "map":
            return self._bad_tag(node, loc)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(self.source.problem(loc, "keys must be plain names, not lists or mappings"))
                continue
            key = key_node.value
            if key_node.tag == _CORE + "merge":
                self.problems.append(Problem(
                    "YAML merge keys ('<<') are not supported; write the fields out", self.source.file,
                    key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_loc(loc)))
                continue
            if key in out:
                first = self.source.keys.get(loc + (key,), (None, None))[0]
                self.problems.append(Problem(
                    f"duplicate key '{key}' (first given on line {first})", self.source.file,
                    key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_loc(loc + (key,))))
                continue
            self.source.keys[loc + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, loc + (key,), depth + 1)
            if out[key] is None and isinstance(value_node, yaml.ScalarNode) and not value_node.value:
                self._comment_as_value(key_node, loc + (key,))
        return out

    def _comment_as_value(self, key_node: yaml.Node, loc: Loc) -> None:
        """``number: #7`` or ``primary: #0B2E4F``: YAML reads a comment and an empty
        value, and an optional field would silently stay empty. A '#' glued to a
        word right after the key is a value far more often than a comment."""
        lines = self.source.text.splitlines()
        row = key_node.end_mark.line
        if row >= len(lines):
            return
        match = re.match(r"\s*:\s+(#\S+)", lines[row][key_node.end_mark.column:])
        if match:
            name = str(loc[-1])
            self.problems.append(Problem(
                f"expected a value, got nothing: an unquoted '#' starts a comment, so YAML sees no value "
                f"here; quote it: {name}: \"{match.group(1)}\"", self.source.file, row + 1,
                key_node.end_mark.column + match.start(1) + 1, format_loc(loc)))

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        tag = node.tag
        if tag in (_CORE + "str", _CORE + "timestamp", _CORE + "binary") or node.style in ("'", '"', "|", ">"):
            return node.value
        self.source.raw[loc] = node.value
        if tag == _CORE + "int":
            return self.scalars.construct_yaml_int(node)
        if tag == _CORE + "float":
            return self.scalars.construct_yaml_float(node)
        if tag == _CORE + "bool":
            return self.scalars.construct_yaml_bool(node)
        if tag == _CORE + "null":
            return None
        return self._bad_tag(node, loc)

    def _bad_tag(self, node: yaml.Node, loc: Loc) -> None:
        tag = node.tag.replace(_CORE, "!!")
        self.problems.append(self.source.problem(
            loc, f"YAML tag '{tag}' is not allowed; write plain text, lists and mappings"))
        return None


def _close_match(name: str, allowed) -> list[str]:
    """The nearest allowed key for a "did you mean" hint (difflib: imported only for a problem)."""
    import difflib

    return difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml when available (5× faster); errors always come from the
    pure-Python parser, whose messages and positions the hints are written for."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def parse_document(text: str, display: str, *, is_json: bool = False) -> tuple[Any, SourceMap]:
    """Plain data and positions from YAML or JSON text."""
    source = SourceMap(display, text=text)
    if is_json:
        duplicates: list[str] = []

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, value in items:
                if key in out:
                    duplicates.append(key)
                out[key] = value
            return out

        try:
            data = json.loads(text, object_pairs_hook=pairs)
        except json.JSONDecodeError as exc:
            raise BriefingError.single(f"JSON syntax error: {exc.msg}", file=display,
                                       line=exc.lineno, column=exc.colno) from None
        except RecursionError:
            raise _nested_too_deeply(text, display) from None
        _check_depth(text, display)
        builder = _Builder(source)
        try:  # JSON is YAML: compose it again only to learn positions.
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            if node is not None:
                builder.build(node)
        except (yaml.YAMLError, BriefingError, RecursionError):
            source.values = {(): (1, 1)}
        if duplicates:
            found = [p for p in builder.problems if p.message.startswith("duplicate key")]
            raise BriefingError(found or [Problem(f"duplicate key '{duplicates[0]}'", display)])
        return data, source
    _check_depth(text, display)
    try:
        node = _compose(text)
    except yaml.YAMLError as exc:
        raise BriefingError([_yaml_problem(exc, display, text)]) from None
    except RecursionError:
        raise _nested_too_deeply(text, display) from None
    if node is None:
        return None, source
    builder = _Builder(source)
    data = builder.build(node)
    if builder.problems:
        raise BriefingError(builder.problems)
    return data, source


def _too_deep(text: str, display: str, loader: type = yaml.SafeLoader) -> BriefingError | None:
    """The nesting error, placed where the nesting passes MAX_DEPTH, or None if it does not.

    Uses the event parser, which is not recursive. With the C parser this is
    also the cheap guard against deep nesting: PyYAML's pure-Python scanner
    slows down quadratically with flow nesting (seconds for 2000 levels,
    minutes for 20000), so deep documents must be refused before composing.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return BriefingError.single(
                        f"document is nested too deeply (at most {MAX_DEPTH} levels are accepted)",
                        file=display, line=event.start_mark.line + 1, column=event.start_mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            return BriefingError.single(
                f"document is nested too deeply (at most {MAX_DEPTH} levels are accepted)",
                file=display, line=mark.line + 1, column=mark.column + 1)
        return None  # syntax errors are reported by the composing parser, with its messages
    return None


def _check_depth(text: str, display: str) -> None:
    """Refuse deeply nested documents early, with the fast C parser when PyYAML has it."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        error = _too_deep(text, display, loader)
        if error is not None:
            raise error


def _nested_too_deeply(text: str, display: str) -> BriefingError:
    fast = getattr(yaml, "CSafeLoader", None)
    return (fast and _too_deep(text, display, fast)) or _too_deep(text, display) or BriefingError.single(
        f"document is nested too deeply (at most {MAX_DEPTH} levels are accepted)", file=display)


# --------------------------------------------------------------------------- validation


def _unwrap(annotation: Any) -> Any:
    """The model class (or list item type) inside Optional/Annotated/list."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            if typing.get_origin(current) is not list or not args:
                return None
            current = args[0]
        else:
            if not (isinstance(current, type) and issubclass(current, BaseModel)):
                return None
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    shown = repr(value) if not isinstance(value, str) else f"'{value}'"
    return shown if len(shown) <= 80 else shown[:60] + "…" + shown[-10:]


def _scalar_hint(loc: Loc, value: Any, source: SourceMap | None) -> str | None:
    """"expected text" for a value YAML read as something else: say why, and how to quote it."""
    name = str(loc[-1]) if loc and not isinstance(loc[-1], int) else "-"
    raw = source.raw.get(tuple(loc)) if source else None
    if isinstance(value, bool):
        spelled = raw or str(value).lower()
        return (f"expected text, got {spelled}, which YAML reads as {str(value).lower()} (yes/no, on/off and "
                f"true/false are booleans in YAML 1.1); quote it: {name + ': ' if name != '-' else ''}\"{spelled}\"")
    if isinstance(value, (int, float)):
        spelled = raw or str(value)
        return f"expected text, got the number {spelled}; quote it: {name + ': ' if name != '-' else ''}\"{spelled}\""
    if value is None and source is not None and source.text:
        line = source.keys.get(tuple(loc), source.locate(loc))[0]
        lines = source.text.splitlines()
        if line and line <= len(lines):
            after = lines[line - 1].split(":", 1)[-1].strip()
            if after.startswith("#"):
                shown = after.split()[0]
                return (f"expected text, got nothing: an unquoted '#' starts a comment, so YAML sees no value "
                        f"here; quote it: {name + ': ' if name != '-' else ''}\"{shown}\"")
    return None


def _message(error: dict, root: type[BaseModel], source: SourceMap | None = None) -> tuple[str, bool]:
    """A user-facing message for one pydantic error, and whether it is about a key."""
    kind, loc, value = error["type"], error["loc"], error.get("input")
    name = loc[-1] if loc else ""
    if kind == "missing":
        return "required field is missing", False
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        allowed = list(model.model_fields) if model else []
        message = f"unknown key '{name}'"
        near = _close_match(str(name), allowed)
        if near:
            message += f" (did you mean '{near[0]}'?)"
        elif allowed:
            message += f"; expected one of: {', '.join(allowed)}"
        return message, True
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        reason = error.get("ctx", {}).get("error", "")
        return (f"expected a date as YYYY-MM-DD (e.g. 2026-03-12), got {_kind(value)}"
                + (f": {reason}" if reason else "")), False
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        what = "language" if name == "language" else "value"
        return f"unsupported {what} {_kind(value)}; expected {expected}", False
    if kind == "string_type":
        return _scalar_hint(loc, value, source) or f"expected text, got {_kind(value)}", False
    if kind == "list_type":
        return f"expected a list (lines starting with '- '), got {_kind(value)}", False
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model = _model_at(root, loc)
        fields = f" with keys {', '.join(model.model_fields)}" if model else ""
        return f"expected a mapping{fields}, got {_kind(value)}", False
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, "), False
    if kind == "too_short":
        return f"must have at least {error.get('ctx', {}).get('min_length', 1)} entry", False
    return f"{error['msg']}, got {_kind(value)}", False


def validate(data: Any, model: type[M], source: SourceMap) -> M:
    """Validate plain data against ``model``; all problems at once, with positions."""
    if data is None:
        raise BriefingError.single(
            f"the file is empty; expected {_what(model)}",
            file=source.file, line=1, column=1)
    if not isinstance(data, dict):
        line, col = source.locate(())
        raise BriefingError.single(
            f"expected a mapping ({_what(model)}) at the top level, got {_kind(data) if not isinstance(data, (str, int, float)) else 'a single value'}",
            file=source.file, line=line or 1, column=col or 1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            if "[key]" in error["loc"]:  # a dict key failed (e.g. labels: {fr: ...}): report it as a key
                loc = tuple(p for p in error["loc"] if p != "[key]")
                problems.append(source.problem(loc, _key_message(error, loc), key=True))
                continue
            message, is_key = _message(error, model, source)
            problems.append(source.problem(error["loc"], message, key=is_key))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise BriefingError(problems, data=data) from None


def _key_message(error: dict, loc: Loc) -> str:
    """``unknown key 'digestt' (did you mean 'digest'?)`` for a mapping with a fixed set of keys."""
    name = str(loc[-1]) if loc else ""
    allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    message = f"unknown key '{name}'"
    near = _close_match(name, allowed)
    if near:
        return message + f" (did you mean '{near[0]}'?)"
    return message + (f"; expected one of: {', '.join(allowed)}" if allowed else "")


def _what(model: type[BaseModel]) -> str:
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    article = "an" if model.__name__[0] in "AEIOU" else "a"
    return f"{article} {model.__name__.lower()} file: " + ", ".join(required)


def load_model(path: Path | str, model: type[M], display: str | None = None) -> Loaded[M]:
    """Read, parse and validate one file."""
    path = Path(path)
    display = display or str(path)
    text = read_text(path, display)
    data, source = parse_document(text, display, is_json=path.suffix.lower() == ".json")
    return Loaded(validate(data, model, source), path, source)


def load_issue(path: Path | str, display: str | None = None) -> Loaded[Issue]:
    return load_model(path, Issue, display)


def load_brand(path: Path | str, display: str | None = None) -> Loaded[Brand]:
    return load_model(path, Brand, display)
