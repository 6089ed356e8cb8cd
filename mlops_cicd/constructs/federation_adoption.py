"""Adopting the service principal's federation policy that exists but is not in state (its create's answer
was lost): an `import` block fed by `databricks_service_principal_federation_policies` (account level;
databricks v1.116.0 internal/providers/pluginfw/products/service_principal_federation_policy/
data_service_principal_federation_policies.go lists every policy of one service principal).

Adopted rather than refused: only a policy of the stack's own service principal with the stack's issuer and
subject is taken, i.e. one that trusts exactly what the stack's policy trusts; a second one would be a
duplicate nobody's state holds. Two such policies fail the plan, naming both and the command that deletes one.
"""

from __future__ import annotations

from constructs import Construct

from ..framework import core, databricks
from .adoption import hcl_string, import_existing

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
Postcondition = core.Postcondition
TerraformProvider, TerraformResourceLifecycle = core.TerraformProvider, core.TerraformResourceLifecycle
DataDatabricksServicePrincipalFederationPolicies = (
    databricks.data_databricks_service_principal_federation_policies.DataDatabricksServicePrincipalFederationPolicies)
ServicePrincipalFederationPolicy = databricks.service_principal_federation_policy.ServicePrincipalFederationPolicy


def _oidc(policy: str, field: str) -> str:
    # Upstream the listed `oidc_policy` is an object; the installed bindings type it as a one-element list.
    return f"try({policy}.oidc_policy.{field}, {policy}.oidc_policy[0].{field})"


def _same_trust(policies: str, issuer: str, subject: str, attribute: str = "") -> str:
    """HCL: the policies among `policies` with this issuer and subject."""
    return (f"[for p in {policies} : p{attribute} if {_oidc('p', 'issuer')} == {hcl_string(issuer)} && "
            f"{_oidc('p', 'subject')} == {hcl_string(subject)}]")


def adopt_existing_policy(scope: Construct, policy: ServicePrincipalFederationPolicy, *, service_principal_ids: str,
                          issuer: str, subject: str, provider: TerraformProvider) -> DataDatabricksServicePrincipalFederationPolicies:
    """Import into `policy` the one policy with `issuer` and `subject` of the service principal that
    `service_principal_ids` (HCL map, known at plan time: `CicdServicePrincipal.existing_ids`) names, unless
    `policy` is in state already. On a first deploy the map is empty: nothing is listed."""
    lookup = DataDatabricksServicePrincipalFederationPolicies(
        scope, "existing_policies", service_principal_id=0, provider=provider,
        lifecycle=TerraformResourceLifecycle(postcondition=[Postcondition(
            condition=f"${{length({_same_trust('self.policies', issuer, subject)}) <= 1}}",
            error_message=(
                f"service principal ${{self.service_principal_id}} has ${{length({_same_trust('self.policies', issuer, subject)})}} "
                f"federation policies trusting issuer {issuer} and subject {subject} (policy ids "
                f"${{join(\", \", {_same_trust('self.policies', issuer, subject, '.policy_id')})}}): the stack adopts "
                "one. Delete the others with `databricks account service-principal-federation-policy delete "
                "${self.service_principal_id} <policy id>`."),
        )]),
    )
    # one lookup per SP of the stack's name found at plan time (cdktf's iterators take no raw expression)
    lookup.add_override("for_each", f"${{{service_principal_ids}}}")
    lookup.add_override("service_principal_id", "${tonumber(each.value)}")  # replaces the placeholder 0
    listed = f"flatten([for found in data.{lookup.terraform_resource_type}.{lookup.friendly_unique_id} : found.policies])"
    matching = _same_trust(listed, issuer, subject)
    import_existing(policy, for_each=f"${{{{for p in {matching} : p.policy_id => format(\"%d,%s\", p.service_principal_id, p.policy_id)}}}}")
    return lookup
