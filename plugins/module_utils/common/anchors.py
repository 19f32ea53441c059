"""The one anchor function shared by alert ``runbook_url``s and the RUNBOOK's sections."""

from __future__ import annotations

import re

_DROPPED = re.compile(r"[^\w\- ]", re.UNICODE)


def markdown_anchor(heading: str) -> str:
    """The anchor GitHub, GitLab and mkdocs give a Markdown heading: ``"Node Down!"`` -> ``node-down``."""
    return _DROPPED.sub("", heading.strip().lower()).replace(" ", "-")


def runbook_url(runbook_base_url: str, alert_name: str) -> str:
    """``runbook_base_url`` + ``#`` + the anchor of the RUNBOOK section titled ``alert_name``."""
    return f"{runbook_base_url.split('#', 1)[0]}#{markdown_anchor(alert_name)}"
