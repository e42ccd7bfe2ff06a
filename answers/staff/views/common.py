"""What every staff page shares: the access check, where to go after a save,
and the save-or-refuse step of the versioned edit forms.

An anonymous visitor is sent to the sign-in page (and back afterwards); a
signed-in user without the permission gets a 403. Which group holds which
permission is set out in ``answers.groups``.

Edit forms carry the version of the record they showed and its values (the
base): a save after someone else's is merged with theirs field by field, and
a field you both changed is shown side by side and saved only once you choose
(``save_with_merge``, ``answers.merge``).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import CheckboxInput
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_text_list

from ... import services
from ...merge import form_data, sign_base, three_way


def staff_view(*perms):
    """Sign-in first (a redirect), then every permission in ``perms`` (else 403)."""

    def decorator(view):
        guarded = login_required(permission_required(perms, raise_exception=True)(view))
        return wraps(view)(guarded)

    return decorator


def next_url(request, default):
    """Where to go after a save: a ``next`` staff page if given and safe, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/staff/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _short(text, limit=80):
    text = " ".join(str(text).split()) or "(blank)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _conflict_rows(form, current, theirs):
    """(label, yours, theirs, keep field) for each field both sides changed."""
    rows = []
    for name in form.conflicts:
        field = form.fields[name]
        if form.is_bound and hasattr(form, "cleaned_data") and name in form.cleaned_data:
            mine = form.display(name, form.cleaned_data[name])
        else:
            mine = form[name].value() or ""
        stored = form.display(name, theirs.get(name))
        keep = form.fields[f"keep_{name}"]
        keep.choices = [
            ("yours", f"Keep yours: {_short(mine)}"),
            ("theirs", f"Keep theirs: {_short(stored)}"),
        ]
        keep.widget.choices = keep.choices
        rows.append((field.label, mine, stored, form[f"keep_{name}"]))
    return rows


def conflict_context(form, current):
    """The side-by-side comparison for a form still showing conflicts, else {}."""
    if not form.conflicts or current is None:
        return {}
    theirs = type(form).record_values(current)
    return {
        "stale": services.StaleEditError(current),
        "conflict_rows": _conflict_rows(form, current, theirs),
    }


def save_with_merge(request, form, *, load_current, save, form_kwargs=None, _attempts=3):
    """Save a valid versioned form, merged with whatever was saved since it was loaded.

    ``load_current()`` gives the record as stored now (None for an answer not
    recorded yet); ``save(form, values, expected_version)`` writes ``values``
    through the service. Fields only the other person changed keep their change,
    fields only this editor changed take this editor's; if both changed a field
    differently nothing is saved and the form comes back with the two values
    side by side and a choice for each. Returns ``(saved, form, context)``.
    """
    form_kwargs = form_kwargs or {}
    form_class = type(form)
    current = load_current()
    theirs = form_class.record_values(current) if current is not None else {}
    values = form.yours(theirs)
    loaded = form.cleaned_data.get("version")
    stored = current.version if current is not None else None
    kept, changed_by = [], ""
    if current is not None and stored != loaded:
        merged = three_way(base=form.base(), theirs=theirs, yours=values, names=form.merge_names())
        if merged.conflicts:
            asked = _ask_which(request, form, merged, theirs, stored, form_kwargs)
            return False, asked, conflict_context(asked, current)
        values, kept = merged.values, merged.kept_theirs
        # Who changed it, read before this save becomes the latest change.
        changed_by = services.StaleEditError(current).changed_by_name if kept else ""
    try:
        save(form, values, stored if current is not None else loaded)
    except services.StaleEditError:
        if _attempts <= 1:
            raise
        # Saved by someone else between reading and writing: merge with that too.
        return save_with_merge(
            request, form, load_current=load_current, save=save, form_kwargs=form_kwargs,
            _attempts=_attempts - 1,
        )  # fmt: skip
    except ValidationError as exc:
        form.add_error(None, exc)
        return False, form, {}
    if kept:
        labels = get_text_list([str(form.fields[name].label) for name in kept], "and")
        who = changed_by or "Someone else"
        messages.info(
            request, f"{who} changed {labels} after you opened this; their changes are kept."
        )
    return True, form, {}


def _ask_which(request, form, merged, theirs, stored, form_kwargs):
    """The form again: merged values, yours where you both changed, and a choice for each."""
    form_class = type(form)
    data = request.POST.copy()
    for key in [key for key in data if key.startswith("keep_")]:
        del data[key]
    for key, value in form_data(form, merged.values).items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    for name in form.merge_names():
        if isinstance(form.fields[name].widget, CheckboxInput) and not merged.values.get(name):
            data.pop(form.add_prefix(name), None)
    data["version"] = str(stored)
    data["base"] = sign_base({name: theirs.get(name) for name in form.merge_names()})
    data["conflicts"] = ",".join(merged.conflicts)
    asked = form_class(data, **form_kwargs)
    asked.is_valid()
    return asked


def edit_with_merge(request, form_class, record, *, load_current, save, form_kwargs=None):
    """The edit page's form for ``record``: ``(saved, form, context)``.

    On GET the form holds ``record`` (its version and base included); on POST
    a valid form is saved with ``save_with_merge``, and an invalid one is
    shown again with its errors and any conflicts still to choose.
    """
    form_kwargs = form_kwargs or {}
    if request.method != "POST":
        return False, form_class(initial=form_class.initial_for(record), **form_kwargs), {}
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        return False, form, conflict_context(form, record)
    return save_with_merge(
        request, form, load_current=load_current, save=save, form_kwargs=form_kwargs
    )
