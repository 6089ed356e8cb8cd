"""Service principals, groups, group membership, permissions and directories of a workspace."""

from __future__ import annotations

import uuid

from mlops_cicd_offline.errors import ApiError, ProviderError
from mlops_cicd_offline.world.databricks import roles
from mlops_cicd_offline.world.base import Context, DataSource, Resource, fill
from mlops_cicd_offline.world.databricks.models import new_id, revoke_tokens_without_permission, workspace


def _ws(ctx: Context) -> dict:
    if ctx.principal is None or "account_id" in ctx.principal:
        raise ProviderError("this is a workspace-level API: configure the provider with a workspace host")
    return workspace(ctx.world, ctx.principal["host"])


def _require_admin(ctx: Context, what: str) -> None:
    if not ctx.principal.get("admin"):
        raise ApiError(status=403, message=f"{ctx.principal['name']} is not a workspace admin: cannot manage {what}")


class ServicePrincipal(Resource):
    _FIELDS = ("display_name", "allow_cluster_create", "allow_instance_pool_create", "databricks_sql_access",
               "workspace_access", "active", "external_id")

    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        _require_admin(ctx, "service principals")
        sp_id = new_id(ws)
        application_id = planned.get("application_id") or str(uuid.uuid4())
        # "The creator of a service principal has the Service Principal Manager role on the service principal"
        # (docs.databricks.com/aws/en/security/auth/access-control/service-principal-acl, since 2023-06-13): a
        # grant rule of its rule set (roles.py); account admins, the other managers, are not emulated.
        ws["service_principals"][sp_id] = {"id": sp_id, "application_id": application_id,
                                           "grant_rules": roles.creator_rules(ctx.principal),
                                           **{k: planned.get(k) for k in self._FIELDS}}
        return fill(planned, id=sp_id, display_name=planned.get("display_name"), **_computed(ws["service_principals"][sp_id]))

    def read(self, ctx, state):
        sp = _ws(ctx)["service_principals"].get(state["id"])
        if sp is None:
            return None  # deleted out of band: Terraform plans to create it again
        if state.get("application_id") is None:  # imported by its SCIM id: the read sets every attribute
            return {**state, **{k: sp[k] for k in self._FIELDS}, **_computed(sp)}
        return {**state, **{k: sp[k] for k in self._FIELDS if k in state}}

    def update(self, ctx, prior, planned, config):
        sp = _ws(ctx)["service_principals"].get(prior["id"])
        if sp is None:
            raise ApiError(status=404, message=f"service principal {prior['id']} not found")
        sp.update({k: planned.get(k) for k in self._FIELDS})
        return planned

    def delete(self, ctx, state):
        ws = _ws(ctx)
        sp = ws["service_principals"].pop(state["id"], None)
        for group in ws["groups"].values():
            if state["id"] in group["members"]:
                group["members"].remove(state["id"])
        if sp is not None:
            ws["git_credentials"].pop(sp["application_id"], None)
        revoke_tokens_without_permission(ws)


def _computed(sp: dict) -> dict:
    """What the provider derives from a service principal's application id (scim/resource_service_principal.go)."""
    application_id = sp["application_id"]
    return {"application_id": application_id, "acl_principal_id": f"servicePrincipals/{application_id}",
            "home": f"/Users/{application_id}", "repos": f"/Repos/{application_id}"}


class ServicePrincipalsData(DataSource):
    """databricks_service_principals (scim/data_service_principals.go, databricks v1.99.0 and v1.116.0): the SCIM
    filter `displayName co "<display_name_contains>"` (a substring; SCIM's `co` ignores case on displayName,
    RFC 7644 3.4.2.2), no filter when it is empty; `application_ids` and `service_principals` sorted by
    application id; id "_"."""

    def read(self, ctx, config):
        ws = _ws(ctx)
        needle = (config.get("display_name_contains") or "").lower()
        found = sorted((sp for sp in ws["service_principals"].values()
                        if needle in (sp.get("display_name") or "").lower()), key=lambda sp: sp["application_id"])
        listed = [{**_computed(sp), "display_name": sp.get("display_name"), "active": sp.get("active"),
                   "id": sp["id"], "sp_id": sp["id"], "scim_id": sp["id"], "external_id": sp.get("external_id")}
                  for sp in found]
        return {**config, "id": "_", "application_ids": [sp["application_id"] for sp in found],
                "service_principals": listed}


