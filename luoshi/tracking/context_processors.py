"""The header's unread count (a read, no logic beyond the count)."""

from __future__ import annotations

from luoshi.tasks import access


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": access.notifications_of(user).filter(read_at__isnull=True).count()}
