#!/usr/bin/env bash
# Installs the Debian packages berth builds and tests with, only those that are missing.
# Sourced or run by the other scripts; safe to run again (does nothing when all are there).
set -euo pipefail

BERTH_PACKAGES=(
  build-essential cmake g++ pkg-config
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libboost-dev libeigen3-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  coinor-libcbc-dev coinor-libclp-dev
  gnuplot-nox python3
)

missing=()
for package in "${BERTH_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#BERTH_PACKAGES[@]} packages present"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "deps: missing ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
