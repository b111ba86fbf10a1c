"""Customer search speed: 100,000 customers, every search of the list, at the database."""

from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from xindai.core.benchmarking import measure
from xindai.customers.models import Customer
from xindai.org.demo import build_org
from xindai.org.models import Region, User

TARGET_MS = 150


def customer_search(*, stdout, scale: float) -> None:
    wanted = int(100_000 * scale)
    build_org()
    have = Customer.objects.count()
    if have < wanted:
        from xindai.customers.demo import build_customers

        stdout.write(f"   building {wanted - have:,} customers ...")
        build_customers(wanted - have, contacts_per_customer=0.3)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Customer.objects.count()
    sample = Customer.objects.select_related("village", "township", "county").order_by("id")[total // 2]
    officer = sample.registered_by
    manager = User.objects.filter(username="manager01").first()
    village = Region.objects.get(pk=sample.village_id)
    cases = [
        ("list, first page", {}),
        ("list, page 50, 200 a page", {"page": 50, "size": 200}),
        ("name (partial)", {"name": sample.name[1:]}),
        ("ID number, whole", {"id_number": sample.id_number}),
        ("ID number, last 6 digits", {"id_number": sample.id_number[-6:]}),
        ("mobile", {"mobile": sample.mobile}),
        ("county", {"region": sample.county_id}),
        ("township", {"region": sample.township_id}),
        ("village", {"region": village.pk}),
        ("status", {"status": "prospect"}),
        ("registering branch", {"registered_branch": officer.branch_id}),
        ("registering officer", {"registered_by": officer.pk}),
        ("combined: county + name + status", {"region": sample.county_id, "name": sample.name[:1], "status": "active"}),
        ("sorted by name", {"sort": "name"}),
    ]
    stdout.write(f"   {connection.vendor}, {total:,} customers; median database time of 7 runs per request")
    stdout.write(f"   {'search':<36}{'admin ms':>10}{'queries':>9}{'manager ms':>12}{'queries':>9}")
    worst = 0.0
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        clients = []
        for user in (User.objects.get(username="admin"), manager):
            client = Client()
            client.force_login(user, backend="xindai.org.auth_backends.RolePermissionBackend")
            clients.append(client)
        url = reverse("customers:list")
        for label, params in cases:
            row = []
            for client in clients:
                ms, queries = measure(lambda c=client, p=params: _get(c, url, p))
                worst = max(worst, ms)
                row.append((ms, queries))
            stdout.write(f"   {label:<36}{row[0][0]:>10.1f}{row[0][1]:>9}{row[1][0]:>12.1f}{row[1][1]:>9}")
    verdict = "within" if worst <= TARGET_MS else "OVER"
    stdout.write(f"   slowest median {worst:.1f} ms: {verdict} the {TARGET_MS} ms target")


def _get(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code


BENCHMARKS = [("customer_search", customer_search)]
