"""Time units of the library (constructs, checks, commands). Dependency-free, so status and the CLI can use
them without loading cdktf. The offline emulator keeps its own copy (mlops_cicd/offline/units.py): the
library never imports the emulator."""

SECONDS_PER_DAY = 86400
