#!/usr/bin/python
# Copyright: (c) 2026, agentic.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module agentic.k8s.tf_provision: the infrastructure agent."""

from __future__ import annotations

DOCUMENTATION = r"""
module: tf_provision
short_description: Provision a Kubernetes cluster's infrastructure with Terraform
description:
  - Renders the cluster's Terraform working directory (the curated module of O(platform) or
    O(project_path), a provider and backend file rendered from the collection's templates, and the
    plan's choices as a validated C(terraform.tfvars.json)), then runs C(init), C(plan) and
    C(apply) with a deadline on every call.
  - The working directory and the local state live in the cluster's folder
    (C(<home>/clusters/<platform>-<cluster_env>-<cluster_name>/terraform)), so every workflow for
    one cluster plans against the same state; a second run with unchanged inputs applies nothing.
  - Sensitive outputs and the kubeconfig are written to 0600 files under the cluster's
    C(secrets/) folder; only their paths are returned.
  - O(sandbox=true) starts a local AWS API emulator (moto) once, keeps it running between runs
    and points the AWS provider and the S3 backend at it; destroying the last sandbox cluster
    stops it. The emulator has no EKS add-ons or access entries, so the sandbox turns them off.
  - In check mode the module plans (C(plan -detailed-exitcode)) and applies nothing.
version_added: 0.1.0
author: agentic.k8s contributors (@agentic-k8s)
options:
  state:
    description: C(present) creates or updates the infrastructure, C(absent) destroys it.
    type: str
    choices: [present, absent]
    default: present
  platform:
    description: The curated module to use (C(terraform/<platform>) of the collection).
    type: str
    choices: [eks, k3s, aks, gke]
    required: true
  cluster_env:
    description: Environment of the cluster; part of the cluster key.
    type: str
    default: dev
  cluster_name:
    description: Name of the cluster (a DNS-1123 label); part of the cluster key.
    type: str
    required: true
  region:
    description: Cloud region (AWS region, Azure location or GCP region).
    type: str
    required: true
  plan:
    description:
      - The C(agentic_plan) fact of the planner (kubernetes_version, zones, node_groups,
        control_plane). Its choices are validated and mapped to the module's variables.
      - Ignored with O(project_path).
    type: dict
    default: {}
  variables:
    description:
      - Explicit Terraform input variables; they override those derived from O(plan). Every
        name must be declared by the module.
    type: dict
    default: {}
  project_path:
    description:
      - A Terraform module folder to use instead of the curated one. Like the curated modules it
        must not configure providers or a backend (the module renders them).
    type: path
  home:
    description: The agentic.k8s home folder; default C($AGENTIC_K8S_HOME) or C(~/.local/state/agentic-k8s).
    type: path
  backend:
    description: The state backend; C(local) keeps the state in the cluster's folder.
    type: str
    choices: [local, s3, azurerm, gcs, pg]
    default: local
  backend_config:
    description: Settings of the backend, passed as C(-backend-config=key=value) to C(terraform init).
    type: dict
    default: {}
  workspace:
    description: Terraform workspace.
    type: str
    default: default
  plugin_dir:
    description:
      - A provider mirror (C(filesystem_mirror)) for air-gapped use. The module always writes its
        own CLI configuration; it never reads the user's.
    type: path
  terraform_binary:
    description: Name or path of the Terraform binary.
    type: str
    default: terraform
  parallelism:
    description: Terraform's C(-parallelism).
    type: int
    default: 10
  lock_timeout:
    description: Seconds to wait for the state lock (C(-lock-timeout)); 0 fails at once.
    type: int
    default: 0
  timeout:
    description: Hard deadline in seconds of every Terraform call (interrupted with SIGINT first).
    type: int
    default: 3600
  targets:
    description: Resource addresses to restrict the plan to (C(-target)).
    type: list
    elements: str
    default: []
  check_destroy:
    description: Refuse a plan that destroys or replaces resources.
    type: bool
    default: false
  plan_only:
    description: Stop after saving the plan; return RV(plan_file) and RV(plan_summary) (approval gate).
    type: bool
    default: false
  plan_file:
    description: Apply exactly this saved plan (from O(plan_only)); it is removed on success.
    type: path
  force_unlock:
    description: Release the state lock with this id (left by a killed run) before planning.
    type: str
  sandbox:
    description: Run against the local AWS API emulator (eks and k3s only).
    type: bool
    default: false
  profile:
    description: AWS profile of the provider (credentials otherwise come from the usual chain).
    type: str
  assume_role_arn:
    description: IAM role the AWS provider assumes.
    type: str
  events_path:
    description: The workflow's C(events.jsonl); apply progress is appended to it as it happens.
    type: path
  workflow_id:
    description: The workflow id written with every event.
    type: str
    default: ""
  existed_marker:
    description:
      - A file that keeps whether the Terraform state held resources before the workflow's first
        provisioning. Absent, it is written (0600) from the state pulled through the backend, local
        or remote, before any change; present, its answer is returned as RV(state_existed_before),
        so a resumed attempt knows what its workflow created. Ignored with O(state=absent).
    type: path
  modules_path:
    description: Folder of the curated modules; set by the action plugin to the collection's C(terraform/).
    type: path
  templates_path:
    description: Folder of the provider/backend templates; set by the action plugin.
    type: path
extends_documentation_fragment:
  - agentic.k8s.llm
notes:
  - With an LLM configured (O(llm_provider)), a failed Terraform run gets an advisory diagnosis and
    suggested fix in the failure result (C(diagnosis), C(llm_usage)); the prompt holds only the
    redacted Terraform diagnostics, and the answer is never acted upon.
  - Only C(hashicorp/aws) may be available offline; use O(plugin_dir) for a provider mirror.
  - With a diff (C(--diff)) the module returns the resource changes of C(terraform show -json)
    with sensitive values masked.
"""

