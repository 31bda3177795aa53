"""Helpers for driving Django's admin as a browser would: the data a change form posts back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.forms import MultiWidget
from django.urls import reverse


def _put(data: dict[str, Any], name: str, value: Any) -> None:
    """Encode a bound field's value as a browser would post it."""
    if value is None or value is False:
        return
    if value is True:
        data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    else:
        data[name] = str(value)


def _put_field(data: dict[str, Any], form: Any, name: str) -> None:
    field = form.fields[name]
    if field.disabled:
        return
    value = form[name].value()
    if isinstance(field.widget, MultiWidget):  # e.g. the admin's split date and time
        if isinstance(value, dt.datetime):
            parts = [value.date(), value.time().replace(microsecond=0)]
        else:
            parts = value if isinstance(value, list) else [None] * len(field.widget.widgets)
        for index, part in enumerate(parts):
            _put(data, f"{form.add_prefix(name)}_{index}", part)
    else:
        _put(data, form.add_prefix(name), value)


def form_data(response: Any) -> dict[str, Any]:
    """What the browser would post back from an admin change form, unchanged."""
    data: dict[str, Any] = {"_save": "Save"}
    form = response.context["adminform"].form
    for name in form.fields:
        _put_field(data, form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for inline_form in formset.forms:
            for name in inline_form.fields:
                _put_field(data, inline_form, name)
    return data


def admin_url(obj: models.Model, view: str) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])
