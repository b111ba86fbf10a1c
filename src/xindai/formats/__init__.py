"""Dates and times one way in every language (ux.md): 2026-03-20, 2026-03-20 09:00 — Django's
zh-hans default "2026年12月1日" stood beside 2026-12-01 on the same page."""
