"""`xindai report KIND --by GROUP [--from D --to D | --as-of D] [--user USERNAME] [--json]`."""

import json
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from xindai.core.scope import system_scope
from xindai.org.models import User
from xindai.reports import queries


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} must be a date like 2026-11-29, not {value!r}", returncode=2) from None


class Command(BaseCommand):
    help = "Prints a report (disbursement, collection, balance, quality) grouped as asked."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=queries.KINDS)
        parser.add_argument("--by", choices=queries.GROUPS, required=True)
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--user")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, kind, by, date_from, date_to, as_of, user, json: bool, **options):
        start, end, day = _date(date_from, "--from"), _date(date_to, "--to"), _date(as_of, "--as-of")
        if kind in ("disbursement", "collection"):
            if not (start and end) or day:
                raise CommandError(f"{kind} needs --from and --to (and no --as-of)", returncode=2)
            if start > end:
                raise CommandError("--from must not be after --to", returncode=2)
        elif not day or start or end:
            raise CommandError(f"{kind} needs --as-of (and no --from/--to)", returncode=2)
        actor = system_scope("report command")
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user}", returncode=2)
        report = queries.run(kind, by, user=actor, date_from=start, date_to=end, as_of=day)
        data = as_json(report)
        if json:
            self.stdout.write(_dumps(data))
            return
        figures = queries.FIGURES[kind]
        self.stdout.write("\t".join(["key", "name", *figures]))
        for row in [*data["rows"], {"key": "", "name": "合计", **data["total"]}]:
            self.stdout.write("\t".join(str(row[k]) for k in ["key", "name", *figures]))


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.4f}" if value.as_tuple().exponent == -4 else f"{value:.2f}"
    return value


def as_json(report) -> dict:
    figures = queries.FIGURES[report.kind]
    return {
        "report": report.kind,
        "by": report.group,
        "from": report.date_from.isoformat() if report.date_from else None,
        "to": report.date_to.isoformat() if report.date_to else None,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "rows": [
            {"key": row["key"], "name": row["name"], **{f: _plain(row[f]) for f in figures}} for row in report.rows
        ],
        "total": {f: _plain(report.total[f]) for f in figures},
    }


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
