"""The audit trail is append-only in the database itself: triggers refuse every UPDATE and DELETE of
``tasks_auditentry`` (and, on PostgreSQL, a TRUNCATE), whoever sends them — the ORM, raw SQL, a shell.

Installed by the migration ``audit.0003_append_only``. The only path that lifts them is ``flush`` (see
``audit/management/commands/flush.py``), which empties the whole database, the trail with it, and puts
them back. A later migration that rebuilds the table (SQLite rebuilds it for most column changes) must
call ``install`` again; ``test_audit_controls`` fails if it does not.
"""

from __future__ import annotations

TABLE = "tasks_auditentry"
REFUSAL = "审计记录只能追加, 不能修改或删除"

POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION luoshi_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    f"DROP TRIGGER IF EXISTS luoshi_audit_append_only ON {TABLE}",
    f"""CREATE TRIGGER luoshi_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION luoshi_audit_append_only()""",
    f"DROP TRIGGER IF EXISTS luoshi_audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER luoshi_audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION luoshi_audit_append_only()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS luoshi_audit_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS luoshi_audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS luoshi_audit_append_only()",
]
SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS luoshi_audit_no_update",
    f"""CREATE TRIGGER luoshi_audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    "DROP TRIGGER IF EXISTS luoshi_audit_no_delete",
    f"""CREATE TRIGGER luoshi_audit_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS luoshi_audit_no_update",
    "DROP TRIGGER IF EXISTS luoshi_audit_no_delete",
]


def _run(connection, statements: dict[str, list[str]]) -> None:
    sql = statements.get(connection.vendor)
    if sql is None:
        raise NotImplementedError(f"审计记录的只追加保护不支持 {connection.vendor} 数据库")
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def install(connection) -> None:
    _run(connection, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def remove(connection) -> None:
    _run(connection, {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE})
