"""Plugin launcher, run as a script by the mirror's provider executables:
`python .../mlops_cicd/offline/launch.py <provider> <build dir> <version>` (each served version of a
provider has its own executable, which names its version: schema and behaviour follow it).

Terraform starts several plugin processes per command, so start-up time matters. Importing
`mlops_cicd.offline.plugin` normally runs `mlops_cicd/__init__.py`, which loads the whole library
(pydantic config, constructs); the plugin needs none of it. We register an empty shell for the
parent package (its __path__ only) and import the plugin through it.
"""

import sys
import types
from pathlib import Path

if __name__ == "__main__":
    sys.path.pop(0)  # this directory: its module names must not shadow top-level ones
    package_dir = Path(__file__).resolve().parents[1]
    shell = types.ModuleType("mlops_cicd")
    shell.__path__ = [str(package_dir)]
    sys.modules["mlops_cicd"] = shell
    sys.path.insert(0, str(package_dir.parent))
    from mlops_cicd.offline.plugin import serve

    serve(sys.argv[1], Path(sys.argv[2]), sys.argv[3])
