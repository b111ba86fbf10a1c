"""Inputs and selects are drawn in Python (core.forms.QuickRender) to the HTML Django's widget
templates give — the templates cost ~25 ms of CPU per list page — with everything escaped."""

import re

from django import forms
from django.utils.safestring import SafeString

from xindai.core.forms import Form, RemoteSelect

CHOICES = [("", "—"), ("a<b", "A & B"), ("Group", [("1", "one"), ("2", "<two>")])]


class Plain(forms.Form):
    choice = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "form-select"}))
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": '"q"', "class": "form-control"}))
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"class": "form-control"}))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"class": "form-control"}))
    remote = forms.ChoiceField(choices=CHOICES, required=True, widget=RemoteSelect(attrs={"class": "form-select"}))


class Quick(Form):  # the project's forms: the same fields, drawn by QuickRender
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": '"q"'}))
    number = forms.IntegerField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    remote = forms.ChoiceField(choices=CHOICES, required=True, widget=RemoteSelect)


def _same(html: str) -> str:
    return re.sub(r"\s*\n\s*", "", html)


def test_quick_widgets_draw_what_the_templates_draw(db):
    data = {"choice": "a<b", "text": '<script>"x"</script>', "number": "12", "hidden": "h&", "remote": "2"}
    plain, quick = Plain(data), Quick(data)
    for name in ("choice", "remote"):  # the project's "— choose —" label
        plain.fields[name].choices = quick.fields[name].choices
    for name in data:
        assert type(quick[name].field.widget).__name__.startswith("Quick")
        drawn = str(quick[name])
        assert _same(drawn) == _same(str(plain[name])), name
        assert isinstance(quick[name].as_widget(), SafeString)
    assert "&lt;script&gt;&quot;x&quot;&lt;/script&gt;" in str(quick["text"])
    assert '<option value="a&lt;b" selected>A &amp; B</option>' in str(quick["choice"])
    assert '<optgroup label="Group">' in str(quick["choice"]) and "&lt;two&gt;" in str(quick["choice"])


def test_an_unbound_input_has_no_value(db):
    assert "value=" not in str(Quick()["text"])
