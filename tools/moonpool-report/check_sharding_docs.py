#!/usr/bin/env python3
"""Checks the sharding examples of docs/sharding/ against the real binaries.

  - k8s-job.yaml: parsed; an Indexed Job whose completions, parallelism and
    SHARDS agree, a failure policy naming its container, one volume claim;
    then each shard's command, the merge Job's wait and its merge command
    are run here with a local simulation and reports directory.
  - slurm.sh: the array's range gives the shard count; the script is run
    once per array index with SLURM_ARRAY_TASK_ID / _COUNT / _MIN set, as
    Slurm would, then the merge command from its header.
  - github-actions.yml: parsed; the matrix is 0..N-1, the shards pass
    strategy.job-total, the merge job runs after failing shards and
    downloads what they upload; then the shard and merge steps' scripts are
    run here, with the matrix expressions filled in.

Each merged report is compared with an unsharded run of the same flags
(check_merge.py's comparison: wall-clock fields aside, every field equal).
Needs PyYAML (python3-yaml, installed by scripts/setup.sh).
"""

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_merge import compare, fail, load  # noqa: E402

try:
    import yaml
except ImportError:
    fail("PyYAML is missing: install python3-yaml (bash scripts/setup.sh does)")

# A small run: the examples' own flags ask for 100,000 seeds.
FLAGS = "--iterations 40"


def run(command, env, cwd, codes, what, timeout=300):
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode not in codes:
        fail(f"{what} exited {result.returncode}, expected {sorted(codes)}\n"
             f"  stderr: {result.stderr[-2000:]}")
    return result


def unsharded(binary, cwd, work):
    """The report of the run the shards make up, and its exit status."""
    path = os.path.join(work, "unsharded.json")
    result = run([binary, *FLAGS.split(), "--report-json", path], dict(os.environ), cwd,
                 {0, 1}, "the unsharded run")
    return load(path), result.returncode


def check_merged(merged_path, merge_code, binary, cwd, work, label):
    whole, code = unsharded(binary, cwd, work)
    if merge_code != code:
        fail(f"{label}: the merge exited {merge_code}, the unsharded run {code}")
    compare(whole, load(merged_path), label)
    print(f"{label}: the merged report is the unsharded run's ({whole['iterations']} seeds, "
          f"{whole['failed']} failing)")


def env_of(container):
    return {e["name"]: e["value"] for e in container.get("env", [])}