EXAMPLES = r"""
- name: Provision an EKS cluster from the plan
  agentic.k8s.tf_provision:
    platform: eks
    cluster_env: prod
    cluster_name: payments
    region: eu-west-3
    plan: "{{ agentic_plan }}"
    events_path: "{{ agentic_workflow.artifacts_dir }}/events.jsonl"
    workflow_id: "{{ agentic_workflow.id }}"

- name: Save a plan for approval
  agentic.k8s.tf_provision:
    platform: k3s
    cluster_name: lab
    region: us-east-1
    plan: "{{ agentic_plan }}"
    sandbox: true
    plan_only: true
  register: pending

- name: Apply exactly the approved plan
  agentic.k8s.tf_provision:
    platform: k3s
    cluster_name: lab
    region: us-east-1
    plan: "{{ agentic_plan }}"
    sandbox: true
    plan_file: "{{ pending.plan_file }}"

- name: Destroy the cluster, with the state in S3
  agentic.k8s.tf_provision:
    state: absent
    platform: eks
    cluster_name: payments
    region: eu-west-3
    backend: s3
    backend_config:
      bucket: tf-states
      key: payments/terraform.tfstate
      region: eu-west-3
      use_lockfile: true
"""

RETURN = r"""
platform:
  description: The platform.
  returned: success
  type: str
sandbox:
  description: Whether the emulator was used.
  returned: success
  type: bool
terraform_dir:
  description: The cluster's Terraform working directory (root module, tfvars, local state).
  returned: success
  type: str
state_existed_before:
  description:
    - Whether the state held resources before the workflow's first provisioning (O(existed_marker)),
      else before this run; rollback spares such clusters.
  returned: success, and on a failure after the state was read
  type: bool
outputs:
  description: The non-sensitive Terraform outputs.
  returned: success
  type: dict
secret_files:
  description: Paths of the 0600 files holding sensitive outputs and the kubeconfig.
  returned: success
  type: dict
kubeconfig_path:
  description: Path of the kubeconfig (EKS authenticates with C(aws eks get-token)).
  returned: when the cluster exists
  type: str
endpoint:
  description: URL of the Kubernetes API server.
  returned: when the cluster exists
  type: str
resources:
  description: The managed resources in the state.
  returned: success
  type: list
  elements: dict
  sample: [{"address": "aws_vpc.this[0]", "type": "aws_vpc", "id": "vpc-0abc"}]
plan_summary:
  description: Resources to add, change and destroy (after an apply, what was done).
  returned: success
  type: dict
  sample: {add: 23, change: 0, destroy: 0}
plan_file:
  description: The saved plan, with O(plan_only) and changes to approve.
  returned: success
  type: str
diff:
  description: Before/after of each changing resource, sensitive values masked (diff mode).
  returned: in diff mode when the plan has changes
  type: list
  elements: dict
llm_usage:
  description: One entry per LLM call (only a failure's diagnosis calls one; empty on success).
  returned: always
  type: list
  elements: dict
logs:
  description: Progress lines (plan summary, per-resource apply progress).
  returned: always
  type: list
  elements: str
"""

