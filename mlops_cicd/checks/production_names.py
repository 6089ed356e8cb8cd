"""MLOPS016: an environment named like production is production, unless the config says why not.

Production is a class of defaults (environment-level secrets, reviewers, no self review, no admin bypass,
protected branches, MLOPS003/004/009): an environment named `prod-eu` or `live` with `production` unset
gets none of them, and `production = false` on `prod` drops them all, silently.
"""

from __future__ import annotations

import re
from typing import Iterator

from .model import Issue, Stack

# prod, production, prd, live as a whole word of the name: `prod`, `prod-eu`, `eu-live`, `prd2`; not `product`.
_PRODUCTION_LIKE = re.compile(r"(?:^|[-_.])(?:prod|production|prd|live)(?:[0-9]*)(?:$|[-_.])")


def looks_like_production(name: str) -> bool:
    return _PRODUCTION_LIKE.search(name.lower()) is not None


def production_like_names(stack: Stack) -> Iterator[Issue]:
    env = stack.env
    if env is None or env.is_production or not looks_like_production(env.name):
        return
    setting = "production = false is set" if env.production is False else "production is not set"
    yield Issue(
        stack.name,
        f"environment {env.name!r} is named like production but is not production ({setting}): it gets no "
        "reviewers, allows self review and admin bypass, deploys from any branch, and keeps its workspace "
        "credential in a repository secret readable by every workflow run with write access",
        f"set production = true in [[environments]] {env.name} (then give it reviewers); or, if it really is "
        f"not production, rename it or suppress MLOPS016 for {env.name} with the reason",
    )
