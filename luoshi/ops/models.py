"""Operations: failed logins (for throttling across gunicorn workers)."""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    """One failed login attempt for a username from an address. Rows older than the window are pruned."""

    username = models.CharField("用户名", max_length=150)
    address = models.CharField("来源地址", max_length=45)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"
        indexes = [models.Index(fields=["username", "address", "at"], name="ops_loginfail_user_addr_at")]

    def __str__(self) -> str:
        return f"{self.username}@{self.address} {self.at:%Y-%m-%d %H:%M}"
