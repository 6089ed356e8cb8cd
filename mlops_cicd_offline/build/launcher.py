"""Plugin launcher, run as a script by the mirror's provider executables (mirror.py):
`python .../mlops_cicd_offline/build/launcher.py <provider> <build dir> <version>` (each served version of a
provider has its own executable, which names its version: schema and behaviour follow it), and by the
harness's provider pool with `--pooled` first (harness/pool.py).

Terraform starts several plugin processes per command, so start-up time matters: the plugin loads only the
emulator's own modules, grpc, protobuf and msgpack (never the mlops_cicd library or cdktf;
tests/offline/test_plugin_startup.py checks it).
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Python put this script's directory first on sys.path: its module names (schema, protocol, tls, ...) would
    # shadow top-level ones. The directory holding the package takes its place (site-packages or the checkout).
    sys.path[0] = str(Path(__file__).resolve().parents[2])
    from mlops_cicd_offline.server.plugin import main

    main(sys.argv[1:])