def check_kubernetes(options, work):
    with open(os.path.join(options.docs, "k8s-job.yaml"), encoding="utf-8") as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    by_kind = {}
    for d in documents:
        by_kind.setdefault(d["kind"], []).append(d)
    if len(by_kind.get("Job", [])) != 2 or len(by_kind.get("PersistentVolumeClaim", [])) != 1:
        fail("k8s-job.yaml: expected two Jobs (shards, merge) and one PersistentVolumeClaim")
    claim = by_kind["PersistentVolumeClaim"][0]["metadata"]["name"]
    shards_job, merge_job = by_kind["Job"]
    spec = shards_job["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("k8s-job.yaml: the shards Job is not completionMode: Indexed")
    pod = spec["template"]["spec"]
    shard = pod["containers"][0]
    count = int(env_of(shard)["SHARDS"])
    if not spec["completions"] == spec["parallelism"] == count:
        fail(f"k8s-job.yaml: completions {spec['completions']}, parallelism "
             f"{spec['parallelism']} and SHARDS {count} differ")
    if pod.get("restartPolicy") != "Never":
        fail("k8s-job.yaml: a podFailurePolicy needs restartPolicy: Never")
    rules = spec["podFailurePolicy"]["rules"]
    if not any(r["action"] == "FailIndex" and r["onExitCodes"]["containerName"] == shard["name"]
               and {1, 2} <= set(r["onExitCodes"]["values"]) for r in rules):
        fail("k8s-job.yaml: exit 1 and 2 of the shard container must fail the index, "
             "not retry it")
    if "backoffLimitPerIndex" not in spec:
        fail("k8s-job.yaml: FailIndex needs backoffLimitPerIndex")
    command = shard["args"][0]
    if '--shard "$JOB_COMPLETION_INDEX/$SHARDS"' not in command:
        fail(f"k8s-job.yaml: the shard command does not pass JOB_COMPLETION_INDEX/SHARDS: {command}")
    merge_pod = merge_job["spec"]["template"]["spec"]
    waiter = merge_pod["initContainers"][0]
    merger = merge_pod["containers"][0]
    if int(env_of(waiter)["SHARDS"]) != count:
        fail("k8s-job.yaml: the merge waits for another number of shards")
    runs = {env_of(c)["RUN"] for c in (shard, waiter, merger)}
    if len(runs) != 1:
        fail(f"k8s-job.yaml: the containers name different RUN directories: {runs}")
    for p in (pod, merge_pod):
        if [v["persistentVolumeClaim"]["claimName"] for v in p["volumes"]] != [claim]:
            fail(f"k8s-job.yaml: a pod does not mount the claim {claim}")

    # The commands, run here: the reports directory stands for the volume.
    reports = os.path.join(work, "volume")
    os.makedirs(reports)

    def container_env(container, **overrides):
        env = dict(os.environ)
        env.update(env_of(container))
        env.update(REPORTS=reports, **overrides)
        return env

    wait_command = ["sh", "-c", waiter["args"][0]]
    for i in range(count):
        run(["sh", "-c", command],
            container_env(shard, SIMULATION=options.simulation, FLAGS=FLAGS,
                          JOB_COMPLETION_INDEX=str(i)),
            work, {0, 1}, f"k8s shard {i}")
        if i == count - 2:
            # One report short: the merge's init container keeps waiting.
            try:
                subprocess.run(wait_command, env=container_env(waiter), timeout=1.5,
                               capture_output=True)
                fail("k8s-job.yaml: the merge's wait ended with a shard's report missing")
            except subprocess.TimeoutExpired:
                pass
    run(wait_command, container_env(waiter), work, {0}, "the merge's wait", timeout=30)
    env = container_env(merger)
    env["PATH"] = os.path.dirname(options.tool) + os.pathsep + env["PATH"]
    merged = run(["sh", "-c", merger["args"][0]], env, work, {0, 1}, "the k8s merge")
    run_dir = os.path.join(reports, env_of(merger)["RUN"])
    check_merged(os.path.join(run_dir, "merged.json"), merged.returncode, options.simulation,
                 work, work, f"k8s-job.yaml ({count} shards)")
    if not os.path.exists(os.path.join(run_dir, "merged.html")):
        fail("k8s-job.yaml: the merge wrote no HTML report")


def check_slurm(options, work):
    script = os.path.join(options.docs, "slurm.sh")
    with open(script, encoding="utf-8") as f:
        text = f.read()
    array = re.search(r"^#SBATCH --array=(\d+)-(\d+)$", text, re.M)
    if not array:
        fail("slurm.sh: no '#SBATCH --array=FIRST-LAST' line")
    first, last = int(array.group(1)), int(array.group(2))
    count = last - first + 1
    wrap = re.search(r"--wrap \\\n#\s+'([^']+)'", text)
    if not wrap:
        fail("slurm.sh: its header shows no merge command (sbatch --dependency ... --wrap '...')")

    env = dict(os.environ, MOONPOOL_SIMULATION=options.failing_simulation, MOONPOOL_FLAGS=FLAGS,
               MOONPOOL_REPORTS="reports")
    outside = run(["bash", script], env, work, {1}, "slurm.sh outside a job array")
    if "job array" not in outside.stderr:
        fail(f"slurm.sh outside a job array: no message saying so: {outside.stderr}")
    # As Slurm runs the array, with indices offset to check that shards
    # still count from 0.
    for offset in (0, 5):
        task_dir = os.path.join(work, f"from-{first + offset}")
        os.makedirs(task_dir)
        for task in range(first + offset, last + offset + 1):
            run(["bash", script],
                dict(env, SLURM_ARRAY_TASK_ID=str(task), SLURM_ARRAY_TASK_COUNT=str(count),
                     SLURM_ARRAY_TASK_MIN=str(first + offset)),
                task_dir, {0, 1}, f"slurm.sh as array task {task}")
        merge_env = dict(os.environ)
        merge_env["PATH"] = os.path.dirname(options.tool) + os.pathsep + merge_env["PATH"]
        merged = run(["sh", "-c", wrap.group(1)], merge_env, task_dir, {0, 1},
                     "the Slurm merge command")
        check_merged(os.path.join(task_dir, "reports", "merged.json"), merged.returncode,
                     options.failing_simulation, task_dir, task_dir,
                     f"slurm.sh ({count} array tasks from {first + offset})")


def step_script(step, values, what):
    script = step["run"]
    for expression, value in values.items():
        script = script.replace("${{ " + expression + " }}", str(value))
    if "${{" in script:
        fail(f"github-actions.yml: {what} uses an expression this test does not fill in:\n"
             f"{script}")
    return script


def check_github_actions(options, work):
    with open(os.path.join(options.docs, "github-actions.yml"), encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    jobs = workflow["jobs"]
    shards, merge = jobs["shards"], jobs["merge"]
    strategy = shards["strategy"]
    values = strategy["matrix"]["shard"]
    count = len(values)
    if values != list(range(count)):
        fail(f"github-actions.yml: the matrix's shards are {values}, not 0..{count - 1}")
    if strategy.get("fail-fast") is not False:
        fail("github-actions.yml: fail-fast must be false, or one failing shard cancels the rest")
    if shards.get("needs") != "build" or merge.get("needs") != "shards":
        fail("github-actions.yml: the jobs must run build, then shards, then merge")
    if "!cancelled()" not in merge.get("if", ""):
        fail("github-actions.yml: the merge must run after failing shards (if: !cancelled())")
    run_steps = [s for s in shards["steps"] if "run" in s]
    shard_step = run_steps[0]
    if '--shard "${{ matrix.shard }}/${{ strategy.job-total }}"' not in shard_step["run"]:
        fail("github-actions.yml: the shard step does not pass matrix.shard/strategy.job-total")
    uploads = [s for s in shards["steps"] if s.get("uses", "").startswith("actions/upload")]
    downloads = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/download")]
    uploaded = uploads[0]["with"]["name"].replace("${{ matrix.shard }}", "0")
    if "!cancelled()" not in uploads[0].get("if", ""):
        fail("github-actions.yml: a failing shard's report must be uploaded too")
    if not any(fnmatch.fnmatch(uploaded, d["with"].get("pattern", d["with"].get("name", "")))
               for d in downloads):
        fail(f"github-actions.yml: the merge downloads no artifact named like {uploaded}")

    # The steps' scripts, run here: bin/ holds what the build job uploads.
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    simulation = workflow["env"]["SIMULATION"]
    os.symlink(options.simulation, os.path.join(work, simulation))
    os.symlink(options.tool, os.path.join(bin_dir, "moonpool-report"))
    env = dict(os.environ, SIMULATION=simulation, FLAGS=FLAGS)
    for i in values:
        script = step_script(shard_step, {"matrix.shard": i, "strategy.job-total": count},
                             f"shard step {i}")
        run(["bash", "-e", "-c", script], env, work, {0, 1}, f"github-actions shard {i}")
    merge_step = [s for s in merge["steps"] if "run" in s][0]
    merged = run(["bash", "-e", "-c", step_script(merge_step, {}, "the merge step")], env, work,
                 {0, 1}, "the github-actions merge")
    check_merged(os.path.join(work, "merged.json"), merged.returncode, simulation, work, work,
                 f"github-actions.yml ({count} matrix jobs)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", required=True, help="docs/sharding")
    parser.add_argument("--tool", required=True, help="moonpool-report")
    parser.add_argument("--simulation", required=True, help="a simulation whose seeds pass")
    parser.add_argument("--failing-simulation", required=True,
                        help="a simulation with failing seeds")
    parser.add_argument("--work-dir", required=True)
    options = parser.parse_args()
    for name in ("tool", "simulation", "failing_simulation"):
        setattr(options, name, os.path.abspath(getattr(options, name)))
    shutil.rmtree(options.work_dir, ignore_errors=True)
    for name, check in (("k8s", check_kubernetes), ("slurm", check_slurm),
                        ("github", check_github_actions)):
        work = os.path.join(options.work_dir, name)
        os.makedirs(work)
        check(options, work)


if __name__ == "__main__":
    main()
