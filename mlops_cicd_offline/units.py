"""Time units of the offline emulator. Its own copy, not the library's (mlops_cicd/units.py): the emulator
restates what it needs so the library never depends on it. Dependency-free on purpose: the provider
plugins import it at start-up, where cdktf must not be loaded."""

SECONDS_PER_DAY = 86400
