"""A GitHub Actions job's OIDC token and Databricks' exchange of it for the service principal's access.

GitHub side: the default `sub` claim of a job that declares `environment: NAME` is
`repo:OWNER/REPO:environment:NAME`, or, for a repository using immutable subject claims (on github.com,
repositories created, renamed or transferred after 2026-07-15, and those whose organization or repository
opted in; never GitHub Enterprise Server), `repo:OWNER@OWNER-ID/REPO@REPO-ID:environment:NAME`; a `:` inside a
value is written `%3A`. Source: GitHub docs, OpenID Connect reference, "Immutable subject claims"
(github/docs content/actions/reference/security/oidc.md; github/docs PR #45221; GitHub changelog
2026-04-23 "Immutable subject claims for GitHub Actions OIDC tokens"). Stated here again, apart from the
library's `github_environment_subject`, so a mistake there is not copied into the emulator.

Databricks side: a federation policy matches a token when its `issuer` equals `iss`, its `subject` equals the
claim named by `subject_claim` (default `sub`), and one of its `audiences` equals `aud`
(databricks/terraform-provider-databricks v1.116.0 docs/resources/service_principal_federation_policy.md).
"""

from __future__ import annotations

from mlops_cicd_offline.errors import ApiError
from mlops_cicd_offline.world.github.models import ensure_repository

GITHUB_COM_ISSUER = "https://token.actions.githubusercontent.com"


def environment_job_claims(world: dict, full_name: str, environment: str, audience: str) -> dict:
    """The claims GitHub puts in the OIDC token of a job of `full_name` that runs in `environment`."""
    record = ensure_repository(world, full_name)
    owner, name = full_name.split("/", 1)
    if record["immutable_subject"]:
        owner, name = f"{owner}@{record['owner_id']}", f"{name}@{record['id']}"
    subject = f"repo:{owner}/{name}:environment:{environment.replace(':', '%3A')}"
    return {"iss": GITHUB_COM_ISSUER, "sub": subject, "aud": audience, "repository_id": str(record["id"]),
            "repository_owner_id": str(record["owner_id"])}


def exchange(world: dict, account_id: str, claims: dict) -> str:
    """The service principal id a federation policy of the account grants these claims; else the refusal."""
    policies = world["accounts"].get(account_id, {}).get("federation_policies", {})
    for policy in policies.values():
        oidc = policy.get("oidc_policy") or {}
        claim = claims.get(oidc.get("subject_claim") or "sub")
        if oidc.get("issuer") == claims["iss"] and oidc.get("subject") == claim and claims["aud"] in (oidc.get("audiences") or ()):
            return str(int(policy["service_principal_id"]))
    raise ApiError(status=400, code="invalid_request", message=f"no federation policy of account {account_id} matches the token "
                   f"(iss {claims['iss']}, sub {claims['sub']}, aud {claims['aud']})")
