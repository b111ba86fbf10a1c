"""Region pickers where each level filters the next (县区 → 乡镇 → 村 → 社).

A form mixes in `RegionCascadeMixin`; its four fields get their choices from the levels
already chosen, and the page re-renders the block through `region_cascade` (htmx) whenever
a level changes, so the server decides every list and a stale deeper choice is dropped.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from xindai.org.models import Region, RegionLevel

LEVELS = [
    ("county", RegionLevel.COUNTY),
    ("township", RegionLevel.TOWNSHIP),
    ("village", RegionLevel.VILLAGE),
    ("group", RegionLevel.GROUP),
]
LABELS = {"county": _("county/district"), "township": _("township"), "village": _("village"), "group": _("group")}


def _options(parent: Region | None, level: int):
    qs = Region.objects.filter(level=level, is_active=True).order_by("code")
    if level == RegionLevel.COUNTY:
        return qs
    if parent is None:
        return qs.none()
    if level == RegionLevel.TOWNSHIP:  # a township may sit under an area of the county
        return qs.filter(path__startswith=parent.path)
    return qs.filter(parent=parent)


def _chosen(data, name: str, queryset) -> Region | None:
    value = data.get(name) if data is not None else None
    if not value:
        return None
    try:
        return queryset.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


class RegionCascadeMixin:
    """Adds county / township / village / group fields whose choices follow the chosen parents."""

    region_required = ("county", "township", "village")

    def setup_region_fields(self, data, initial: dict) -> None:
        source = data if data is not None else {k: getattr(v, "pk", v) for k, v in initial.items()}
        parent = None
        for name, level in LEVELS:
            queryset = _options(parent, level)
            field = forms.ModelChoiceField(
                queryset=queryset,
                label=LABELS[name],
                required=name in self.region_required,
                widget=forms.Select(attrs={"class": "form-select", "data-region-level": name, "col": "col-md-3"}),
            )
            self.fields[name] = field
            parent = _chosen(source, name, queryset)
            if parent is None:
                # Deeper levels have nothing to choose from until this one is chosen.
                for deeper, _deeper_level in LEVELS[LEVELS.index((name, level)) + 1 :]:
                    self.fields[deeper] = forms.ModelChoiceField(
                        queryset=Region.objects.none(),
                        label=LABELS[deeper],
                        required=deeper in self.region_required,
                        widget=forms.Select(
                            attrs={"class": "form-select", "data-region-level": deeper, "col": "col-md-3"}
                        ),
                    )
                break
