"""Per-department timeliness, kept current on every write.

The departments pages show, for each department and each month of tabling,
how many questions were answered on time, late, are still owed or overdue,
and the median working days to answer. Counting that from a million questions
per view is too slow, so ``DepartmentMonth`` rows hold it, and this module
recomputes the rows a write touches (one department-month, from that month's
few hundred questions):

- ``save()`` and ``delete()`` of a question or answer (the services, the
  admin and the staff forms) through the signal receivers below;
- bulk imports (``answers.importers.api_writer``), which call ``refresh``
  with the cells they touched, because bulk writes send no signals.

``rebuild`` recomputes everything (``manage.py rebuild_department_summary``).
The definitions match the question list's filters exactly, so every figure
clicks through to the questions it counts.
"""

import statistics
from collections import Counter, defaultdict
from functools import lru_cache

from django.db.models import Q
from django.db.models.signals import post_delete, post_init, post_save

from .deadlines import working_days_between
from .summary_models import DepartmentMonth, DepartmentTotal, first_of_month, next_month

ROW_FIELDS = (
    "date_tabled",
    "due_date",
    "is_withdrawn",
    "answer__date_answered",
    "answer__is_holding",
)


# The same (tabled, answered) pairs recur thousands of times in a rebuild.
_working_days = lru_cache(maxsize=100_000)(working_days_between)


def cell_of(department_id, date_tabled):
    return (department_id, first_of_month(date_tabled))


def _month_ranges(months):
    """Consecutive months merged: [(first day, first day after)]."""
    ranges = []
    for month in sorted(months):
        if ranges and ranges[-1][1] == month:
            ranges[-1][1] = next_month(month)
        else:
            ranges.append([month, next_month(month)])
    return ranges


def _tally(rows, department_id, model=DepartmentMonth):
    """``{month: DepartmentMonth}`` (unsaved) for ``rows`` of ``ROW_FIELDS``."""
    cells = {}
    for date_tabled, due_date, is_withdrawn, date_answered, is_holding in rows:
        month = first_of_month(date_tabled)
        cell = cells.get(month)
        if cell is None:
            cell = cells[month] = model(
                department_id=department_id, month=month, owed_due=Counter(), answer_days=Counter()
            )
        cell.questions += 1
        if is_withdrawn:
            cell.withdrawn += 1
        elif date_answered is not None and not is_holding:
            cell.answered += 1
            if due_date is not None:
                if date_answered <= due_date:
                    cell.on_time += 1
                else:
                    cell.late += 1
            if date_tabled is not None:
                cell.answer_days[str(_working_days(date_tabled, date_answered))] += 1
        else:
            cell.owed += 1
            cell.owed_due[due_date.isoformat() if due_date else ""] += 1
    for cell in cells.values():
        cell.owed_due = dict(sorted(cell.owed_due.items()))
        cell.answer_days = dict(sorted(cell.answer_days.items(), key=lambda kv: int(kv[0])))
    return cells


def refresh(cells):
    """Recompute the ``(department id, first of month)`` cells given, and only those."""
    from .models import Question

    by_department = defaultdict(set)
    for department_id, month in cells:
        if department_id is not None:
            by_department[department_id].add(month)
    for department_id, months in sorted(by_department.items()):
        dated = {month for month in months if month is not None}
        where = Q()
        for start, end in _month_ranges(dated):
            where |= Q(date_tabled__gte=start, date_tabled__lt=end)
        if None in months:
            where |= Q(date_tabled__isnull=True)
        rows = Question.objects.filter(where, department_id=department_id).values_list(*ROW_FIELDS)
        fresh = _tally(rows.order_by(), department_id)
        stale = DepartmentMonth.objects.filter(department_id=department_id)
        stale_where = Q(month__in=dated) if dated else Q(pk__in=[])
        if None in months:
            stale_where |= Q(month__isnull=True)
        stale.filter(stale_where).delete()
        DepartmentMonth.objects.bulk_create(cell for cell in fresh.values() if cell.month in months)
        _refresh_total(department_id)


_TALLY_COUNTS = ("questions", "answered", "on_time", "late", "owed", "withdrawn")


