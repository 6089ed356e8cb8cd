"""What the stand-ins refuse. Each becomes an error diagnostic (its `str()` is the detail Terraform shows), or
an HTTP error answer from the emulated workspace API (world/databricks/workspace_api.py).

- `ProviderError`: the provider refuses before calling any API (a configuration it cannot authenticate with,
  a malformed import id, a missing argument the provider itself requires).
- `ApiError`: an emulated API answered with an error: HTTP `status`, the API's error `code` where it has one
  (Databricks `error_code`, OAuth `error`), and its `message`.
"""

from __future__ import annotations


class ProviderError(Exception):
    """Refused by the provider itself, before any API call."""


class ApiError(ProviderError):
    """An emulated API's error answer, e.g. `ApiError(status=403, code="PERMISSION_DENIED", message=...)`.

    Shown as `<status> <code>: <message>` (`<status> <message>` without a code). With `during`, the provider's
    own words around the API's message are shown instead, as the Databricks provider wraps a failed call
    (common/resource.go v1.99.0 `nicerError`: "cannot create <resource>: <message>")."""

    def __init__(self, *, status: int, message: str, code: str | None = None, during: str | None = None):
        self.status, self.code, self.message, self.during = status, code, message, during
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.during:
            return f"{self.during}: {self.message}"
        return f"{self.status} {self.code}: {self.message}" if self.code else f"{self.status} {self.message}"
