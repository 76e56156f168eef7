from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "luoshi.dashboards"
    label = "dashboards"
    verbose_name = "统计与通报"
