#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the main job: the whole workflow in the sandbox (a local AWS
# API emulator, no cloud account). Extra arguments go to ansible-playbook, e.g.
#   scripts/run.sh -e platform=k3s
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
exec ansible-playbook playbooks/site.yml -e sandbox=true -e platform=eks -e cluster_env=dev "$@"
