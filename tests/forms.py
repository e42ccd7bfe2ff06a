"""Posting a staff form back as the browser would."""

import datetime

from django.contrib.auth.models import User

from answers.models import Department, Member


def as_post(initial):
    """A form's initial values as the browser would post them back."""
    data = {}
    for name, value in initial.items():
        if isinstance(value, Department):
            value = str(value.pk)
        elif isinstance(value, Member):
            value = value.name
        elif isinstance(value, User):
            value = str(value.pk)
        elif isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if value is True:
            value = "on"
        if value is False or value is None:
            continue
        data[name] = value
    return data
