"""`xindai import loans FILE [--dry-run] [--json] [--user USERNAME]`,
`xindai import repayments FILE [...]` and `xindai import template loans FILE [--user USERNAME]`.

Exit status: 0 imported (or valid in a dry run), 1 the file has errors (nothing written),
2 the file cannot be read at all.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from xindai.imports.loan_import import import_loans
from xindai.imports.repayment_import import import_repayments
from xindai.imports.template import loan_template
from xindai.org.models import User


class Command(BaseCommand):
    help = "Imports loans or repayments from an Excel file, or writes the loan import template."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["loans", "repayments", "template"])
        parser.add_argument("args", nargs="+", metavar="FILE", help="the file; for template: loans FILE")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--user", help="import as this user (their data scope applies)")

    def handle(self, *args, kind, dry_run, json: bool, user, **options):
        translation.activate("zh-hans")
        actor = self._actor(user)
        if kind == "template":
            if len(args) != 2 or args[0] != "loans":
                raise CommandError("usage: xindai import template loans FILE")
            Path(args[1]).write_bytes(loan_template(actor))
            self.stdout.write(args[1])
            return
        if len(args) != 1:
            raise CommandError(f"usage: xindai import {kind} FILE")
        try:
            content = Path(args[0]).read_bytes()
        except OSError as err:
            self._finish({"ok": False, "file_error": str(err), "errors": []}, json, 2)
            return
        run = import_loans if kind == "loans" else import_repayments
        result = run(content, actor, dry_run=dry_run)
        status = 2 if result.file_error else (0 if result.ok else 1)
        self._finish(result.as_dict(), json, status, dry_run=dry_run)

    def _actor(self, username):
        if not username:
            return None

        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user {username}") from None

    def _finish(self, data: dict, as_json: bool, status: int, *, dry_run: bool = False) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            if data.get("file_error"):
                self.stderr.write(data["file_error"])
            for error in data["errors"]:
                self.stderr.write(f"第 {error['row']} 行 {error['column']}「{error['value']}」：{error['message']}")
            counts = {k: v for k, v in data.items() if k not in ("ok", "errors", "file_error")}
            verdict = "有错误，未导入" if status else ("校验通过（未写入）" if dry_run else "已导入")
            self.stdout.write(f"{verdict} {counts}")
        sys.stdout.flush()
        if status:
            raise SystemExit(status)
