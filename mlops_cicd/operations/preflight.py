"""Before terraform runs for a stack: is everything a deploy needs set in the environment, and can terraform get
its providers? Only the names of variables are ever reported, never a value.

What each side reads (so what may be set instead of what):
- the stack's variables without a default: `TF_VAR_<name>` (terraform v1.11.4, internal/command/meta_vars.go);
- Databricks (databricks-sdk-go v0.139.0, config/config.go `env:` tags, which provider 1.116.0 builds on):
  `DATABRICKS_TOKEN`, or `DATABRICKS_CLIENT_ID` + `DATABRICKS_CLIENT_SECRET`, or a profile of the CLI's config
  file (`DATABRICKS_CONFIG_PROFILE`, `DATABRICKS_CONFIG_FILE`, default ~/.databrickscfg), or in a GitHub Actions job
  `DATABRICKS_AUTH_TYPE=github-oidc` + `DATABRICKS_CLIENT_ID` with the job's OIDC token (`GITHUB_OIDC`);
  a stack with an account-level provider (oidc, service principal roles) gets a warning without OAuth
  credentials (`DATABRICKS_CLIENT_ID` + `DATABRICKS_CLIENT_SECRET`) or a profile: account APIs take no workspace token;
- GitHub (integrations/terraform-provider-github v6.11.0, github/provider.go): `GITHUB_TOKEN`, or the app
  (`GITHUB_APP_ID`, `GITHUB_APP_INSTALLATION_ID`, `GITHUB_APP_PEM_FILE`), else it asks `gh auth token`;
- the state backend (terraform v1.11.4, internal/backend/remote-state/<type>/backend.go, and
  internal/command/cliconfig for HCP Terraform's `TF_TOKEN_<host>`): `PG_CONN_STR`; `TF_TOKEN_app_terraform_io`
  or a credentials file; s3, azurerm and gcs also take credentials from the machine (instance roles, `az
  login`, gcloud's application default credentials), so their variables missing is only a warning.
"""

from __future__ import annotations

import http.client
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from ..synthesized import backend_config, backend_kind, required_variables

REGISTRY_URL = "https://registry.terraform.io/.well-known/terraform.json"
"""Terraform's service discovery document of the public registry (what `terraform init` asks first)."""
REGISTRY_TIMEOUT_SECONDS = 3.0
MIRROR_FIX = ("use a provider mirror: on a machine that reaches the registry, `terraform -chdir=<output>/stacks/<env> "
              "providers mirror <dir>`; copy <dir> here and point TF_CLI_CONFIG_FILE at a file with "
              "provider_installation { filesystem_mirror { path = \"<dir>\" } }")


@dataclass(frozen=True)
class Requirement:
    what: str
    severity: str
    """"ok", "warning" (may still work: e.g. the machine's own credentials) or "error" (the deploy fails)."""
    message: str
    fix: str = ""

    def as_dict(self) -> dict:
        return {"what": self.what, "severity": self.severity, "message": self.message, "fix": self.fix}


def _set(environ: Mapping[str, str], *names: str) -> bool:
    return all(environ.get(name) for name in names)


def _any_set(environ: Mapping[str, str], alternatives: Sequence[Sequence[str]]) -> bool:
    return any(_set(environ, *names) for names in alternatives)


def _spelled(alternatives: Sequence[Sequence[str]]) -> str:
    return ", or ".join(" + ".join(names) for names in alternatives)


def _variables(document: dict, environ: Mapping[str, str]) -> list[Requirement]:
    found = []
    for name in required_variables(document):
        variable = f"TF_VAR_{name}"
        found.append(Requirement(variable, "ok", "set") if _set(environ, variable) else Requirement(
            variable, "error", "not set: terraform would stop to ask for it, or fail with -input=false",
            f"export {variable} (README, \"Deploying\": what it holds)"))
    return found


DATABRICKS = (("DATABRICKS_TOKEN",), ("DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"), ("DATABRICKS_CONFIG_PROFILE",))
GITHUB = (("GITHUB_TOKEN",), ("GITHUB_APP_ID", "GITHUB_APP_INSTALLATION_ID", "GITHUB_APP_PEM_FILE"))


def _account_level(document: dict) -> bool:
    """Whether the stack has an account-level Databricks provider (oidc federation, service principal roles)."""
    configs = (document.get("provider") or {}).get("databricks") or []
    return any(isinstance(c, dict) and c.get("account_id") for c in (configs if isinstance(configs, list) else [configs]))


