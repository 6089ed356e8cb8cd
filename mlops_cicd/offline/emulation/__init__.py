"""Emulated behaviour of the types the project creates, keyed by Terraform type name."""

from __future__ import annotations

from .base import DataSource, Resource
from . import databricks_identity, databricks_roles, databricks_tokens, databricks_workspace, github_actions, github_environments, time_rotating
from . import github_secret_lists

RESOURCES: dict[str, Resource] = {}
DATA_SOURCES: dict[str, DataSource] = {}
for _module in (databricks_identity, databricks_roles, databricks_tokens, databricks_workspace, github_actions, github_environments,
                github_secret_lists, time_rotating):
    RESOURCES.update(getattr(_module, "RESOURCES", {}))
    DATA_SOURCES.update(getattr(_module, "DATA_SOURCES", {}))


def resource(tf_type: str) -> Resource:
    return RESOURCES.get(tf_type) or Resource()


def data_source(tf_type: str) -> DataSource:
    return DATA_SOURCES.get(tf_type) or DataSource()
