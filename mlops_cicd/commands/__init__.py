"""The `mlops-cicd` commands, one module each; `cli.py` assembles them."""
