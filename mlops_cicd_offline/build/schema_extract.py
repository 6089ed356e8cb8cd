"""Rebuild provider schemas from the TypeScript sources inside the installed provider bindings (CDKTF's or CDK
Terrain's: the same generator, whose core library is `cdktf` or `cdktn`).

Each generated `lib/<type>/index.js` (and `index-structs/*.js` for big types) carries its TypeScript
source in an inline source map. From it we read, per class:
  * a comment per attribute: `// name - computed: X, optional: Y, required: Z`
  * `synthesizeHclAttributes` / `<struct>ToHclTerraform`: whether an argument is a block and its type
  * typed getters (`getStringAttribute`, `new FooList(...)`) for computed-only attributes.
The result is a plain dict (see the block shape in server/schemas.py) written once as JSON into the build dir.
"""

from __future__ import annotations

import base64
import json
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from mlops_cicd_offline.server.schemas import implied_type

_SOURCE_MAP = re.compile(r"sourceMappingURL=data:application/json;base64,(\S+)")
_ATTR_COMMENT = re.compile(r"^  // (\w+) - computed: (\w+), optional: (\w+), required: (\w+)$", re.M)
_HCL_ENTRY = re.compile(
    r"^\s+(\w+): \{\n\s+value: (.*?),\n\s+isBlock: (\w+),\n\s+type: \"(\w+)\",\n\s+storageClassType: \"(\w+)\"",
    re.M,
)
_TOP_DECL = re.compile(r"^export (?:class|function|interface) (\w+)", re.M)
_RESOURCE_TYPE = re.compile(r'tfResourceType = "(\w+)"')
_GENERATOR = re.compile(r"providerName: '([\w-]+)',\s*providerVersion: '([^']+)'")

_PRIMITIVES = {"string": "string", "number": "number", "boolean": "bool"}
_GETTERS = {
    "getStringAttribute": "string",
    "getNumberAttribute": "number",
    "getBooleanAttribute": "bool",
    "getListAttribute": ["list", "string"],
    "getNumberListAttribute": ["list", "number"],
    "getStringMapAttribute": ["map", "string"],
    "getNumberMapAttribute": ["map", "number"],
    "getBooleanMapAttribute": ["map", "bool"],
    "getAnyMapAttribute": ["map", "dynamic"],
}
_CDKTF_MAPS = {"StringMap": ["map", "string"], "NumberMap": ["map", "number"], "BooleanMap": ["map", "bool"],
               "AnyMap": ["map", "dynamic"], "StringMapList": ["list", ["map", "string"]]}


def typescript_sources(archive: Path) -> dict[str, str]:
    """Map each `lib/<dir>` of the package archive to its concatenated TypeScript sources."""
    out: dict[str, list[str]] = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if len(parts) < 4 or parts[1] != "lib" or not member.name.endswith(".js"):
                continue
            text = tar.extractfile(member).read().decode()
            match = _SOURCE_MAP.search(text)
            if match:
                source_map = json.loads(base64.b64decode(match.group(1)))
                out.setdefault(parts[2], []).extend(source_map.get("sourcesContent") or [])
    return {name: "\n".join(chunks) for name, chunks in out.items()}


@dataclass
class _Source:
    """One type's TypeScript, split into top-level declarations by name."""

    text: str
    decls: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        starts = list(_TOP_DECL.finditer(self.text))
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(self.text)
            self.decls[m.group(1)] = self.text[m.start():end]


def _lower_first(name: str) -> str:
    return name[0].lower() + name[1:]


def _hcl_entries(body: str) -> dict[str, tuple[str, bool, str, str]]:
    return {m.group(1): (m.group(2), m.group(3) == "true", m.group(4), m.group(5)) for m in _HCL_ENTRY.finditer(body)}


def _attribute_chunks(class_body: str):
    """Yield (name, computed, optional, required, code following the comment) for each attribute comment."""
    found = list(_ATTR_COMMENT.finditer(class_body))
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(class_body)
        flags = [m.group(k) == "true" for k in (2, 3, 4)]
        yield (m.group(1), *flags, class_body[m.end():end])


