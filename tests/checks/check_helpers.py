"""Helpers for the check tests (a module of their own: test modules cannot import a conftest)."""

from __future__ import annotations


def first(stack: dict, kind: str) -> dict:
    """The first resource body of `kind` in a stack document (to change it in place)."""
    return next(iter(stack["resource"][kind].values()))


def environment(raw: dict, name: str) -> dict:
    return next(e for e in raw["environments"] if e["name"] == name)
