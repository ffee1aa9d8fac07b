"""Helpers for the mail tests (tests/test_mail*.py, tests/test_web_mail.py): a local SMTP server."""
