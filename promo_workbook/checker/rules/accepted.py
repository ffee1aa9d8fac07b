"""Item 0: the acceptance sheet itself (docs/accepting.md). Which findings an acceptance
accepts, and which acceptance is stale, is decided after every other rule ran, on their
findings, by checker/accept.py; these classes give the two codes their place in the registry
(name, severity, messages, docs, --select/--ignore)."""
from __future__ import annotations

from ..accept import reasonless
from ..registry import Rule, register


@register
class AcceptanceStale(Rule):
    """An acceptance that matches no finding: found by checker/accept.py's settle(), which needs
    the other rules' findings; nothing to find before them."""

    code = "S001"

    def run(self, plan, config):
        return iter(())


@register
class AcceptanceWithoutReason(Rule):
    code = "S002"

    def run(self, plan, config):
        yield from reasonless(plan.accepted)
