"""The one reader of synthesized Terraform JSON (cdktf's output): where the output and its stacks are, each
stack's document, its resources by type, the values it references, which rotation schedule replaces which
credential, its variables and its state backend. The checks, `status`, `rotate` and `synth`'s summary all read
through it.

Layout of an output directory (cdktf 0.21.0): `manifest.json` names each stack and its `synthesizedStackPath`,
`stacks/<name>/cdk.tf.json` holds the stack, and terraform runs in `stacks/<name>/`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import UserError

DEFAULT_OUTPUT = "cdktf.out"
OUTPUT_ENV = "CDKTF_OUTDIR"
"""cdktf hands the app its output directory in this variable (`cdktf synth --output`)."""
STACK_FILE = "cdk.tf.json"
MANIFEST = "manifest.json"


def output_directory(explicit: str | Path | None = None) -> Path:
    """The synthesized output: `explicit` (`--output`), else $CDKTF_OUTDIR, else cdktf.out."""
    return Path(explicit or os.environ.get(OUTPUT_ENV) or DEFAULT_OUTPUT)


def stack_dir(output: Path, name: str) -> Path:
    """Where a stack's cdk.tf.json is, and where terraform runs for it."""
    return output / "stacks" / name


def _read_json(path: Path, fix: str) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} does not exist", fix) from None
    except (OSError, ValueError) as error:
        raise UserError(f"{path} cannot be read as JSON ({type(error).__name__})", fix) from None
    if not isinstance(document, dict):
        raise UserError(f"{path} is not a JSON object", fix)
    return document


def stack_files(output: Path) -> dict[str, Path]:
    """Each stack's cdk.tf.json by name, as the output's manifest lists them."""
    fix = f"synthesize into {output} first (`mlops-cicd synth --output {output}`, or `cdktf synth`)"
    stacks = _read_json(output / MANIFEST, fix).get("stacks")
    if not isinstance(stacks, dict) or not all(isinstance(s, dict) and "synthesizedStackPath" in s for s in stacks.values()):
        raise UserError(f"{output / MANIFEST} is not a cdktf manifest (no stacks with a synthesizedStackPath)", fix)
    return {name: output / stack["synthesizedStackPath"] for name, stack in stacks.items()}


def load_stacks(output: Path) -> dict[str, dict]:
    """Every stack's document by name."""
    return {name: _read_json(path, f"synthesize into {output} again") for name, path in stack_files(output).items()}


def stack_document(output: Path, name: str) -> dict | None:
    """One stack's document; None when that stack was not synthesized there."""
    path = stack_dir(output, name) / STACK_FILE
    if not path.is_file():
        return None
    return _read_json(path, "synthesize again: `mlops-cicd synth`")


# --- resources and the values they reference --------------------------------------------------------------

def resources(document: dict, kind: str) -> Iterator[tuple[str, dict]]:
    """(address, body) of every managed resource of `kind`."""
    for name, body in (document.get("resource", {}).get(kind) or {}).items():
        yield f"{kind}.{name}", body


def nested_blocks(body: dict, name: str) -> list[dict]:
    """A resource's nested blocks `name`, as a list: Terraform JSON writes a block as one object or as an array
    of them (bindings of newer providers write a block limited to one, e.g. github 6.12's `reviewers`, as an
    object)."""
    blocks = body.get(name) or []
    return [blocks] if isinstance(blocks, dict) else list(blocks)


def all_resources(document: dict) -> Iterator[tuple[str, dict]]:
    for kind in document.get("resource", {}) or {}:
        yield from resources(document, kind)


def resource(document: dict | None, address: str) -> dict | None:
    """The body of the managed resource at `address` (`type.name`), or None."""
    kind, _, name = address.partition(".")
    return ((document or {}).get("resource", {}).get(kind) or {}).get(name)


def has_resources(document: dict | None, kind: str) -> bool:
    return bool((document or {}).get("resource", {}).get(kind))


_INTERPOLATION = re.compile(r"\$\{(.*?)\}", re.S)
_REFERENCE = re.compile(r"(?<![\w.\"])([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)")


def references(value: object) -> set[str]:
    """Dotted names referenced inside `${...}` anywhere in `value`: `var.x`, `type.name.attr`, ..."""
    found: set[str] = set()
    for text in strings(value):
        for expression in _INTERPOLATION.findall(text):
            found.update(_REFERENCE.findall(expression))
    return found


def strings(value: object, path: str = "") -> Iterator[str]:
    for _, text in strings_with_paths(value, path):
        yield text


def strings_with_paths(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string leaf of a JSON value with its dotted path (list items as `[i]`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_with_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_with_paths(item, f"{path}[{index}]")


# --- variables and the state backend ----------------------------------------------------------------------

def required_variables(document: dict) -> list[str]:
    """The stack's variables without a default: each must be set (TF_VAR_<name>) to plan or apply."""
    return [name for name, spec in (document.get("variable") or {}).items() if "default" not in (spec or {})]


def variables(document: dict) -> list[str]:
    return list(document.get("variable") or {})


def backend_kind(document: dict) -> str:
    """The stack's state backend: `cloud` (HCP Terraform), the backend block's type, or Terraform's default `local`."""
    terraform = document.get("terraform") or {}
    if terraform.get("cloud"):
        return "cloud"
    return next(iter(terraform.get("backend") or {}), "local")


def backend_config(document: dict) -> dict:
    """The settings of the stack's backend block (the `cloud` block for HCP Terraform); {} for the default."""
    terraform = document.get("terraform") or {}
    kind = backend_kind(document)
    block = terraform.get("cloud") if kind == "cloud" else (terraform.get("backend") or {}).get(kind)
    return block if isinstance(block, dict) else {}


# --- rotation schedules -------------------------------------------------------------------------------------
# How a credential is bound to its rotation schedule (a `time_rotating`):
# - effective: the credential is replaced whenever the schedule is created again. Either an argument that forces
#   a new credential references the schedule (or a `time_static` copying its time), or `replace_triggered_by`
#   names a `time_static` copying the schedule's time: that copy is *replaced* when the time changes, and a
#   replacement fires `replace_triggered_by`.
# - weak: `replace_triggered_by` names the `time_rotating` itself. `-replace` fires it, but a due schedule does
#   not: the time provider drops it from state during refresh, Terraform plans a create, and
#   `replace_triggered_by` ignores creates (hashicorp/terraform-provider-time#118).

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
