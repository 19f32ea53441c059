#!/usr/bin/python
# Copyright: agentic.k8s maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validation agent: check a cluster's health and write the health report."""

from __future__ import annotations

DOCUMENTATION = r"""
module: cluster_validate
short_description: Validate a Kubernetes cluster's health and write the health report
version_added: 0.1.0
description:
  - The validation agent of the agentic.k8s workflow (phase 5). B(Live mode) checks nodes (Ready,
    pressure, count against the plan, kubelet versions), the system pods (CrashLoopBackOff,
    ImagePullBackOff, Pending, restarts, with the last events and log lines of each failing pod),
    the monitoring endpoints (Prometheus C(/-/ready) and every scrape target up, Alertmanager
    C(/-/ready), Grafana C(/api/health)), networking (CoreDNS Ready, Services with endpoints, a
    short-lived Job that resolves C(kubernetes.default) and connects to a Service, deleted
    afterwards) and RBAC (no cluster-admin binding made by this collection except the creator's,
    no wildcard rules in its roles). The independent checks run concurrently.
  - B(Static mode), when no cluster is reachable (sandbox, no kubeconfig, check mode, an API server
    that does not answer), validates the rendered manifests with the monitoring agent's validator
    and the plan against the provisioning outputs, scores only those, and lists every live check
    it skipped with the reason, so a static run never claims a healthy live cluster.
  - The score (0-100) is the weighted mean of the checks that ran; each check loses 50 points per
    critical and 15 per warning finding. The health report is written as JSON, Markdown and a
    self-contained HTML page (score, findings, a chart of the check results, the phase timeline).
  - With an LLM configured, the failing findings' evidence (redacted) is sent for a prioritised
    diagnosis, returned as advisory text beside the deterministic findings.
  - Never changes the cluster for good (the probe Job is deleted), so C(changed) is always false.
author: agentic.k8s maintainers (@agentic-k8s)
extends_documentation_fragment:
  - agentic.k8s.llm
options:
  mode:
    description:
      - V(auto) validates live when the API server answers, else static; V(live) fails when it
        does not answer; V(static) never contacts the cluster. Check mode always runs static.
    type: str
    choices: [auto, live, static]
    default: auto
  checks:
    description: The checks to run; the others are listed as skipped.
    type: list
    elements: str
    choices: [nodes, pods, endpoints, networking, security, manifests, plan]
    default: [nodes, pods, endpoints, networking, security, manifests, plan]
  kubeconfig:
    description: The kubeconfig file (a 0600 file under C(clusters/<key>/secrets/)); empty means static.
    type: path
  context:
    description: The kubeconfig context; its current context by default.
    type: str
  namespaces:
    description: The namespaces whose pods must be Running and Ready and whose Services need endpoints.
    type: list
    elements: str
    default: [kube-system, monitoring]
  endpoints:
    description:
      - The monitoring endpoints, as C(agentic_monitoring.endpoints) gives them, keyed
        C(prometheus), C(alertmanager), C(grafana); each C({url, service, port, namespace}).
      - With a C(service) and no C(url), or an in-cluster one (C(*.svc)), the endpoint is reached
        through the API server's service proxy
        (C(/api/v1/namespaces/<namespace>/services/<service>:<port>/proxy)); another C(url) is
        fetched directly from the controller.
    type: dict
    default: {}
  expected_nodes:
    description: The node count the plan expects (the sum of the node groups' desired sizes).
    type: int
  kubernetes_version:
    description: The planned Kubernetes version; kubelets of another minor version are reported.
    type: str
  restart_threshold:
    description: A container restarted this many times is reported.
    type: int
    default: 5
  creator_subjects:
    description:
      - The subjects that may hold a cluster-admin binding made by this collection, as
        C(Kind:name) or C(Kind:namespace/name) (V(User:admin)).
    type: list
    elements: str
    default: []
  probe:
    description: The in-cluster DNS and Service probe Job (networking check).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run the probe Job., type: bool, default: true}
      namespace: {description: Where the Job runs., type: str, default: default}
      image: {description: An image with C(nslookup) and C(nc) (busybox)., type: str, default: busybox:1.36}
      service_host: {description: The Service host to connect to., type: str, default: kubernetes.default.svc}
      service_port: {description: Its port., type: int, default: 443}
      timeout: {description: Seconds the Job may run (C(activeDeadlineSeconds))., type: float, default: 60}
  plan:
    description: The plan (C(agentic_plan)), for the node count, the version and the plan check.
    type: dict
    default: {}
  infra:
    description: The provisioning outputs (C(agentic_infra)) the plan check compares with the plan.
    type: dict
    default: {}
  manifests:
    description: Rendered manifest files or folders (C(agentic_monitoring.manifests)) for the manifests check.
    type: list
    elements: path
    default: []
  rendered_manifests:
    description:
      - Rendered manifests as objects, for the manifests check; the monitoring agent returns them in
        check mode (C(agentic_monitoring.rendered_manifests)), when it writes no file.
    type: list
    elements: dict
    default: []
  timeout:
    description: Deadline in seconds of every API or HTTP call.
    type: float
    default: 10
  wait_timeout:
    description:
      - Repeat the checks until no critical finding remains, for at most this many seconds
        (0 runs them once). Live mode only.
    type: float
    default: 0
  wait_interval:
    description: Seconds between two rounds while waiting.
    type: float
    default: 10
  fail_on:
    description: Fail on critical findings, on warnings too, or V(never) (the report still tells).
    type: str
    choices: [critical, warning, never]
    default: critical
  sandbox:
    description: A sandbox run (the AWS emulator runs no Kubernetes API), so static.
    type: bool
    default: false
  report_dir:
    description: Write C(health.json), C(health.md) and C(health.html) here (not in check mode).
    type: path
  report_templates_dir:
    description: The collection's C(templates/report) folder; required with O(report_dir).
    type: path
  events_file:
    description: The workflow's C(events.jsonl), read for the report's phase timeline.
    type: path
  workflow_id:
    description: The workflow id shown in the report.
    type: str
    default: ""
attributes:
  check_mode:
    support: full
    description: Runs the static checks only and writes no report file.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
requirements:
  - kubernetes (Python)
  - pydantic
  - Jinja2
  - PyYAML
"""

