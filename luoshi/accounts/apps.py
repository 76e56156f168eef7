from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luoshi.accounts"
    label = "accounts"
    verbose_name = "账号与单位"
