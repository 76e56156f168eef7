from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "luoshi.ops"
    label = "ops"
    verbose_name = "运维与安全"
    default_auto_field = "django.db.models.BigAutoField"
