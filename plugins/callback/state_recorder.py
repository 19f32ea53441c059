# Copyright: agentic.k8s maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The State Manager's writer: records workflows and agent executions in the state store."""

from __future__ import annotations

DOCUMENTATION = r"""
name: state_recorder
type: notification
short_description: Record agentic.k8s workflows and agent executions in the state store
description:
  - The only writer of the agentic.k8s state store (SQLite, PostgreSQL or JSON files).
  - One C(workflows) row per workflow and cluster host, opened when the C(agentic_workflow) fact
    appears in a task result (set by the init role) and following the status the roles set in it;
    a failure before that fact exists (bad input) still records the workflow, FAILED, with the error.
  - One C(agent_executions) row per task of a recorded agent module (a retried task updates its
    row, a looped task gets one row per item) and one C(llm_calls) row per entry of its C(llm_usage).
  - Secrets are redacted (keys such as C(password) or C(api_key), values of secret environment
    variables) and C(no_log) results are never stored.
  - When the store is unreachable the records go to a 0600 spool file under C($AGENTIC_K8S_HOME/spool)
    and are replayed by the next run; the playbook is never failed by the recorder.
  - A workflow left RUNNING by a run that died (its pid is gone on this host, or its heartbeat is
    older than O(lease_seconds)) is marked INTERRUPTED when the next run starts.
  - Writes the seed's structured log lines to C(events.jsonl) in the workflow's artifacts folder.
  - The recording runs in a helper Python process started with the playbook (C(ansible-playbook) forks a
    worker for every task, and each fork makes the work of its parent dearer); the callback sends it
    each event as one JSON line. The helper builds and redacts the records, writes C(events.jsonl), holds
    the store connection (psycopg and libpq stay out of C(ansible-playbook)) and renews the lease.
  - The playbook does not wait for the store. The helper reads what the playbook sent every 0.05 s and
    writes the records in batches, one transaction for what came within 0.1 s (a task that ends within
    it costs one row write), so a record is in the store about 0.15 s after its event; the end of the
    run and a task of C(agentic.k8s.workflow_info) wait until everything sent is written. The helper
    is out of reach of Ctrl-C and, when the playbook ends or is killed (even with C(kill -9)), writes
    everything it was sent before it exits.
version_added: 0.1.0
author: agentic.k8s maintainers (@agentic-k8s)
requirements:
  - psycopg 3 for O(backend=postgres)
  - enable in ansible.cfg, C(callbacks_enabled = agentic.k8s.state_recorder)
extends_documentation_fragment:
  - agentic.k8s.state.callback
options:
  recorded_modules:
    description:
      - The agent modules whose tasks become C(agent_executions) rows. A plain name matches any
        collection's module of that name, a dotted name only that fully qualified module.
    type: list
    elements: str
    default: [llm_plan, tf_provision, monitoring_stack, cluster_validate, docs_generate]
    env:
      - name: AGENTIC_K8S_RECORDED_MODULES
    ini:
      - section: callback_state_recorder
        key: recorded_modules
  lease_seconds:
    description:
      - A RUNNING workflow whose heartbeat is older than this is considered abandoned (any host).
    type: int
    default: 300
    env:
      - name: AGENTIC_K8S_STATE_LEASE_SECONDS
    ini:
      - section: callback_state_recorder
        key: lease_seconds
  heartbeat_seconds:
    description:
      - How often a run renews the lease of its RUNNING workflows (0 disables the heartbeat).
    type: int
    default: 30
    env:
      - name: AGENTIC_K8S_STATE_HEARTBEAT_SECONDS
    ini:
      - section: callback_state_recorder
        key: heartbeat_seconds
  spool_dir:
    description:
      - Where records go while the store is down. Unset means C($AGENTIC_K8S_HOME/spool).
    type: path
    env:
      - name: AGENTIC_K8S_STATE_SPOOL_DIR
    ini:
      - section: callback_state_recorder
        key: spool_dir
"""

from collections.abc import Mapping
from typing import Any

