# Copyright: agentic.k8s maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the ``workflow_info`` module with the state store options the ``state_recorder`` callback
is configured with (ansible.cfg section or environment), unless the task sets them: the store is
configured once for the writer and its reader."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.plugins.loader import callback_loader

from ansible_collections.agentic.k8s.plugins.module_utils.state.info import STATE_ARGUMENT_SPEC

RECORDER = "agentic.k8s.state_recorder"


class ActionModule(ActionBase):
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        module_args = dict(self._task.args)
        recorder = callback_loader.get(RECORDER)
        if recorder is not None:
            recorder.set_options()
            for name in STATE_ARGUMENT_SPEC:
                if module_args.get(name) is None and recorder.get_option(name) is not None:
                    module_args[name] = recorder.get_option(name)
        result.update(
            self._execute_module(
                module_name="agentic.k8s.workflow_info", module_args=module_args, task_vars=task_vars
            )
        )
        return result
