from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "luoshi.tracking"
    label = "tracking"
    verbose_name = "落实跟踪"
