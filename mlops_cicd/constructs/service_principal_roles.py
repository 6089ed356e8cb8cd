"""Who manages the service principal: its account-level roles, so more than its creator may deploy the stack."""

from __future__ import annotations

from typing import Sequence

from constructs import Construct

from ..framework import core, databricks
from ..principals import split_principal
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformProvider = core.TerraformProvider
AccessControlRuleSet = databricks.access_control_rule_set.AccessControlRuleSet
AccessControlRuleSetGrantRules = databricks.access_control_rule_set.AccessControlRuleSetGrantRules

MANAGER_ROLE = "roles/servicePrincipal.manager"
USER_ROLE = "roles/servicePrincipal.user"
# `<kind>:<name>` (principals.py) -> how a rule set names it (databricks docs/resources/access_control_rule_set.md)
_ACL_PREFIX = {"group": "groups", "user": "users", "service_principal": "servicePrincipals"}


def acl_principal(entry: str) -> str:
    """`group:deployers` -> `groups/deployers`; `user:<e-mail>` -> `users/<e-mail>`; `service_principal:<id>`
    -> `servicePrincipals/<application id>`."""
    kind, name = split_principal(entry)
    return f"{_ACL_PREFIX[kind]}/{name}"


@shows_init_signature
class ServicePrincipalRoles(Construct):
    """The SP's rule set: `managers` get the Service Principal Manager role, `users` the Service Principal User role.

    Only an SP's managers may manage its git credential with `principal_id` (databricks provider v1.116.0
    docs/resources/git_credential.md) and its roles; its creator is one, account admins are, workspace admins
    are not (Databricks, "Roles for managing service principals"). So a stack deployed by anyone but the SP's
    creator fails to refresh its git credential unless that deployer is given the role: list every deployer, or
    a group holding them, in `managers`.

    The rule set is authoritative (v1.116.0 permissions/resource_access_control_rule_set.go: create and update
    replace every grant rule; destroy leaves none): the creator keeps the manager role only through `managers`,
    and a grant made by hand is removed on the next deploy unless listed. Goes through the workspace-level
    `provider` (the workspace's account access-control proxy). Attribute: `rule_set`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account_id: str,
        application_id: str,
        managers: Sequence[str],
        users: Sequence[str] = (),
        provider: TerraformProvider | None = None,
    ) -> None:
        """Create the SP's rule set.

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of the Terraform address: changing it replaces the rule set).
            account_id: the Databricks account id.
            application_id: the SP's application id.
            managers: who gets the Service Principal Manager role: `group:<name>`, `user:<e-mail>` or
                `service_principal:<application id>`; at least one, and every deployer of the stack.
            users: who gets the Service Principal User role (may run jobs as the SP), in the same form.
            provider: the workspace's databricks provider; default: the stack's default one.
        """
        super().__init__(scope, id)
        if not managers:
            raise ValueError("managers must name at least one principal: with none, nobody could manage the SP's "
                             "git credential or roles (e.g. \"group:mlops-deployers\")")
        rules = [AccessControlRuleSetGrantRules(role=MANAGER_ROLE, principals=[acl_principal(p) for p in managers])]
        if users:
            rules.append(AccessControlRuleSetGrantRules(role=USER_ROLE, principals=[acl_principal(p) for p in users]))
        self.rule_set = AccessControlRuleSet(
            self, "rule_set",
            name=f"accounts/{account_id}/servicePrincipals/{application_id}/ruleSets/default",
            grant_rules=rules,
            provider=provider,
        )
