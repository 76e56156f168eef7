from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "luoshi.audit"
    label = "audit"
    verbose_name = "审计记录"

    def ready(self) -> None:
        from . import security

        security.connect()
