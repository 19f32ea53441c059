# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs ``agentic.k8s.docs_generate`` with ``templates_dir`` resolved on the controller.

The module runs from an AnsiballZ zip that holds Python only, so it cannot find the collection's
``templates/docs``; this action plugin, loaded from the installed collection, passes that folder.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import TEMPLATES_DIR


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        module_args = dict(self._task.args)
        module_args.setdefault("templates_dir", str(TEMPLATES_DIR))
        result.update(
            self._execute_module(
                module_name="agentic.k8s.docs_generate", module_args=module_args, task_vars=task_vars
            )
        )
        return result
