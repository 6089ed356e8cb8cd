"""What the stand-ins refuse, typed (mlops_cicd_offline/errors.py): an emulated API's answer keeps its HTTP status
and error code, shown as the detail of Terraform's error, or answered as HTTP by the emulated workspace API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from mlops_cicd_offline.errors import ApiError, ProviderError
from mlops_cicd_offline.world.base import Context
from mlops_cicd_offline.world.behaviours import resource
from mlops_cicd_offline.world.databricks.auth import DEPLOYER_TOKEN
from mlops_cicd_offline.world.databricks.models import workspace
from mlops_cicd_offline.world.databricks.workspace_api import EmulatedWorkspaceApi, served

HOST = "https://ws.example.com"


def test_an_api_error_shows_its_status_and_code():
    refused = ApiError(status=403, code="PERMISSION_DENIED", message="no access")
    assert (refused.status, refused.code, str(refused)) == (403, "PERMISSION_DENIED", "403 PERMISSION_DENIED: no access")
    assert str(ApiError(status=404, message="group 7 not found")) == "404 group 7 not found"
    # the Databricks provider's own words around the API's message (nicerError)
    wrapped = ApiError(status=403, code="PERMISSION_DENIED", message="User does not have permission to use tokens.",
                       during="cannot create obo token")
    assert str(wrapped) == "cannot create obo token: User does not have permission to use tokens."
    assert isinstance(wrapped, ProviderError)  # the provider turns either into an error diagnostic


def test_a_refused_call_raises_the_api_s_status():
    world = {"workspaces": {}}
    workspace(world, HOST)
    not_admin = {"kind": "service_principal", "name": "app-1", "id": "1", "admin": False, "host": HOST}
    ctx = Context(world=world, now=0.0, principal=not_admin)
    with pytest.raises(ApiError) as refused:
        resource("databricks_service_principal").create(ctx, {"display_name": "ci"}, {})
    assert refused.value.status == 403 and "is not a workspace admin" in refused.value.message


def test_the_workspace_api_answers_an_api_error_as_http(tmp_path):
    with served(EmulatedWorkspaceApi(tmp_path / "state", HOST)) as base:
        request = urllib.request.Request(f"{base}/api/2.0/clusters/list",
                                         headers={"Authorization": f"Bearer {DEPLOYER_TOKEN}"})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 404
    assert json.loads(answer.value.read()) == {"error_code": "NOT_FOUND",
                                               "message": f"no workspace {HOST}"}
