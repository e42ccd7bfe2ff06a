"""The staff area, under /staff/: sign-in and a permission on every page.

- ``urls.py``: every staff URL, in one list.
- ``views/``: one module per entity: ``dashboard``, ``questions``,
  ``answers``, ``notes``, ``actions``; ``common`` holds the access decorator
  and the save-or-merge step shared by the edit pages.
- ``forms.py``: the staff forms; ``filters.py``: the staff FilterSets;
  ``history.py``: the "what changed" list on the question page.

Writes go through ``answers.services``.
"""
