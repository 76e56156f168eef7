"""The ledger's pages (``ledger``: the task list, editing, milestones) and the work report's pages
(``reports``: import, review beside the source, bulk edits, publish, the Excel round trip)."""
