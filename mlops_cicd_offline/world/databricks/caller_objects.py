"""Objects owned by whoever the provider authenticates as: git credentials and secret scopes/secrets;
plus the account-level federation policy."""

from __future__ import annotations

from mlops_cicd_offline import command_env
from mlops_cicd_offline.errors import ApiError, ProviderError
from mlops_cicd_offline.world.base import Context, DataSource, Resource, digest, fill
from mlops_cicd_offline.world.databricks import roles
from mlops_cicd_offline.world.databricks.identity import _ws
from mlops_cicd_offline.world.databricks.models import new_id


def _owner(ctx: Context) -> str:
    return ctx.principal["name"]


class GitCredential(Resource):
    """One credential per identity: a second one is refused unless `force` updates the existing one.

    Whose credential: the caller's, or with `principal_id` (databricks >= 1.116.0, releases.py) that service
    principal's, which only its managers may create, read, update or delete ("Only service principal managers
    can use this field", docs/resources/git_credential.md v1.116.0; who is a manager: roles.py). Without `principal_id` in state (0 in the
    provider) Get/Delete look among the caller's own credentials (repos/resource_git_credential.go v1.116.0).
    """

    def _holder(self, ctx: Context, values: dict) -> str | None:
        """The identity whose credential this is; None when its service principal no longer exists (404)."""
        principal_id = values.get("principal_id")
        if not principal_id:
            return _owner(ctx)
        sp = _ws(ctx)["service_principals"].get(str(int(principal_id)))
        if sp is None:
            return None
        roles.require_manager(ctx, sp, "managing its git credential (principal_id)")
        return sp["application_id"]

    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        holder = self._holder(ctx, planned)
        if holder is None:
            raise ApiError(status=404, message=f"service principal {planned.get('principal_id')} not found")
        if holder in ws["git_credentials"] and not planned.get("force"):
            raise ApiError(status=400, code="RESOURCE_ALREADY_EXISTS", message=f"{holder} already has a git credential; "
                           "only one git credential per user is supported")
        # like the real provider: without personal_access_token it silently uses the deployer's GITHUB_TOKEN
        token = planned.get("personal_access_token") or command_env.current().get("GITHUB_TOKEN")
        if not token:
            raise ProviderError("personal_access_token is not set and GITHUB_TOKEN is not in the environment")
        # force = true (upstream): on "already exists", list the holder's one credential and update it in
        # place, keeping its id
        existing = ws["git_credentials"].get(holder)
        cred_id = existing["id"] if existing is not None else new_id(ws)
        ws["git_credentials"][holder] = {"id": cred_id, "git_provider": planned["git_provider"],
                                         "git_username": planned.get("git_username"), "token_sha256": digest(token),
                                         "from_deployer_env": not planned.get("personal_access_token")}
        return fill(planned, id=cred_id)

    def _own(self, ctx: Context, values: dict) -> dict | None:
        """The holder's credential with this resource's id, else None."""
        holder = self._holder(ctx, values)
        cred = _ws(ctx)["git_credentials"].get(holder) if holder is not None else None
        return cred if cred is not None and cred["id"] == values["id"] else None

    def read(self, ctx, state):
        cred = self._own(ctx, state)
        if cred is None:
            return None
        return {**state, "git_provider": cred["git_provider"], "git_username": cred["git_username"]}

    def update(self, ctx, prior, planned, config):
        cred = self._own(ctx, {**planned, "id": prior["id"]})
        if cred is None:
            raise ApiError(status=404, message=f"git credential {prior['id']} not found for {self._holder(ctx, planned)}")
        cred.update(git_provider=planned["git_provider"], git_username=planned.get("git_username"),
                    token_sha256=digest(planned.get("personal_access_token") or ""))
        return planned

    def delete(self, ctx, state):
        if self._own(ctx, state) is not None:  # another identity's credential: 404, ignored
            del _ws(ctx)["git_credentials"][self._holder(ctx, state)]


def _scope(ws: dict, name: str) -> dict:
    scope = ws["secret_scopes"].get(name)
    if scope is None:
        raise ApiError(status=404, code="RESOURCE_DOES_NOT_EXIST", message=f"secret scope {name} does not exist")
    return scope


def _require_scope_permission(ctx: Context, scope: dict, levels: tuple[str, ...]) -> None:
    if ctx.principal.get("admin"):
        return
    if scope["acls"].get(_owner(ctx)) not in levels:
        raise ApiError(status=403, code="PERMISSION_DENIED", message=f"{_owner(ctx)} lacks {'/'.join(levels)} on scope {scope['name']}")


class SecretScope(Resource):
    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        name = planned["name"]
        if name in ws["secret_scopes"]:
            raise ApiError(status=400, code="RESOURCE_ALREADY_EXISTS", message=f"scope {name} already exists")
        acls = {_owner(ctx): "MANAGE"}
        if planned.get("initial_manage_principal"):
            acls[planned["initial_manage_principal"]] = "MANAGE"
        ws["secret_scopes"][name] = {"name": name, "acls": acls, "secrets": {}}
        return fill(planned, id=name, backend_type="DATABRICKS")

    def read(self, ctx, state):
        # looked up by the id, which is the scope's name; an import starts from the id alone and gets the rest
        # (secrets/resource_secret_scope.go v1.116.0, readSecretScope)
        if state["id"] not in _ws(ctx)["secret_scopes"]:
            return None
        return {**state, "name": state["id"], "backend_type": state.get("backend_type") or "DATABRICKS"}


    def delete(self, ctx, state):
        ws = _ws(ctx)
        if state["name"] in ws["secret_scopes"]:
            _require_scope_permission(ctx, ws["secret_scopes"][state["name"]], ("MANAGE",))
            del ws["secret_scopes"][state["name"]]


