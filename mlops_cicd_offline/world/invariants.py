"""What must hold in the emulated world at every moment of a deploy, checked right after every mutating
API call (server/provider.py, in the call's own transaction) and after every apply (harness/terraform.py):

  credential secret   a GitHub Actions secret that has held a live Databricks credential (a token or an
                      OAuth secret the emulator issued, recognised by its value unsealed with the repo's key)
                      still exists and still holds a live, unexpired credential of the same service
                      principal: same workspace, and the same SP or one with the same display name (an SP
                      re-created by a deploy). Before a secret first holds one (first deploy), nothing is
                      required of it.
  unique SP name      no two live service principals share a display name in one workspace.
  state isolation     no stack's state names another stack's object (same type, id and scope, events.py).

A broken invariant is appended to world["invariants"]["violations"] with the event that broke it, once:
a broken secret is watched again from the next time it holds a live credential. What a test breaks out of
band (World.delete_*, the clock moved past an expiry) and what a teardown (`destroy` step) removes is not
the deploy's doing: it is forgiven, not reported.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from mlops_cicd_offline.world import events, store
from mlops_cicd_offline.world.base import digest
from mlops_cicd_offline.world.github.models import unseal
from mlops_cicd_offline.world.databricks.models import token_is_live

CREDENTIAL_SECRET = "credential secret"
UNIQUE_SP_NAME = "unique SP name"
STATE_ISOLATION = "state isolation"
TEARDOWN_STEP = "destroy"


def _book(world: dict) -> dict:
    book = world.setdefault("invariants", {})
    for key, empty in (("credentials", {}), ("watched", {}), ("violations", []), ("reported", [])):
        book.setdefault(key, empty)
    return book


def violations(world: dict) -> list[dict]:
    return list(world.get("invariants", {}).get("violations", []))


def describe(violation: dict) -> str:
    return f"invariant '{violation['invariant']}' broken at {events.describe(violation['event'])}: {violation['message']}"


def _report(book: dict, invariant: str, message: str, event: dict | None, key: str | None = None) -> dict | None:
    key = key or f"{invariant}|{message}"
    if key in book["reported"]:
        return None
    book["reported"].append(key)
    violation = {"invariant": invariant, "message": message, "event": dict(event or {"seq": 0, "operation": "?",
                                                                                     "type": "?", "outcome": "?"})}
    book["violations"].append(violation)
    return violation


# ---- credentials and the GitHub secrets holding them ---------------------------------------------------
def _sp_named(ws: dict, application_id: str) -> dict | None:
    return next((sp for sp in ws.get("service_principals", {}).values() if sp["application_id"] == application_id), None)


def _note_credentials(world: dict, book: dict) -> None:
    """Remember every credential that exists now (by value digest), so a secret holding it is recognised
    even after the credential is gone."""
    known = book["credentials"]
    for host, ws in world.get("workspaces", {}).items():
        issued = [("token", t["token_id"], t["value_sha256"], t["application_id"]) for t in ws.get("tokens", {}).values()]
        issued += [("OAuth secret", s["id"], s["secret_hash"], s["application_id"]) for s in ws.get("sp_secrets", {}).values()]
        for kind, object_id, value_digest, application_id in issued:
            if value_digest not in known:
                known[value_digest] = {"host": host, "kind": kind, "id": object_id, "application_id": application_id}


def _alive(world: dict, credential: dict) -> str | None:
    """Why a known credential no longer authenticates, or None if it does."""
    ws = world.get("workspaces", {}).get(credential["host"], {})
    now = store.now(world)
    if credential["kind"] == "token":
        record = ws.get("tokens", {}).get(credential["id"])
        live = record is not None and token_is_live(record, now)
    else:
        record = ws.get("sp_secrets", {}).get(credential["id"])
        live = record is not None and now <= record.get("expire_epoch", float("inf"))
    if record is None:
        return f"a deleted or revoked {credential['kind']}"
    if not live:
        return f"an expired {credential['kind']}"
    if _sp_named(ws, credential["application_id"]) is None:
        return f"the {credential['kind']} of a deleted service principal"
    return None


def _github_secrets(world: dict):
    """(location key, description, digest of the value) of every Actions secret, repository and environment."""
    for full_name, repo in world.get("github", {}).items():
        holders = [(None, repo)] + list(repo.get("environments", {}).items())
        for environment, holder in holders:
            for name, secret in holder.get("secrets", {}).items():
                where = f"environment {environment} of {full_name}" if environment else full_name
                value = unseal(repo["private_key"], secret["encrypted_value"])
                yield f"{full_name}|{environment or ''}|{name}", f"GitHub secret {name} ({where})", digest(value)


def held_credentials(world: dict) -> dict[str, dict]:
    """Each GitHub secret holding a credential the emulator issued (described) -> that credential (host, kind,
    id, application_id). Reads a copy of the world: it may note credentials in it."""
    book = _book(world)
    _note_credentials(world, book)
    return {description: book["credentials"][value_digest] for _, description, value_digest in _github_secrets(world)
            if value_digest in book["credentials"]}


def _credential_secret_problems(world: dict, book: dict) -> list[tuple[str, str]]:
    """(location, message) for each watched secret that no longer holds a live credential of its SP.
    Starts watching secrets that hold one; stops watching (until they hold one again) those that fail."""
    _note_credentials(world, book)
    watched, problems, present = book["watched"], [], {}
    for location, description, value_digest in _github_secrets(world):
        present[location] = description
        credential = book["credentials"].get(value_digest)
        binding = watched.get(location)
        if credential is None:
            if binding is not None:
                problems.append((location, f"{description} no longer holds a Databricks credential "
                                           f"(it held one of service principal {binding['display_name']!r})"))
            continue
        reason = _alive(world, credential)
        sp = _sp_named(world["workspaces"][credential["host"]], credential["application_id"])
        if reason is not None:
            if binding is not None:
                problems.append((location, f"{description} holds {reason} (service principal "
                                           f"{binding['display_name']!r} on {binding['host']})"))
            continue
        same_sp = binding is None or (credential["host"] == binding["host"] and (
            sp["application_id"] == binding["application_id"] or sp.get("display_name") == binding["display_name"]))
        if not same_sp:
            problems.append((location, f"{description} holds a credential of service principal "
                                       f"{sp.get('display_name')!r} on {credential['host']}, not of "
                                       f"{binding['display_name']!r} on {binding['host']}"))
            continue
        watched[location] = {"host": credential["host"], "application_id": sp["application_id"],
                             "display_name": sp.get("display_name"), "description": description}
    for location, binding in list(watched.items()):
        if location not in present:
            problems.append((location, f"{binding['description']} no longer exists (it held a live credential of "
                                       f"service principal {binding['display_name']!r} on {binding['host']})"))
    for location, _ in problems:
        watched.pop(location, None)
    return problems


def _duplicate_sp_names(world: dict) -> list[tuple[str, str]]:
    found = []
    for host, ws in world.get("workspaces", {}).items():
        by_name: dict[str, list[str]] = {}
        for sp in ws.get("service_principals", {}).values():
            by_name.setdefault(sp.get("display_name"), []).append(sp["id"])
        for name, ids in by_name.items():
            if len(ids) > 1:
                found.append((f"{UNIQUE_SP_NAME}|{host}|{name}|{sorted(ids)}",
                              f"{len(ids)} live service principals named {name!r} on {host} (ids {', '.join(sorted(ids))})"))
    return found


def after_call(world: dict, event: dict) -> list[dict]:
    """Check the world right after a mutating API call; record and return what it broke."""
    book = _book(world)
    secret_problems = _credential_secret_problems(world, book)
    broken = []
    if not (event.get("step") or "").startswith(TEARDOWN_STEP):
        broken += [_report(book, CREDENTIAL_SECRET, message, event, key=f"{event['seq']}|{location}")
                   for location, message in secret_problems]
    broken += [_report(book, UNIQUE_SP_NAME, message, event, key=key) for key, message in _duplicate_sp_names(world)]
    return [v for v in broken if v]


def forgive(world: dict) -> None:
    """After an out-of-band change: stop watching the secrets it broke (they are watched again once a deploy
    writes a live credential into them)."""
    _credential_secret_problems(world, _book(world))


# ---- state isolation -------------------------------------------------------------------------------------
def state_objects(state_file: Path) -> set[tuple[str, str]]:
    """(type, identity) of every managed resource instance in a Terraform state file (format version 4)."""
    state = _read_state(state_file)
    if state is None:
        return set()
    found = {(resource["type"], events.identity(instance.get("attributes")))
             for resource in state.get("resources", []) if resource.get("mode") == "managed"
             for instance in resource.get("instances", [])}
    return {(tf_type, object_id) for tf_type, object_id in found if object_id is not None}


def _read_state(state_file: Path, attempts: int = 20) -> dict | None:
    """The state in `state_file`, None when there is none yet. Terraform rewrites a local state in place (truncate,
    then write): a stack rehearsed beside this one (`rehearse -j`) may be half-way through, so an incomplete
    document is read again until whole (each write takes milliseconds)."""
    for attempt in range(attempts):
        try:
            text = state_file.read_text()
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)
    return None


def _scopes(world: dict) -> dict[tuple, str | None]:
    """(stack, type, id) -> the scope of the last API call a stack made on that object."""
    return {(e["stack"], e["type"], e["id"]): e["scope"] for e in world.get("events", []) if e.get("id")}


def check_state_isolation(world: dict, state_files: dict[str, Path]) -> list[dict]:
    """Record and return a violation for each object named by the states of two stacks."""
    scopes, owners = _scopes(world), {}
    for stack, path in sorted(state_files.items()):
        for tf_type, object_id in state_objects(path):
            scope = scopes.get((stack, tf_type, object_id), "unknown")
            if scope is not None:  # None: no remote object (time), only Terraform state
                owners.setdefault((tf_type, object_id, scope), []).append(stack)
    book, last = _book(world), (world.get("events") or [None])[-1]
    broken = [_report(book, STATE_ISOLATION, f"the states of stacks {', '.join(stacks)} all name {tf_type} {object_id}"
                      f" ({scope})", last, key=f"{STATE_ISOLATION}|{tf_type}|{object_id}|{scope}|{stacks}")
              for (tf_type, object_id, scope), stacks in sorted(owners.items()) if len(stacks) > 1]
    return [v for v in broken if v]


class Guard:
    """What a harness uses after each apply or destroy: check state isolation, then return every violation
    recorded since the last check (by the providers' calls or by this check), described."""

    def __init__(self, state_dir: Path):
        self.state_dir = Path(state_dir)
        self.seen = len(violations(store.snapshot(self.state_dir))) if (self.state_dir / "world.json").exists() else 0

    def after_step(self, state_files: dict[str, Path]) -> list[str]:
        with store.transaction(self.state_dir) as world:
            check_state_isolation(world, state_files)
            found = violations(world)
        new, self.seen = found[self.seen:], len(found)
        return [describe(v) for v in new]
