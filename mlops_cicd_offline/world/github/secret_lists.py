"""Data sources listing a repository's or an environment's Actions secrets: names and times, never values.

integrations/terraform-provider-github v6.11.0 (same schema since v6.9.0):
- github/data_source_github_actions_secrets.go: `full_name` (owner/repo) or `name` (under the provider's
  owner) -> `secrets`, a list of {name, created_at, updated_at} from ListRepoSecrets; id = the repository name;
- github/data_source_github_actions_environment_secrets.go: the same plus a required `environment`, from
  ListEnvSecrets of the repository's id; id = `repository:environment`. A missing environment is a 404 error.
Times are go-github `Timestamp.String()` (github_repo.go_time), as the resources store them.
"""

from __future__ import annotations

from mlops_cicd_offline.errors import ProviderError
from mlops_cicd_offline.world.base import DataSource, fill
from mlops_cicd_offline.world.github.models import environment, go_time, repo


def _repository(ctx, config: dict) -> str:
    if config.get("full_name"):
        return config["full_name"]
    if config.get("name"):
        return config["name"]
    raise ProviderError('one of "full_name" or "name" has to be provided')


def _listed(holder: dict) -> list[dict]:
    return [{"name": name, "created_at": go_time(secret["created_at"]), "updated_at": go_time(secret["updated_at"])}
            for name, secret in sorted(holder["secrets"].items())]


class RepositorySecrets(DataSource):
    def read(self, ctx, config):
        name = _repository(ctx, config)
        return fill(config, id=name.split("/")[-1], secrets=_listed(repo(ctx, name)))


class EnvironmentSecrets(DataSource):
    def read(self, ctx, config):
        name = _repository(ctx, config)
        return fill(config, id=f"{name.split('/')[-1]}:{config['environment']}",
                    secrets=_listed(environment(ctx, name, config["environment"])))


DATA_SOURCES = {"github_actions_secrets": RepositorySecrets(),
                "github_actions_environment_secrets": EnvironmentSecrets()}
