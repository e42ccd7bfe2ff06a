"""Merging a stale edit with the changes saved since the editor opened the record.

Three versions of each field meet: *base*, the record as the editor's form
showed it (carried in the form, signed, as ``base``); *theirs*, the record as
stored now; *yours*, what the editor submitted. A field only they changed
keeps theirs; a field only you changed takes yours; a field you both changed
to different values is a conflict, saved only when you choose which to keep.

The staff pages (``answers.staff.views.common``) and the admin
(``answers.admin``) both merge with ``three_way``.
"""

import datetime
from dataclasses import dataclass, field

from django.core import signing
from django.forms import CheckboxInput

_SALT = "answers.merge.base"


def comparable(value):
    """A field value as a string that compares equal when a person would say "same"."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    if isinstance(value, (list, tuple)):
        return ",".join(sorted(comparable(v) for v in value))
    return str(value).replace("\r\n", "\n").strip()


def sign_base(values):
    """``values`` (field name -> value) as a signed token for a hidden form field."""
    return signing.dumps({name: comparable(value) for name, value in values.items()}, salt=_SALT)


def read_base(token):
    """The base values a form carried, or None when it carried none (or a forged one)."""
    if not token:
        return None
    try:
        return signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None


@dataclass
class Merge:
    values: dict = field(default_factory=dict)  # the merged value of every field
    conflicts: list = field(default_factory=list)  # names both sides changed differently
    kept_theirs: list = field(default_factory=list)  # names only they changed


def three_way(*, base, theirs, yours, names):
    """Merge ``yours`` into ``theirs`` field by field (see the module docstring).

    ``base`` holds ``comparable`` strings (from ``read_base``); None means the
    form carried no base, so every field that differs is a conflict.
    """
    result = Merge()
    for name in names:
        mine, stored = yours.get(name), theirs.get(name)
        if comparable(mine) == comparable(stored):
            result.values[name] = mine
        elif base is not None and name in base and comparable(mine) == base[name]:
            result.values[name] = stored
            result.kept_theirs.append(name)
        elif base is not None and name in base and comparable(stored) == base[name]:
            result.values[name] = mine
        else:
            result.values[name] = mine
            result.conflicts.append(name)
    return result


def form_data(form, values):
    """``values`` as the POST data ``form``'s widgets would send (prefixed names)."""
    data = {}
    for name, value in values.items():
        bound = form[name]
        widget = bound.field.widget
        key = form.add_prefix(name)
        prepared = bound.field.prepare_value(value)
        if isinstance(widget, CheckboxInput):
            if prepared:
                data[key] = "on"
            continue
        formatted = widget.format_value(prepared)
        data[key] = formatted if formatted is not None else ""
    return data
