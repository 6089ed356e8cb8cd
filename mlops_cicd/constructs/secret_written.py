"""A deploy stops, before the previous credential is destroyed, while a GitHub secret was not written in the
current rotation period of the credential it holds.

Why: the github provider is built on terraform-plugin-sdk v2, whose failed update still returns the planned
values, and Terraform saves them (sdk v2.38.1 helper/schema/resource.go `Resource.Apply`; terraform v1.11.4
node_resource_abstract_instance.go). The secret resources' Read never reads the value back
(integrations/terraform-provider-github v6.11.0 github/resource_github_actions_secret.go,
resource_github_actions_environment_secret.go). So if a rotation's secret write fails (before the PUT: the
public-key GET, a rate limit), state records the new credential while GitHub keeps the old one, and the next
apply would plan nothing for the secret and destroy the old credential: CI left with a revoked one.

How: `github_actions_secrets` / `github_actions_environment_secrets` (v6.11.0 data_source_github_actions_
secrets.go, data_source_github_actions_environment_secrets.go) list each secret's `updated_at` as GitHub
records it. The data source `depends_on` the secret, so it is read after the secret's write when the secret
changes, and at plan time when nothing it depends on changes. Its postcondition requires the write at or after
the credential's rotation stamp (the `time_static` rfc3339, constructs/rotation.py) minus CLOCK_SKEW (the
deployer's clock against GitHub's; a stale write is at least rotation_days old). A data source with conditions
waits for every resource it depends on, directly or not (terraform v1.11.4 `dependenciesHavePendingChanges`),
and a create_before_destroy credential's deposed object is destroyed only after the nodes that depend on it
(transform_destroy_edge.go, transform_destroy_cbd.go): a failing postcondition leaves the old credential alive.

Why a refusal and not a rewrite in the same apply: nothing in configuration can differ from that state, and
replacing the secret deletes it first (absent until the create). The fix printed forgets the secret in state;
the next apply creates it, which overwrites the existing one (CreateOrUpdateRepoSecret / CreateOrUpdateEnvSecret
in the resources' Create, no existence check), so GitHub never lacks it.
"""

from __future__ import annotations

from constructs import Construct

from ..framework import core, github
from ..units import CLOCK_SKEW_HOURS
from .adoption import hcl_string
from .rotation import RotationSchedule, resource_address

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
Postcondition, TerraformProvider = core.Postcondition, core.TerraformProvider
TerraformResource, TerraformResourceLifecycle = core.TerraformResource, core.TerraformResourceLifecycle
DataGithubActionsEnvironmentSecrets = (
    github.data_github_actions_environment_secrets.DataGithubActionsEnvironmentSecrets)
DataGithubActionsSecrets = github.data_github_actions_secrets.DataGithubActionsSecrets

CLOCK_SKEW = f"{CLOCK_SKEW_HOURS}h"

# go-github `Timestamp.String()` (Go's time.Time.String: `2026-01-01 00:00:00 +0000 UTC`, fractional seconds
# only when not zero) -> RFC 3339, which timecmp needs. `$${1}`: a regex group, not a template.
_GO_TIME = r"/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) ([+-]\d\d)(\d\d) .*$/"


def _rfc3339(go_time: str) -> str:
    return f"replace({go_time}, {hcl_string(_GO_TIME)}, \"$${{1}}T$${{2}}$${{3}}:$${{4}}\")"


def check_written_in_period(scope: Construct, secret: TerraformResource, *, name: str, repository: str,
                            environment: str | None, rotation: RotationSchedule,
                            provider: TerraformProvider | None = None) -> TerraformResource:
    """The data source whose postcondition stops a deploy while GitHub's `name` was written before `rotation`'s
    current period (see the module's docstring)."""
    address = resource_address(secret)
    stamp = f"{resource_address(rotation.trigger)}.rfc3339"
    mine = f"upper(s.name) == {hcl_string(name.upper())}"
    written = f"[for s in self.secrets : s.updated_at if {mine}]"
    fresh = (f"[for s in self.secrets : {mine} ? try(timecmp({_rfc3339('s.updated_at')}, "
             f"timeadd({stamp}, \"-{CLOCK_SKEW}\")) >= 0, false) : false]")
    where = f"repository {repository}" + (f", environment {environment}" if environment else "")
    check = Postcondition(
        condition=f"${{anytrue({fresh})}}",
        error_message=(
            f"GitHub secret {name} ({where}) was last written ${{coalesce(join(\", \", {written}), \"never\")}}, "
            f"before the current rotation period of the credential it must hold began (${{{stamp}}}): an earlier "
            "apply failed to write it, yet Terraform recorded the new value, so GitHub holds the previous credential "
            "(CI fails once it is revoked). This apply stops before destroying it. Fix: run "
            f"`terraform -chdir='${{path.cwd}}' state rm '{address}'`, then deploy again: the secret is written "
            "anew (over the existing one, never deleted) and only then is the previous credential destroyed."),
    )
    fields = dict(name=repository, depends_on=[secret], provider=provider,
                  lifecycle=TerraformResourceLifecycle(postcondition=[check]))
    id = f"{secret.node.id}_written"
    if environment is None:
        return DataGithubActionsSecrets(scope, id, **fields)
    return DataGithubActionsEnvironmentSecrets(scope, id, environment=environment, **fields)
