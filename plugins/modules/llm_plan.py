#!/usr/bin/python
# Copyright: agentic.k8s maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner agent: size a cluster from its workload, optionally let an LLM tune the plan within
the rules, and store the accepted plan with the cluster."""

from __future__ import annotations

DOCUMENTATION = r"""
module: llm_plan
short_description: Plan a Kubernetes cluster (sizing, best practices, time, cost), LLM-tuned within rules
description:
  - Phase 2 (planning) of the agentic.k8s workflow. Sizes the node group from the workload's requests
    with the curated per-platform catalog (instance types, regions, limits, prices, phase durations),
    decides the zones, the control-plane options and the Prometheus sizing, estimates time to cluster
    and monthly cost, and reports best-practice findings and the rationale of every choice.
  - With an LLM provider configured, the LLM may suggest changes to the tunable fields only
    (instance type, node counts, disk size, metrics retention). Each suggestion is validated and
    clamped by the deterministic rules; accepted and rejected suggestions are returned with reasons.
    Any failure of the provider or of its answer keeps the deterministic plan, with a warning finding.
  - The accepted plan is stored with the cluster in C($AGENTIC_K8S_HOME/clusters/<cluster_key>/plan.json)
    and every later run for the cluster reuses it unless O(replan=true), so an LLM never resizes a
    running cluster on its own.
version_added: 0.1.0
author: agentic.k8s maintainers (@agentic-k8s)
extends_documentation_fragment:
  - agentic.k8s.llm