class Secret(Resource):
    """Only a digest of the value is kept."""

    def create(self, ctx, planned, config):
        scope = _scope(_ws(ctx), planned["scope"])
        _require_scope_permission(ctx, scope, ("WRITE", "MANAGE"))
        scope["secrets"][planned["key"]] = {"sha256": digest(planned["string_value"]), "last_updated": int(ctx.now * 1000)}
        return fill(planned, id=f"{planned['scope']}|||{planned['key']}",
                    last_updated_timestamp=int(ctx.now * 1000),
                    config_reference=f"{{{{secrets/{planned['scope']}/{planned['key']}}}}}")

    def _exists(self, ws, state) -> bool:
        return ws is None or state["key"] in ws["secret_scopes"].get(state["scope"], {}).get("secrets", {})

    def read(self, ctx, state):
        scope = _ws(ctx)["secret_scopes"].get(state["scope"])
        if scope is not None:  # listing a scope's secrets needs READ on it, as in the real workspace
            _require_scope_permission(ctx, scope, ("READ", "WRITE", "MANAGE"))
        return state if self._exists(_ws(ctx), state) else None


    def delete(self, ctx, state):
        scope = _ws(ctx)["secret_scopes"].get(state["scope"])
        if scope is not None:
            _require_scope_permission(ctx, scope, ("WRITE", "MANAGE"))
            scope["secrets"].pop(state["key"], None)


class SecretAcl(Resource):
    def create(self, ctx, planned, config):
        scope = _scope(_ws(ctx), planned["scope"])
        _require_scope_permission(ctx, scope, ("MANAGE",))
        scope["acls"][planned["principal"]] = planned["permission"]
        return fill(planned, id=f"{planned['scope']}|||{planned['principal']}")

    def read(self, ctx, state):
        scope = _ws(ctx)["secret_scopes"].get(state["scope"])
        if scope is None:
            return None
        _require_scope_permission(ctx, scope, ("MANAGE",))  # listing ACLs needs MANAGE
        return state if state["principal"] in scope["acls"] else None

    def delete(self, ctx, state):
        scope = _ws(ctx)["secret_scopes"].get(state["scope"])
        if scope is not None:
            scope["acls"].pop(state["principal"], None)


class FederationPolicy(Resource):
    """Account-level API: needs a provider with an accounts host and account_id."""

    def _account(self, ctx) -> dict:
        if ctx.principal is None or "account_id" not in ctx.principal:
            raise ProviderError("databricks_service_principal_federation_policy needs an account-level provider "
                           "(host = https://accounts.cloud.databricks.com, account_id)")
        return ctx.world["accounts"].setdefault(ctx.principal["account_id"], {"federation_policies": {}, "next_id": 1})

    def create(self, ctx, planned, config):
        account = self._account(ctx)
        account["next_id"] += 1
        policy_id = planned.get("policy_id") or f"policy-{account['next_id']}"
        stamp = f"{ctx.now:.0f}"
        record = {"service_principal_id": planned.get("service_principal_id"), "oidc_policy": planned.get("oidc_policy"),
                  "description": planned.get("description"), "policy_id": policy_id, "uid": policy_id,
                  "create_time": stamp, "update_time": stamp,
                  "name": f"accounts/{ctx.principal['account_id']}/servicePrincipals/"
                          f"{planned.get('service_principal_id')}/federationPolicies/{policy_id}"}
        account["federation_policies"][policy_id] = record
        return fill(planned, **{k: v for k, v in record.items() if k not in ("oidc_policy", "description")})

    def import_state(self, import_id):
        """`service_principal_id,policy_id` (ImportState, resource_service_principal_federation_policy.go v1.116.0)."""
        parts = import_id.split(",")
        if len(parts) != 2 or not parts[0].isdigit() or not parts[1]:
            raise ProviderError(f"Expected import identifier with format: service_principal_id,policy_id. Got: {import_id!r}")
        return {"service_principal_id": int(parts[0]), "policy_id": parts[1]}

    def read(self, ctx, state):
        record = self._account(ctx)["federation_policies"].get(state.get("policy_id"))
        if record is None:
            return None
        return state if state.get("name") else {**state, **record}  # imported: the read sets every attribute

    def update(self, ctx, prior, planned, config):
        record = self._account(ctx)["federation_policies"][prior["policy_id"]]
        record.update(oidc_policy=planned.get("oidc_policy"), description=planned.get("description"),
                      update_time=f"{ctx.now:.0f}")
        return fill(planned, update_time=record["update_time"])

    def delete(self, ctx, state):
        self._account(ctx)["federation_policies"].pop(state.get("policy_id"), None)


class FederationPoliciesData(FederationPolicy, DataSource):
    """databricks_service_principal_federation_policies (account level; internal/providers/pluginfw/products/
    service_principal_federation_policy/data_service_principal_federation_policies.go, v1.116.0): every policy
    of `service_principal_id` (ListAll), each with the resource's attributes. Upstream `oidc_policy` is an object;
    the installed bindings (hence this stand-in's schema) type it as a one-element list of that object."""

    def read(self, ctx, config):
        policies = [record for record in self._account(ctx)["federation_policies"].values()
                    if int(record["service_principal_id"]) == int(config["service_principal_id"])]
        return {**config, "policies": [{**record, "oidc_policy": [record["oidc_policy"]]} for record in policies]}


RESOURCES = {
    "databricks_git_credential": GitCredential(),
    "databricks_secret_scope": SecretScope(),
    "databricks_secret": Secret(),
    "databricks_secret_acl": SecretAcl(),
    "databricks_service_principal_federation_policy": FederationPolicy(),
}
DATA_SOURCES = {"databricks_service_principal_federation_policies": FederationPoliciesData()}
