"""Django's ``flush``, which empties every table, with the audit trail's triggers lifted for it.

Emptying the whole database is the one sanctioned way past the append-only guard: it removes the trail
along with everything it records, as dropping the database would. The test runner uses it between
transactional tests. The triggers are put back in the same transaction.
"""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from luoshi.audit import guard


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        tables = connection.introspection.table_names()
        if guard.TABLE not in tables:
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            guard.remove(connection)
            try:
                super().handle(**options)
            finally:
                guard.install(connection)
