"""cdktf app entry point (see cdktf.json): synthesize the stacks of ./mlops-cicd.toml."""

import sys

from mlops_cicd.cli import main

if __name__ == "__main__":
    sys.exit(main(["synth"]))
