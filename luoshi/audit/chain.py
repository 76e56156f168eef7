"""The trail is chained: each entry stores ``chain = sha256(previous chain + canonical row)`` and a
gapless sequence number ``seq``, so that a removed row (a gap in ``seq``) or an altered one (a chain that
no longer matches) is found by walking the trail (``manage verify_audit``).

Writers are serialised while they append: on PostgreSQL by a transaction-scoped advisory lock taken
before the newest entry is read, held until the writing transaction commits; SQLite allows one writer
at a time anyway.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection

LOCK = 0x6C756F736869  # "luoshi": the advisory lock of the trail's head
FIELDS = [
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "model",
    "object_id",
    "task_id",
    "report_id",
    "field",
    "old",
    "new",
    "kind",
    "address",
]


def canonical(row: dict) -> str:
    """The row's text the chain covers: every recorded field, the time in UTC to the microsecond."""
    values = []
    for name in FIELDS:
        value = row[name]
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC).isoformat()
        values.append(value)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def link(previous: str, row: dict) -> str:
    return hashlib.sha256((previous + canonical(row)).encode("utf-8")).hexdigest()


def lock_head() -> None:
    """Take the trail's head for this transaction (PostgreSQL; a no-op elsewhere)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


@dataclass
class Break:
    entry_id: int
    seq: int | None
    removed: bool  # True: rows before this one are missing; False: this row was altered

    def __str__(self) -> str:
        if self.removed:
            return f"审计记录不完整: 第 {self.seq} 条 (编号 {self.entry_id}) 之前有记录被删除"
        return f"审计记录被篡改: 第 {self.seq} 条 (编号 {self.entry_id}) 与链不符"


def verify(rows: Iterable[dict]) -> tuple[int, Break | None]:
    """Walk rows in ``seq`` order (each a dict of FIELDS, ``id`` and ``chain``): how many, and the first
    break."""
    previous, expected, count = "", 1, 0
    for row in rows:
        count += 1
        seq = row["seq"]
        if seq is None:
            return count, Break(row["id"], seq, removed=False)
        if seq != expected:
            return count, Break(row["id"], seq, removed=True)
        if link(previous, row) != row["chain"]:
            return count, Break(row["id"], seq, removed=False)
        previous, expected = row["chain"], seq + 1
    return count, None


def walk(queryset) -> Iterator[dict]:
    """The trail's rows for ``verify``, entries without a number last."""
    from django.db.models import F

    yield from (
        queryset.order_by(F("seq").asc(nulls_last=True), "id").values("id", "chain", *FIELDS).iterator(chunk_size=2000)
    )
