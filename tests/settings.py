"""Settings for the test suite: the project's own, with a fast password hasher.

The default PBKDF2 hasher is slow on purpose; the suite creates and signs in
many users, so it would spend most of its time hashing. MD5 is fine for
throwaway test users and never used outside the tests.
"""

from pqtracker.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Emails go to django.core.mail.outbox, never out.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"

# Imports in tests never reach for the Members API on their own; the tests of
# that step turn it on against a local stand-in.
MEMBERS_SYNC_AFTER_IMPORT = False
PARLIAMENT_MEMBERS_API_BASE_URL = "http://127.0.0.1:9"
PARLIAMENT_API_BASE_URL = "http://127.0.0.1:9"
