"""`Document` → `FileReport`: recognise claims, verify them, lint notation, report findings."""
