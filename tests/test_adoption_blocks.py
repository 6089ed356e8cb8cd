"""What the stacks synthesize so that an object created without its answer being recorded is adopted by the
next plan instead of duplicated (mlops_cicd/constructs/adoption.py): `import` blocks fed by lookups."""

from __future__ import annotations

from mlops_cicd.constructs.adoption import REQUIRED_TERRAFORM, hcl_string

from helpers import env_of, resources


def _imports_to(stack: dict, tf_type: str) -> list[dict]:
    (name,) = resources(stack, tf_type)
    return [block for block in stack.get("import", []) if block["to"] == f"{tf_type}.{name}"]


def test_hcl_string_is_a_literal_never_a_template():
    assert hcl_string('a "b" \\ ${x} %{y}') == '"a \\"b\\" \\\\ $${x} %%{y}"'


def test_the_service_principal_is_imported_from_the_one_of_its_exact_display_name(default_stacks, raw_config):
    stack = default_stacks["staging"]
    name = env_of(raw_config, "staging")["service_principal_name"]
    (lookup_name, lookup), = resources(stack, "databricks_service_principals", "data").items()
    assert lookup["display_name_contains"] == name
    (block,) = _imports_to(stack, "databricks_service_principal")
    exact = f'if sp.display_name == "{name}"'
    assert f"data.databricks_service_principals.{lookup_name}.service_principals" in block["for_each"]
    assert exact in block["for_each"] and block["id"] == "${each.value}"
    (guard,) = lookup["lifecycle"]["postcondition"]
    assert exact in guard["condition"] and guard["condition"].endswith("<= 1}")
    assert "databricks service-principals delete" in guard["error_message"]
    assert stack["terraform"]["required_version"] == REQUIRED_TERRAFORM


def test_oidc_stacks_adopt_their_own_federation_policy_only(synth_raw, raw_config):
    raw_config["github"]["oidc_subject"] = "names"
    for env in raw_config["environments"]:
        env.update(credential_mode="oidc", secret_placement="environment",
                   account={"host": "https://accounts.cloud.databricks.com",
                            "account_id": "0d6a1b2c-1111-2222-3333-444455556666"})
    stack = synth_raw(raw_config)["staging"]
    (lookup,) = resources(stack, "databricks_service_principal_federation_policies", "data").values()
    # listed only for the SP of the stack's name that exists before the apply (none on a first deploy)
    assert lookup["for_each"].startswith("${{for sp in [for sp in data.databricks_service_principals.")
    assert lookup["service_principal_id"] == "${tonumber(each.value)}"
    (policy,) = resources(stack, "databricks_service_principal_federation_policy").values()
    (block,) = _imports_to(stack, "databricks_service_principal_federation_policy")
    oidc = policy["oidc_policy"]
    assert hcl_string(oidc["issuer"]) in block["for_each"] and hcl_string(oidc["subject"]) in block["for_each"]
    assert 'format("%d,%s", p.service_principal_id, p.policy_id)' in block["for_each"]
    assert "service-principal-federation-policy delete" in lookup["lifecycle"]["postcondition"][0]["error_message"]