from ansible.plugins.callback import CallbackBase

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.common.home import agentic_home
from ansible_collections.agentic.k8s.plugins.module_utils.common.status import ExecutionStatus
from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder import (
    Recorder,
    RecorderSettings,
    derive_workflow_fact,
    is_recorded,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder_process import RecorderProcess
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import settings_from_options

WORKFLOW_FACT = "agentic_workflow"
STORE_READER = "workflow_info"
"""Records are written by the recorder process; a task of this module waits until they are."""
INPUT_VARIABLES = ("platform", "cluster_env", "cluster_name", "region", "sandbox", "workflow_id")


def _unconverted(result) -> Mapping[str, Any]:
    """The task's result as the callback got it: ``result.result`` converts the whole result to
    native types on its first access (ansible-core 2.19: about 0.1 ms for a small result), which
    the recorder process's JSON encoding makes needless (ansible-core's tagged values extend the
    plain types). A core without ``_return_data`` gets ``result.result``."""
    data = getattr(result, "_return_data", None)
    return data if isinstance(data, Mapping) else result.result


def _data_and_no_log(result) -> tuple[Mapping[str, Any], bool]:
    data = _unconverted(result)
    return data, bool(data.get("_ansible_no_log")) or result.task.no_log is not False


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "agentic.k8s.state_recorder"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None) -> None:
        super().__init__(display=display)
        self._recorder: Recorder | RecorderProcess | None = None
        self._play = None

    def v2_playbook_on_start(self, playbook) -> None:
        try:
            settings = RecorderSettings(
                store=settings_from_options(self.get_option),
                recorded_modules=tuple(self.get_option("recorded_modules")),
                lease_seconds=self.get_option("lease_seconds"),
                heartbeat_seconds=self.get_option("heartbeat_seconds"),
                spool_dir=self.get_option("spool_dir") or "",
            )
        except AgenticError as error:
            self._display.warning(
                f"state_recorder: nothing is recorded, the configuration is invalid: {error}"
            )
            return
        try:
            self._recorder = RecorderProcess(settings, agentic_home(), self._display.warning)
        except OSError as error:
            self._display.warning(f"state_recorder: recording in this process, no recorder process: {error}")
            self._recorder = Recorder(settings, agentic_home(), self._display.warning)
            self._recorder.start()

    def v2_playbook_on_play_start(self, play) -> None:
        self._play = play

    def _recorded_agent(self, task) -> str | None:
        action = task.resolved_action or task.action
        if self._recorder is None or not is_recorded(action, self._recorder.settings.recorded_modules):
            return None
        return action.rsplit(".", 1)[-1]

    def v2_runner_on_start(self, host, task) -> None:
        if self._recorder is not None and (task.resolved_action or task.action).endswith(STORE_READER):
            self._recorder.flush()
        agent = self._recorded_agent(task)
        if agent is not None:
            self._recorder.execution_started(
                host.get_name(), task._uuid, agent, task.args, task.no_log is not False
            )

    def _finished(self, result, status: str, item: bool = False) -> None:
        if self._recorded_agent(result.task) is not None:
            data, no_log = _data_and_no_log(result)
            self._recorder.execution_finished(
                result.host.get_name(), result.task._uuid, status, data, no_log=no_log, item=item
            )

    def v2_runner_on_ok(self, result) -> None:
        facts = _unconverted(result).get("ansible_facts")
        fact = facts.get(WORKFLOW_FACT) if isinstance(facts, Mapping) else None
        if self._recorder is not None and isinstance(fact, Mapping):
            self._recorder.learn_workflow(result.host.get_name(), fact)
        self._finished(result, ExecutionStatus.SUCCEEDED.value)

    def v2_runner_on_failed(self, result, ignore_errors: bool = False) -> None:
        self._finished(result, ExecutionStatus.FAILED.value)
        if self._recorder is not None and not ignore_errors:
            self._host_failed(result, str(result.result.get("msg") or "failed"))

    def v2_runner_on_unreachable(self, result) -> None:
        if self._recorder is not None:
            self._host_failed(result, str(result.result.get("msg") or "unreachable"))

    def v2_runner_on_skipped(self, result) -> None:
        self._finished(result, ExecutionStatus.SKIPPED.value)

    def v2_runner_item_on_ok(self, result) -> None:
        self._finished(result, ExecutionStatus.SUCCEEDED.value, item=True)

    def v2_runner_item_on_failed(self, result) -> None:
        self._finished(result, ExecutionStatus.FAILED.value, item=True)

    def v2_runner_item_on_skipped(self, result) -> None:
        self._finished(result, ExecutionStatus.SKIPPED.value, item=True)

    def v2_runner_retry(self, result) -> None:
        if self._recorded_agent(result.task) is not None:
            data, no_log = _data_and_no_log(result)
            self._recorder.execution_retried(result.host.get_name(), result.task._uuid, data, no_log)

    def v2_playbook_on_stats(self, stats) -> None:
        if self._recorder is None:
            return
        failed = [host for host in stats.processed if stats.failures.get(host) or stats.dark.get(host)]
        try:
            self._recorder.finish(failed)
        finally:
            self._recorder.close()

    def _host_failed(self, result, message: str) -> None:
        host = result.host.get_name()
        self._recorder.host_failed(
            host,
            result.task.get_name(),
            message,
            derive=lambda: derive_workflow_fact(host, self._input_variables(result), self._recorder.home),
        )

    def _input_variables(self, result) -> dict[str, Any]:
        """The workflow inputs of the failed host, for a failure before init set ``agentic_workflow``."""
        if self._play is None:
            return {}
        variables = self._play.get_variable_manager().get_vars(
            play=self._play, host=result.host, task=result.task
        )
        return {name: variables[name] for name in INPUT_VARIABLES if name in variables}
