from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "luoshi.projects"
    label = "projects"
    verbose_name = "民生实事"

    def ready(self) -> None:
        # The project's own light rules (money behind schedule, works behind money) join the one health
        # machinery, which knows no kind (docs/architecture.md, "Adding a new kind").
        from luoshi.tracking import health

        from . import lights

        health.register_rule(lights.reasons)
