"""The answering process: commission, draft, clear, submit, transfer.

``stages`` holds the one table of allowed moves and the one function that
validates and applies a move; ``services`` builds on it for the writes that
touch more than the process (drafts, answers, clearance steps); the views,
forms, filters, emails and statistics sit on top.
"""
