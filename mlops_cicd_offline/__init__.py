"""The offline emulator: stand-in Terraform providers for databricks/databricks, integrations/github and
hashicorp/time, serving emulated Databricks workspaces and GitHub repositories, so real Terraform runs without a
registry, network or credential. A product of its own: the mlops_cicd library never imports it (only
mlops_cicd/emulator.py does, lazily); it restates the upstream facts it needs. Installed with the `[offline]` extra.

  build/    the build dir Terraform runs from: schemas from the cdktf bindings, protocol, TLS, mirror, launcher
  server/   the protocol-6 gRPC plugin: RPC handlers, values with unknowns, generic planning, validation
  world/    the emulated world: its store, event log and invariants, and the behaviour per type
            (databricks/, github/, time/)
  harness/  driving terraform per stack, the rehearsal, the World test API
  errors.py what the stand-ins refuse (typed API errors)

See README.md.
"""
