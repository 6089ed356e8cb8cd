"""mlops-cicd: CDKTF constructs and stacks that set up Databricks + GitHub Actions CI/CD. Re-exports only."""

from .config import Config, ConfigError, EnvironmentConfig, load_config, parse_config

__all__ = ["Config", "ConfigError", "EnvironmentConfig", "load_config", "parse_config"]
