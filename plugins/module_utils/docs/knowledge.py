"""What the documents know beyond the workflow's facts: alert guides and platform failure modes,
loaded from ``knowledge.yml`` beside the templates (data, so a team extends it without Python)."""

from __future__ import annotations

from pathlib import Path

from ..common.errors import AgenticError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError
from ..common.requirements import requirement
from .models import Alert

with requirement("PyYAML"):
    import yaml

KNOWLEDGE_FILE = "knowledge.yml"


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AlertGuide(Entry):
    match: list[str] = Field(default_factory=list)
    meaning: str
    checks: list[str]
    remedies: list[str]


class FailureMode(Entry):
    title: str
    symptom: str
    fix: list[str]


class PlatformGuide(Entry):
    title: str
    checks: list[str] = Field(default_factory=list)
    scale: str
    upgrade_check: str
    failure_modes: list[FailureMode] = Field(default_factory=list)


class Knowledge(Entry):
    alerts: list[AlertGuide]
    default_alert: AlertGuide
    common_failure_modes: list[FailureMode]
    platforms: dict[str, PlatformGuide]

    def guide_for(self, alert: Alert) -> AlertGuide:
        """The first guide one of whose match words occurs in the alert's name."""
        name = alert.name.lower()
        return next(
            (guide for guide in self.alerts if any(word in name for word in guide.match)),
            self.default_alert,
        )

    def platform(self, name: str) -> PlatformGuide | None:
        return self.platforms.get(name)


def load_knowledge(templates_dir: Path) -> Knowledge:
    """Parse and validate ``knowledge.yml``; a broken file is an error naming the file."""
    path = templates_dir / KNOWLEDGE_FILE
    try:
        return Knowledge.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise AgenticError(
            f"{path}: cannot load the documentation knowledge: {error}", path=str(path)
        ) from error
