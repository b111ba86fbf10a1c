import factory

from xindai.core.idnumber import check_character
from xindai.customers.models import ContactChannel, Customer, CustomerStatus
from xindai.customers.services import village_chain


def make_id_number(seq: int, *, birth: str = "19800101", region: str = "620702", male: bool = True) -> str:
    """A valid 18-digit ID number; `seq` keeps them unique."""
    order = (seq % 500) * 2 + (1 if male else 0)
    first17 = f"{region}{birth}{order:03d}"
    return first17 + check_character(first17)


class CustomerFactory(factory.django.DjangoModelFactory):
    """Needs `village` (a Region of level village) and `registered_by` (a bank user)."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户{n}")
    gender = "male"
    id_number = factory.Sequence(lambda n: make_id_number(n, birth=f"19{60 + n // 500 % 40}0101"))
    birth_date = factory.LazyAttribute(
        lambda o: __import__("datetime").date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14]))
    )
    mobile = factory.Sequence(lambda n: f"137{n:08d}")  # 11 digits however many customers a run makes
    status = CustomerStatus.ACTIVE
    registered_branch = factory.LazyAttribute(lambda o: o.registered_by.branch)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        chain = village_chain(kwargs["village"], kwargs.get("group"))
        kwargs.update(county=chain.county, area=chain.area, township=chain.township)
        return super()._create(model_class, *args, **kwargs)


def channel(name: str = "电话沟通") -> ContactChannel:
    """A seeded channel (re-created when a transactional test flushed the migration's rows)."""
    return ContactChannel.objects.get_or_create(name=name)[0]