def _sorted_histograms(tally):
    tally.owed_due = dict(sorted(tally.owed_due.items()))
    tally.answer_days = dict(sorted(tally.answer_days.items(), key=lambda kv: int(kv[0])))


def _add_into(stored, fresh):
    """Add the tally ``fresh`` to ``stored`` (both Tally rows)."""
    for name in _TALLY_COUNTS:
        setattr(stored, name, getattr(stored, name) + getattr(fresh, name))
    stored.owed_due = Counter(stored.owed_due) + Counter(fresh.owed_due)
    stored.answer_days = Counter(stored.answer_days) + Counter(fresh.answer_days)
    _sorted_histograms(stored)


def add_new(rows):
    """Count questions new to the database into their cells and totals.

    ``rows`` are ``(department id, *ROW_FIELDS)`` of questions just created,
    which no cell counts yet. Their figures are added to the stored ones,
    not recomputed from every question of their months: a file imported
    into a million questions reads a few dozen summary rows instead of the
    months' questions. (A question changed rather than created may leave a
    cell, so those cells are recomputed with ``refresh``.)
    """
    by_department = defaultdict(list)
    for department_id, *fields in rows:
        if department_id is not None:
            by_department[department_id].append(fields)
    if not by_department:
        return
    fresh = {}
    for department_id, department_rows in by_department.items():
        for month, cell in _tally(department_rows, department_id).items():
            fresh[(department_id, month)] = cell
    months = {month for _, month in fresh}
    stored_cells = DepartmentMonth.objects.filter(department_id__in=by_department).filter(
        Q(month__in=[m for m in months if m is not None])
        | (Q(month__isnull=True) if None in months else Q(pk__in=[]))
    )
    stored = {(cell.department_id, cell.month): cell for cell in stored_cells}
    changed, created = [], []
    for key, cell in fresh.items():
        if key in stored:
            _add_into(stored[key], cell)
            changed.append(stored[key])
        else:
            created.append(cell)
    DepartmentMonth.objects.bulk_update(changed, [*_TALLY_COUNTS, "owed_due", "answer_days"])
    DepartmentMonth.objects.bulk_create(created)

    totals = {t.department_id: t for t in DepartmentTotal.objects.filter(pk__in=by_department)}
    changed, created = [], []
    for department_id in by_department:
        cells = [cell for (d, _), cell in fresh.items() if d == department_id]
        added = _add_up(
            ({**{n: getattr(c, n) for n in (*_COUNTS, "withdrawn")},
              "owed_due": c.owed_due, "answer_days": c.answer_days} for c in cells),
            department_id,
            DepartmentTotal,
        )  # fmt: skip
        if department_id in totals:
            _add_into(totals[department_id], added)
            changed.append(totals[department_id])
        else:
            created.append(added)
    DepartmentTotal.objects.bulk_update(changed, [*_TALLY_COUNTS, "owed_due", "answer_days"])
    DepartmentTotal.objects.bulk_create(created)


def _add_up(cells, department_id, model):
    """One tally (unsaved) of ``cells``, dicts with ``CELL_FIELDS`` and ``withdrawn``."""
    total = model(department_id=department_id, owed_due=Counter(), answer_days=Counter())
    for cell in cells:
        for name in (*_COUNTS, "withdrawn"):
            setattr(total, name, getattr(total, name) + cell[name])
        total.owed_due.update(cell["owed_due"])
        total.answer_days.update(cell["answer_days"])
    total.owed_due = dict(sorted(total.owed_due.items()))
    total.answer_days = dict(sorted(total.answer_days.items(), key=lambda kv: int(kv[0])))
    return total


def _refresh_total(department_id, *, month_model=DepartmentMonth, total_model=DepartmentTotal):
    cells = month_model.objects.filter(department_id=department_id).values(
        *CELL_FIELDS, "withdrawn"
    )
    total = _add_up(cells, department_id, total_model)
    total_model.objects.filter(department_id=department_id).delete()
    if total.questions:
        total.save(force_insert=True)


