"""Figures kept under PostgreSQL's snapshot (``answers.page_cache.kept``), in tests."""


def counted_then_kept(view):
    """``view()`` twice, ``((figures, queries), (figures, queries))``, the second
    read while nothing was written.

    A write anywhere on the server (another test worker's) takes a new
    snapshot in between, and the figures are counted again: try again.
    """
    for _ in range(10):
        first, second = view(), view()
        if second[1] < first[1]:
            break
    return first, second
