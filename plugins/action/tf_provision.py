"""Action plugin of ``agentic.k8s.tf_provision``: it runs on the controller, where the collection's
files are, and tells the module where the curated Terraform modules and templates live."""

from __future__ import annotations

from pathlib import Path

from ansible.plugins.action import ActionBase

COLLECTION_ROOT = Path(__file__).resolve().parents[2]


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        module_args = dict(self._task.args)
        module_args.setdefault("modules_path", str(COLLECTION_ROOT / "terraform"))
        module_args.setdefault("templates_path", str(COLLECTION_ROOT / "templates" / "terraform"))
        result.update(
            self._execute_module(
                module_name="agentic.k8s.tf_provision", module_args=module_args, task_vars=task_vars
            )
        )
        return result
