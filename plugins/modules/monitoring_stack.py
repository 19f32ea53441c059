# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitoring agent: kube-prometheus-stack, curated alert rules, dashboards and RBAC, rendered
for review or GitOps, or applied to a cluster."""

from __future__ import annotations

DOCUMENTATION = r"""
module: monitoring_stack
short_description: Render or apply the monitoring stack (kube-prometheus-stack, alerts, dashboards, RBAC)
description:
  - Phase 4 (configuration) of the agentic.k8s workflow, reusable on any cluster with a kubeconfig.
  - Builds the desired state from the platform and the plan's monitoring sizing
    (C(agentic_plan.monitoring)); the chart kube-prometheus-stack at a pinned version with generated
    values (retention, storage, Prometheus requests; on the managed control planes eks, aks and gke the
    etcd, controller-manager and scheduler scrapes and their alerts turned off, and on k3s unless
    O(scrape_control_plane=true);
    C(serviceMonitorSelectorNilUsesHelmValues=false) so the team's own monitors are picked up;
    Grafana's admin credentials from an existing Secret); curated PrometheusRules, each alert with
    severity, summary, description and a C(runbook_url); Grafana dashboards (cluster overview and the
    collection's own metrics) as ConfigMaps for the chart's sidecar; dedicated ServiceAccounts with
    least-privilege roles, including the read-only identity of M(agentic.k8s.cluster_validate).
  - Every manifest is validated offline (kubernetes-validate strict for core kinds, the
    prometheus-operator models for its custom resources) and the rules by C(promtool check rules)
    when promtool is on PATH.
  - O(mode=render) writes the values file, one file per manifest of our own and an Argo CD
    Application and a Flux HelmRelease for GitOps under O(dest); nothing touches a cluster.
  - O(mode=apply) renders, then creates the Grafana admin Secret when it does not exist (a random
    password, never written to a file, values or logs), runs C(helm upgrade --install --atomic --wait),
    waits for the operator's CRDs to be Established and server-side-applies the other objects with the
    field manager C(agentic-k8s). Files are written only when their content changes and helm runs only
    when the chart version or the values differ, so a second run reports C(changed=false).
version_added: 0.1.0
author: agentic.k8s maintainers (@agentic-k8s)
options:
  platform:
    description: The cluster's platform; eks, aks and gke have managed control planes.
    type: str
    required: true
    choices: [eks, k3s, aks, gke]
  mode:
    description: C(render) writes files only; C(apply) also installs and applies to the cluster.
    type: str
    choices: [render, apply]
    default: render
  dest:
    description:
      - The folder of the rendered files (C(values.yaml), C(manifests/), C(gitops/)); the role passes
        C(<artifacts_dir>/manifests/monitoring).
    type: path
    required: true
  plan:
    description:
      - The plan (the C(agentic_plan) fact); its C(monitoring) sizing and C(kubernetes_version) are used
        where the options below are not set.
    type: dict
  cluster_key:
    description: The cluster's key, set as Prometheus' external label C(cluster).
    type: str
  namespace:
    description: The namespace of the stack (a DNS-1123 label).
    type: str
    default: monitoring
  release_name:
    description: The Helm release name; it prefixes the Services (C(<release>-prometheus) ...).
    type: str
    default: kube-prometheus-stack
  chart_version:
    description: The kube-prometheus-stack chart version; the collection's pinned version when omitted.
    type: str
  chart_repo:
    description: The http(s) URL of the chart repository; the prometheus-community repository when omitted.
    type: str
  retention_days:
    description: Prometheus retention in days (1-3650); the plan's, else 15.
    type: int
  storage_gib:
    description: The Prometheus volume size in GiB (1-65536); the plan's, else 50.
    type: int
  prometheus_cpu_request:
    description: The Prometheus CPU request (a quantity such as C(500m)); the plan's, else C(500m).
    type: str
  prometheus_memory_request:
    description: The Prometheus memory request (a quantity such as C(2Gi)); the plan's, else C(2Gi).
    type: str
  scrape_control_plane:
    description:
      - k3s only; scrape etcd, the controller-manager and the scheduler, and keep their default alerts.
      - k3s binds their metrics to 127.0.0.1 unless its server runs with C(bind-address=0.0.0.0)
        arguments, so they are off by default; managed control planes (eks, aks, gke) cannot be
        scraped at all and ignore this option.
    type: bool
    default: false
  storage_class:
    description: The StorageClass of the Prometheus volume; the cluster's default when omitted.
    type: str
  runbook_base_url:
    description:
      - The URL of the RUNBOOK; each alert's C(runbook_url) is this URL plus the anchor of the alert's
        RUNBOOK section.
    type: str
    default: https://example.invalid/RUNBOOK.md
  grafana_admin_secret:
    description: The name of the Secret holding Grafana's admin user and password.
    type: str
    default: agentic-grafana-admin
  pushgateway_target:
    description:
      - C(host:port) of a Pushgateway that holds the collection's own metrics (or of a node-exporter
        whose textfile collector reads the exported file); Prometheus scrapes it (job
        C(agentic-k8s-pushgateway), labels kept) for the self-metrics dashboard and alerts.
    type: str
  gitops_repo_url:
    description:
      - A Git repository holding the rendered C(manifests/) folder; when set, the GitOps output also
        syncs that folder (an Argo CD Application, a Flux GitRepository and Kustomization).
    type: str
  gitops_path:
    description: The folder of the manifests in O(gitops_repo_url).
    type: str
    default: monitoring
  gitops_revision:
    description: The branch or revision of O(gitops_repo_url).
    type: str
    default: main
  kubeconfig_path:
    description: The kubeconfig of the cluster; required with O(mode=apply).
    type: path
  kube_context:
    description: The kubeconfig context; the current context when omitted.
    type: str
  helm_timeout:
    description: Seconds helm may wait for the release to become ready (C(--timeout)).
    type: int
    default: 600
  api_timeout:
    description: The deadline in seconds of each Kubernetes API call.
    type: float
    default: 30
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Renders in memory and returns the manifests (RV(rendered_manifests)); with O(mode=apply) and a
        reachable cluster, reads the release and server-side dry-runs every object.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode).
    support: full
    details: The rendered files, the Helm values and the live objects against the desired ones.
