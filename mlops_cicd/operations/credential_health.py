"""When a credential needs attention: expired, expiring soon, expiring before its rotation, rotation due."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..units import SECONDS_PER_DAY
from .credential_state import Credential


@dataclass(frozen=True)
class Assessment:
    credential: Credential
    days_left: int | None
    """Whole days until it expires (a schedule: until it fires); negative once past."""
    warnings: tuple[str, ...]


def _days(moment: datetime, now: datetime) -> int:
    return math.floor((moment - now).total_seconds() / SECONDS_PER_DAY)


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def assess(credential: Credential, now: datetime, warning_days: int) -> Assessment:
    c, warnings = credential, []
    rotate = f"`mlops-cicd rotate {c.stack}` replaces it now"
    deadline = c.expires or c.next_rotation
    days_left = _days(deadline, now) if deadline else None
    if c.expires is not None:
        if c.expires <= now:
            warnings.append(f"expired on {_day(c.expires)}: CI using it fails; {rotate}")
        elif c.expires - now <= timedelta(days=warning_days):
            warnings.append(f"expires in {days_left} day(s), on {_day(c.expires)} (warning window: "
                            f"{warning_days} days, checks.expiry_warning_days); {rotate}")
        if c.next_rotation is not None and c.expires <= c.next_rotation:
            warnings.append(f"expires on {_day(c.expires)}, before its next rotation on {_day(c.next_rotation)}; "
                            f"{rotate}, and keep rotation_days shorter than token_lifetime_days")
    if c.rotation_pending and c.next_rotation is not None:
        warnings.append(f"its rotation did not finish: its schedule started a new period on {_day(c.next_rotation)}, "
                        f"but this credential is from the period before; the next apply (`cdktf deploy {c.stack}`) "
                        f"replaces it, or {rotate}")
    if c.type != "time_rotating" and c.rotation is None:
        warnings.append("no rotation schedule found for it: it is only replaced once it has expired")
    if c.type == "time_rotating" and c.next_rotation is not None and c.next_rotation <= now:
        warnings.append(f"rotation due since {_day(c.next_rotation)}: it happens on the next apply "
                        f"(`cdktf deploy {c.stack}`), or {rotate}")
    return Assessment(credential, days_left, tuple(warnings))
