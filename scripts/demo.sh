#!/usr/bin/env bash
# Sets up and runs the demo: installs what is missing, builds, then starts a live local
# cluster — a berth-coordinator and one berth-agent per node of examples/cluster.yaml,
# each with that node's labels, capacity and taints — applies examples/services.yaml
# through the operator API and prints the placement, the status and the nodes.
# Everything runs on loopback and is stopped when the script ends; --keep leaves the
# cluster running until Ctrl-C, for trying berthctl against it.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=false
[[ "${1:-}" == "--keep" ]] && keep=true

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"${BERTH_JOBS:-2}"

bin=build/bin
logs=$(mktemp -d /tmp/berth-demo.XXXXXX)
pids=()
stop_all() {
  ((${#pids[@]} == 0)) || kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT

echo
echo "== berth-coordinator (logs in $logs)"
"$bin/berth-coordinator" --agents-listen 'tcp://127.0.0.1:*' --api-port 0 --heartbeat-ms 500 \
  >"$logs/coordinator.out" 2>"$logs/coordinator.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q '^berth-coordinator ready' "$logs/coordinator.out" 2>/dev/null && break
  sleep 0.1
done
ready=$(grep '^berth-coordinator ready' "$logs/coordinator.out") || { cat "$logs/coordinator.log"; exit 1; }
echo "$ready"
agents=$(sed -n 's/.* agents=\([^ ]*\).*/\1/p' <<<"$ready")
export BERTH_COORDINATOR=$(sed -n 's/.* api=\([^ ]*\).*/\1/p' <<<"$ready")

# One agent per node of the example cluster: name, labels, capacity, taints, cost.
agent() {
  local name=$1; shift
  "$bin/berth-agent" --join "$agents" --name "$name" "$@" 2>"$logs/agent-$name.log" &
  pids+=($!)
}
agent a1 --label zone=a,disk=ssd --capacity cpu=8,memory=32Gi
agent a2 --label zone=a,disk=ssd --capacity cpu=8,memory=32Gi
agent a3 --label zone=a,disk=hdd --capacity cpu=4,memory=16Gi --cost 0.6
agent b1 --label zone=b,disk=ssd --capacity cpu=8,memory=32Gi
agent b2 --label zone=b,disk=hdd --capacity cpu=16,memory=64Gi --cost 1.5
agent b-db1 --label zone=b,disk=ssd,role=db --capacity cpu=16,memory=64Gi --taint dedicated=db:NoSchedule
agent c1 --label zone=c,disk=ssd --capacity cpu=8,memory=32Gi
agent c-gpu1 --label zone=c,disk=ssd,accelerator=nvidia-l4 --capacity cpu=16,memory=64Gi --resource gpu=2 --cost 3.0

for _ in $(seq 100); do
  [[ $("$bin/berthctl" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes"]["alive"])') == 8 ]] && break
  sleep 0.1
done

echo
echo "== berthctl plan -f examples/services.yaml"
"$bin/berthctl" plan -f examples/services.yaml
echo
echo "== berthctl apply -f examples/services.yaml"
"$bin/berthctl" apply -f examples/services.yaml
sleep 1  # one heartbeat, so the agents' reports show the target they carry out
echo
echo "== berthctl status"
"$bin/berthctl" status
echo
echo "== berthctl nodes"
"$bin/berthctl" nodes

if $keep; then
  echo
  echo "cluster running; try: BERTH_COORDINATOR=$BERTH_COORDINATOR $bin/berthctl nodes   (Ctrl-C stops it)"
  wait
fi
