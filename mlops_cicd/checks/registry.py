"""Every synth-time check, by stable id. Ids are a contract: suppressions in users' configs name them.

Most checks look at one stack (`one_stack`: the registry hands them each stack in turn); those that compare
stacks, to find a state, a name or a folder two stacks share, say so (`comparing_stacks`) and see them all.
"""

from __future__ import annotations

from .approvals import approval_deadlock
from .directory_grants import directory_grants_decided
from .github_environment import production_environment_protection
from .model import Check, comparing_stacks, one_stack
from .nested_directories import nested_directories
from .outputs_and_state import production_local_backend, sensitive_outputs, state_keys
from .ownership import shared_objects
from .production_names import production_like_names
from .rotation import bare_replace_triggers, schedule_reaches_credential, token_rotation
from .secrets import git_credential_token, literal_secrets, prod_secret_placement
from .token_permission import token_permission
from .workflow_contract import environment_values_received, oidc_token_requested, unknown_names

CHECKS: tuple[Check, ...] = (
    one_stack("MLOPS001", "error", "no literal secret in the synthesized JSON", literal_secrets),
    one_stack("MLOPS002", "error", "the git credential's token is set explicitly", git_credential_token),
    one_stack("MLOPS003", "error", "prod's workspace credential is an environment secret (explicitly repository-level: a warning)", prod_secret_placement),
    comparing_stacks("MLOPS004", "error", "prod's GitHub environment, whichever stack writes it, has reviewers, no self-review, no admin bypass, a branch policy that does not admit every branch", production_environment_protection),
    one_stack("MLOPS005", "error", "every token has a lifetime, a shorter rotation, and create_before_destroy", token_rotation),
    one_stack("MLOPS006", "error", "replace_triggered_by entries are bare addresses", bare_replace_triggers),
    comparing_stacks("MLOPS007", "error", "at most one token permission per workspace, only when asked for, keeping other stacks' token groups", token_permission),
    one_stack("MLOPS008", "error", "outputs that carry secrets are sensitive", sensitive_outputs),
    one_stack("MLOPS009", "error", "production state is not kept in a local file", production_local_backend),
    one_stack("MLOPS010", "warning", "a scheduled rotation really replaces the credential", schedule_reaches_credential),
    comparing_stacks("MLOPS011", "error", "every stack has its own state, at a key its backend accepts unchanged", state_keys),
    comparing_stacks("MLOPS012", "error", "no two stacks write one GitHub environment, repository secret, directory, scope or SP name", shared_objects),
    one_stack("MLOPS013", "error", "self review prevented: at least two distinct reviewers or a team", approval_deadlock),
    one_stack("MLOPS014", "error", "the config says which direct grants on the project directory stay", directory_grants_decided),
    comparing_stacks("MLOPS015", "error", "no stack's project directory lies inside another's on one workspace (two non-production stacks: a warning)", nested_directories),
    one_stack("MLOPS016", "warning", "an environment named like production (prod, prd, live, production) is production", production_like_names),
    # with `check --workflows DIR` only: the project's own workflows against what the stacks write to GitHub
    comparing_stacks("MLOPS017", "error", "a workflow job reading an environment's secret or variable declares that environment", environment_values_received),
    comparing_stacks("MLOPS018", "error", "a workflow job authenticating to an oidc environment may request GitHub's OIDC token (id-token: write) and runs in that environment", oidc_token_requested),
    comparing_stacks("MLOPS019", "warning", "a workflow reads no secret or variable named like ours that no stack writes", unknown_names),
)

CHECK_IDS = frozenset(check.id for check in CHECKS)
