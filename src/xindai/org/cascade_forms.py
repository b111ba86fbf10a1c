from django import forms

from xindai.org.cascade import RegionCascadeMixin


class CascadeOnlyForm(RegionCascadeMixin, forms.Form):
    """Just the region levels: what the cascade endpoint re-renders."""

    def __init__(self, data=None, *, required: bool = True, initial=None):
        super().__init__(data=data, initial=initial)
        if not required:
            self.region_required = ()
        self.setup_region_fields(data, initial or {})
