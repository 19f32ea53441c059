#!/usr/bin/env bash
# Sets up everything agentic.k8s needs on a fresh machine, idempotently:
#   - a Python 3.11+ virtualenv (AGENTIC_VENV, default .venv) with the pinned dependencies;
#   - the collection on the collections path (.collections/ansible_collections/agentic/k8s);
#   - with --test: the test dependencies and the Debian packages the tests drive for real
#     (prometheus, node-exporter, alertmanager, pushgateway, chromium, shellcheck, postgresql-15), when run as root.
# Source it (". scripts/setup.sh") to get the venv on PATH in your shell, or run it. The steps run
# in a strict-mode bash process, so sourcing it never changes your shell's options.

AGENTIC_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGENTIC_VENV="${AGENTIC_VENV:-$AGENTIC_REPO/.venv}"
want_tests=false
[[ "${1:-}" == "--test" ]] && want_tests=true

log() { printf '[setup] %s\n' "$*" >&2; }

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  log "Python 3.11 or newer is required and was not found on PATH"; return 1
}

ensure_venv() {
  if [[ ! -x "$AGENTIC_VENV/bin/python" ]]; then
    log "creating virtualenv $AGENTIC_VENV"
    "$(find_python)" -m venv "$AGENTIC_VENV"
  fi
}

install_requirements() {
  local file="$1" stamp digest
  stamp="$AGENTIC_VENV/.agentic-$(basename "$file").sha256"
  digest="$(cat "$AGENTIC_REPO/requirements.txt" "$AGENTIC_REPO/$file" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$digest" ]]; then return 0; fi
  log "installing $file into $AGENTIC_VENV"
  "$AGENTIC_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$AGENTIC_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$AGENTIC_REPO/$file"
  echo "$digest" > "$stamp"
}

link_collection() {
  local parent="$AGENTIC_REPO/.collections/ansible_collections/agentic"
  mkdir -p "$parent"
  ln -sfn "$AGENTIC_REPO" "$parent/k8s"
}

install_debian_test_packages() {
  local missing=()
  command -v promtool >/dev/null || missing+=(prometheus)
  command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter)
  command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
  command -v prometheus-pushgateway >/dev/null || missing+=(prometheus-pushgateway)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  [[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql-15)
  ((${#missing[@]})) || return 0
  if [[ "$(id -u)" != 0 ]]; then
    log "missing Debian packages (install them as root): ${missing[*]}"; return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the services it installs; the tests run their own on loopback.
  for service in prometheus prometheus-node-exporter prometheus-alertmanager prometheus-pushgateway postgresql; do
    systemctl stop "$service" >/dev/null 2>&1 || service "$service" stop >/dev/null 2>&1 || true
  done
}

set_up() {
  ensure_venv
  install_requirements requirements.txt
  if $want_tests; then
    install_requirements requirements-test.txt
    install_debian_test_packages
  fi
  link_collection
}

# A separate bash process: errexit holds in it (inside an `if` condition it would be ignored).
if ! AGENTIC_REPO="$AGENTIC_REPO" AGENTIC_VENV="$AGENTIC_VENV" want_tests="$want_tests" "$BASH" -c \
  "set -euo pipefail; $(declare -f log find_python ensure_venv install_requirements link_collection \
    install_debian_test_packages set_up); set_up"; then
  log "set-up failed (see the messages above)"
  [[ "${BASH_SOURCE[0]}" != "$0" ]] || exit 1
  return 1
fi
export PATH="$AGENTIC_VENV/bin:$PATH"
export ANSIBLE_CONFIG="$AGENTIC_REPO/ansible.cfg"
# The aws provider from a local filesystem mirror when the machine has one (air-gapped machines):
# every Terraform command of the collection (site.yml, destroy.yml, the tests) then uses it.
if [[ -z "${AGENTIC_K8S_TF_PLUGIN_DIR:-}" && -d /opt/tf-plugins ]]; then
  export AGENTIC_K8S_TF_PLUGIN_DIR=/opt/tf-plugins
fi
