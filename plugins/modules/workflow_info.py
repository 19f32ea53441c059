#!/usr/bin/python
# Copyright: agentic.k8s maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List recorded workflows with their agent executions, and the agent system's metrics."""

from __future__ import annotations

DOCUMENTATION = r"""
module: workflow_info
short_description: List agentic.k8s workflows, their agent executions and the system's metrics
version_added: 0.1.0
description:
  - Reads the state store the C(agentic.k8s.state_recorder) callback writes (SQLite, PostgreSQL or
    JSON files) and returns the workflows, newest first, each with its agent executions and LLM calls.
  - Computes the seed's metrics over them, named as in the monitoring dashboard and the metrics
    export (C(agentic_k8s_agent_duration_seconds), C(agentic_k8s_agent_executions_total),
    C(agentic_k8s_llm_calls_total)...).
  - Read-only; the same options as the callback, each falling back to the callback's environment variable.
author: agentic.k8s maintainers (@agentic-k8s)
extends_documentation_fragment:
  - agentic.k8s.state
options:
  workflow_id:
    description: Only this workflow.
    type: str
  status:
    description: Only workflows in these statuses.
    type: list
    elements: str
    default: []
    choices: [RUNNING, AWAITING_APPROVAL, COMPLETED, COMPLETED_WITH_WARNINGS, FAILED, ROLLED_BACK,
              ROLLBACK_FAILED, INTERRUPTED]
  limit:
    description: At most this many workflows (the newest).
    type: int
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Reads only.
requirements:
  - psycopg 3 for O(backend=postgres)
"""

EXAMPLES = r"""
- name: Read one workflow, e.g. to resume it
  agentic.k8s.workflow_info:
    workflow_id: "{{ agentic_workflow.id }}"
  register: agentic_state

- name: The failed workflows in the shared PostgreSQL store, with the metrics
  agentic.k8s.workflow_info:
    backend: postgres
    dsn: "{{ lookup('ansible.builtin.env', 'AGENTIC_K8S_STATE_DSN') }}"
    sslmode: verify-full
    status: [FAILED, ROLLBACK_FAILED]
"""

RETURN = r"""
workflows:
  description: The workflows, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    workflow_id:
      description: "C({platform}-{cluster_env}-{short id})."
      type: str
      returned: always
    status: {description: The workflow status., type: str, returned: always}
    platform: {description: "eks, k3s, aks or gke.", type: str, returned: always}
    environment: {description: "dev, staging or prod.", type: str, returned: always}
    attempts:
      description: How many runs worked on it (a resume is a new attempt).
      type: int
      returned: always
    config: {description: The validated inputs (redacted)., type: dict, returned: always}
    outputs:
      description: The last output of each agent, warnings, the failed phase.
      type: dict
      returned: always
    errors:
      description: "The errors, each C({id, attempt, task, message, at})"
      type: list
      returned: always
    created_at: {description: ISO 8601 UTC., type: str, returned: always}
    updated_at: {description: ISO 8601 UTC., type: str, returned: always}
    owner_host:
      description: The host of the run that holds (or held) it.
      type: str
      returned: always
    owner_pid:
      description: The pid of the run holding it while RUNNING, else null.
      type: int
      returned: always
    heartbeat_at:
      description: The last heartbeat of the run holding it.
      type: str
      returned: always
    executions:
      description: The agent executions, in start order.
      type: list
      elements: dict
      returned: always
      contains:
        execution_id: {description: Unique id., type: str, returned: always}
        agent_name: {description: The agent module., type: str, returned: always}
        status:
          description: RUNNING, SUCCEEDED, FAILED, SKIPPED or INTERRUPTED.
          type: str
          returned: always
        attempt: {description: The workflow attempt it belongs to., type: int, returned: always}
        started_at: {description: ISO 8601 UTC., type: str, returned: always}
        completed_at: {description: ISO 8601 UTC., type: str, returned: always}
        duration_seconds:
          description: Seconds from start to completion.
          type: float
          returned: when the execution completed
        input_data: {description: The module arguments (redacted)., type: raw, returned: always}
        output_data:
          description: The module result (redacted) the next phases (and a resume) read.
          type: raw
          returned: always
        error_message: {description: Why it failed., type: str, returned: always}
        logs: {description: The result's log lines., type: list, elements: str, returned: always}
        llm_calls:
          description:
            - One per entry of the module result's C(llm_usage).
            - C({call_id, execution_id, provider, model, latency_ms, prompt_tokens, completion_tokens,
              cached, created_at})
          type: list
          elements: dict
          returned: always
  sample:
    - workflow_id: eks-dev-1a2b3c4d
      status: COMPLETED
      attempts: 1
logs:
  description: What was read, from which backend.
  returned: always
  type: list
  elements: str
metrics:
  description:
    - The metrics by name; counters are C({labels, value}) samples, durations
      C({labels, count, sum, max}) in seconds.
  returned: always
  type: dict
  sample:
    agentic_k8s_agent_executions_total:
      - labels: {agent: tf_provision, platform: eks, status: SUCCEEDED}
        value: 3
"""

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.home import agentic_home
from ansible_collections.agentic.k8s.plugins.module_utils.state.info import (
    STATE_ARGUMENT_SPEC,
    STATE_ENVIRONMENT,
    read_workflows,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import settings_from_options


def argument_spec() -> dict:
    spec = {
        name: {**option, "fallback": (env_fallback, [STATE_ENVIRONMENT[name]])}
        for name, option in STATE_ARGUMENT_SPEC.items()
    }
    spec.update(
        workflow_id={"type": "str"},
        status={
            "type": "list",
            "elements": "str",
            "default": [],
            "choices": [
                "RUNNING",
                "AWAITING_APPROVAL",
                "COMPLETED",
                "COMPLETED_WITH_WARNINGS",
                "FAILED",
                "ROLLED_BACK",
                "ROLLBACK_FAILED",
                "INTERRUPTED",
            ],
        },
        limit={"type": "int"},
    )
    return spec


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        result = read_workflows(
            settings_from_options(module.params.get),
            agentic_home(),
            workflow_id=module.params["workflow_id"],
            statuses=module.params["status"],
            limit=module.params["limit"],
        )
    except AgenticError as error:
        module.fail_json(msg=error.message, exception=traceback.format_exc(), **error.details)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
