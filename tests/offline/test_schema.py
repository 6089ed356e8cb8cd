"""The schema rebuilt from the cdktf packages, with the upstream override facts applied."""

from __future__ import annotations

import json

from mlops_cicd_offline.build.versions import package_archive
from mlops_cicd_offline.build.schema_extract import extract_provider

from helpers import BINDING_VERSIONS
from mlops_cicd import framework


def test_versions_come_from_the_installed_packages(offline_build):
    assert offline_build.versions == BINDING_VERSIONS[framework.NAME]


def test_every_resource_and_data_source_has_a_schema(offline_build):
    extracted = extract_provider(package_archive("github"))
    schemas = offline_build.schemas("github")
    assert len(extracted["resources"]) > 50 and len(extracted["data_sources"]) > 50
    for tf_type in extracted["resources"]:
        assert schemas.get("resource", tf_type) is not None, tf_type


def test_obo_token_overrides(offline_build):
    token = offline_build.schemas("databricks").get("resource", "databricks_obo_token")
    attrs = token["attributes"]
    assert attrs["application_id"]["required"] and attrs["application_id"]["force_new"]
    assert attrs["token_value"]["sensitive"] and attrs["token_value"]["computed"]
    assert not attrs["token_value"]["optional"]
    assert all(attrs[a].get("force_new") for a in ("lifetime_seconds", "comment"))


def test_blocks_and_defaults_of_repository_environment(offline_build):
    env = offline_build.schemas("github").get("resource", "github_repository_environment")
    policy = env["blocks"]["deployment_branch_policy"]
    assert (policy["nesting"], policy["max"]) == ("list", 1)
    assert env["attributes"]["can_admins_bypass"]["default"] is True
    assert env["blocks"]["reviewers"]["block"]["attributes"]["users"]["type"] == ["set", "number"]


def test_no_attribute_is_both_computed_and_required(offline_build):
    def walk(block):
        for name, attr in block["attributes"].items():
            assert not (attr["computed"] and attr["required"]), name
            if "nested" in attr:
                walk(attr["nested"])
        for nested in block["blocks"].values():
            walk(nested["block"])

    root = offline_build.schemas("databricks").root / "data"
    for path in root.glob("*.json"):
        walk(json.loads(path.read_text()))


def test_the_served_schema_announces_the_capabilities_of_the_real_providers(offline_build):
    """terraform-plugin-mux (databricks), the SDK v2 (github) and the framework (time) all announce that the
    schema need not be fetched again (build/schema.py cites where): Terraform then decodes it once per command,
    not once per provider instance (and every command of the suite is faster for it)."""
    from mlops_cicd_offline.build import protocol

    pb = protocol.load(offline_build.root / "proto")
    for name, versions in offline_build.served.items():
        for version in versions:
            response = pb.GetProviderSchema.Response.FromString(offline_build.schemas(name, version).response_bytes())
            assert response.server_capabilities.get_provider_schema_optional, (name, version)
