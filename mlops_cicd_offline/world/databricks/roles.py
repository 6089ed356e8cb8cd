"""Roles on a service principal: its rule set (`databricks_access_control_rule_set`) and who is a manager.

Databricks ("Roles for managing service principals", docs.databricks.com/aws/en/security/auth/access-control/
service-principal-acl): two account-level roles, `roles/servicePrincipal.manager` (manages the roles on the SP;
the SP's creator has it, account admins have it on every SP) and `roles/servicePrincipal.user` (run jobs as the
SP; a manager does not inherit it). Account admins are not emulated: every deployer here is a workspace admin,
which gives no role on an SP. The creator's role is a grant rule of the SP's rule set, so a rule set written
without it takes it away, as every rule set write replaces all grant rules.

databricks/terraform-provider-databricks v1.99.0 and v1.116.0 permissions/resource_access_control_rule_set.go:
`name` is ForceNew (`accounts/<account>/servicePrincipals/<application id>/ruleSets/default`); Create and Update
replace the whole rule set (UpdateRuleSet with the latest etag); Read returns the rule set's grant rules as they
are (a change made elsewhere shows as drift); Delete writes the rule set with no grant rules at all; `etag` is
stored empty. Through a workspace-level provider the calls go to the workspace's account access-control proxy.
Changing a rule set takes the manager role (the emulator refuses anyone else, 403).
"""

from __future__ import annotations

import re

from mlops_cicd_offline.errors import ApiError
from mlops_cicd_offline.world.base import Context, Resource, fill
from mlops_cicd_offline.world.databricks import identity

MANAGER = "roles/servicePrincipal.manager"
_SP_RULE_SET = re.compile(r"accounts/[^/]+/servicePrincipals/(?P<application_id>[^/]+)/ruleSets/default")


def creator_rules(principal: dict) -> list[dict]:
    """The grant rules of a new SP's rule set: its creator is its manager."""
    return [{"role": MANAGER, "principals": [acl_principal(principal)]}]


def acl_principal(principal: dict) -> str:
    """How a rule set names the caller: `users/<user name>` or `servicePrincipals/<application id>`."""
    return f"users/{principal['name']}" if principal["kind"] == "user" else f"servicePrincipals/{principal['name']}"


def _identities(ws: dict, principal: dict) -> set[str]:
    """The caller's own ACL principal and `groups/<name>` of each workspace group holding it."""
    own = {principal["name"], str(principal.get("id", ""))}
    groups = {f"groups/{g['display_name']}" for g in ws["groups"].values() if own & set(map(str, g["members"]))}
    return {acl_principal(principal)} | groups


def is_manager(ws: dict, sp: dict, principal: dict) -> bool:
    managers = {p for rule in sp.get("grant_rules", ()) if rule["role"] == MANAGER for p in rule["principals"]}
    return bool(managers & _identities(ws, principal))


def require_manager(ctx: Context, sp: dict, what: str) -> None:
    if not is_manager(identity._ws(ctx), sp, ctx.principal):
        raise ApiError(status=403, code="PERMISSION_DENIED", message=f"{ctx.principal['name']} does not have {MANAGER} on service principal "
                       f"{sp['application_id']}, which {what} needs (its managers: its creator, principals granted "
                       f"the role in its rule set, account admins)")


def _rules(values: dict) -> list[dict]:
    return [{"role": r["role"], "principals": sorted(r.get("principals") or ())} for r in values.get("grant_rules") or ()]


def _canonical(rules: list[dict]) -> list[tuple]:
    return sorted((r["role"], tuple(sorted(r["principals"]))) for r in rules)


class ServicePrincipalRuleSet(Resource):
    def _service_principal(self, ctx: Context, name: str) -> dict | None:
        match = _SP_RULE_SET.fullmatch(name)
        if match is None:
            raise ApiError(status=400, code="INVALID_PARAMETER_VALUE", message=f"only service principal rule sets are emulated, not {name}")
        found = [sp for sp in identity._ws(ctx)["service_principals"].values() if sp["application_id"] == match["application_id"]]
        return found[0] if found else None

    def _write(self, ctx: Context, planned: dict) -> None:
        sp = self._service_principal(ctx, planned["name"])
        if sp is None:
            raise ApiError(status=404, code="RESOURCE_DOES_NOT_EXIST", message=planned["name"])
        require_manager(ctx, sp, "changing its rule set")
        sp["grant_rules"] = _rules(planned)

    def create(self, ctx, planned, config):
        self._write(ctx, planned)
        return fill(planned, id=planned["name"], etag="")

    def update(self, ctx, prior, planned, config):
        self._write(ctx, planned)
        return fill(planned, etag="")

    def read(self, ctx, state):
        sp = self._service_principal(ctx, state["id"])
        if sp is None:
            return None
        current = sp.get("grant_rules", [])
        return state if _canonical(current) == _canonical(_rules(state)) else {**state, "grant_rules": current}

    def delete(self, ctx, state):
        sp = self._service_principal(ctx, state["id"])
        if sp is not None:
            require_manager(ctx, sp, "changing its rule set")
            sp["grant_rules"] = []


RESOURCES = {"databricks_access_control_rule_set": ServicePrincipalRuleSet()}
