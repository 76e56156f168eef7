from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "luoshi.proposals"
    label = "proposals"
    verbose_name = "建议提案"
