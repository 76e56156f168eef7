from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.models import ApiToken, User
from luoshi.audit import security


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有用户 {username}")
        key = ApiToken.issue(user)
        token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
        security.event(
            None, "token_issue", actor_name="命令行", obj=token, detail=f"为 {user.username} 签发 {token.prefix}…"
        )
        self.stdout.write(key)
