"""Emulated behaviour of the types the project creates, keyed by Terraform type name (every other type gets the
generic behaviour of world/base.py: state only in Terraform)."""

from __future__ import annotations

from mlops_cicd_offline.world.base import DataSource, Resource
from mlops_cicd_offline.world.databricks import caller_objects, identity, roles, tokens
from mlops_cicd_offline.world.github import actions, environments, secret_lists
from mlops_cicd_offline.world.time import rotating

RESOURCES: dict[str, Resource] = {}
DATA_SOURCES: dict[str, DataSource] = {}
for _module in (identity, roles, tokens, caller_objects, actions, environments, secret_lists, rotating):
    RESOURCES.update(getattr(_module, "RESOURCES", {}))
    DATA_SOURCES.update(getattr(_module, "DATA_SOURCES", {}))


def resource(tf_type: str) -> Resource:
    return RESOURCES.get(tf_type) or Resource()


def data_source(tf_type: str) -> DataSource:
    return DATA_SOURCES.get(tf_type) or DataSource()
