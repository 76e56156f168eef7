"""`luoshi manage send_reminders [--today YYYY-MM-DD] [--loop]`: the escalation ladder's daily run.

Reminders before due dates, 催办 the day after, 督办单 when a task turns red, then the e-mail and webhook
deliveries (retrying failed ones). Running it twice on one day sends nothing twice. Ends with one line
of key=value counts.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from luoshi.ops.daily import run_daily


class Command(BaseCommand):
    help = "发送提醒、催办和督办单, 投递邮件与 webhook (每日运行)"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按此日期运行 (YYYY-MM-DD), 默认今天")
        parser.add_argument("--loop", action="store_true", help="常驻运行: 每隔 LUOSHI_REMINDER_INTERVAL 秒运行一次")

    def handle(self, *args, today=None, loop=False, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today 须为 YYYY-MM-DD: {today}") from None
        while True:
            started = time.monotonic()
            totals = run_daily(day)
            self.stdout.write(" ".join(f"{k}={v}" for k, v in totals.items()))
            if not loop:
                return
            day = None  # a loop always runs for the real date after its first round
            time.sleep(max(1.0, settings.LUOSHI_REMINDER_INTERVAL - (time.monotonic() - started)))
