"""The state_recorder callback as Ansible loads it: when its recorder process cannot start, it
records in the playbook's own process and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder_process import collections_root
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings, open_store

SCRIPT = """
import sys
from ansible.plugins.loader import callback_loader, init_plugin_loader
init_plugin_loader([sys.argv[1]])
callback = callback_loader.get("agentic.k8s.state_recorder")
callback.set_options()
module = sys.modules[type(callback).__module__]

def cannot_start(*args):
    raise OSError("[Errno 11] Resource temporarily unavailable")

module.RecorderProcess = cannot_start
warnings = []
callback._display.warning = warnings.append
callback.v2_playbook_on_start(None)
callback._recorder.learn_workflow("localhost", {"id": "eks-dev-inproc01", "platform": "eks"})
callback._recorder.finish([])
callback._recorder.close()
print(type(callback._recorder).__name__, warnings)
"""


def test_without_a_recorder_process_the_playbook_records_in_its_own(agentic_home: Path):
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(collections_root())],
        capture_output=True,
        text=True,
        env={**os.environ, "AGENTIC_K8S_HOME": str(agentic_home)},
        check=True,
    )
    assert run.stdout.strip() == (
        "Recorder ['state_recorder: recording in this process, no recorder process: "
        "[Errno 11] Resource temporarily unavailable']"
    )
    [workflow] = open_store(StoreSettings(), agentic_home).list_workflows()
    assert (workflow["workflow_id"], workflow["status"]) == ("eks-dev-inproc01", "COMPLETED")