options:
  platform:
    description: The platform; an entry of the catalog (the shipped one has eks, k3s, aks and gke).
    type: str
    required: true
  cluster_env:
    description: The environment; prod spreads over 3 zones with at least 3 nodes, dev may use 1.
    type: str
    choices: [dev, staging, prod]
    default: dev
  region:
    description: A region of the platform's catalog entry; any other is refused.
    type: str
    required: true
  kubernetes_version:
    description:
      - The Kubernetes minor version; the catalog's default when omitted.
      - An unsupported version is an error finding.
    type: str
  expected_pods:
    description: The number of pods the workload runs.
    type: int
    default: 30
  cpu_request_cores:
    description: The sum of the workload's CPU requests, in cores.
    type: float
    default: 2.0
  memory_request_gib:
    description: The sum of the workload's memory requests, in GiB.
    type: float
    default: 4.0
  ha:
    description: Spread over 3 zones even outside prod. staging and prod are always highly available.
    type: bool
  monthly_budget_usd:
    description:
      - A monthly budget in USD. A plan over it gets a warning finding; LLM suggestions that
        push the plan over it are rejected.
    type: float
  expected_series:
    description: Active Prometheus series; estimated from nodes and pods when omitted.
    type: int
  retention_days:
    description: Prometheus retention in days (a pin; the environment's default when omitted).
    type: int
  instance_type:
    description: Pin the node instance type (one of the catalog's types for the platform and region).
    type: str
  disk_gib:
    description: Pin the node disk size in GiB (within the catalog's limits).
    type: int
  min_nodes:
    description: Pin the node group's minimum size (1..1000; at least 3 for prod).
    type: int
  desired_nodes:
    description: Pin the node group's desired size (1..1000, at least O(min_nodes)).
    type: int
  max_nodes:
    description:
      - Pin the node group's maximum size (1..1000, at least O(desired_nodes), within the platform's limit).
    type: int
  public_access_cidrs:
    description: CIDRs allowed to reach the public API endpoint; none means open to the internet (a finding).
    type: list
    elements: str
    default: []
  controller_in_vpc:
    description:
      - The controller running this workflow is inside the cluster's VPC (allows a private-only endpoint).
    type: bool
    default: false
  private_endpoint_only:
    description:
      - Ask for a private-only API endpoint. Honoured only with O(controller_in_vpc=true); otherwise the
        public endpoint stays (restricted to O(public_access_cidrs)) and a warning finding says why.
    type: bool
    default: false
  catalog_file:
    description: The catalog (YAML); the planner role passes its C(files/catalog.yml) unless overridden.
    type: path
    required: true
  cluster_key:
    description:
      - The cluster's stable key C(<platform>-<cluster_env>-<cluster_name>); the plan is stored under it.
    type: str
    required: true
  home:
    description: The agentic home folder; defaults to E(AGENTIC_K8S_HOME), then C(~/.local/state/agentic-k8s).
    type: path
  artifacts_dir:
    description: The workflow's artifacts folder; a copy of the plan is written there as C(plan.json).
    type: path
  replan:
    description: Plan again even if the cluster has a stored plan, and store the new one.
    type: bool
    default: false
  optimise:
    description: Ask the configured LLM for suggestions; V(false) keeps the deterministic plan.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Plans (and may call the LLM) but writes no file; C(changed) says whether it would.
  diff_mode:
    description:
      - Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: Shows the stored plan against the new one.
requirements:
  - pydantic >= 2
  - openai, anthropic or ollama (only for the provider in use)
notes:
  - The catalog's prices are list prices as of its C(prices_as_of) date; the estimate is a guide, not a quote.
"""

EXAMPLES = r"""
- name: Plan a production EKS cluster, deterministic only
  agentic.k8s.llm_plan:
    platform: eks
    cluster_env: prod
    region: eu-west-3
    cluster_key: eks-prod-shop
    catalog_file: "{{ role_path }}/files/catalog.yml"
    expected_pods: 120
    cpu_request_cores: 40
    memory_request_gib: 96
    public_access_cidrs: [203.0.113.0/24]
    llm_provider: none
  register: planning

- name: Plan with an OpenAI-compatible local server tuning the plan
  agentic.k8s.llm_plan:
    platform: k3s
    region: us-east-1
    cluster_key: k3s-dev-lab
    catalog_file: /etc/agentic/catalog.yml
    llm_provider: openai
    llm_base_url: http://127.0.0.1:8080/v1
    llm_model: local
"""

RETURN = r"""
plan:
  description: The plan (the C(agentic_plan) fact of docs/contracts.md).
  returned: success
  type: dict
  contains:
    node_groups:
      description:
        - Node groups with instance type, vCPU, memory, max pods, min/desired/max sizes, disk, hourly price.
      type: list
      elements: dict
    control_plane:
      description: Endpoint access, allowed CIDRs, audit logs, log types and secrets encryption.
      type: dict
    monitoring:
      description: Prometheus retention, storage, expected series and resource requests.
      type: dict
    execution_plan:
      description: The workflow's phases with their estimated durations on this platform.
      type: list
      elements: dict
    estimates:
      description: Time to cluster (minutes), monthly cost (USD) and the date of the catalog's prices.
      type: dict
    decisions:
      description: Every choice with its value and rationale.
      type: list
      elements: dict
    source:
      description:
        - C(deterministic), C(llm) (suggestions were accepted) or C(stored) (the cluster's stored plan).
      type: str
    optimisation:
      description:
        - What the LLM pass did and why; C(status) is C(not-configured), C(disabled), C(applied),
          C(unchanged), C(fallback) or C(stored-plan).
      type: dict
findings:
  description: Best-practice findings C({severity, code, message}) (severity info, warning or error).
  returned: success
  type: list
  elements: dict
suggestions:
  description:
    - The LLM's suggestions, C(accepted) and C(rejected), each with the planner's verdict in C(outcome).
  returned: success
  type: dict
plan_file:
  description: Where the cluster's accepted plan is stored.
  returned: success
  type: str
llm_usage:
  description:
    - One entry per LLM call C({provider, model, latency_ms, prompt_tokens, completion_tokens, cached}).
  returned: always
  type: list
  elements: dict
logs:
  description: What the planner did, line by line.
  returned: always
  type: list
  elements: str
"""

from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.home import agentic_home
from ansible_collections.agentic.k8s.plugins.module_utils.common.requirements import (
    fail_on_missing_requirements,
)
from ansible_collections.agentic.k8s.plugins.module_utils.llm.options import (
    LLM_ARGUMENT_SPEC,
    settings_from_params,
)
from ansible_collections.agentic.k8s.plugins.module_utils.planner.service import PlanRequest, plan_cluster

INPUT_OPTIONS = (
    "platform",
    "cluster_env",
    "region",
    "kubernetes_version",
    "expected_pods",
    "cpu_request_cores",
    "memory_request_gib",
    "ha",
    "monthly_budget_usd",
    "expected_series",
    "retention_days",
    "instance_type",
    "disk_gib",
    "min_nodes",
    "desired_nodes",
    "max_nodes",
    "public_access_cidrs",
    "controller_in_vpc",
    "private_endpoint_only",
)

ARGUMENT_SPEC = {
    "platform": {"type": "str", "required": True},
    "cluster_env": {"type": "str", "choices": ["dev", "staging", "prod"], "default": "dev"},
    "region": {"type": "str", "required": True},
    "kubernetes_version": {"type": "str"},
    "expected_pods": {"type": "int", "default": 30},
    "cpu_request_cores": {"type": "float", "default": 2.0},
    "memory_request_gib": {"type": "float", "default": 4.0},
    "ha": {"type": "bool"},
    "monthly_budget_usd": {"type": "float"},
    "expected_series": {"type": "int"},
    "retention_days": {"type": "int"},
    "instance_type": {"type": "str"},
    "disk_gib": {"type": "int"},
    "min_nodes": {"type": "int"},
    "desired_nodes": {"type": "int"},
    "max_nodes": {"type": "int"},
    "public_access_cidrs": {"type": "list", "elements": "str", "default": []},
    "controller_in_vpc": {"type": "bool", "default": False},
    "private_endpoint_only": {"type": "bool", "default": False},
    "catalog_file": {"type": "path", "required": True},
    "cluster_key": {"type": "str", "required": True, "no_log": False},
    "home": {"type": "path"},
    "artifacts_dir": {"type": "path"},
    "replan": {"type": "bool", "default": False},
    "optimise": {"type": "bool", "default": True},
    **LLM_ARGUMENT_SPEC,
}


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    fail_on_missing_requirements(module)
    params = module.params
    try:
        home = Path(params["home"]) if params["home"] else agentic_home()
        settings = settings_from_params(params, home=home) if params["optimise"] else None
        request = PlanRequest(
            inputs={name: params[name] for name in INPUT_OPTIONS},
            catalog_file=params["catalog_file"],
            home=home,
            cluster_key=params["cluster_key"],
            artifacts_dir=Path(params["artifacts_dir"]) if params["artifacts_dir"] else None,
            replan=params["replan"],
            optimise=params["optimise"],
        )
        outcome = plan_cluster(request, settings, check_mode=module.check_mode)
    except AgenticError as error:
        module.fail_json(msg=error.message, llm_usage=[], logs=[], **error.details)
    result = {
        "changed": outcome.changed,
        "plan": outcome.plan,
        "findings": outcome.plan["findings"],
        "suggestions": outcome.plan["suggestions"],
        "plan_file": outcome.plan_file,
        "llm_usage": outcome.llm_usage,
        "logs": outcome.logs,
    }
    if module._diff:
        result["diff"] = {"before": outcome.before or {}, "after": outcome.plan}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
