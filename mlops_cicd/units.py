"""Time units of the library (constructs, checks, commands). Dependency-free, so status and the CLI can use
them without loading cdktf. The offline emulator keeps its own copy (mlops_cicd_offline/units.py): the
library never imports the emulator."""

SECONDS_PER_DAY = 86400

CLOCK_SKEW_HOURS = 1
"""How far the deployer's clock may run ahead of GitHub's when a secret's write time is compared with its
credential's rotation stamp (constructs/secret_written.py at plan time, operations/unwritten_secrets.py in status);
a stale write is at least rotation_days old."""
