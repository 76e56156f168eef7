import json

from django.core.management.base import BaseCommand

from luoshi.accounts.models import User


class Command(BaseCommand):
    help = "List users: a table, or with --json one JSON object per line (username, role, unit)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **options):
        for user in User.objects.select_related("unit", "government").order_by("username"):
            record = {
                "username": user.username,
                "role": user.role,
                "unit": user.unit.short_name if user.unit else None,
                "government": user.government.name if user.government else None,
                "name": user.display_name,
            }
            if options["json"]:
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            else:
                self.stdout.write(f"{user.username}\t{user.get_role_display()}\t{record['unit'] or ''}")
