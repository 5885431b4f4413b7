#!/usr/bin/env bash
# Sets up and runs the demo: installs what is missing, builds, and solves the example
# cluster and services with berthctl.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"${BERTH_JOBS:-2}"

echo
echo "== berthctl solve --cluster examples/cluster.yaml --services examples/services.yaml"
build/bin/berthctl solve --cluster examples/cluster.yaml --services examples/services.yaml
