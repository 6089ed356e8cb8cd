"""What the `mlops-cicd` commands do, apart from parsing arguments and printing: synthesis for the commands,
credential state and health, status, rotation, the offline rehearsal, preflight, the terraform runner and
progress. The layers point one way: commands -> operations -> checks/stacks -> constructs -> config."""
