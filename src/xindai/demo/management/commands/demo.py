from django.core.management.base import BaseCommand
from django.db.models import Max
from django.utils import timezone, translation

from xindai.core.scope import system_scope
from xindai.customers.demo import build_customers
from xindai.customers.models import Customer
from xindai.loans.demo import build_loans
from xindai.loans.models import Loan
from xindai.messaging.demo import build_templates, build_traffic
from xindai.org.demo import DEMO_PASSWORD, build_org, demo_logins
from xindai.org.models import ScopeKind, User
from xindai.repayments.demo import build_history


class Command(BaseCommand):
    help = "Builds the deterministic demo data (organisation, users; customers and loans as modules add them)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--logins", action="store_true", help="print the demo logins")
        parser.add_argument("--no-loans", action="store_true", help="do not give the new customers loans")
        parser.add_argument(
            "--customers",
            type=int,
            default=None,
            help="add this many customers (default: 300 on a new database, none otherwise)",
        )

    @system_scope("demo data")
    def handle(self, *args, **options):
        translation.activate("zh-hans")
        made = build_org(seed=options["seed"])
        if made:
            self.stdout.write(self.style.SUCCESS("Demo organisation created."))
        customers = options["customers"] if options["customers"] is not None else (300 if made else 0)
        if customers:
            added = build_customers(customers, seed=options["seed"])
            self.stdout.write(self.style.SUCCESS(f"{added} demo customers added."))
            if not options["no_loans"]:
                self._loans(options["seed"])
        build_templates()
        if made and (messages := build_traffic(seed=options["seed"])):
            self.stdout.write(self.style.SUCCESS(f"{messages} demo messages sent, delivered, failed and answered."))
        if options["logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for username, who, scope in demo_logins():
                self.stdout.write(f"  {username:<12} {who:<24} {scope}")
            self.stdout.write("")

    def _loans(self, seed: int) -> None:
        without_loans = Customer.objects.filter(loans__isnull=True, status="active")
        last_id = Loan.objects.aggregate(m=Max("pk"))["m"] or 0
        made = build_loans(without_loans, seed=seed, actor=User.objects.filter(username="admin").first())
        self.stdout.write(self.style.SUCCESS(f"{made} demo loans with their repayment plans added."))
        new_loans = Loan.objects.filter(pk__gt=last_id)
        actors = {user.pk: user for user in User.objects.filter(pk__in=new_loans.values("officer_id"))}
        admin = User.objects.get(username="admin")
        managers = User.objects.filter(scope=ScopeKind.BRANCH, is_active=True, branch__isnull=False)
        tellers = {branch_id: admin for branch_id in new_loans.values_list("handling_branch_id", flat=True)}
        tellers |= {manager.branch_id: manager for manager in managers.order_by("-pk")}
        entries = build_history(
            new_loans.values_list("pk", flat=True),
            seed=seed,
            today=timezone.localdate(),
            actors=actors,
            tellers=tellers,
        )
        self.stdout.write(self.style.SUCCESS(f"{entries} repayments confirmed as the loans' history."))
