"""Time units shared by the checks, the commands and the offline providers. Dependency-free on purpose:
the provider plugins import it at start-up, where cdktf must not be loaded (so it is not taken from
mlops_cicd.constructs.workspace_token, which defines the same constant for the constructs)."""

SECONDS_PER_DAY = 86400
