"""GP feedback ("tilbakemelding til fastlege", domain.md §3.3): rules F1–F9 as data, a pure engine
that decides, a daily digest for minor plan edits, a consent filter, Norwegian texts and AppRec tracking.
"""
