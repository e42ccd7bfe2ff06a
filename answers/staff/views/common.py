"""What every staff page shares: the access check, where to go after a save,
and the save-or-refuse step of the versioned edit forms.

An anonymous visitor is sent to the sign-in page (and back afterwards); a
signed-in user without the permission gets a 403. Which group holds which
permission is set out in ``answers.groups``.

Edit forms carry the version of the record they showed; a save after someone
else's is refused with who changed it and when, and both versions side by
side (``refuse_stale``).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from ... import services


def staff_view(*perms):
    """Sign-in first (a redirect), then every permission in ``perms`` (else 403)."""

    def decorator(view):
        guarded = login_required(permission_required(perms, raise_exception=True)(view))
        return wraps(view)(guarded)

    return decorator


def long_date(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def next_url(request, default):
    """Where to go after a save: a ``next`` staff page if given and safe, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/staff/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def refuse_stale(request, form_class, exc, current_initial, **form_kwargs):
    """The form again, as typed, with the refusal and a comparison of both versions.

    The hidden version becomes the current one: saving again is then a
    deliberate choice, made with the other person's changes in view.
    """
    first = form_class(request.POST, **form_kwargs)
    first.is_valid()
    differences = first.differences(current_initial)
    data = request.POST.copy()
    data["version"] = str(exc.current.version)
    form = form_class(data, **form_kwargs)
    form.is_valid()
    form.add_error(None, str(exc))
    return form, {"stale": exc, "differences": differences}


def save_or_refuse(
    request, form, save, load_current, *, catch=(ValidationError,), error=lambda exc: exc,
    **form_kwargs,
):  # fmt: skip
    """Run ``save()`` for a valid versioned form, or explain why it did not save.

    Otherwise returns the form to show again, with the error: a stale edit
    gets the refusal and both versions (``load_current`` gives the record as
    stored now); an exception in ``catch`` from the service is shown on the
    form as ``error(exc)``. Returns ``(saved, form, extra_context)``.
    """
    try:
        save()
    except services.StaleEditError as exc:
        form_class = type(form)
        form, extra = refuse_stale(
            request, form_class, exc, form_class.initial_for(load_current()), **form_kwargs
        )
        return False, form, extra
    except catch as exc:
        form.add_error(None, error(exc))
        return False, form, {}
    return True, form, {}
