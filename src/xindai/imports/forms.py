from django import forms
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import Form

MAX_UPLOAD = 20 * 1024 * 1024


class UploadForm(Form):
    kind = forms.ChoiceField(
        label=_("what the file holds"),
        choices=[("loans", _("loans (customers, loans and plans)")), ("repayments", _("repayments"))],
        initial="loans",
    )
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it into several files."))
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Upload an Excel workbook saved as .xlsx."))
        return upload
