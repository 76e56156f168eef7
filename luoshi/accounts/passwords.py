"""Password rules beyond Django's own validators (``AUTH_PASSWORD_VALIDATORS``): complexity classes and
history. Expiry and the forced change are ``User.password_expired``/``User.must_change_password``, enforced by
``luoshi.ops.middleware.PasswordPolicyMiddleware``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


def classes_of(password: str) -> set[str]:
    """The character classes a password uses: upper case, lower case, digits and symbols (any other character,
    Chinese included)."""
    found = set()
    for ch in password:
        if ch.isascii() and ch.isupper():
            found.add("upper")
        elif ch.isascii() and ch.islower():
            found.add("lower")
        elif ch.isascii() and ch.isdigit():
            found.add("digit")
        else:
            found.add("symbol")
    return found


class ComplexityValidator:
    """At least ``min_classes`` of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(classes_of(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return f"密码须至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class HistoryValidator:
    """Not one of the account's last ``LUOSHI_PASSWORD_HISTORY`` passwords (its current one included)."""

    def _count(self) -> int:
        return settings.LUOSHI_PASSWORD_HISTORY

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or self._count() <= 0:
            return
        from .models import User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        hashes = list(user.password_history.values_list("password", flat=True)[: self._count()])
        if current and current not in hashes:  # set without a history row (an older account, a fixture)
            hashes = [current, *hashes[: self._count() - 1]]
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        """Keep the new password's hash; only the last ``LUOSHI_PASSWORD_HISTORY`` are kept."""
        if user is None or not getattr(user, "pk", None) or self._count() <= 0:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[self._count() :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"不能使用最近 {self._count()} 次用过的密码。"
