#!/usr/bin/env python3
"""Checks that `moonpool-report merge` gives the report of the unsharded run.

Runs a simulation once unsharded and once as N shards (--shard I/N), merges
the shard reports with moonpool-report, and compares the merged report with
the unsharded one field by field. Only wall-clock fields may differ (listed
in WALL_CLOCK below); any other difference fails the test, naming the field.
With --errors it also feeds the merge bad input (a missing shard, a shard
given twice, a shard of another plan or program, malformed JSON) and
checks that each is refused with exit status 2 and one line naming it.

Usage (CTest runs it, tools/CMakeLists.txt):
  check_merge.py --tool build/bin/moonpool-report --binary build/bin/sim-kv-bug \
      --shards 3 --work-dir DIR --args "--iterations 150" [--args "..."] \
      [--expect failing|passing] [--errors --other-binary build/bin/sim-kv]
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

# Fields that hold wall-clock time (or a rate or choice that depends on the
# machine): everything else must be equal. "*" matches any list index.
WALL_CLOCK = [
    ("wall_ns",),
    ("seeds", "*", "wall_ns"),
    ("exploration", "seconds"),
    ("exploration", "timelines_per_s"),
    ("exploration", "first_bug_seconds"),
    ("exploration", "wall_ns"),
    ("exploration", "config", "jobs"),
    ("exploration", "failures", "*", "found_after_seconds"),
]


def is_wall_clock(path):
    for pattern in WALL_CLOCK:
        if len(pattern) == len(path) and all(
            p == "*" or p == q for p, q in zip(pattern, path)
        ):
            return True
    return False


def differences(a, b, path=()):
    """Every path where a and b differ, wall-clock fields aside."""
    if is_wall_clock(path):
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                if not is_wall_clock(path + (key,)):
                    found.append((path + (key,), a.get(key, "<absent>"), b.get(key, "<absent>")))
                continue
            found += differences(a[key], b[key], path + (key,))
        return found
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [(path, f"{len(a)} items", f"{len(b)} items")]
        found = []
        for i, (x, y) in enumerate(zip(a, b)):
            found += differences(x, y, path + (i,))
        return found
    # bool is an int in Python: compare types too, so true never equals 1.
    if type(a) is not type(b) or a != b:
        return [(path, a, b)]
    return []


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(command, expect_codes, what):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in expect_codes:
        fail(
            f"{what} exited {result.returncode}, expected {sorted(expect_codes)}\n"
            f"  command: {shlex.join(command)}\n  stderr: {result.stderr[-2000:]}"
        )
    return result


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def compare(unsharded, merged, label):
    found = differences(unsharded, merged)
    if found:
        lines = [
            f"  {'.'.join(map(str, p)) or '<root>'}: unsharded {json.dumps(x)[:200]} "
            f"merged {json.dumps(y)[:200]}"
            for p, x, y in found[:20]
        ]
        fail(f"{label}: the merged report differs from the unsharded one in "
             f"{len(found)} fields:\n" + "\n".join(lines))


def check_one_plan(options, args, label):
    """Unsharded vs merged shards for one set of simulation flags."""
    work = os.path.join(options.work_dir, label)
    os.makedirs(work)
    plan = shlex.split(args)
    whole_path = os.path.join(work, "unsharded.json")
    whole_run = run(
        [options.binary, *plan, "--report-json", whole_path], {0, 1}, f"{label}: the unsharded run"
    )
    whole = load(whole_path)
    if options.expect == "failing" and whole_run.returncode != 1:
        fail(f"{label}: the unsharded run was expected to fail some seeds, and passed")
    if options.expect == "passing" and whole_run.returncode != 0:
        fail(f"{label}: the unsharded run was expected to pass, and failed")

    shard_paths = []
    for i in range(options.shards):
        path = os.path.join(work, f"shard-{i}.json")
        run(
            [options.binary, *plan, "--shard", f"{i}/{options.shards}", "--quiet",
             "--report-json", path],
            {0, 1},
            f"{label}: shard {i}/{options.shards}",
        )
        shard = load(path)
        if shard["shard"] != {"index": i, "count": options.shards}:
            fail(f"{label}: shard {i} reports itself as {shard['shard']}")
        if shard["iterations"] >= whole["iterations"] and whole["iterations"] > 1:
            fail(f"{label}: shard {i} ran {shard['iterations']} seeds, not a share of "
                 f"{whole['iterations']}")
        shard_paths.append(path)

    # Shards in a scrambled order: the merge must not depend on it.
    given = shard_paths[1:] + shard_paths[:1]
    merged_path = os.path.join(work, "merged.json")
    html_path = os.path.join(work, "merged.html")
    merged_run = run(
        [options.tool, "merge", *given, "-o", merged_path, "--report-html", html_path],
        {0, 1},
        f"{label}: moonpool-report merge",
    )
    if merged_run.returncode != whole_run.returncode:
        fail(f"{label}: merge exited {merged_run.returncode}, the unsharded run "
             f"{whole_run.returncode}")
    merged = load(merged_path)
    compare(whole, merged, label)

    # The comparison itself can fail: a report with one seed's trace hash
    # changed is caught.
    if whole["seeds"]:
        tampered = json.loads(json.dumps(merged))
        tampered["seeds"][-1]["trace_hash"] = "0" * 16
        if not differences(whole, tampered):
            fail(f"{label}: the comparison did not notice a changed trace hash")

    # The HTML page of the merged run names every failing seed.
    with open(html_path, encoding="utf-8") as f:
        page = f.read()
    for seed in whole["failing_seeds_text"][:20]:
        if seed not in page:
            fail(f"{label}: the merged HTML report does not mention failing seed {seed}")

    # summary prints what the simulation printed.
    summary = run([options.tool, "summary", whole_path], {whole_run.returncode},
                  f"{label}: moonpool-report summary")
    if summary.stdout != whole_run.stderr:
        fail(f"{label}: moonpool-report summary differs from the simulation's own summary:\n"
             f"--- simulation\n{whole_run.stderr}\n--- summary\n{summary.stdout}")

    print(f"{label}: {options.shards} shards merged into the unsharded report: "
          f"{whole['iterations']} seeds, {whole['failed']} failing, "
          f"{len(whole['assertions'])} assertions"
          + (f", {whole['exploration']['timelines']} timelines, "
             f"{len(whole['exploration']['recipes'])} recipes"
             if "exploration" in whole else ""))
    return work, plan, shard_paths


def check_refused(options, command, pattern, what):
    result = run(command, {2}, what)
    lines = result.stderr.splitlines()
    if len(lines) != 1 or not re.search(pattern, lines[0]):
        fail(f"{what}: expected one line matching /{pattern}/ on stderr, got:\n{result.stderr}")
    print(f"{what}: refused: {lines[0]}")


def check_errors(options, work, plan, shard_paths):
    tool = options.tool
    n = options.shards
    check_refused(options, [tool, "merge", *shard_paths[:-1]],
                  rf"shard {n - 1} of {n} is missing", "a missing shard")
    check_refused(options, [tool, "merge", *shard_paths, shard_paths[0]],
                  r"are both shard 0/", "a shard given twice")

    other_plan = os.path.join(work, "other-plan.json")
    run([options.binary, *plan, "--base-seed", "12345", "--shard", f"0/{n}", "--quiet",
         "--report-json", other_plan], {0, 1}, "a shard of another plan")
    check_refused(options, [tool, "merge", other_plan, *shard_paths[1:]],
                  r"ran different plans: --base-seed", "shards of different plans")

    if options.other_binary:
        other_program = os.path.join(work, "other-program.json")
        run([options.other_binary, *plan, "--shard", f"0/{n}", "--quiet", "--report-json",
             other_program], {0, 1}, "a shard of another program")
        check_refused(options, [tool, "merge", other_program, *shard_paths[1:]],
                      r"reports of different simulations", "shards of different programs")

    other_count = os.path.join(work, "other-count.json")
    run([options.binary, *plan, "--shard", f"0/{n + 1}", "--quiet", "--report-json",
         other_count], {0, 1}, "a shard of another shard count")
    check_refused(options, [tool, "merge", other_count, *shard_paths[1:]],
                  rf"is shard 0/{n + 1} but .* is shard 1/{n}", "shards of different counts")

    truncated = os.path.join(work, "truncated.json")
    with open(shard_paths[0], encoding="utf-8") as f:
        text = f.read()
    with open(truncated, "w", encoding="utf-8") as f:
        f.write(text[: len(text) // 2])
    check_refused(options, [tool, "merge", truncated, *shard_paths[1:]],
                  r"truncated\.json: not JSON", "malformed JSON")

    # A seed row moved to another shard's report.
    moved = os.path.join(work, "moved.json")
    report = load(shard_paths[1])
    report["seeds"].append(load(shard_paths[0])["seeds"][0])
    with open(moved, "w", encoding="utf-8") as f:
        json.dump(report, f)
    check_refused(options, [tool, "merge", shard_paths[0], moved, *shard_paths[2:]],
                  r"is not one of shard 1/", "a seed in the wrong shard")

    check_refused(options, [tool, "merge", os.path.join(work, "no-such.json")],
                  r"cannot read .*no-such\.json", "a file that does not exist")
    check_refused(options, [tool, "merge", shard_paths[0], "-o", "/nonexistent/out.json"],
                  r"cannot write -o file", "an output that cannot be written")
    check_refused(options, [tool, "frobnicate"], r"unknown command 'frobnicate'",
                  "an unknown command")
    check_refused(options, [tool, "merge"], r"reports is required|REPORT", "merge with no report")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--args", action="append", required=True,
                        help="the simulation's flags, one run per --args")
    parser.add_argument("--expect", choices=["failing", "passing", "either"], default="either")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--other-binary")
    options = parser.parse_args()

    shutil.rmtree(options.work_dir, ignore_errors=True)
    os.makedirs(options.work_dir)
    first = None
    for i, args in enumerate(options.args):
        checked = check_one_plan(options, args, f"plan{i}")
        first = first or checked
    if options.errors:
        check_errors(options, *first)


if __name__ == "__main__":
    main()
