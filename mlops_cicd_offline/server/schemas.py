"""The built provider schemas, as the plugin reads them: one type at a time, from the build dir (build/schema.py
writes them).

Block shape (JSON): {"attributes": {name: Attr}, "blocks": {name: {"nesting", "block", "min", "max"}}}
Attr: {"type": cty-json | "nested": {"nesting", "attributes", "blocks"}, "required", "optional",
"computed", "sensitive"?, "force_new"?, "default"?}
A resource type's block also holds "schema_version" (its state schema version at the served release) and
"upgraders" (the older versions it upgrades with a state upgrader): build/schema_versions.py.

Layout under <build>/schema/<provider>/<version>/: provider.json, resource/<type>.json, data/<type>.json
and schema.pb (the serialized GetProviderSchema response, so start-up does not rebuild it).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


def implied_type(attr: dict):
    """cty type (JSON form) of an attribute of our schema dict."""
    if "type" in attr:
        return attr["type"]
    nested = attr["nested"]
    obj = ["object", {k: implied_type(v) for k, v in nested["attributes"].items()}]
    return obj if nested["nesting"] == "single" else [nested["nesting"], obj]


def block_type(block: dict):
    """Implied cty object type of a block."""
    fields = {name: implied_type(a) for name, a in block["attributes"].items()}
    for name, nb in block["blocks"].items():
        inner = block_type(nb["block"])
        fields[name] = inner if nb["nesting"] == "single" else [nb["nesting"], inner]
    return ["object", fields]


class ProviderSchemas:
    """Lazy per-type access to one provider's built schema (what the plugin uses)."""

    def __init__(self, build_dir: Path, provider: str, version: str):
        self.root = build_dir / "schema" / provider / version

    def response_bytes(self) -> bytes:
        return (self.root / "schema.pb").read_bytes()

    @lru_cache(maxsize=None)
    def provider(self) -> dict:
        return json.loads((self.root / "provider.json").read_text())

    @lru_cache(maxsize=None)
    def get(self, kind: str, tf_type: str) -> dict | None:
        path = self.root / kind / f"{tf_type}.json"
        return json.loads(path.read_text()) if path.exists() else None