class GroupData(DataSource):
    def read(self, ctx, config):
        ws = _ws(ctx)
        for group in ws["groups"].values():
            if group["display_name"] == config["display_name"]:
                members = sorted(group["members"])
                sps = [m for m in members if m in ws["service_principals"]]
                return fill(config, id=group["id"], acl_principal_id=f"groups/{group['display_name']}",
                            members=members, service_principals=sps, users=[], child_groups=[], groups=[],
                            instance_profiles=[], external_id="")
        raise ProviderError(f"Group named {config['display_name']!r} not found in {ctx.principal['host']}")


class GroupMember(Resource):
    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        _require_admin(ctx, "group membership")
        group = ws["groups"].get(planned["group_id"])
        if group is None:
            raise ApiError(status=404, message=f"group {planned['group_id']} not found")
        if planned["member_id"] not in group["members"]:
            group["members"].append(planned["member_id"])
        return fill(planned, id=f"{planned['group_id']}|{planned['member_id']}")

    def read(self, ctx, state):
        group = _ws(ctx)["groups"].get(state["group_id"])
        return state if group is not None and state["member_id"] in group["members"] else None

    def delete(self, ctx, state):
        ws = _ws(ctx)
        group = ws["groups"].get(state["group_id"])
        if group is not None and state["member_id"] in group["members"]:
            group["members"].remove(state["member_id"])
        revoke_tokens_without_permission(ws)


def _acl(planned: dict) -> list[dict]:
    return [{k: v for k, v in entry.items() if v} for entry in planned.get("access_control") or []]


class Permissions(Resource):
    """authorization = "tokens" and directory permissions are authoritative for their object."""

    def _write(self, ctx, planned) -> str:
        ws = _ws(ctx)
        _require_admin(ctx, "permissions")
        if planned.get("authorization") == "tokens":
            ws["token_acl"] = [{"group_name": "admins", "permission_level": "CAN_MANAGE"}] + _acl(planned)
            revoke_tokens_without_permission(ws)
            return "/authorization/tokens"
        path = planned.get("directory_path")
        if path:
            if path not in ws["directories"]:
                raise ApiError(status=404, message=f"directory {path} does not exist")
            ws["directory_acls"][path] = _acl(planned)
            return f"/directories/{ws['directories'][path]['object_id']}"
        return f"/objects/{new_id(ws)}"  # other object types: accepted, not emulated further

    def create(self, ctx, planned, config):
        object_id = self._write(ctx, planned)
        return fill(planned, id=object_id, object_type="tokens" if object_id.endswith("tokens") else "directory")

    def update(self, ctx, prior, planned, config):
        self._write(ctx, planned)
        return planned

    def read(self, ctx, state):
        ws = _ws(ctx)
        if state.get("authorization") == "tokens":
            current = ws["token_acl"][1:]
        elif state.get("directory_path"):
            if state["directory_path"] not in ws["directory_acls"]:
                return None
            current = ws["directory_acls"][state["directory_path"]]
        else:
            return state
        fields = ("group_name", "permission_level", "service_principal_name", "user_name")
        access = [{f: entry.get(f) for f in fields} for entry in current]
        return {**state, "access_control": access}

    def delete(self, ctx, state):
        ws = _ws(ctx)
        if state.get("authorization") == "tokens":
            ws["token_acl"] = [{"group_name": "admins", "permission_level": "CAN_MANAGE"}]
            revoke_tokens_without_permission(ws)
        elif state.get("directory_path"):
            ws["directory_acls"].pop(state["directory_path"], None)


class Directory(Resource):
    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        path = planned["path"]
        if path not in ws["directories"]:
            ws["directories"][path] = {"object_id": int(new_id(ws))}
        return fill(planned, id=path, object_id=ws["directories"][path]["object_id"], workspace_path=f"/Workspace{path}")

    def read(self, ctx, state):
        return state if state["path"] in _ws(ctx)["directories"] else None

    def delete(self, ctx, state):
        ws = _ws(ctx)
        ws["directories"].pop(state["path"], None)
        ws["directory_acls"].pop(state["path"], None)


RESOURCES = {
    "databricks_service_principal": ServicePrincipal(),
    "databricks_group_member": GroupMember(),
    "databricks_permissions": Permissions(),
    "databricks_directory": Directory(),
}
DATA_SOURCES = {"databricks_group": GroupData(), "databricks_service_principals": ServicePrincipalsData()}
