"""Time units shared by the constructs, the checks, the commands and the offline providers.
Dependency-free on purpose: the provider plugins import it at start-up, where cdktf must not be loaded."""

SECONDS_PER_DAY = 86400