requirements:
  - pydantic >= 2
  - kubernetes
  - kubernetes-validate
  - cloudcoil-models-prometheus-operator
  - grafana-foundation-sdk
  - PyYAML
  - helm on PATH (only with O(mode=apply))
notes:
  - The chart's own manifests cannot be rendered without helm and the chart; the rendered files are
    the values and the objects of this collection.
  - For GitOps, create the Grafana admin Secret in the cluster (or with your secret manager) under
    O(grafana_admin_secret) with the keys C(admin-user) and C(admin-password).
"""

EXAMPLES = r"""
- name: Render the stack for review and GitOps
  agentic.k8s.monitoring_stack:
    platform: eks
    plan: "{{ agentic_plan }}"
    dest: "{{ agentic_workflow.artifacts_dir }}/manifests/monitoring"
    runbook_base_url: https://git.example.com/ops/cluster/-/blob/main/docs/RUNBOOK.md

- name: Install it on an existing cluster
  agentic.k8s.monitoring_stack:
    platform: k3s
    mode: apply
    kubeconfig_path: ~/.kube/config
    dest: /srv/monitoring
    retention_days: 30
    storage_gib: 100
"""

RETURN = r"""
mode:
  description: The mode that ran.
  returned: always
  type: str
namespace:
  description: The namespace of the stack.
  returned: always
  type: str
chart:
  description: The chart C({name, repo, version}).
  returned: always
  type: dict
values_file:
  description: The path of the values file (written unless in check mode).
  returned: always
  type: str
manifests_dir:
  description: The folder of our own manifests.
  returned: always
  type: str
manifests:
  description: The paths of our own manifests, in apply order.
  returned: always
  type: list
  elements: str
gitops_dir:
  description: The folder of the Argo CD and Flux objects.
  returned: always
  type: str
