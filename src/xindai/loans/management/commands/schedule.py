"""`xindai schedule`: prints the repayment schedule (还款计划) of a loan's terms, as a table or JSON.

Invalid input exits with status 2 and the reason in the default language on standard error,
nothing on standard output, so that scripts can rely on the exit status.
"""

import json
import re
import sys
import unicodedata
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from xindai.core.errors import translate_pure_error
from xindai.core.money import MoneyError, format_amount, parse_amount, parse_rate
from xindai.loans.schedule import (
    METHOD_LABELS,
    Installment,
    Method,
    ScheduleError,
    generate_schedule,
    method_from_label,
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
REQUIRED = ("amount", "rate", "start", "end", "method")


def _invalid(option: str, message: str) -> CommandError:
    return CommandError(f"--{option.replace('_', '-')}：{message}", returncode=2)


def _parse_date(option: str, text: str) -> date:
    try:
        if _ISO_DATE.match(text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    # Django's own message, translated in its catalogue.
    raise _invalid(option, gettext("Enter a valid date.") + " (YYYY-MM-DD)")


def _parse_day(text: str) -> int:
    if not re.fullmatch(r"\s*\d{1,4}\s*", text, re.ASCII):
        raise _invalid("settlement_day", gettext("Enter a whole number."))
    return int(text)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _width(text: str) -> int:
    """Terminal columns of ``text``: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    fill = " " * max(width - _width(text), 0)
    return fill + text if right else text + fill


class Command(BaseCommand):
    help = (
        "Prints the repayment schedule of a loan: --amount 50000 --rate 5.22 --start 2026-02-10 "
        "--end 2027-02-10 --method quarterly_interest [--settlement-day 20] [--json]. "
        "Invalid input exits with status 2."
    )
    requires_system_checks = []  # pure arithmetic: no database, nothing for the checks to guard

    def add_arguments(self, parser):
        # Not required=True: the missing ones are reported in the user's language, with status 2.
        parser.add_argument("--amount", help="loan amount in yuan, e.g. 50000 or 50,000.00 (required)")
        parser.add_argument("--rate", help="annual interest rate in percent, e.g. 5.22 (required)")
        parser.add_argument("--start", help="start date, YYYY-MM-DD (required)")
        parser.add_argument("--end", help="end date, YYYY-MM-DD (required)")
        codes = ", ".join(m.value for m in Method if m is not Method.CUSTOM)
        parser.add_argument("--method", help=f"repayment method: {codes} or its Chinese label (required)")
        parser.add_argument("--settlement-day", default="20", help="interest settlement day, 1-28 (default 20)")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")

    def execute(self, *args, **options):
        """From the command line a refusal prints just its reason (no "CommandError:") and exits 2."""
        try:
            return super().execute(*args, **options)
        except CommandError as err:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(err))
            sys.exit(err.returncode)

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            method, amount, rows = self._schedule(options)
            if options["json"]:
                self.stdout.write(json.dumps(self._as_json(method, amount, rows), ensure_ascii=False))
            else:
                self.stdout.write(self._as_table(rows))

    def _schedule(self, options) -> tuple[Method, Decimal, list[Installment]]:
        for name in REQUIRED:
            if options.get(name) is None or not str(options[name]).strip():
                raise _invalid(name, gettext("This field is required."))
        try:
            amount = parse_amount(options["amount"])
        except MoneyError as err:
            raise _invalid("amount", translate_pure_error(err)) from None
        try:
            rate = parse_rate(options["rate"])
        except MoneyError as err:
            raise _invalid("rate", translate_pure_error(err)) from None
        start, end = _parse_date("start", options["start"]), _parse_date("end", options["end"])
        day = _parse_day(str(options["settlement_day"]))
        try:
            method = method_from_label(options["method"])
            if method is Method.CUSTOM:  # needs a plan of dates and amounts, which this command does not take
                raise ScheduleError(
                    "method_not_applicable",
                    "The repayment method %(method)s cannot be used for this calculation.",
                    {"method": METHOD_LABELS[method]},
                )
            rows = generate_schedule(
                amount=amount, annual_rate=rate, start=start, end=end, method=method, settlement_day=day
            )
        except ScheduleError as err:
            raise CommandError(translate_pure_error(err), returncode=2) from None
        return method, amount, rows

    @staticmethod
    def _as_json(method: Method, amount: Decimal, rows: list[Installment]) -> dict:
        return {
            "method": method.value,
            "amount": _money(amount),
            "installments": [
                {
                    "period": row.period,
                    "due_date": row.due_date.isoformat(),
                    "principal": _money(row.principal),
                    "interest": _money(row.interest),
                    "total": _money(row.total),
                    "balance": _money(row.balance),
                }
                for row in rows
            ],
            "total_principal": _money(sum((row.principal for row in rows), Decimal("0.00"))),
            "total_interest": _money(sum((row.interest for row in rows), Decimal("0.00"))),
        }

    @staticmethod
    def _as_table(rows: list[Installment]) -> str:
        header = [
            gettext("period"),
            gettext("due date"),
            gettext("principal"),
            gettext("interest"),
            gettext("total"),
            gettext("remaining principal"),
        ]
        body = [
            [
                str(row.period),
                row.due_date.isoformat(),
                format_amount(row.principal),
                format_amount(row.interest),
                format_amount(row.total),
                format_amount(row.balance),
            ]
            for row in rows
        ]
        principal = sum((row.principal for row in rows), Decimal("0.00"))
        interest = sum((row.interest for row in rows), Decimal("0.00"))
        totals = [gettext("total"), "", format_amount(principal), format_amount(interest)]
        totals += [format_amount(principal + interest), ""]
        widths = [max(_width(line[i]) for line in [header, *body, totals]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            # Period and due date read left to right; amounts line up on the decimal point.
            return "  ".join(_pad(cell, widths[i], right=i != 1) for i, cell in enumerate(cells)).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(header), rule, *map(line, body), rule, line(totals)])