EXAMPLES = r"""
- name: Validate the cluster the workflow built
  agentic.k8s.cluster_validate:
    kubeconfig: "{{ agentic_infra.kubeconfig_path }}"
    endpoints: "{{ agentic_monitoring.endpoints }}"
    plan: "{{ agentic_plan }}"
    infra: "{{ agentic_infra }}"
    expected_nodes: 3
    wait_timeout: 300
    report_dir: "{{ agentic_workflow.artifacts_dir }}/report"
    report_templates_dir: "{{ role_path }}/../../templates/report"
  register: agentic_validation

- name: Only the nodes and pods of an existing cluster, warnings fail too
  agentic.k8s.cluster_validate:
    kubeconfig: ~/.kube/config
    checks: [nodes, pods]
    fail_on: warning
"""

RETURN = r"""
health:
  description: The C(agentic_health) fact (docs/contracts.md).
  returned: always
  type: dict
  contains:
    mode: {description: live or static., type: str, returned: always}
    score: {description: 0-100 over the checks that ran., type: int, returned: always}
    status: {description: "healthy, degraded or critical.", type: str, returned: always}
    findings:
      description: "C({check, severity, message, evidence, fix}), most severe first."
      type: list
      elements: dict
      returned: always
    checks_run: {description: The checks that ran., type: list, elements: str, returned: always}
    checks_skipped:
      description: "C({check, reason}) for every check that did not run."
      type: list
      elements: dict
      returned: always
    check_scores: {description: The score of each check that ran., type: dict, returned: always}
    report:
      description: "C({json, markdown, html}) paths of the report files (null in check mode)."
      type: dict
      returned: always
    diagnosis: {description: "The LLM's advisory diagnosis, or null.", type: str, returned: always}
  sample:
    mode: live
    score: 92
    status: degraded
    checks_run: [nodes, pods, endpoints, networking, security, plan]
    checks_skipped: [{check: manifests, reason: "no rendered manifests given"}]
rounds:
  description: How many rounds of checks ran (more than one while waiting until healthy).
  returned: always
  type: int
logs:
  description: What the agent did, line by line.
  returned: always
  type: list
  elements: str
llm_usage:
  description: "One C({provider, model, latency_ms, prompt_tokens, completion_tokens, cached}) per LLM call."
  returned: always
  type: list
  elements: dict
"""

