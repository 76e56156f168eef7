"""``luoshi manage verify_audit``: walk the chained trail; exit 1 naming the first removed or altered
row, else print how many entries are whole."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from luoshi.audit import chain
from luoshi.audit.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit trail's chain: report the first removed or altered entry (exit 1)."

    def handle(self, *args, **options):
        count, found = chain.verify(chain.walk(AuditEntry.objects.all()))
        if found is not None:
            self.stderr.write(str(found))
            sys.exit(1)
        self.stdout.write(f"审计记录完整: {count} 条")
