"""mlops-cicd: CDKTF constructs and stacks that set up Databricks + GitHub Actions CI/CD. Re-exports only.

First of all, before anything imports a jsii package (cdktf, constructs), jsii is pointed at a supported Node
(`jsii_node`): otherwise the machine's `node` runs it, which may print an end-of-life banner.
"""

from .jsii_node import prefer_bundled_node

prefer_bundled_node()

from .config import Config, ConfigError, EnvironmentConfig, load_config, parse_config  # noqa: E402 - after the Node choice

__all__ = ["Config", "ConfigError", "EnvironmentConfig", "load_config", "parse_config"]
