"""A small API over the emulated world, for tests and tools: inspect and mutate what the stand-in
providers persist in a state directory (the same one the harness hands to terraform).

    w = World(state_dir)
    w.service_principals("https://staging.example")   # list of dicts
    w.delete_service_principal(host, sp_id)             # out-of-band deletion (drift)
    w.advance_clock(days=61)                            # token expiry, time_rotating
    w.inject_fault("databricks_obo_token", nth=1)       # next create/update/delete of that type fails
    w.inject_fault("databricks_obo_token", operation="create", when="after")  # created, then the call fails
    w.events()                                          # every API call so far (events.py)
    w.violations()                                      # broken invariants (invariants.py)

Out-of-band changes made here (deleting an object, moving the clock past an expiry) are not a deploy's
doing: the invariants forgive what they break.
"""

from __future__ import annotations

from pathlib import Path

from mlops_cicd_offline.world import invariants, store
from mlops_cicd_offline.units import SECONDS_PER_DAY
from mlops_cicd_offline.world.github import oidc
from mlops_cicd_offline.world.github.models import unseal
from mlops_cicd_offline.world.databricks.models import new_id, normalize_host, token_is_live, workspace


class World:
    def __init__(self, state_dir: Path | str):
        self.state_dir = Path(state_dir)

    def snapshot(self) -> dict:
        return store.snapshot(self.state_dir)

    def _workspace(self, host: str) -> dict:
        return self.snapshot()["workspaces"].get(normalize_host(host), {})

    # ---- Databricks --------------------------------------------------------------------------------
    def service_principals(self, host: str) -> list[dict]:
        return list(self._workspace(host).get("service_principals", {}).values())

    def tokens(self, host: str, include_expired: bool = False) -> list[dict]:
        """Tokens that still authenticate (expired ones only with include_expired)."""
        snapshot = self.snapshot()
        ws = snapshot["workspaces"].get(normalize_host(host), {})
        return [t for t in ws.get("tokens", {}).values() if include_expired or token_is_live(t, store.now(snapshot))]

    def git_credentials(self, host: str) -> dict[str, dict]:
        return self._workspace(host).get("git_credentials", {})

    def secret_scopes(self, host: str) -> dict[str, dict]:
        return self._workspace(host).get("secret_scopes", {})

    def oauth_secrets(self, host: str) -> list[dict]:
        return list(self._workspace(host).get("sp_secrets", {}).values())

    def federation_policies(self, account_id: str) -> dict[str, dict]:
        return self.snapshot()["accounts"].get(account_id, {}).get("federation_policies", {})

    def group_members(self, host: str, group: str) -> list[str]:
        for g in self._workspace(host).get("groups", {}).values():
            if g["display_name"] == group:
                return list(g["members"])
        return []

    def add_group_members(self, host: str, group: str, *members: str) -> None:
        """Put `members` (user names, service principal application ids) in a workspace group, made if missing:
        e.g. the team's deployers, given a role on a service principal as `groups/<group>`."""
        with store.transaction(self.state_dir) as world:
            ws = workspace(world, host)
            found = [g for g in ws["groups"].values() if g["display_name"] == group]
            if not found:
                group_id = new_id(ws)
                found = [ws["groups"].setdefault(group_id, {"id": group_id, "display_name": group, "members": []})]
            found[0]["members"].extend(m for m in members if m not in found[0]["members"])

    def service_principal_roles(self, host: str, application_id: str) -> dict[str, list[str]]:
        """The principals each role on a service principal is granted to (its rule set)."""
        for sp in self.service_principals(host):
            if sp["application_id"] == application_id:
                return {rule["role"]: sorted(rule["principals"]) for rule in sp.get("grant_rules", ())}
        raise KeyError(f"no service principal {application_id} in {host}")

    def is_empty(self, host: str) -> bool:
        """No object created by a deploy is left (seeded groups and token ACL do not count)."""
        ws = self._workspace(host)
        created = ("service_principals", "tokens", "git_credentials", "secret_scopes", "directories", "sp_secrets")
        members = any(g["members"] for g in ws.get("groups", {}).values())
        return not members and not any(ws.get(k) for k in created)

    def delete_service_principal(self, host: str, sp_id: str) -> None:
        with store.transaction(self.state_dir) as world:
            ws = world["workspaces"][normalize_host(host)]
            sp = ws["service_principals"].pop(sp_id)
            for group in ws["groups"].values():
                if sp_id in group["members"]:
                    group["members"].remove(sp_id)
            ws["git_credentials"].pop(sp["application_id"], None)
            for token_id in [t for t, v in ws["tokens"].items() if v["application_id"] == sp["application_id"]]:
                del ws["tokens"][token_id]
            invariants.forgive(world)

    # ---- GitHub ------------------------------------------------------------------------------------
    def repository(self, full_name: str) -> dict:
        return self.snapshot()["github"].get(full_name, {})

    def secret_names(self, full_name: str, environment: str | None = None) -> list[str]:
        repo = self.repository(full_name)
        holder = repo.get("environments", {}).get(environment, {}) if environment else repo
        return sorted(holder.get("secrets", {}))

    def github_repository(self, full_name: str, immutable_subject: bool | None = None) -> dict:
        """The repository's numeric ids (`id`, `owner_id`), making it if it does not exist yet (as a real
        repository exists before its first deploy); `immutable_subject` turns GitHub's immutable subject claims
        on or off for it (off: a repository from before 2026-07-15 that has not opted in)."""
        with store.transaction(self.state_dir) as world:
            record = oidc.ensure_repository(world, full_name)
            if immutable_subject is not None:
                record["immutable_subject"] = immutable_subject
            return {"id": record["id"], "owner_id": record["owner_id"], "immutable_subject": record["immutable_subject"]}

    def exchange_github_oidc_token(self, account_id: str, full_name: str, environment: str, audience: str) -> str:
        """What a job of `full_name` running in `environment` gets from Databricks for its OIDC token: the service
        principal id a federation policy grants it; `ApiError` when none matches (CI cannot authenticate)."""
        snapshot = self.snapshot()
        return oidc.exchange(snapshot, account_id,
                                    oidc.environment_job_claims(snapshot, full_name, environment, audience))

    def delete_github_secret(self, full_name: str, name: str, environment: str | None = None) -> None:
        """Out-of-band deletion of an Actions secret (drift)."""
        with store.transaction(self.state_dir) as world:
            repo = world["github"][full_name]
            holder = repo["environments"][environment] if environment else repo
            del holder["secrets"][name]
            invariants.forgive(world)

    def reveal_secret(self, full_name: str, name: str, environment: str | None = None) -> str:
        """Decrypt a sealed secret with the repo's private key, as a workflow run would receive it."""
        repo = self.repository(full_name)
        holder = repo["environments"][environment] if environment else repo
        return unseal(repo["private_key"], holder["secrets"][name]["encrypted_value"])

    # ---- clock and faults --------------------------------------------------------------------------
    def advance_clock(self, days: float = 0, seconds: float = 0) -> None:
        with store.transaction(self.state_dir) as world:
            world["clock_offset"] = world.get("clock_offset", 0.0) + days * SECONDS_PER_DAY + seconds
            invariants.forgive(world)  # a credential that expired meanwhile: nobody re-deployed in time

    def inject_fault(self, tf_type: str, nth: int = 1, operation: str | None = None, message: str | None = None,
                     when: str = "before") -> None:
        """Fail the nth mutating call (create/update/delete, or only `operation`) of a type from now on:
        `when="before"` the call changes nothing; `when="after"` its change takes effect, then it fails."""
        if when not in store.FAULT_TIMINGS:
            raise ValueError(f"when must be one of {', '.join(store.FAULT_TIMINGS)}, not {when!r}")
        with store.transaction(self.state_dir) as world:
            world["faults"].append({"type": tf_type, "nth": nth, "operation": operation, "message": message,
                                    "when": when})

    # ---- event log and invariants ------------------------------------------------------------------
    def events(self, **match) -> list[dict]:
        """Every API call so far, in order (events.py); `match` keeps those whose fields equal the given values."""
        return [e for e in self.snapshot().get("events", []) if all(e.get(k) == v for k, v in match.items())]

    def violations(self) -> list[str]:
        """Every broken invariant so far, described with the event that broke it."""
        return [invariants.describe(v) for v in invariants.violations(self.snapshot())]
