"""Provider schemas: built once into the build dir (block shape and layout: server/schemas.py, which loads
them one type at a time in the plugin).

Layout under <build>/schema/<provider>/<version>/: provider.json, resource/<type>.json, data/<type>.json
and schema.pb (the serialized GetProviderSchema response, so start-up does not rebuild it). One version is
the installed binding's; newer ones served (releases.py) add their restated changes to it. Each resource type
carries its state schema version at that release (schema_versions.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from mlops_cicd_offline.build import overrides, releases, schema_versions
from mlops_cicd_offline.build.schema_extract import extract_provider
from mlops_cicd_offline.build.versions import PROVIDERS, package_archive


def _apply_overrides(block: dict, facts: dict) -> dict:
    attrs = block["attributes"]
    for name in facts.get("sensitive", ()):
        attrs[name]["sensitive"] = True
    for name in facts.get("force_new", ()):
        if name in attrs:
            attrs[name]["force_new"] = True
        else:
            block["blocks"][name]["force_new"] = True
    for name, value in facts.get("defaults", {}).items():
        attrs[name].update(default=value, computed=True, optional=True, required=False)
    block["conflicts"] = [list(pair) for pair in facts.get("conflicts", ())]
    return block


def _attr_proto(pb, name: str, attr: dict):
    msg = pb.Schema.Attribute(name=name, required=attr["required"], optional=attr["optional"],
                              computed=attr["computed"], sensitive=attr.get("sensitive", False))
    if "nested" in attr:
        nested = attr["nested"]
        msg.nested_type.nesting = pb.Schema.Object.NestingMode.Value(nested["nesting"].upper())
        msg.nested_type.attributes.extend(_attr_proto(pb, n, a) for n, a in sorted(nested["attributes"].items()))
    else:
        msg.type = json.dumps(attr["type"]).encode()
    return msg


def _block_proto(pb, block: dict):
    msg = pb.Schema.Block()
    msg.attributes.extend(_attr_proto(pb, n, a) for n, a in sorted(block["attributes"].items()))
    for name, nb in sorted(block["blocks"].items()):
        msg.block_types.add(type_name=name, block=_block_proto(pb, nb["block"]),
                            nesting=pb.Schema.NestedBlock.NestingMode.Value(nb["nesting"].upper()),
                            min_items=nb["min"], max_items=nb["max"])
    return msg


def _apply_release(extracted: dict, release: releases.Release) -> None:
    for tf_type, attributes in release.added.items():
        for name, attribute in attributes.items():  # a newer binding has it already: its own shape stays
            extracted["resources"][tf_type]["attributes"].setdefault(name, copy.deepcopy(attribute))
    for tf_type, names in release.no_longer_force_new.items():
        for name in names:
            extracted["resources"][tf_type]["attributes"][name].pop("force_new", None)
    for tf_type, names in release.force_new.items():
        for name in names:
            extracted["resources"][tf_type]["attributes"][name]["force_new"] = True
    for tf_type, names in release.no_default.items():
        for name in names:
            extracted["resources"][tf_type]["attributes"][name].pop("default", None)
    for tf_type, names in release.sensitive.items():
        for name in names:
            extracted["resources"][tf_type]["attributes"][name]["sensitive"] = True


def _state_versions(extracted: dict, provider: str, version: str) -> None:
    """Each resource type's state schema version at this release, and the versions it upgrades
    (schema_versions.py): the plugin answers them in GetProviderSchema and UpgradeResourceState."""
    for tf_type, block in extracted["resources"].items():
        stated = schema_versions.at(provider, version, tf_type)
        block["schema_version"], block["upgraders"] = stated.version, list(stated.upgraders)


def _write_version(root: Path, pb, extracted: dict) -> None:
    for kind, key in (("resource", "resources"), ("data", "data_sources")):
        (root / kind).mkdir(parents=True, exist_ok=True)
        for tf_type, block in extracted[key].items():
            (root / kind / f"{tf_type}.json").write_text(json.dumps(block))
    (root / "provider.json").write_text(json.dumps(extracted["provider"]))
    response = pb.GetProviderSchema.Response()
    response.provider.block.CopyFrom(_block_proto(pb, extracted["provider"]))
    for tf_type, block in extracted["resources"].items():
        response.resource_schemas[tf_type].block.CopyFrom(_block_proto(pb, block))
        response.resource_schemas[tf_type].version = block["schema_version"]
    for tf_type, block in extracted["data_sources"].items():
        response.data_source_schemas[tf_type].block.CopyFrom(_block_proto(pb, block))
    response.server_capabilities.plan_destroy = False
    # All three real providers announce this, so Terraform reuses one decoded schema per provider for the whole
    # command instead of fetching it again for each provider instance (terraform v1.11.4
    # internal/plugin6/grpc_provider.go GetProviderSchema). Read at the served versions: databricks 1.99.0-1.128.0
    # serve through terraform-plugin-mux v0.21.0/v0.22.0 (tf6muxserver/server_capabilities.go, always true);
    # github 6.9.0-6.13.0 through plugin SDK v2.38.1/v2.40.1 (helper/schema/grpc_provider.go serverCapabilities);
    # time 0.13.1/0.14.0 through plugin framework v1.14.1/v1.19.0 (internal/fwserver/server_capabilities.go).
    # (plan_destroy above differs from mux and the framework, which announce it: the emulator plans destroys itself.)
    response.server_capabilities.get_provider_schema_optional = True
    (root / "schema.pb").write_bytes(response.SerializeToString())


def build(build_dir: Path, pb) -> dict[str, list[str]]:
    """Extract every provider's schema into build_dir/schema, once per served version; return
    {provider: [binding version, newer served versions...]}."""
    served = {}
    for name in PROVIDERS:
        extracted = extract_provider(package_archive(name))
        for key in ("resources", "data_sources"):
            for tf_type, block in extracted[key].items():
                _apply_overrides(block, overrides.for_resource(tf_type) if key == "resources" else {})
        _apply_overrides(extracted["provider"], overrides.PROVIDERS.get(name, {}))
        binding = extracted["version"]
        served[name] = releases.served_versions(name, binding)
        stated_at = overrides.UPSTREAM[name][1]  # the overrides' facts hold there; releases restate what changed
        for version in served[name]:
            schema = copy.deepcopy(extracted)
            for release in releases.changes(name, stated_at, version):
                _apply_release(schema, release)
            _state_versions(schema, name, version)
            _write_version(build_dir / "schema" / name / version, pb, schema)
    return served