def rebuild(*, question_model=None, month_model=DepartmentMonth, total_model=DepartmentTotal):
    """Every department's figures from scratch; returns the number of rows written.

    The models can be given, so that a migration can run it on its own
    historical models.
    """
    if question_model is None:
        from .models import Question as question_model

    Question = question_model
    month_model.objects.all().delete()
    total_model.objects.all().delete()
    written = 0
    department_ids = (
        Question.objects.filter(department__isnull=False)
        .order_by()
        .values_list("department_id", flat=True)
        .distinct()
    )
    for department_id in department_ids:
        rows = Question.objects.filter(department_id=department_id).values_list(*ROW_FIELDS)
        fresh = _tally(rows.order_by(), department_id, model=month_model)
        month_model.objects.bulk_create(fresh.values())
        _refresh_total(department_id, month_model=month_model, total_model=total_model)
        written += len(fresh)
    return written


# --- reading ---------------------------------------------------------------------


# The fields ``merge`` reads: fetch summary rows with ``.values(*CELL_FIELDS)``
# (a few thousand dicts cost far less than as many model instances).
CELL_FIELDS = ("questions", "answered", "on_time", "late", "owed", "owed_due", "answer_days")
_COUNTS = ("questions", "answered", "on_time", "late", "owed")


def median_days(histogram):
    """The median of a ``{"days": count}`` histogram, or None when it is empty."""
    pairs = sorted((int(days), count) for days, count in histogram.items() if count)
    total = sum(count for _, count in pairs)
    if not total:
        return None

    def nth(n):  # the n-th smallest value, from 0
        seen = 0
        for days, count in pairs:
            seen += count
            if n < seen:
                return days
        raise AssertionError("unreachable")  # pragma: no cover

    middle = total // 2
    if total % 2:
        return nth(middle)
    return statistics.mean([nth(middle - 1), nth(middle)])


def overdue_of(owed_due, today):
    """Owed questions whose due date has passed, from a ``{"YYYY-MM-DD": count}`` histogram."""
    cutoff = today.isoformat()
    return sum(count for due, count in owed_due.items() if due and due < cutoff)


def merge(cells, today):
    """Totals over ``cells`` (dicts with ``CELL_FIELDS``) as a plain dict."""
    total = dict.fromkeys((*_COUNTS, "overdue"), 0)
    days = Counter()
    for cell in cells:
        for name in _COUNTS:
            total[name] += cell[name]
        total["overdue"] += overdue_of(cell["owed_due"], today)
        days.update(cell["answer_days"])
    total["median_days"] = median_days(days)
    timed = total["on_time"] + total["late"]
    total["on_time_percent"] = round(100 * total["on_time"] / timed) if timed else None
    return total


# --- keeping it current on save and delete --------------------------------------


def _remember_cell(sender, instance, **kwargs):
    # What the row was when loaded: a save that moves a question to another
    # department or month refreshes the cell it left as well. Deferred fields
    # are left alone (reading them would cost a query per row).
    loaded = instance.__dict__
    if "department_id" in loaded and "date_tabled" in loaded:
        instance._summary_cell = cell_of(loaded["department_id"], loaded["date_tabled"])


def _question_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    cells = {cell_of(instance.department_id, instance.date_tabled)}
    loaded = getattr(instance, "_summary_cell", None)
    if loaded is not None:
        cells.add(loaded)
    refresh(cells)
    instance._summary_cell = cell_of(instance.department_id, instance.date_tabled)


def _question_deleted(sender, instance, **kwargs):
    refresh(
        {getattr(instance, "_summary_cell", cell_of(instance.department_id, instance.date_tabled))}
    )


def _answer_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .models import Question

    try:
        owner = instance.question
    except Question.DoesNotExist:
        return
    refresh({cell_of(owner.department_id, owner.date_tabled)})


def connect():
    from .models import Answer, Question

    post_init.connect(_remember_cell, sender=Question, dispatch_uid="summary_remember_cell")
    post_save.connect(_question_saved, sender=Question, dispatch_uid="summary_question_saved")
    post_delete.connect(_question_deleted, sender=Question, dispatch_uid="summary_question_deleted")
    post_save.connect(_answer_changed, sender=Answer, dispatch_uid="summary_answer_saved")
    post_delete.connect(_answer_changed, sender=Answer, dispatch_uid="summary_answer_deleted")
