#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documentation agent: documents of the cluster actually built, from the workflow's facts."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: docs_generate
short_description: Write the documents of a cluster built by the agentic.k8s workflow
version_added: "0.1.0"
description:
  - Renders C(README.md), C(ARCHITECTURE.md) (with a Mermaid diagram generated from the Terraform
    resources), C(RUNBOOK.md) (one section per alert, titled with the alert's name so that its
    C(runbook_url) anchor lands on it, and day-2 operations), C(TROUBLESHOOTING.md), C(DECISIONS.md)
    and the configuration export C(configuration.yaml) and C(configuration.json) from the
    workflow's facts, into O(docs_dir).
  - The templates are the collection's C(templates/docs/*.md.j2); what the documents know about
    alerts and platforms is C(templates/docs/knowledge.yml).
  - Missing facts (a failed or rolled-back workflow has no O(infra) or O(health)) give complete
    documents that say what was not recorded.
  - Every fact is redacted before rendering; a kubeconfig appears as its path, never its content.
  - Idempotent; a document is written only when its text changed, and the documents hold no time of
    rendering, so unchanged inputs leave every file untouched and return C(changed=false).
  - With an LLM provider configured (the C(llm_*) options), README.md starts with a summary marked
    as generated; without one, or when the provider fails, the documents are complete without it.
author:
  - agentic.k8s maintainers (@agentic-k8s)
extends_documentation_fragment:
  - agentic.k8s.llm
options:
  workflow:
    description: The C(agentic_workflow) fact; C(id) and C(artifacts_dir) are required.
    type: dict
    required: true
  plan:
    description: The C(agentic_plan) fact; empty when planning did not complete.
    type: dict
    default: {}
  infra:
    description: The C(agentic_infra) fact; empty when provisioning did not complete.
    type: dict
    default: {}
  monitoring:
    description: The C(agentic_monitoring) fact; empty when configuration did not complete.
    type: dict
    default: {}
  health:
    description: The C(agentic_health) fact; empty when validation did not complete.
    type: dict
    default: {}
  executions:
    description:
      - The workflow's state records, the C(executions) of one item of
        M(agentic.k8s.workflow_info)'s C(workflows); they give the phase timeline and the failed
        executions in TROUBLESHOOTING.md.
    type: list
    elements: dict
    default: []
  docs_dir:
    description: Where the documents go; default C(<workflow.artifacts_dir>/docs).
    type: path
  templates_dir:
    description:
      - The folder of the document templates; default the collection's C(templates/docs), which the
        module's action plugin resolves on the controller.
    type: path
attributes:
  check_mode:
    support: full
    description: Renders everything, reports what would change, writes nothing.
  diff_mode:
    support: full
    description: Shows the changed documents.
notes:
  - "Runs on the controller (C(connection: local))."
"""

EXAMPLES = r"""
- name: Document the workflow's cluster
  agentic.k8s.docs_generate:
    workflow: "{{ agentic_workflow }}"
    plan: "{{ agentic_plan | default({}) }}"
    infra: "{{ agentic_infra | default({}) }}"
    monitoring: "{{ agentic_monitoring | default({}) }}"
    health: "{{ agentic_health | default({}) }}"
  register: docs

- name: Document into a chosen folder, with a generated summary from a local OpenAI-compatible server
  agentic.k8s.docs_generate:
    workflow: "{{ agentic_workflow }}"
    plan: "{{ agentic_plan }}"
    docs_dir: /srv/cluster-docs
    llm_provider: openai
    llm_base_url: http://127.0.0.1:8080/v1
    llm_model: gemma3
"""

RETURN = r"""
dir:
  description: The folder of the documents.
  returned: always
  type: str
  sample: /root/.local/state/agentic-k8s/workflows/eks-prod-3f9c2a1b/docs
files:
  description: Every document's path.
  returned: always
  type: list
  elements: str
changed_files:
  description: The documents whose text changed (in check mode, the ones that would change).
  returned: always
  type: list
  elements: str
  sample: [README.md, RUNBOOK.md]
logs:
  description: What the agent did, one line per step.
  returned: always
  type: list
  elements: str
llm_usage:
  description: One entry per LLM call made for the summary (provider, model, latency_ms, tokens, cached).
  returned: always
  type: list
  elements: dict
"""


from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.requirements import (
    fail_on_missing_requirements,
)
from ansible_collections.agentic.k8s.plugins.module_utils.docs.agent import document_workflow
from ansible_collections.agentic.k8s.plugins.module_utils.llm.options import LLM_ARGUMENT_SPEC

FACT_OPTIONS = ("workflow", "plan", "infra", "monitoring", "health", "executions")


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "workflow": {"type": "dict", "required": True},
            "plan": {"type": "dict", "default": {}},
            "infra": {"type": "dict", "default": {}},
            "monitoring": {"type": "dict", "default": {}},
            "health": {"type": "dict", "default": {}},
            "executions": {"type": "list", "elements": "dict", "default": []},
            "docs_dir": {"type": "path"},
            "templates_dir": {"type": "path"},
            **LLM_ARGUMENT_SPEC,
        },
        supports_check_mode=True,
    )
    fail_on_missing_requirements(module)
    try:
        result = document_workflow(
            {name: module.params[name] for name in FACT_OPTIONS},
            module.params,
            check_mode=module.check_mode,
        )
    except AgenticError as error:
        module.fail_json(msg=error.message, **error.details)
    output = {
        "changed": result.changed,
        "dir": result.dir,
        "files": result.files,
        "changed_files": result.changed_files,
        "logs": result.logs,
        "llm_usage": result.llm_usage,
    }
    if module._diff:
        output["diff"] = result.diff
    module.exit_json(**output)


if __name__ == "__main__":
    main()