from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.home import agentic_home
from ansible_collections.agentic.k8s.plugins.module_utils.common.modeling import ValidationError
from ansible_collections.agentic.k8s.plugins.module_utils.common.requirements import (
    fail_on_missing_requirements,
)
from ansible_collections.agentic.k8s.plugins.module_utils.llm.options import (
    LLM_ARGUMENT_SPEC,
    settings_from_params,
)
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.models import ProvisionRequest
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import provision

ARGUMENT_SPEC = {
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "platform": {"type": "str", "choices": ["eks", "k3s", "aks", "gke"], "required": True},
    "cluster_env": {"type": "str", "default": "dev"},
    "cluster_name": {"type": "str", "required": True},
    "region": {"type": "str", "required": True},
    "plan": {"type": "dict", "default": {}},
    "variables": {"type": "dict", "default": {}, "no_log": True},
    "project_path": {"type": "path"},
    "home": {"type": "path"},
    "backend": {"type": "str", "choices": ["local", "s3", "azurerm", "gcs", "pg"], "default": "local"},
    "backend_config": {"type": "dict", "default": {}, "no_log": True},
    "workspace": {"type": "str", "default": "default"},
    "plugin_dir": {"type": "path"},
    "terraform_binary": {"type": "str", "default": "terraform"},
    "parallelism": {"type": "int", "default": 10},
    "lock_timeout": {"type": "int", "default": 0},
    "timeout": {"type": "int", "default": 3600},
    "targets": {"type": "list", "elements": "str", "default": []},
    "check_destroy": {"type": "bool", "default": False},
    "plan_only": {"type": "bool", "default": False},
    "plan_file": {"type": "path"},
    "force_unlock": {"type": "str"},
    "sandbox": {"type": "bool", "default": False},
    "profile": {"type": "str"},
    "assume_role_arn": {"type": "str"},
    "events_path": {"type": "path"},
    "workflow_id": {"type": "str", "default": ""},
    "existed_marker": {"type": "path"},
    "modules_path": {"type": "path"},
    "templates_path": {"type": "path"},
    **LLM_ARGUMENT_SPEC,
}
PROVISION_OPTIONS = frozenset(ARGUMENT_SPEC) - frozenset(LLM_ARGUMENT_SPEC)


def build_request(params: dict) -> ProvisionRequest:
    """The typed request of the module's parameters (pydantic validates every field)."""
    renamed = {"lock_timeout": "lock_timeout_s", "timeout": "timeout_s"}
    fields = {
        renamed.get(key, key): value
        for key, value in params.items()
        if value is not None and key in PROVISION_OPTIONS
    }
    fields["backend"] = {"type": fields.pop("backend"), "config": fields.pop("backend_config")}
    fields["home"] = Path(params["home"]) if params.get("home") else agentic_home()
    return ProvisionRequest.model_validate(fields)


def main() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        required_together=[("modules_path", "templates_path")],
    )
    fail_on_missing_requirements(module)
    if not module.params["modules_path"]:
        module.fail_json(
            msg="modules_path: not set; call the module through its action (agentic.k8s.tf_provision)"
        )
    try:
        request = build_request(module.params)
        llm_settings = settings_from_params(module.params, home=request.home)
        result = provision(
            request, check_mode=module.check_mode, diff=module._diff, llm_settings=llm_settings
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "options"
        module.fail_json(msg=f"{field}: {first['msg']}", field=field)
    except AgenticError as error:
        module.fail_json(msg=error.message, **{"logs": [], "llm_usage": [], **error.details})
    module.exit_json(llm_usage=[], **result)


if __name__ == "__main__":
    main()
