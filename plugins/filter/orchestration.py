"""Filters of the workflow orchestration (playbooks/site.yml, roles/phase)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: resume_state
author: agentic.k8s maintainers
version_added: "0.1.0"
short_description: What a resumed workflow takes over from its previous attempts
description:
  - Given one workflow as returned by M(agentic.k8s.workflow_info) and C(agentic_phases), returns the
    leading phases that completed (with the fact each one set, rebuilt from its module's recorded
    result), the first phase that did not complete, the next attempt number, the saved plan file of
    a workflow awaiting approval, and whether the Terraform state existed before attempt 1.
  - Fails on a workflow that is still C(RUNNING).
positional: _input, phases, inputs
options:
  _input:
    description: One entry of M(agentic.k8s.workflow_info)'s C(workflows).
    type: dict
    required: true
  phases:
    description: The workflow's phases (C(agentic_phases)).
    type: list
    elements: dict
    required: true
  inputs:
    description: This run's inputs (C(agentic_workflow.inputs)), compared with the recorded ones.
    type: dict
"""

EXAMPLES = r"""
- name: Take over the completed phases
  ansible.builtin.set_fact:
    resumed: "{{ previous.workflows[0] | agentic.k8s.resume_state(agentic_phases, agentic_workflow.inputs) }}"
"""

RETURN = r"""
_value:
  description:
    - C({completed, next_phase, attempt, previous_status, plan_file, changed_inputs}).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.orchestration.resume import resume_state


def resume_state_filter(workflow, phases, inputs=None):
    try:
        return resume_state(workflow, phases, inputs)
    except AgenticError as error:
        raise AnsibleFilterError(error.message) from error


class FilterModule:
    def filters(self):
        return {"resume_state": resume_state_filter}