class _Extractor:
    def __init__(self, source: _Source):
        self.src = source

    def block_of_class(self, class_name: str, hcl: dict, inside_attribute: bool = False, computed_parent: bool = False) -> dict:
        block = {"attributes": {}, "blocks": {}}
        body = self.src.decls.get(class_name, "")
        for name, computed, optional, required, code in _attribute_chunks(body):
            if computed_parent:  # fields of a computed-only object are themselves computed-only
                computed, optional, required = True, False, False
            elif computed and required:  # Terraform rejects computed+required; keep it settable
                computed = False
            flags = {"computed": computed, "optional": optional, "required": required}
            entry = hcl.get(name)
            if entry is not None:
                self._add_configurable(block, name, flags, entry, inside_attribute)
            else:
                self._add_from_getter(block, name, flags, code)
        return block

    def _struct(self, struct: str, inside_attribute: bool, computed_parent: bool) -> dict:
        fn = self.src.decls.get(_lower_first(struct) + "ToHclTerraform", "")
        return self.block_of_class(struct + "OutputReference", _hcl_entries(fn), inside_attribute, computed_parent)

    def _add_configurable(self, block, name, flags, entry, inside_attribute):
        value, _, kind, storage = entry
        if storage in ("stringList", "numberList"):
            elem = "string" if storage == "stringList" else "number"
            block["attributes"][name] = {"type": [kind, elem], **flags}
            return
        if storage in _PRIMITIVES:
            block["attributes"][name] = {"type": _PRIMITIVES[storage], **flags}
            return
        if storage.endswith("Map") and storage[:-3] in ("string", "number", "boolean"):
            block["attributes"][name] = {"type": ["map", _PRIMITIVES[storage[:-3]]], **flags}
            return
        fn = re.search(r"(\w+)ToHclTerraform", value)
        struct = fn.group(1)[0].upper() + fn.group(1)[1:] if fn else storage
        mapper_block = re.search(r"listMapperHcl\(\w+, (true|false)\)", value)
        # SDKv2 blocks are mapped with isBlockType=true; framework nested attributes with false.
        as_attribute = inside_attribute or kind == "struct" and name != "timeouts" or (
            mapper_block is not None and mapper_block.group(1) == "false")
        nested = self._struct(struct, as_attribute, flags["computed"] and not flags["optional"] and not flags["required"])
        nesting = {"struct": "single", "list": "list", "set": "set", "map": "map"}[kind]
        if as_attribute:
            block["attributes"][name] = {"nested": {"nesting": nesting, **nested}, **flags}
            return
        single_ref = re.search(rf"new {struct}OutputReference\(this, \"{name}\"\)", self.src.decls.get(
            self._owner_of(name, struct), "")) is not None
        entry_block = {"nesting": nesting, "block": nested, "min": 0, "max": 0}  # NestingSingle: both 0
        if nesting != "single":
            entry_block["max"] = 1 if single_ref else 0
            entry_block["min"] = 1 if flags["required"] else 0
        block["blocks"][name] = entry_block

    def _owner_of(self, name: str, struct: str) -> str:
        """Name of the declaration that constructs the block's OutputReference (for max_items = 1)."""
        needle = f'new {struct}OutputReference(this, "{name}")'
        for decl, body in self.src.decls.items():
            if needle in body:
                return decl
        return ""

    def _add_from_getter(self, block, name, flags, code):
        ref = re.search(r"new ((?:cdktf|cdktn)\.)?(\w+?)(List|OutputReference|Map)\(this, \"\w+\"(?:, (true|false))?\)", code)
        if ref and ref.group(1):
            block["attributes"][name] = {"type": _CDKTF_MAPS.get(ref.group(2) + ref.group(3), ["map", "string"]), **flags}
            return
        if ref:
            struct, kind, is_set = ref.group(2), ref.group(3), ref.group(4) == "true"
            nested = self._struct(struct, True, True)
            obj = ["object", {k: implied_type(v) for k, v in nested["attributes"].items()}]
            outer = {"List": "set" if is_set else "list", "OutputReference": "list", "Map": "map"}[kind]
            block["attributes"][name] = {"type": [outer, obj], **flags}
            return
        getter = re.search(r"(get\w+Attribute)\('", code)
        cty = _GETTERS.get(getter.group(1), "string") if getter else "string"
        if "Fn.tolist(" in code and isinstance(cty, list) and cty[0] == "list":
            cty = ["set", cty[1]]
        block["attributes"][name] = {"type": cty, **flags}


def extract_provider(archive: Path) -> dict:
    """Schema dict for a whole provider: {"name", "version", "provider", "resources", "data_sources"}."""
    result = {"name": None, "version": None, "provider": None, "resources": {}, "data_sources": {}}
    for source_text in typescript_sources(archive).values():
        src = _Source(source_text)
        type_match = _RESOURCE_TYPE.search(source_text)
        if not type_match:
            continue
        tf_type = type_match.group(1)
        main = re.search(r"export class (\w+) extends (?:cdktf|cdktn)\.(TerraformResource|TerraformDataSource|TerraformProvider)",
                         source_text)
        if not main:
            continue
        class_name, kind = main.groups()
        ex = _Extractor(src)
        block = ex.block_of_class(class_name, _hcl_entries(src.decls[class_name]))
        if kind == "TerraformProvider":
            block["attributes"].pop("alias", None)  # a meta-argument, not part of the provider schema
            gen = _GENERATOR.search(source_text)
            result["name"], result["version"] = gen.group(1), gen.group(2)
            result["provider"] = block
        elif kind == "TerraformResource":
            result["resources"][tf_type] = block
        else:
            result["data_sources"][tf_type] = block
    return result
