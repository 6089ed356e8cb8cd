"""The `mlops-cicd` commands, one module each: each parses its arguments, calls `mlops_cicd.operations` and
prints (options.py: the options they share; printing.py: JSON and tables). `cli.py` assembles them."""