GITHUB_OIDC = "github-oidc"
"""DATABRICKS_AUTH_TYPE of a GitHub Actions job signing in with its OIDC token: databricks-sdk-go v0.139.0,
config/auth_oidc.go (githubOIDC) with DATABRICKS_CLIENT_ID and the ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN that
GitHub gives only a job with `permissions: id-token: write` (config/config.go `env:` tags)."""


def _github_oidc(environ: Mapping[str, str]) -> bool:
    return environ.get("DATABRICKS_AUTH_TYPE") == GITHUB_OIDC and _set(environ, "DATABRICKS_CLIENT_ID")


def _deployer(document: dict, environ: Mapping[str, str], home: Path) -> list[Requirement]:
    found = []
    config_file = Path(environ.get("DATABRICKS_CONFIG_FILE") or home / ".databrickscfg")
    if _account_level(document) and not _any_set(environ, DATABRICKS[1:]) and not _github_oidc(environ):
        found.append(Requirement("Databricks account", "warning", "the stack manages account-level objects, and "
                                 "neither DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET nor DATABRICKS_CONFIG_PROFILE is "
                                 "set: account APIs take OAuth credentials of an account admin, not a workspace token",
                                 "export DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET of an account admin service "
                                 "principal"))
    if _github_oidc(environ) and not _set(environ, "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"):
        found.append(Requirement("Databricks deployer", "error", f"DATABRICKS_AUTH_TYPE={GITHUB_OIDC}, but this job "
                                 "gets no GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set)",
                                 "give the job `permissions: id-token: write`"))
    elif _github_oidc(environ):
        found.append(Requirement("Databricks deployer", "ok", f"GitHub OIDC (DATABRICKS_AUTH_TYPE={GITHUB_OIDC})"))
    elif _any_set(environ, DATABRICKS):
        found.append(Requirement("Databricks deployer", "ok", "credentials set"))
    elif config_file.is_file():
        found.append(Requirement("Databricks deployer", "warning", f"none of {_spelled(DATABRICKS)} is set: the "
                                 f"provider uses the DEFAULT profile of {config_file}", "set DATABRICKS_CONFIG_PROFILE "
                                 "to the profile of this environment's workspace"))
    else:
        found.append(Requirement("Databricks deployer", "error", f"none of {_spelled(DATABRICKS)} is set",
                                 "export DATABRICKS_TOKEN of a workspace admin, or DATABRICKS_CLIENT_ID and "
                                 "DATABRICKS_CLIENT_SECRET of an admin service principal"))
    if _any_set(environ, GITHUB):
        found.append(Requirement("GitHub deployer", "ok", "credentials set"))
    elif environ.get("GITHUB_ACTIONS") == "true":
        # A hosted runner has `gh` but no login: its `gh auth token` fails, the provider then reads GitHub
        # anonymously (integrations/terraform-provider-github v6.11.0, github/provider.go providerConfigure and
        # tokenFromGhCli, which returns "" on error), and the plan finds no private repository's objects.
        found.append(Requirement("GitHub deployer", "error", "GITHUB_TOKEN is empty in this GitHub Actions job: "
                                 "the provider would read GitHub anonymously", "set the secret DEPLOYER_GITHUB_TOKEN "
                                 "(a token of a repository admin) in this stack's GitHub environment"))
    elif shutil.which("gh", path=environ.get("PATH")):
        found.append(Requirement("GitHub deployer", "warning", "GITHUB_TOKEN is not set: the provider asks "
                                 "`gh auth token`, the GitHub CLI's login", "export GITHUB_TOKEN of a repository admin "
                                 "to be sure which identity deploys"))
    else:
        found.append(Requirement("GitHub deployer", "error", f"none of {_spelled(GITHUB)} is set and `gh` is not on PATH",
                                 "export GITHUB_TOKEN of a repository admin (environments and secrets)"))
    return found


# Backend type -> (credential alternatives, whether the machine itself may hold them instead).
BACKEND_CREDENTIALS: dict[str, tuple[tuple[tuple[str, ...], ...], bool]] = {
    "s3": ((("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("AWS_PROFILE",), ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")), True),
    "azurerm": ((("ARM_ACCESS_KEY",), ("ARM_SAS_TOKEN",), ("ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID"),
                 ("ARM_USE_OIDC", "ARM_CLIENT_ID", "ARM_TENANT_ID")), True),
    "gcs": ((("GOOGLE_BACKEND_CREDENTIALS",), ("GOOGLE_CREDENTIALS",), ("GOOGLE_APPLICATION_CREDENTIALS",),
             ("GOOGLE_OAUTH_ACCESS_TOKEN",)), True),
    "pg": ((("PG_CONN_STR",),), False),
}