applied:
  description: Whether the stack was applied to a cluster.
  returned: always
  type: bool
cluster_reachable:
  description: Whether a Kubernetes API answered (only tried with O(mode=apply)).
  returned: always
  type: bool
endpoints:
  description: C(prometheus), C(alertmanager) and C(grafana), each C({service, namespace, port, url}).
  returned: always
  type: dict
alerts:
  description: The curated alerts C([{name, severity, summary, description, runbook_url}]).
  returned: always
  type: list
  elements: dict
dashboards:
  description: The titles of the dashboards.
  returned: always
  type: list
  elements: str
objects:
  description: With O(mode=apply), each object's C({ref, action}) (created, configured, unchanged, would ...).
  returned: always
  type: list
  elements: dict
helm:
  description: With O(mode=apply), the release C({release, action, revision}).
  returned: always
  type: dict
rendered_manifests:
  description: In check mode, the manifests themselves (nothing is written).
  returned: check mode
  type: list
  elements: dict
rendered_values:
  description: In check mode, the chart values themselves.
  returned: check mode
  type: dict
logs:
  description: What the module did, line by line.
  returned: always
  type: list
  elements: str
"""


from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.redact import redact
from ansible_collections.agentic.k8s.plugins.module_utils.common.requirements import (
    fail_on_missing_requirements,
)
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.run import (
    build_request,
    run_monitoring,
)
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import build_spec

SPEC_OPTIONS = (
    "platform",
    "cluster_key",
    "namespace",
    "release_name",
    "chart_version",
    "chart_repo",
    "retention_days",
    "storage_gib",
    "prometheus_cpu_request",
    "prometheus_memory_request",
    "storage_class",
    "runbook_base_url",
    "grafana_admin_secret",
    "pushgateway_target",
    "gitops_repo_url",
    "gitops_path",
    "gitops_revision",
)

ARGUMENT_SPEC = {
    "platform": {"type": "str", "required": True, "choices": ["eks", "k3s", "aks", "gke"]},
    "mode": {"type": "str", "choices": ["render", "apply"], "default": "render"},
    "dest": {"type": "path", "required": True},
    "plan": {"type": "dict"},
    "cluster_key": {"type": "str", "no_log": False},
    "namespace": {"type": "str", "default": "monitoring"},
    "release_name": {"type": "str", "default": "kube-prometheus-stack"},
    "chart_version": {"type": "str"},
    "chart_repo": {"type": "str"},
    "retention_days": {"type": "int"},
    "storage_gib": {"type": "int"},
    "prometheus_cpu_request": {"type": "str"},
    "prometheus_memory_request": {"type": "str"},
    "storage_class": {"type": "str"},
    "scrape_control_plane": {"type": "bool", "default": False},
    "runbook_base_url": {"type": "str", "default": "https://example.invalid/RUNBOOK.md"},
    "grafana_admin_secret": {"type": "str", "default": "agentic-grafana-admin", "no_log": False},
    "pushgateway_target": {"type": "str"},
    "gitops_repo_url": {"type": "str"},
    "gitops_path": {"type": "str", "default": "monitoring"},
    "gitops_revision": {"type": "str", "default": "main"},
    "kubeconfig_path": {"type": "path"},
    "kube_context": {"type": "str"},
    "helm_timeout": {"type": "int", "default": 600},
    "api_timeout": {"type": "float", "default": 30},
}


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    fail_on_missing_requirements(module)
    params = module.params
    try:
        spec = build_spec({name: params[name] for name in SPEC_OPTIONS}, params["plan"])
        request = build_request(
            mode=params["mode"],
            dest=params["dest"],
            kubeconfig_path=params["kubeconfig_path"] or "",
            kube_context=params["kube_context"] or "",
            check_mode=module.check_mode,
            diff=module._diff,
            helm_timeout_s=params["helm_timeout"],
            api_timeout_s=params["api_timeout"],
        )
        result = run_monitoring(spec, request)
    except AgenticError as error:
        module.fail_json(msg=error.message, **redact(error.details))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
