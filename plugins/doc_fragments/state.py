# Copyright: agentic.k8s maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state store's options, shared by the ``state_recorder`` callback and ``workflow_info``.

``agentic.k8s.state`` (modules) and ``agentic.k8s.state.callback`` (the callback, with the
``env``/``ini`` sources Ansible reads) document the same options; the unit test
``test_the_state_fragments_document_the_same_options`` keeps them identical. They are literal
strings because ansible-test reads documentation without running code.
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  backend:
    description:
      - Which store to use, a local SQLite file, PostgreSQL, or one JSON file per workflow.
      - Falls back to the environment variable E(AGENTIC_K8S_STATE_BACKEND).
    type: str
    choices: [sqlite, postgres, file]
    default: sqlite
  sqlite_path:
    description:
      - The SQLite file (created 0600, WAL). Unset means C($AGENTIC_K8S_HOME/state.db).
      - Falls back to the environment variable E(AGENTIC_K8S_STATE_SQLITE_PATH).
    type: path
  dsn:
    description:
      - The PostgreSQL connection string (libpq URI or key=value), for O(backend=postgres).
      - Falls back to the environment variable E(AGENTIC_K8S_STATE_DSN).
    type: str
  sslmode:
    description:
      - The libpq C(sslmode) passed to PostgreSQL; unset keeps the DSN's or libpq's default.
      - Falls back to the environment variable E(AGENTIC_K8S_STATE_SSLMODE).
    type: str
    choices: [disable, allow, prefer, require, verify-ca, verify-full]
  file_dir:
    description:
      - Folder of the file backend's JSON documents. Unset means C($AGENTIC_K8S_HOME/state).
      - Falls back to the environment variable E(AGENTIC_K8S_STATE_FILE_DIR).
    type: path
  connect_timeout:
    description:
      - Seconds to wait for PostgreSQL to accept a connection.
      - Falls back to the environment variable E(AGENTIC_K8S_STATE_CONNECT_TIMEOUT).
    type: int
    default: 5
"""

    CALLBACK = r"""
options:
  backend:
    description:
      - Which store to use, a local SQLite file, PostgreSQL, or one JSON file per workflow.
    type: str
    choices: [sqlite, postgres, file]
    default: sqlite
    env:
      - name: AGENTIC_K8S_STATE_BACKEND
    ini:
      - section: callback_state_recorder
        key: backend
  sqlite_path:
    description:
      - The SQLite file (created 0600, WAL). Unset means C($AGENTIC_K8S_HOME/state.db).
    type: path
    env:
      - name: AGENTIC_K8S_STATE_SQLITE_PATH
    ini:
      - section: callback_state_recorder
        key: sqlite_path
  dsn:
    description:
      - The PostgreSQL connection string (libpq URI or key=value), for O(backend=postgres).
    type: str
    env:
      - name: AGENTIC_K8S_STATE_DSN
    ini:
      - section: callback_state_recorder
        key: dsn
  sslmode:
    description:
      - The libpq C(sslmode) passed to PostgreSQL; unset keeps the DSN's or libpq's default.
    type: str
    choices: [disable, allow, prefer, require, verify-ca, verify-full]
    env:
      - name: AGENTIC_K8S_STATE_SSLMODE
    ini:
      - section: callback_state_recorder
        key: sslmode
  file_dir:
    description:
      - Folder of the file backend's JSON documents. Unset means C($AGENTIC_K8S_HOME/state).
    type: path
    env:
      - name: AGENTIC_K8S_STATE_FILE_DIR
    ini:
      - section: callback_state_recorder
        key: file_dir
  connect_timeout:
    description:
      - Seconds to wait for PostgreSQL to accept a connection.
    type: int
    default: 5
    env:
      - name: AGENTIC_K8S_STATE_CONNECT_TIMEOUT
    ini:
      - section: callback_state_recorder
        key: connect_timeout
"""
