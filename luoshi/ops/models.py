"""Operations: failed logins (for throttling across gunicorn workers)."""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    """One failed login attempt: the username as typed, the account the login form resolves it to (``#<pk>``,
    or the normalised name when no account has it) and the client's address. Kept as long as the audit
    (``LUOSHI_AUDIT_DAYS``); a successful login marks its account's rows ``cleared``."""

    username = models.CharField("用户名", max_length=150)
    account = models.CharField("账号", max_length=160, default="", blank=True)
    address = models.CharField("来源地址", max_length=45)
    at = models.DateTimeField("时间")
    cleared = models.BooleanField("已由成功登录清除", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"
        indexes = [
            models.Index(fields=["username", "address", "at"], name="ops_loginfail_user_addr_at"),
            models.Index(fields=["account", "at"], name="ops_loginfail_account_at"),
            models.Index(fields=["address", "at"], name="ops_loginfail_address_at"),
            models.Index(fields=["at"], name="ops_loginfail_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.address} {self.at:%Y-%m-%d %H:%M}"
