from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有用户 {username}")
        self.stdout.write(ApiToken.issue(user))
