"""Terraform values on the wire: cty msgpack with unknowns, decoded into plain Python.

Objects become dicts holding every attribute of their type (null as None), lists and sets become
lists, numbers int or float. An unknown value (msgpack extension 0; refined unknowns use 12) decodes
to the `UNKNOWN` sentinel and is encoded back as extension 0.
"""

from __future__ import annotations

import msgpack


class _Unknown:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()
_UNKNOWN_CODES = (0, 12)


def _ext_hook(code: int, data: bytes):
    if code in _UNKNOWN_CODES:
        return UNKNOWN
    return msgpack.ExtType(code, data)


def _default(obj):
    if obj is UNKNOWN:
        return msgpack.ExtType(0, b"")
    raise TypeError(f"cannot encode {obj!r}")


def decode(raw: bytes, cty_type):
    if not raw:
        return None
    return conform(msgpack.unpackb(raw, ext_hook=_ext_hook, raw=False, strict_map_key=False), cty_type)


def encode(value, cty_type) -> bytes:
    return msgpack.packb(conform(value, cty_type), default=_default, use_bin_type=True)


def conform(value, cty_type):
    """Shape a value to its type: fill missing object attributes with None, drop unknown ones."""
    if value is None or value is UNKNOWN:
        return value
    if isinstance(cty_type, str):  # primitives and "dynamic" (passed through as received)
        if cty_type == "number" and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    kind, inner = cty_type[0], cty_type[1]
    if kind == "object":
        return {name: conform(value.get(name) if isinstance(value, dict) else None, t) for name, t in inner.items()}
    if kind in ("list", "set"):
        return [conform(v, inner) for v in value]
    if kind == "map":
        return {k: conform(v, inner) for k, v in value.items()}
    return value


def has_unknown(value) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False
