#!/usr/bin/python
# Copyright: agentic.k8s maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module ``agentic.k8s.metrics_export``: the agent metrics as a Prometheus textfile and/or a push."""

from __future__ import annotations

DOCUMENTATION = r"""
module: metrics_export
short_description: Export the agent system's own metrics to Prometheus
version_added: "0.1.0"
author: agentic.k8s maintainers (@agentic-k8s)
description:
  - Writes the agent metrics (execution time per agent, executions by status, workflows by status,
    LLM calls, latency and tokens, under the names of C(module_utils/state/metrics.py)) as a
    Prometheus textfile for node-exporter's textfile collector, and pushes them to a Prometheus
    Pushgateway when O(pushgateway_url) is given.
  - The textfile is written atomically and only when its content changes.
  - A push replaces the metrics of the O(job) group on the Pushgateway (HTTP PUT).
options:
  metrics:
    description:
      - "The samples per metric name, as M(agentic.k8s.workflow_info) returns them in C(metrics):
        counters and gauges C({labels, value}), durations C({labels, count, sum, max})
        (exported as Prometheus summaries: count and sum)."
      - Names must be those of C(module_utils/state/metrics.py); C(*_total) names are counters,
        the rest gauges.
    type: dict
    required: true
  textfile:
    description: Path of the C(.prom) file in node-exporter's C(--collector.textfile.directory).
    type: path
  pushgateway_url:
    description: Base URL of a Prometheus Pushgateway, for example C(http://pushgateway:9091).
    type: str
  job:
    description: The Pushgateway job label.
    type: str
    default: agentic_k8s
  grouping_key:
    description: "Extra grouping labels of the push (for example C({instance: controller-1}))."
    type: dict
    default: {}
  timeout:
    description: Deadline of the push, in seconds.
    type: float
    default: 10
attributes:
  check_mode:
    description: >-
      Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Nothing is written or pushed; C(changed) says whether the textfile would change.
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in check_mode), when in
      diff mode.
    support: none
requirements:
  - prometheus-client
"""

EXAMPLES = r"""
- name: Read the agent metrics from the state store
  agentic.k8s.workflow_info:
  register: agentic_history

- name: Export them for node-exporter and to the Pushgateway
  agentic.k8s.metrics_export:
    metrics: "{{ agentic_history.metrics }}"
    textfile: /var/lib/prometheus/node-exporter/agentic_k8s.prom
    pushgateway_url: http://pushgateway.monitoring:9091
"""

RETURN = r"""
textfile:
  description: The textfile written (or that would be), when O(textfile) was given.
  type: str
  returned: always
pushed:
  description: Whether the metrics were pushed to the Pushgateway.
  type: bool
  returned: always
series:
  description: Number of samples exported.
  type: int
  returned: always
logs:
  description: What was done, one line each.
  type: list
  elements: str
  returned: always
"""


from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.requirements import (
    fail_on_missing_requirements,
)
from ansible_collections.agentic.k8s.plugins.module_utils.metrics_export import export as metrics

ARGUMENT_SPEC = {
    "metrics": {"type": "dict", "required": True},
    "textfile": {"type": "path"},
    "pushgateway_url": {"type": "str"},
    "job": {"type": "str", "default": "agentic_k8s"},
    "grouping_key": {"type": "dict", "default": {}, "no_log": False},
    "timeout": {"type": "float", "default": 10},
}


def main() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_one_of=[("textfile", "pushgateway_url")],
        supports_check_mode=True,
    )
    fail_on_missing_requirements(module)
    params = dict(module.params)
    params["timeout_s"] = params.pop("timeout")
    try:
        module.exit_json(**metrics.export(metrics.parse_request(params), check_mode=module.check_mode))
    except AgenticError as error:
        module.fail_json(msg=error.message, **error.details)


if __name__ == "__main__":
    main()
