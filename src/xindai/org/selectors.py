"""Reads of the organisation: scope labels, pickers, trees."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from xindai.org.models import Region, RegionLevel, ScopeKind, User, UserKind


def scope_label(user: User) -> str:
    """ "甘州支行 · 支行数据", "梁家墩镇 · 外部用户", "全部数据" — shown in the top bar."""
    if user.is_superuser or (user.kind == UserKind.BANK and user.scope == ScopeKind.ALL):
        return _("All data")
    if user.kind == UserKind.EXTERNAL:
        external = _("External user")  # outside the f-string, so that makemessages finds it
        return f"{user.region.name if user.region_id else '—'} · {external}"
    place = user.branch.name if user.branch_id else "—"
    return f"{place} · {user.get_scope_display()}"


def loan_officers(branch_ids=None) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True, is_loan_officer=True, kind=UserKind.BANK).select_related("branch")
    if branch_ids is not None:
        qs = qs.filter(branch_id__in=branch_ids)
    return qs.order_by("branch__path", "real_name")


def region_chain(region: Region) -> dict[int, Region]:
    """{level: node} for the region and its ancestors (one query)."""
    nodes = list(region.ancestors()) + [region]
    return {node.level: node for node in nodes}


def with_county(codes) -> dict[str, str]:
    """Each region's name after its county's, "甘州区 · 梁家墩镇", by division code — one query (the
    county is the root of the region's path, "/00000012/…"; a county itself keeps its name)."""
    county = Region.objects.filter(level=RegionLevel.COUNTY, path=Substr(OuterRef("path"), 1, 10), parent=None)
    rows = Region.objects.filter(code__in=list(codes)).annotate(county=Subquery(county.values("name")[:1]))
    return {
        code: f"{county_name} · {name}" if county_name and level != RegionLevel.COUNTY else name
        for code, name, level, county_name in rows.values_list("code", "name", "level", "county")
    }
