"""Fetch, check and complete questions from the live Written Questions API.

Shared by ``fetch_written_questions`` (a range of tabling dates) and
``sync_written_questions`` (what changed since the last sync). Nothing here
writes: every list page is parsed and checked, and every question whose text
the list cut short (and that we do not already hold whole) is completed from
the detail endpoint, a few at a time; any failure raises ``ApiRequestError``.
"""

from concurrent.futures import ThreadPoolExecutor

from .api_items import ApiDataError, parse_document
from .api_writer import needs_completion
from .parliament_api import ApiRequestError
from .progress import ProgressBar


def fetch_items(api, page_sources, *, workers, stdout, on_missing=None):
    """Every question of the pages, checked and completed: ``({id: ApiQuestion}, completed)``.

    ``page_sources`` are iterables of ``Page`` (``api.list_pages(...)``); a
    question on several pages or in several windows counts once.
    ``on_missing(message)`` is told about a question the detail endpoint no
    longer has (its shortened text is kept).
    """
    items = {}
    bar = ProgressBar(stdout, label="Fetching")
    for pages in page_sources:
        for page in pages:
            try:
                questions = parse_document(
                    {"results": page.results}, source=f"page at skip={page.skip} ({page.url})"
                )
            except ApiDataError as error:
                raise ApiRequestError(f"Malformed page: {error}", url=page.url) from None
            for question in questions:
                items[question.parliament_id] = question
            bar.update(len(items), page.total)
    bar.finish()

    wanted = sorted(needs_completion(items.values()))
    bar = ProgressBar(stdout, label="Completing texts", total=len(wanted))
    done = 0

    def detail(parliament_id):
        try:
            data, url = api.question(parliament_id)
        except ApiRequestError as error:
            if error.status == 404:
                return parliament_id, None, str(error)
            raise
        try:
            (question,) = parse_document(data, source=url, complete=True)
        except ApiDataError as error:
            raise ApiRequestError(f"Malformed question: {error}", url=url) from None
        except ValueError:
            raise ApiRequestError(f"GET {url} returned more than one question", url=url) from None
        if question.parliament_id != parliament_id:
            raise ApiRequestError(
                f"GET {url} returned question {question.parliament_id}, not {parliament_id}",
                url=url,
            )
        return parliament_id, question, ""

    completed = 0
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        for parliament_id, question, problem in pool.map(detail, wanted):
            done += 1
            bar.update(done)
            if question is None:
                # Gone from the detail endpoint since the list was read: keep
                # the list's text, still marked as cut short.
                if on_missing is not None:
                    on_missing(f"{problem}; keeping the shortened text for now.")
                continue
            items[parliament_id] = question
            completed += 1
    finally:
        # On a failure, do not go on fetching what will not be imported.
        pool.shutdown(wait=True, cancel_futures=True)
    bar.finish()
    return items, completed
