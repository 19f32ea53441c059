"""The state store's options, documented once for the ``state_recorder`` callback and the
``workflow_info`` module.

``agentic.k8s.state`` (modules) documents each option with the environment variable it falls
back to; ``agentic.k8s.state.callback`` adds the ``ini``/``env`` sources Ansible reads for the
callback. Both are rendered from ``_OPTIONS`` below (JSON is YAML).
"""

from __future__ import annotations

import json

_SECTION = "callback_state_recorder"

_OPTIONS = {
    "backend": {
        "description": "Which store to use: a local SQLite file, PostgreSQL, or one JSON file per workflow.",
        "type": "str",
        "choices": ["sqlite", "postgres", "file"],
        "default": "sqlite",
        "env": "AGENTIC_K8S_STATE_BACKEND",
    },
    "sqlite_path": {
        "description": "The SQLite file (created 0600, WAL). Unset means C($AGENTIC_K8S_HOME/state.db).",
        "type": "path",
        "env": "AGENTIC_K8S_STATE_SQLITE_PATH",
    },
    "dsn": {
        "description": "The PostgreSQL connection string (libpq URI or key=value), for O(backend=postgres).",
        "type": "str",
        "env": "AGENTIC_K8S_STATE_DSN",
    },
    "sslmode": {
        "description": "The libpq C(sslmode) passed to PostgreSQL; unset keeps the DSN's or libpq's default.",
        "type": "str",
        "choices": ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
        "env": "AGENTIC_K8S_STATE_SSLMODE",
    },
    "file_dir": {
        "description": "Folder of the file backend's JSON documents. Unset means C($AGENTIC_K8S_HOME/state).",
        "type": "path",
        "env": "AGENTIC_K8S_STATE_FILE_DIR",
    },
    "connect_timeout": {
        "description": "Seconds to wait for PostgreSQL to accept a connection.",
        "type": "int",
        "default": 5,
        "env": "AGENTIC_K8S_STATE_CONNECT_TIMEOUT",
    },
}


def _fragment(for_callback: bool) -> str:
    options = {}
    for name, spec in _OPTIONS.items():
        option = {key: value for key, value in spec.items() if key != "env"}
        if for_callback:
            option["env"] = [{"name": spec["env"]}]
            option["ini"] = [{"section": _SECTION, "key": name}]
        else:
            option["description"] = [
                spec["description"],
                f"Falls back to the environment variable C({spec['env']}).",
            ]
        options[name] = option
    return json.dumps({"options": options}, indent=2)


class ModuleDocFragment:
    DOCUMENTATION = _fragment(for_callback=False)
    CALLBACK = _fragment(for_callback=True)
