"""Offline stand-in providers: run real Terraform against emulated Databricks and GitHub.

Modules: build (mirror, CLI config, schema cache), plugin/provider (protocol 6 server), emulation
(behaviour per type), store (persisted world), harness (drive terraform per stack), rehearse (make
rehearse), world (test API over the emulated world).
"""
