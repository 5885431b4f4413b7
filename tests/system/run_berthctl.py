#!/usr/bin/env python3
"""Run berthctl once and check its exit code, output and (for --json) the solution.

  run_berthctl.py --berthctl BIN [--exit N] [--stdout RE]... [--stderr RE]...
                  [--solution TOTAL_REPLICAS] [--same-twice] -- ARGS...

Every --stdout/--stderr regular expression must match (re.MULTILINE). --solution parses
stdout as berthctl's JSON report and checks it for internal consistency. --same-twice
runs the command again and requires the same placement (determinism for a fixed seed).
Standard library only.
"""
import argparse
import json
import re
import subprocess
import sys

STATUSES = {"optimal", "feasible", "partial", "infeasible"}
TERMS = {"node_cost", "load_spread", "balance", "overload", "free_ratio", "migration", "service_move", "colocation", "unplaced"}


def fail(message, result=None):
    print("FAIL: " + message)
    if result is not None:
        print("--- exit code: %d\n--- stdout:\n%s\n--- stderr:\n%s" % (result.returncode, result.stdout, result.stderr))
    sys.exit(1)


def check_solution(report, total_replicas, result):
    if report.get("violations") != []:
        fail("violations is not []: %r" % report.get("violations"), result)
    if report["status"] not in STATUSES:
        fail("unknown status %r" % report["status"], result)
    if set(report["terms"]) != TERMS:
        fail("terms keys are %r" % sorted(report["terms"]), result)
    if abs(sum(report["terms"].values()) - report["objective"]) > 1e-6 * max(1.0, abs(report["objective"])):
        fail("objective %r is not the sum of its terms" % report["objective"], result)
    if report["lower_bound"] > report["objective"] + 1e-6 * max(1.0, abs(report["objective"])):
        fail("lower bound %r above objective %r" % (report["lower_bound"], report["objective"]), result)
    if report["gap"] < 0:
        fail("negative gap", result)
    placed = sum(count for nodes in report["placement"].values() for count in nodes.values())
    unplaced = sum(entry["count"] for entry in report["unplaced"])
    if placed != report["replicas_placed"] or unplaced != report["replicas_unplaced"]:
        fail("placement/unplaced lists disagree with the counts", result)
    if placed + unplaced != total_replicas:
        fail("placed %d + unplaced %d != %d replicas" % (placed, unplaced, total_replicas), result)
    if (report["status"] in {"optimal", "feasible"}) != (unplaced == 0):
        fail("status %s with %d unplaced" % (report["status"], unplaced), result)
    used_nodes = 0
    for node in report["nodes"]:
        for resource, amount in node["used"].items():
            if amount > node["capacity"][resource]:
                fail("node %s over capacity in %s" % (node["name"], resource), result)
        used_nodes += any(node["name"] in nodes for nodes in report["placement"].values())
    if used_nodes != report["nodes_used"]:
        fail("nodes_used %d but %d nodes host replicas" % (report["nodes_used"], used_nodes), result)
    for entry in report["unplaced"]:
        if not entry["reason"]:
            fail("unplaced %s without a reason" % entry["service"], result)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--berthctl", required=True)
    parser.add_argument("--exit", type=int, default=0)
    parser.add_argument("--stdout", action="append", default=[])
    parser.add_argument("--stderr", action="append", default=[])
    parser.add_argument("--solution", type=int, metavar="TOTAL_REPLICAS")
    parser.add_argument("--same-twice", action="store_true")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    args = options.args[1:] if options.args[:1] == ["--"] else options.args

    command = [options.berthctl] + args
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != options.exit:
        fail("expected exit code %d" % options.exit, result)
    for pattern in options.stdout:
        if not re.search(pattern, result.stdout, re.MULTILINE):
            fail("stdout does not match %r" % pattern, result)
    for pattern in options.stderr:
        if not re.search(pattern, result.stderr, re.MULTILINE):
            fail("stderr does not match %r" % pattern, result)
    if options.solution is not None:
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError as error:
            fail("stdout is not JSON: %s" % error, result)
        check_solution(report, options.solution, result)
        if options.same_twice:
            again = json.loads(subprocess.run(command, capture_output=True, text=True, timeout=120).stdout)
            if again["placement"] != report["placement"]:
                fail("a second run with the same seed gave another placement", result)
    print("ok: " + " ".join(command))


if __name__ == "__main__":
    main()