import traceback
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.requirements import (
    fail_on_missing_requirements,
)
from ansible_collections.agentic.k8s.plugins.module_utils.llm.options import (
    LLM_ARGUMENT_SPEC,
    settings_from_params,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.agent import (
    ReportTarget,
    validate_cluster,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.diagnosis import llm_diagnose
from ansible_collections.agentic.k8s.plugins.module_utils.validation.settings import parse_settings

PROBE_SPEC = {
    "enabled": {"type": "bool", "default": True},
    "namespace": {"type": "str", "default": "default"},
    "image": {"type": "str", "default": "busybox:1.36"},
    "service_host": {"type": "str", "default": "kubernetes.default.svc"},
    "service_port": {"type": "int", "default": 443},
    "timeout": {"type": "float", "default": 60},
}
CHECKS = ["nodes", "pods", "endpoints", "networking", "security", "manifests", "plan"]


def argument_spec() -> dict:
    return {
        "mode": {"type": "str", "choices": ["auto", "live", "static"], "default": "auto"},
        "checks": {"type": "list", "elements": "str", "choices": CHECKS, "default": CHECKS},
        "kubeconfig": {"type": "path"},
        "context": {"type": "str"},
        "namespaces": {"type": "list", "elements": "str", "default": ["kube-system", "monitoring"]},
        "endpoints": {"type": "dict", "default": {}},
        "expected_nodes": {"type": "int"},
        "kubernetes_version": {"type": "str"},
        "restart_threshold": {"type": "int", "default": 5},
        "creator_subjects": {"type": "list", "elements": "str", "default": []},
        "probe": {"type": "dict", "default": {}, "options": PROBE_SPEC},
        "plan": {"type": "dict", "default": {}},
        "infra": {"type": "dict", "default": {}},
        "manifests": {"type": "list", "elements": "path", "default": []},
        "rendered_manifests": {"type": "list", "elements": "dict", "default": []},
        "timeout": {"type": "float", "default": 10},
        "wait_timeout": {"type": "float", "default": 0},
        "wait_interval": {"type": "float", "default": 10},
        "fail_on": {"type": "str", "choices": ["critical", "warning", "never"], "default": "critical"},
        "sandbox": {"type": "bool", "default": False},
        "report_dir": {"type": "path"},
        "report_templates_dir": {"type": "path"},
        "events_file": {"type": "path"},
        "workflow_id": {"type": "str", "default": ""},
        **LLM_ARGUMENT_SPEC,
    }


def settings_values(params: dict, check_mode: bool) -> dict:
    """The package's ``ValidationSettings`` fields from the module's parameters."""
    probe = dict(params["probe"])
    probe["timeout_s"] = probe.pop("timeout")
    return {
        "mode": params["mode"],
        "checks": params["checks"],
        "kubeconfig_path": params["kubeconfig"] or "",
        "context": params["context"] or "",
        "namespaces": params["namespaces"],
        "endpoints": params["endpoints"],
        "expected_nodes": params["expected_nodes"],
        "kubernetes_version": params["kubernetes_version"],
        "restart_threshold": params["restart_threshold"],
        "creator_subjects": params["creator_subjects"],
        "probe": probe,
        "plan": params["plan"],
        "infra": params["infra"],
        "manifests": params["manifests"],
        "rendered_manifests": params["rendered_manifests"],
        "timeout_s": params["timeout"],
        "wait_timeout_s": params["wait_timeout"],
        "wait_interval_s": params["wait_interval"],
        "fail_on": params["fail_on"],
        "sandbox": params["sandbox"],
        "check_mode": check_mode,
    }


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_by={"report_dir": "report_templates_dir"},
    )
    fail_on_missing_requirements(module)
    params = module.params
    write = params["report_dir"] is not None and not module.check_mode
    target = ReportTarget(
        report_dir=Path(params["report_dir"]) if write else None,
        templates_dir=Path(params["report_templates_dir"]) if write else None,
        events_file=Path(params["events_file"]) if params["events_file"] else None,
        workflow_id=params["workflow_id"],
    )
    try:
        llm_settings = settings_from_params(params)
        run = validate_cluster(
            parse_settings(settings_values(params, module.check_mode)),
            target,
            diagnose=llm_diagnose(llm_settings) if llm_settings is not None else None,
        )
    except AgenticError as error:
        module.fail_json(msg=error.message, exception=traceback.format_exc(), **error.details)
    result = {
        "changed": False,
        "health": run.report.as_fact(),
        "rounds": run.rounds,
        "logs": run.logs,
        "llm_usage": run.llm_usage,
    }
    if run.failed:
        module.fail_json(msg=run.message, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
