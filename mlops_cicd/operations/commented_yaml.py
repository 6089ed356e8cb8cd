"""A YAML document with comments, written the same way every time: block style, keys in the order given, scalars
plain where YAML reads them back as the same string and single-quoted otherwise, multi-line strings as literal
blocks. PyYAML's emitter drops comments; what a reader of a generated workflow needs most is why each step is
there, so mappings and lists are written here and PyYAML only judges how a scalar reads back.

`tests/test_redeploy_workflow.py` loads every generated workflow with PyYAML and compares it with the data."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Iterator


import yaml

INDENT = "  "
WIDTH = 110
"""Comment lines are wrapped to fit it."""


@dataclass(frozen=True)
class Commented:
    """`value`, written below `comment` (one `#` line per line of it)."""

    value: object
    comment: str


def _reads_back(text: str) -> bool:
    try:
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def scalar(value: object) -> str:
    """One line of YAML that reads back as `value` (a str, bool or int)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str) or "\n" in value:
        raise TypeError(f"not a one-line scalar: {value!r}")
    if value and value == value.strip() and _reads_back(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _comment(text: str, indent: str) -> Iterator[str]:
    """`text` as `#` lines at `indent`, wrapped at WIDTH; a line's own leading spaces carry on when it wraps."""
    for line in text.splitlines():
        body = line.lstrip(" ")
        lead = line[:len(line) - len(body)]
        wrapped = textwrap.wrap(body, max(40, WIDTH - len(indent) - len(lead) - 2), subsequent_indent="  ",
                                break_on_hyphens=False, break_long_words=False) or [""]
        for part in wrapped:
            yield f"{indent}# {lead}{part}".rstrip()


def _literal(text: str, indent: str) -> list[str]:
    """`|` (`|-` without the final newline) and the lines of `text`, indented below."""
    if text[:1] in (" ", "\t") or text.strip() == "":
        raise ValueError(f"a literal block cannot start with blank space: {text!r}")
    chomp = "" if text.endswith("\n") else "-"
    return [f"|{chomp}", *((indent + line).rstrip() for line in text.rstrip("\n").split("\n"))]


def _entry(head: str, value: object, indent: str) -> Iterator[str]:
    """`head` (`key:` or `-`) followed by `value`, which may continue on the lines below at `indent`."""
    if isinstance(value, str) and "\n" in value:
        first, *rest = _literal(value, indent + INDENT)
        yield f"{head} {first}"
        yield from rest
    elif isinstance(value, dict) and value:
        if head == "-":
            lines = list(_mapping(value, indent + INDENT))
            yield f"{head} {lines[0].lstrip()}"
            yield from lines[1:]
        else:
            yield head
            yield from _mapping(value, indent + INDENT)
    elif isinstance(value, list) and value:
        yield head
        yield from _sequence(value, indent + INDENT)
    elif isinstance(value, (dict, list)):
        yield f"{head} {'{}' if isinstance(value, dict) else '[]'}"
    else:
        yield f"{head} {scalar(value)}"


def _mapping(mapping: dict, indent: str) -> Iterator[str]:
    for key, value in mapping.items():
        if isinstance(value, Commented):
            yield from _comment(value.comment, indent)
            value = value.value
        yield from _entry(f"{indent}{scalar(key)}:", value, indent)


def _sequence(items: list, indent: str) -> Iterator[str]:
    for item in items:
        if isinstance(item, Commented):
            yield from _comment(item.comment, indent)
            item = item.value
        lines = list(_entry("-", item, indent))
        yield indent + lines[0]
        yield from lines[1:]


def dump(document: dict, header: str = "") -> str:
    """`document` as YAML text, below `header` (comment lines), top-level keys separated by a blank line."""
    parts = ["\n".join(_comment(header, "")) + "\n"] if header else []
    for key, value in document.items():
        parts.append("\n".join(_mapping({key: value}, "")) + "\n")
    return "\n".join(parts)


def plain(value: object) -> object:
    """`value` without its comments: what reading the YAML back gives."""
    if isinstance(value, Commented):
        return plain(value.value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
