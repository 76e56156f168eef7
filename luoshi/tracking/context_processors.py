"""The header's unread count and which office links it shows (reads; the decisions are access.py's)."""

from __future__ import annotations

from luoshi import access


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_count": access.open_notifications(user).count(),
        "nav_reports": access.is_supervisor(user),
        "nav_units": access.can_manage_units(user),
        "nav_deliveries": access.can_see_deliveries(user),
    }
