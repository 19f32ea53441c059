"""The agent metrics (names from ``state.metrics``) as a Prometheus textfile for node-exporter's
textfile collector and, when a Pushgateway URL is given, pushed there (a PUT of the job's group)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..common.errors import AgenticError, InputError
from ..common.home import atomic_write_text
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ..common.requirements import requirement
from ..state import metrics as names

with requirement("prometheus-client"):
    from prometheus_client import CollectorRegistry, generate_latest, push_to_gateway
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily

COUNTER_SUFFIX = "_total"
HELP = {
    names.AGENT_DURATION_SECONDS: "Execution time per agent (seconds).",
    names.AGENT_EXECUTIONS_TOTAL: "Agent executions by status.",
    names.WORKFLOWS_TOTAL: "Workflows by final status.",
    names.WORKFLOW_DURATION_SECONDS: "Wall time of a workflow attempt (seconds).",
    names.LLM_CALLS_TOTAL: "LLM calls.",
    names.LLM_LATENCY_SECONDS: "LLM call latency (seconds).",
    names.LLM_TOKENS_TOTAL: "LLM tokens by kind (prompt or completion).",
    names.LAST_RUN_TIMESTAMP_SECONDS: "Unix time of the last recorded workflow.",
}


class Sample(BaseModel):
    """A counter or gauge sample ``{labels, value}``, or a summary ``{labels, count, sum, max}``
    (workflow_info's durations and latencies; Prometheus summaries carry count and sum)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: dict[str, str] = Field(default_factory=dict)
    value: float | None = None
    count: int | None = Field(default=None, ge=0)
    sum: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _value_or_summary(self) -> Sample:
        if (self.value is None) == (self.count is None or self.sum is None):
            raise ValueError("a sample has either a value, or a count and a sum")
        return self

    @property
    def is_summary(self) -> bool:
        return self.value is None

    @field_validator("labels", mode="before")
    @classmethod
    def _labels_as_text(cls, labels: Mapping[str, Any]) -> dict[str, str]:
        return {str(key): str(value) for key, value in (labels or {}).items()}


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    metrics: dict[str, list[Sample]]
    textfile: Path | None = None
    pushgateway_url: str | None = None
    job: str = "agentic_k8s"
    grouping_key: dict[str, str] = Field(default_factory=dict)
    timeout_s: float = Field(default=10.0, gt=0, le=300)

    @field_validator("metrics")
    @classmethod
    def _known_names(cls, metrics: dict[str, list[Sample]]) -> dict[str, list[Sample]]:
        unknown = sorted(set(metrics) - set(names.ALL_METRICS))
        if unknown:
            raise ValueError(f"unknown metric names {unknown}; allowed: {', '.join(names.ALL_METRICS)}")
        return metrics

    @field_validator("textfile")
    @classmethod
    def _prom_suffix(cls, textfile: Path | None) -> Path | None:
        if textfile is not None and textfile.suffix != ".prom":
            raise ValueError("must end in .prom (node-exporter's textfile collector reads only *.prom)")
        return textfile


def parse_request(params: Mapping[str, Any]) -> ExportRequest:
    """The module's parameters as an ``ExportRequest``; a bad one is an ``InputError`` naming the field."""
    try:
        given = {key: value for key, value in params.items() if value is not None}
        return ExportRequest.model_validate(given)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "metrics"
        raise InputError(field, first.get("input"), first["msg"]) from error


class SamplesCollector:
    """A prometheus_client collector over fixed samples: counters for ``*_total``, gauges otherwise."""

    def __init__(self, metrics: Mapping[str, Sequence[Sample]]) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        for name in sorted(self._metrics):
            yield metric_family(name, self._metrics[name])


def metric_family(name: str, samples: Sequence[Sample]) -> Metric:
    """Summaries for ``{count, sum}`` samples, counters for ``*_total`` names, gauges otherwise."""
    label_names = sorted({key for sample in samples for key in sample.labels})
    if any(sample.is_summary for sample in samples):
        summary = SummaryMetricFamily(name, HELP[name], labels=label_names)
        for sample in samples:
            summary.add_metric(_label_values(sample, label_names), sample.count or 0, sample.sum or 0.0)
        return summary
    if name.endswith(COUNTER_SUFFIX):
        base_name = name.removesuffix(COUNTER_SUFFIX)
        family: Metric = CounterMetricFamily(base_name, HELP[name], labels=label_names)
    else:
        family = GaugeMetricFamily(name, HELP[name], labels=label_names)
    for sample in samples:
        family.add_metric(_label_values(sample, label_names), sample.value)
    return family


def _label_values(sample: Sample, label_names: list[str]) -> list[str]:
    return [sample.labels.get(key, "") for key in label_names]


def registry_of(metrics: Mapping[str, Sequence[Sample]]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SamplesCollector(metrics))
    return registry


def exposition(metrics: Mapping[str, Sequence[Sample]]) -> str:
    """The Prometheus text exposition of the samples."""
    return generate_latest(registry_of(metrics)).decode("utf-8")


def export(request: ExportRequest, *, check_mode: bool = False) -> dict[str, Any]:
    """Write the textfile (only when its content changes) and push to the Pushgateway when given."""
    text = exposition(request.metrics)
    logs: list[str] = []
    textfile_changed = False
    if request.textfile is not None:
        textfile_changed = _read(request.textfile) != text
        if textfile_changed and not check_mode:
            atomic_write_text(request.textfile, text, mode=0o644)
        logs.append(f"textfile {request.textfile}: {'written' if textfile_changed else 'unchanged'}")
    pushed = False
    if request.pushgateway_url and not check_mode:
        _push(request)
        pushed = True
        logs.append(f"pushed job {request.job} to {request.pushgateway_url}")
    return {
        "changed": textfile_changed or pushed,
        "textfile": str(request.textfile) if request.textfile else None,
        "pushed": pushed,
        "series": sum(len(samples) for samples in request.metrics.values()),
        "logs": logs,
    }


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _push(request: ExportRequest) -> None:
    try:
        push_to_gateway(
            request.pushgateway_url,
            job=request.job,
            registry=registry_of(request.metrics),
            grouping_key=request.grouping_key or None,
            timeout=request.timeout_s,
        )
    except OSError as error:
        raise AgenticError(
            f"could not push the agent metrics to {request.pushgateway_url} within {request.timeout_s:g} s: "
            f"{error}; check pushgateway_url (the Pushgateway's base URL, e.g. http://pushgateway:9091)",
            pushgateway_url=request.pushgateway_url,
        ) from error
