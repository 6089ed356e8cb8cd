"""`status --live` names only credentials this stack would have made: a token the SP minted itself (pat mode
lets it) is not offered for revocation, and the message never claims a credential is unused."""

from __future__ import annotations

from mlops_cicd.operations.credential_state import StackState
from mlops_cicd.operations.untracked_credentials import untracked_credentials

SP_ID = "1001"
COMMENT = "mlops-demo-classifier staging CI/CD (mlops-cicd)"


class _Workspace:
    def __init__(self, tokens: list[dict]):
        self.tokens = tokens

    def get(self, path: str, query: dict | None = None) -> dict:
        assert path == "/api/2.0/token-management/tokens", path
        return {"token_infos": self.tokens}


def _token(token_id: str, comment: str, owner: str = SP_ID) -> dict:
    return {"token_id": token_id, "owner_id": owner, "comment": comment, "creation_time": 1_700_000_000_000}


def _state(held_comment: str) -> StackState:
    show = {"values": {"root_module": {"resources": [
        {"address": "databricks_service_principal.sp", "type": "databricks_service_principal", "mode": "managed",
         "values": {"id": SP_ID, "application_id": "a-1"}},
        {"address": "databricks_obo_token.token", "type": "databricks_obo_token", "mode": "managed",
         "values": {"id": "held", "comment": held_comment}},
    ]}}}
    document = {"resource": {"databricks_obo_token": {"token": {
        "comment": COMMENT + " rotation ${time_static.workspace_token_rotation_trigger.rfc3339}"}}}}
    return StackState("staging", show, document)


def test_only_tokens_with_this_stacks_comment_are_named():
    workspace = _Workspace([
        _token("held", f"{COMMENT} rotation 2026-11-01T00:00:00Z"),
        _token("lost-answer", f"{COMMENT} rotation 2026-11-27T00:00:00Z"),  # the stack's, no state holds it
        _token("minted-by-the-sp", "notebook job token"),  # the SP's own, none of this stack's business
        _token("someone-elses", f"{COMMENT} rotation 2026-11-27T00:00:00Z", owner="2002"),
    ])
    (found,) = untracked_credentials(_state(f"{COMMENT} rotation 2026-11-01T00:00:00Z"), workspace)
    assert found.object_id == "lost-answer"
    assert found.fix == "databricks token-management delete lost-answer" and found.fix in found.message
    assert "nothing uses it" not in found.message and "no GitHub secret" in found.message


def test_a_token_with_the_deployed_comment_counts_while_a_new_comment_is_not_deployed_yet():
    workspace = _Workspace([_token("lost-answer", "old comment rotation 2026-11-27T00:00:00Z")])
    (found,) = untracked_credentials(_state("old comment rotation 2026-11-01T00:00:00Z"), workspace)
    assert found.object_id == "lost-answer"
