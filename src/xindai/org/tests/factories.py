import factory

from xindai.core.tree import tree_save_path
from xindai.org.models import Branch, Region, RegionLevel, Role, ScopeKind, User, UserKind

PASSWORD = "Test-pass-2026"


class TreeFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        node = super()._create(model_class, *args, **kwargs)
        tree_save_path(node)
        return node


class BranchFactory(TreeFactory):
    class Meta:
        model = Branch

    code = factory.Sequence(lambda n: f"B{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}支行")


class RegionFactory(TreeFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"62{n:010d}")
    name = factory.Sequence(lambda n: f"地区{n}")
    level = RegionLevel.COUNTY


def role(name: str) -> Role:
    """A built-in role (restored first when a transactional test flushed the migration's rows)."""
    found = Role.objects.filter(name=name).first()
    if found is None:
        from xindai.org.builtin_roles import ensure_builtin_roles

        ensure_builtin_roles(Role)
        found = Role.objects.get(name=name)
    return found


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"用户{n}")
    mobile = factory.Sequence(lambda n: f"138{n % 10**8:08d}")  # 11 digits however many users a run makes
    kind = UserKind.BANK
    scope = ScopeKind.PERSONAL
    branch = factory.SubFactory(BranchFactory)
    role = factory.LazyFunction(lambda: role("信贷员"))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def external_user(region: Region, role_name: str = "乡镇政府", **kwargs) -> User:
    return UserFactory(
        kind=UserKind.EXTERNAL, scope=ScopeKind.REGION, region=region, branch=None, role=role(role_name), **kwargs
    )
