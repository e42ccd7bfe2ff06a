"""How the service names people (user accounts) and writes dates: one rule each.

Templates use the same rules through the ``display_name`` and ``long_date``
filters (``answers.templatetags.govuk``).
"""


def display_name(user):
    """A user's full name, else their username; "" for no user."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def long_date(value):
    """ "12 February 2025" (no leading zero); "" for no date.

    The ``DATE_FORMAT`` setting cannot carry this: with localisation always on
    (Django 5) the locale's format wins, so every page and message uses this.
    """
    if not value:
        return ""
    return f"{value.day} {value:%B %Y}"
