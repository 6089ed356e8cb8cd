"""The emulated world's event log: every API call the stand-in providers make, in call order.

A provider process appends its event inside the world transaction of the call (store.transaction holds
the world's flock), so the log is one order across all plugin processes of all terraform runs sharing a
state directory. An event (world["events"][i]):

  seq        1, 2, ... (position in the log)
  kind       "resource" (managed resource) or "data" (data source)
  type       Terraform type name
  operation  "create", "read", "update" or "delete"; "upgrade" when a state upgrader ran (a newer release raised
             the type's schema version, build/schema_versions.py; github's call Repositories.Get)
  outcome    "ok", "failed" (the emulated API refused it) or "faulted" (an injected fault fired)
  fault      "before" (nothing changed) or "after" (the change took effect, then the call failed); None
  id         the object's id; for a create faulted after the call, the id of the object it did create
  scope      where the object lives: a workspace host, "account:<id>", "github:<owner>"; None for a
             provider without remote objects (time), whose objects exist only in Terraform state
  at         emulated time, seconds since the epoch
  stack      the stack being applied and the harness step (e.g. "apply #2"), from the environment the
  step       harness gives terraform (STACK_ENV, STEP_ENV); None outside the harness
"""

from __future__ import annotations

from mlops_cicd_offline import command_env
from mlops_cicd_offline.world import store

STACK_ENV = "MLOPS_OFFLINE_STACK"
STEP_ENV = "MLOPS_OFFLINE_STEP"
MUTATING = ("create", "update", "delete")


def scope_of(principal: dict | None) -> str | None:
    """Where the objects a provider configuration reaches live (see the module docstring)."""
    if not principal:
        return None
    if principal.get("kind") == "github":
        return f"github:{principal['owner']}"
    if principal.get("account_id"):
        return f"account:{principal['account_id']}"
    return principal.get("host")


def identity(values: dict | None) -> str | None:
    """An object's id in its state: `id`, or `name` for types without one (e.g. plugin-framework resources
    such as databricks_service_principal_federation_policy, whose `name` is the policy's full name)."""
    found = (values or {}).get("id") or (values or {}).get("name")
    return None if found is None else str(found)


def record(world: dict, *, kind: str, tf_type: str, operation: str, outcome: str, object_id: str | None,
           scope: str | None, fault: str | None = None) -> dict:
    log = world.setdefault("events", [])
    env = command_env.current()
    event = {"seq": len(log) + 1, "kind": kind, "type": tf_type, "operation": operation, "outcome": outcome,
             "fault": fault, "id": object_id, "scope": scope, "at": store.now(world),
             "stack": env.get(STACK_ENV) or None, "step": env.get(STEP_ENV) or None}
    log.append(event)
    return event


def describe(event: dict) -> str:
    """e.g. 'event #41 (stack staging, apply #2): delete github_actions_secret owner/repo:X -> ok'."""
    where = ", ".join(part for part in (f"stack {event['stack']}" if event.get("stack") else "",
                                        event.get("step") or "") if part)
    what = f"{event['operation']} {event['type']}" + (f" {event['id']}" if event.get("id") else "")
    outcome = event["outcome"] + (f" {event['fault']} the call" if event.get("fault") else "")
    return f"event #{event['seq']}" + (f" ({where})" if where else "") + f": {what} -> {outcome}"


def mutations(log: list[dict], outcome: str | None = "ok") -> list[dict]:
    """The create/update/delete calls on managed resources in a log (only those with `outcome`, unless None)."""
    return [e for e in log if e["kind"] == "resource" and e["operation"] in MUTATING
            and (outcome is None or e["outcome"] == outcome)]
