#!/usr/bin/env bash
# Sets up (scripts/setup.sh --test) and runs the whole test suite: ruff, unit and integration
# tests (real ansible-playbook, Terraform on the AWS emulator, SQLite, PostgreSQL, Prometheus,
# the local LLM), ansible-lint, ansible-test sanity, terraform fmt/validate and Molecule.
# Extra arguments go to pytest (e.g. scripts/test.sh -k state).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh --test
ruff check plugins tests bench
ruff format --check plugins tests bench
exec python -m pytest "$@"
