#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the main job: the whole workflow for an EKS cluster in the
# sandbox (a local AWS API emulator, no cloud account), ending with the final report. Running it
# again changes nothing in Terraform (the cluster's state and accepted plan are reused).
# The planner uses an LLM when one is configured (LLM_PROVIDER, LLM_BASE_URL, ... in the
# environment or in .env), else its deterministic rules. Extra arguments go to ansible-playbook:
#   scripts/run.sh -e platform=k3s
#   scripts/run.sh -e cluster_env=prod             # stops AWAITING_APPROVAL with the saved plan
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
exec ansible-playbook playbooks/site.yml -e sandbox=true -e platform=eks -e cluster_env=dev "$@"
