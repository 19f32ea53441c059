# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A test-only agent module: what the state recorder records, under the tests' control."""

from __future__ import annotations

DOCUMENTATION = r"""
module: recorded_probe
short_description: Test-only agent module for the state recorder's tests
description: Returns C(logs) and C(llm_usage) as given, fails on request, succeeds after N calls.
options:
  message: {type: str, required: true, description: Echoed in the result and the logs.}
  payload: {type: dict, default: {}, description: Echoed in the result.}
  secret: {type: str, description: A no_log parameter.}
  llm_usage: {type: list, elements: dict, default: [], description: Returned as the result's llm_usage.}
  fail: {type: bool, default: false, description: Fail with a message naming O(message).}
  succeed_after: {type: int, default: 0, description: Fail until called this many times (see O(counter)).}
  counter: {type: path, description: The file counting calls for O(succeed_after).}
  sleep: {type: float, default: 0, description: Seconds to sleep before answering.}
author: agentic.k8s maintainers (@agentic-k8s)
"""

import time
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "message": {"type": "str", "required": True},
            "payload": {"type": "dict", "default": {}},
            "secret": {"type": "str", "no_log": True},
            "llm_usage": {"type": "list", "elements": "dict", "default": []},
            "fail": {"type": "bool", "default": False},
            "succeed_after": {"type": "int", "default": 0},
            "counter": {"type": "path"},
            "sleep": {"type": "float", "default": 0},
        },
        supports_check_mode=True,
    )
    params = module.params
    time.sleep(params["sleep"])
    logs = [f"probe: {params['message']}"]
    if params["succeed_after"]:
        counter = Path(params["counter"])
        calls = int(counter.read_text()) + 1 if counter.exists() else 1
        counter.write_text(str(calls))
        if calls < params["succeed_after"]:
            module.fail_json(msg=f"probe not ready after {calls} call(s)", logs=logs)
    if params["fail"]:
        module.fail_json(msg=f"probe failed: {params['message']}", logs=logs)
    module.exit_json(
        changed=False,
        echo=params["message"],
        payload=params["payload"],
        logs=logs,
        llm_usage=params["llm_usage"],
    )


if __name__ == "__main__":
    main()
