"""Figures kept under PostgreSQL's snapshot (``answers.page_cache.kept``), in tests."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Only PostgreSQL has a snapshot to keep figures under.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="counts are kept under PostgreSQL's snapshot"
)


def fetched(client, url, figures, params=None):
    """``(figures(response), how many queries it made)`` for one GET of ``url``."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    return figures(response), len(captured.captured_queries)


def counted_then_kept(view):
    """``view()`` twice, ``((figures, queries), (figures, queries))``, the second
    read while nothing was written.

    A write anywhere on the server (another test worker's) takes a new
    snapshot in between, and the figures are counted again: try again, for
    up to about ten seconds (another worker's import writes for seconds on
    end).
    """
    for attempt in range(50):
        if attempt:
            time.sleep(0.2)
        first, second = view(), view()
        if second[1] < first[1]:
            break
    return first, second
