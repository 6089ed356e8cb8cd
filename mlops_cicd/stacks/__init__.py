"""Per-environment stack composition."""

from .environment_stack import GIT_READ_TOKEN_VARIABLE, TRIGGER_TOKEN_VARIABLE, EnvironmentStack

__all__ = ["EnvironmentStack", "GIT_READ_TOKEN_VARIABLE", "TRIGGER_TOKEN_VARIABLE"]
