#!/usr/bin/env bash
# Runs berth-roadef on the ROADEF/EURO 2012 instances and writes a markdown table: initial
# cost, berth's objective, the challenge winner's (team S41, 300 s) from known_values.csv,
# berth's lower bounds, and the gaps. Every solution is verified by berth-roadef's checker;
# the exit status is 1 if any is invalid or any run fails.
#
#   scripts/roadef-results.sh -t 10 --sets A /path/to/roadef2012 > roadef.md
#   scripts/roadef-results.sh -t 300 --sets A,B --out bench/roadef-300s.md /path/to/roadef2012
#   scripts/roadef-results.sh -t 10 -b 30 --sets A DATA     # also the LP relaxation bound, 30 s each
#
# DATA is the folder holding A/, B/ and known_values.csv (see its README for the sources).
# The binary is $BERTH_ROADEF, default build/bin/berth-roadef (build it in Release for
# figures that mean something: cmake --build build --target berth_roadef).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: $0 [-t SECONDS] [-s SEED] [-b BOUND_SECONDS] [--sets A,B] [--only NAME,...] [--out FILE] DATA" >&2
  exit 64
}

seconds=10
seed=1
bound_seconds=0
sets="A,B"
only=""
out=""
data=""
while (($#)); do
  case "$1" in
    -t) seconds=${2:?}; shift 2 ;;
    -s) seed=${2:?}; shift 2 ;;
    -b) bound_seconds=${2:?}; shift 2 ;;
    --sets) sets=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "$0: unknown flag $1" >&2; usage ;;
    *) [[ -z "$data" ]] || usage; data=$1; shift ;;
  esac
done
[[ -n "$data" ]] || usage
binary=${BERTH_ROADEF:-build/bin/berth-roadef}
[[ -x "$binary" ]] || { echo "$0: $binary not found; build the berth_roadef target" >&2; exit 2; }
known="$data/known_values.csv"
[[ -r "$known" ]] || { echo "$0: $known not readable" >&2; exit 2; }

# A column of known_values.csv for an instance, by header name; empty when absent.
known_value() {
  awk -F, -v name="$1" -v column="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == column) c = i; next }
    $1 == name && c { print $c }' "$known"
}
# value KEY FILE: the value of a "key: value" line.
value() { sed -n "s/^$1: //p" "$2"; }
# gap A B: (A − B) / B in percent, two decimals; "-" when B is empty or zero.
gap() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "" || b == 0) print "-"; else printf "%.2f", (a - b) / b * 100 }'; }
# Thousands separators keep ten-digit costs readable.
group() { [[ -z "$1" ]] && echo "-" || echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
table="$work/table.md"
{
  echo "ROADEF/EURO 2012 machine reassignment, berth-roadef -t $seconds -s $seed -b $bound_seconds, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))."
  echo
  echo "| instance | initial cost | berth | S41 winner (300 s) | gap to winner | lower bound | gap to bound | LP | Lagrangian | simple | valid | seconds |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|"
} > "$table"

IFS=, read -r -a set_list <<< "$sets"
for set in "${set_list[@]}"; do
  for model in "$data/$set"/model_*.txt; do
    [[ -e "$model" ]] || continue
    name=$(basename "$model" .txt); name=${name#model_}
    if [[ -n "$only" && ",$only," != *",$name,"* ]]; then continue; fi
    assignment="$data/$set/assignment_$name.txt"
    [[ -r "$assignment" ]] || { echo "$0: $assignment missing, skipping $name" >&2; continue; }
    result="$work/$name.out"
    rc=0
    "$binary" -t "$seconds" -s "$seed" -b "$bound_seconds" -p "$model" -i "$assignment" -o "$work/$name.solution" > "$result" 2> "$work/$name.err" || rc=$?
    if ((rc != 0)); then
      status=1
      echo "$0: berth-roadef failed on $name (exit $rc): $(head -3 "$work/$name.err")" >&2
      if [[ ! -s "$result" ]]; then
        echo "| $name | - | failed (exit $rc) | - | - | - | - | - | - | - | no | - |" >> "$table"
        continue
      fi
    fi
    objective=$(value objective "$result")
    bound=$(value lower_bound "$result")
    winner=$(known_value "$name" S41_winner_300s)
    printf '| %s | %s | %s | %s | %s%% | %s | %s%% | %s | %s | %s | %s | %.1f |\n' "$name" \
      "$(group "$(value initial_cost "$result")")" "$(group "$objective")" "$(group "$winner")" \
      "$(gap "$objective" "$winner")" "$(group "$bound")" "$(gap "$objective" "$bound")" \
      "$(group "$(value lp_bound "$result" | tr -d -)")" "$(group "$(value lagrangian_bound "$result")")" "$(group "$(value simple_bound "$result")")" \
      "$(value valid "$result")" "$(value seconds "$result")" >> "$table"
    echo "$0: $name done: $objective" >&2
  done
done
{
  echo
  echo "gap to winner: (berth − S41) / S41; negative means berth is better. gap to bound:"
  echo "(berth − lower bound) / lower bound, with the largest of berth's bounds: LP (the linear"
  echo "relaxation, only with -b), Lagrangian (machine rows priced) and simple (aggregate load and balance)."
  echo "seconds: until the solution was written; the Lagrangian and LP bounds come after, outside the limit."
} >> "$table"

if [[ -n "$out" ]]; then cp "$table" "$out"; fi
cat "$table"
exit "$status"
