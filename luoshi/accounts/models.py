"""Governments, their unit catalogs, users and API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Government(models.Model):
    """A government that owns work reports; subordinate governments point at their parent."""

    name = models.CharField("名称", max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
        verbose_name="上级政府",
    )

    class Meta:
        verbose_name = verbose_name_plural = "政府"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """One entry of a government's catalog: a department, a party organ or a subordinate government."""

    KIND_CHOICES = [
        ("department", "部门"),
        ("party", "党委部门"),
        ("government", "下级政府"),
        ("other", "其他"),
    ]

    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="units", verbose_name="政府")
    name = models.CharField("全称", max_length=100)
    short_name = models.CharField("简称", max_length=60)
    kind = models.CharField("类别", max_length=20, default="department")
    aliases = models.CharField("别名", max_length=300, blank=True, help_text="以分号分隔")
    represents = models.ForeignKey(
        Government,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="catalog_entries",
        verbose_name="对应下级政府",
    )

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["government", "id"]
        constraints = [models.UniqueConstraint(fields=["government", "short_name"], name="unit_short_name_unique")]

    def __str__(self) -> str:
        return self.short_name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("；", ";").split(";") if a.strip()]

    @classmethod
    def by_label(cls, government_id) -> dict[str, Unit]:
        """A government's units under every name a list may give them: alias, full name and short name
        (a short name wins over another unit's full name or alias)."""
        labels: dict[str, Unit] = {}
        for unit in cls.objects.filter(government_id=government_id):
            for label in (*unit.alias_list(), unit.name, unit.short_name):
                labels[label] = unit
        return labels


class User(AbstractUser):
    SUPERVISOR = "supervisor"
    LIAISON = "liaison"
    LEADER = "leader"
    VIEWER = "viewer"
    ROLE_CHOICES = [
        (SUPERVISOR, "督查室"),
        (LIAISON, "单位联络员"),
        (LEADER, "包抓领导"),
        (VIEWER, "只读"),
    ]

    government = models.ForeignKey(
        Government, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name="政府"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name="单位"
    )
    role = models.CharField("角色", max_length=20, choices=ROLE_CHOICES, default=VIEWER)
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="督查室或管理员新建账号、重置密码后自动勾选"
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.last_name}{self.first_name}".strip() or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, now=None) -> bool:
        """Whether the password is older than ``LUOSHI_PASSWORD_MAX_DAYS`` (never when that is 0)."""
        from django.conf import settings

        days = settings.LUOSHI_PASSWORD_MAX_DAYS
        if days <= 0 or not self.has_usable_password():
            return False
        since = self.password_changed_at or self.date_joined
        return (now or timezone.now()) - since > datetime.timedelta(days=days)

    def save(self, *args, **kwargs):
        if self.unit_id and not self.government_id:
            self.government_id = self.unit.government_id
        super().save(*args, **kwargs)


class PasswordHistory(models.Model):
    """A hash of a password an account has had, so that the last ``LUOSHI_PASSWORD_HISTORY`` are not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户")
    password = models.CharField("密码散列", max_length=128)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once when issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户")
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    TOUCH_SECONDS = 60

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256((key or "").encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> str:
        key = "ls_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, prefix=key[:10], key_hash=cls.hash(key))
        return key

    @classmethod
    def find(cls, key: str) -> ApiToken | None:
        """The token of this key if its user is active, with the user and the user's unit."""
        token = cls.objects.select_related("user", "user__unit").filter(key_hash=cls.hash(key)).first()
        if token is None or not token.user.is_active:
            return None
        return token

    def touch(self, now=None) -> bool:
        """Record a use. ``last_used_at`` is kept to the minute (``TOUCH_SECONDS``): a burst of requests
        with one token writes it once, and of concurrent workers only one wins the conditional update."""
        now = now or timezone.now()
        fresh = now - datetime.timedelta(seconds=self.TOUCH_SECONDS)
        if self.last_used_at is not None and self.last_used_at > fresh:
            return False
        stale = models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=fresh)
        updated = ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
        return bool(updated)
