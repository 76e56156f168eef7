import json

from django.core.management.base import BaseCommand

from luoshi.ops.loadgen import seed


class Command(BaseCommand):
    help = "生成压测用的合成台账 (一个政府、N 个单位、每单位 M 项已签收任务), 把令牌和任务写入 JSON 文件"

    def add_arguments(self, parser):
        parser.add_argument("--government", default="压测州")
        parser.add_argument("--units", type=int, default=300)
        parser.add_argument("--tasks", type=int, default=5, help="每个单位的任务数")
        parser.add_argument("--out", required=True, help="写出令牌与任务编号的 JSON 文件")

    def handle(self, *args, government, units, tasks, out, **options):
        data = seed(government=government, units=units, tasks_per_unit=tasks)
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        self.stdout.write(f"units={units} tasks={units * tasks} period={data['period']} out={out}")