def _hcp_token_variable(hostname: str) -> str:
    # Terraform's host credentials from the environment: dots become `_`, `-` becomes `__`
    # (internal/command/cliconfig/credentials.go, collectCredentialsFromEnv, v1.11.4).
    return "TF_TOKEN_" + hostname.replace("-", "__").replace(".", "_")


def _hcp_variable(document: dict) -> str:
    return _hcp_token_variable(backend_config(document).get("hostname") or "app.terraform.io")


def backend_variables(document: dict) -> tuple[str, ...]:
    """The variables of the first way listed here to open the stack's state (none for local, or a backend with no
    credentials known): what an unattended run, such as the generated re-deploy workflow, sets from its secrets."""
    kind = backend_kind(document)
    if kind in ("cloud", "remote"):
        return (_hcp_variable(document),)
    alternatives, _ = BACKEND_CREDENTIALS.get(kind, ((), True))
    return tuple(alternatives[0]) if alternatives else ()


def _backend(document: dict, environ: Mapping[str, str], home: Path) -> list[Requirement]:
    kind = backend_kind(document)
    what = f"state backend ({kind})"
    if kind == "local":
        return [Requirement(what, "ok", "local state: nothing to set")]
    if kind in ("cloud", "remote"):
        variable = _hcp_variable(document)
        if _set(environ, variable):
            return [Requirement(what, "ok", f"{variable} set")]
        if (home / ".terraform.d" / "credentials.tfrc.json").is_file():
            return [Requirement(what, "warning", f"{variable} is not set: terraform uses the token of "
                                "`terraform login` (~/.terraform.d/credentials.tfrc.json)")]
        return [Requirement(what, "error", f"{variable} is not set and no `terraform login` token is stored",
                            f"export {variable} (an HCP Terraform team or user token), or run `terraform login`")]
    alternatives, ambient = BACKEND_CREDENTIALS.get(kind, ((), True))
    if not alternatives or _any_set(environ, alternatives):
        return [Requirement(what, "ok", "credentials set" if alternatives else "no credentials known to check")]
    if ambient:
        return [Requirement(what, "warning", f"none of {_spelled(alternatives)} is set: only the machine's own "
                            "credentials can open the state", f"export one of them unless this machine has its "
                            f"{kind} credentials")]
    return [Requirement(what, "error", f"{_spelled(alternatives)} is not set", f"export {_spelled(alternatives)}")]


def _mirror_configured(environ: Mapping[str, str]) -> bool:
    path = environ.get("TF_CLI_CONFIG_FILE")
    try:
        return bool(path) and "provider_installation" in Path(path).read_text()
    except OSError:
        return False


def registry_requirement(environ: Mapping[str, str], url: str = REGISTRY_URL,
                         timeout: float = REGISTRY_TIMEOUT_SECONDS) -> Requirement:
    """Whether `terraform init` can reach the registry (or is told to use a mirror instead)."""
    what = "Terraform registry"
    if _mirror_configured(environ):
        return Requirement(what, "ok", f"TF_CLI_CONFIG_FILE ({environ['TF_CLI_CONFIG_FILE']}) sets provider_installation")
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout):
            return Requirement(what, "ok", "reachable")
    except (OSError, ValueError, http.client.HTTPException) as error:  # URLError is an OSError
        return Requirement(what, "error", f"{url.split('/')[2]} is unreachable ({_why_unreachable(error)}): "
                           "`terraform init` cannot download the providers", MIRROR_FIX)


def _why_unreachable(error: Exception) -> str:
    """The socket's own words (`Connection refused`), else only the error's type: the text of a ValueError or
    InvalidURL from urllib quotes the proxy setting (HTTPS_PROXY), password included."""
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    if isinstance(reason, (ValueError, http.client.HTTPException)):
        return f"{type(reason).__name__}; check HTTPS_PROXY and HTTP_PROXY"
    return type(reason).__name__ if isinstance(reason, BaseException) else "no connection"


def preflight(document: dict, environ: Mapping[str, str] | None = None, *, home: Path | None = None,
              registry_url: str = REGISTRY_URL) -> list[Requirement]:
    """Everything a deploy of the stack `document` needs from this environment, each with what to do."""
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    return [*_variables(document, environ), *_deployer(document, environ, home), *_backend(document, environ, home),
            registry_requirement(environ, registry_url)]
