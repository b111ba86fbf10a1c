"""Customer search speed: 100,000 customers, every search of the list, at the database."""

from django.db import connection

from xindai.core.benchmarking import bench_list_page
from xindai.customers.demo import build_customers
from xindai.customers.models import Customer
from xindai.org.demo import build_org
from xindai.org.models import Region

TARGET_MS = 150


def customer_search(*, stdout, scale: float) -> None:
    wanted = int(100_000 * scale)
    build_org()
    have = Customer.objects.count()
    if have < wanted:
        stdout.write(f"   building {wanted - have:,} customers ...")
        build_customers(wanted - have, contacts_per_customer=0.3)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, before measuring
    total = Customer.objects.count()
    sample = Customer.objects.select_related("village", "township", "county").order_by("id")[total // 2]
    officer = sample.registered_by
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
    stdout.write(f"   {total:,} customers; median database time of 7 runs per request")
    bench_list_page(stdout=stdout, url_name="customers:list", cases=cases, target_ms=TARGET_MS)


BENCHMARKS = [("customer_search", customer_search)]
