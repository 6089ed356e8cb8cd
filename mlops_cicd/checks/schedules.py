"""How a credential is bound to its rotation schedule (a `time_rotating`), read from a synthesized stack.

- effective: the credential is replaced whenever the schedule is created again. Either an argument
  that forces a new credential references the schedule (or a `time_static` copying its time), or
  `replace_triggered_by` names a `time_static` copying the schedule's time: that copy is *replaced*
  when the time changes, and a replacement fires `replace_triggered_by`.
- weak: `replace_triggered_by` names the `time_rotating` itself. `-replace` fires it, but a due schedule
  does not: the time provider drops it from state during refresh, Terraform plans a create, and
  `replace_triggered_by` ignores creates (hashicorp/terraform-provider-time#118).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from .terraform_json import references, resources

CREDENTIAL_TYPES = ("databricks_obo_token", "databricks_service_principal_secret")
# Arguments whose change forces a new credential (databricks provider 1.99.0).
FORCE_NEW_ARGUMENTS = {
    "databricks_obo_token": ("application_id", "comment", "lifetime_seconds"),
    "databricks_service_principal_secret": ("service_principal_id", "lifetime", "time_rotating"),
}
# time_static arguments that force its replacement.
_STATIC_FORCE_NEW = ("rfc3339", "triggers")


@dataclass(frozen=True)
class Binding:
    schedules: frozenset[str]
    """Every time_rotating the credential is bound to, weakly or effectively."""
    effective: frozenset[str]
    """Those whose coming due replaces the credential."""


def _addresses(names: Iterable[str], type_: str) -> set[str]:
    return {".".join(name.split(".")[:2]) for name in names if name.startswith(f"{type_}.")}


def _schedules_of(names: set[str], copies: dict[str, set[str]]) -> set[str]:
    """Schedules named directly, or through a time_static that copies their time."""
    via_copies = [copies.get(static, set()) for static in _addresses(names, "time_static")]
    return _addresses(names, "time_rotating").union(*via_copies)


def binding(document: dict, kind: str, body: dict) -> Binding:
    copies = {
        address: _addresses(references({k: static.get(k) for k in _STATIC_FORCE_NEW}), "time_rotating")
        for address, static in resources(document, "time_static")
    }
    triggers = {str(t).removeprefix("${").removesuffix("}") for t in (body.get("lifecycle") or {}).get("replace_triggered_by") or []}
    arguments = references({key: body.get(key) for key in FORCE_NEW_ARGUMENTS[kind]})
    effective = _schedules_of(arguments, copies) | _schedules_of(_addresses(triggers, "time_static"), copies)
    weak = _addresses(triggers, "time_rotating")
    return Binding(frozenset(weak | effective), frozenset(effective))


def credentials(document: dict) -> Iterator[tuple[str, str, dict, Binding]]:
    """(type, address, body, binding) of every rotatable credential in a stack."""
    for kind in CREDENTIAL_TYPES:
        for address, body in resources(document, kind):
            yield kind, address, body, binding(document, kind, body)
