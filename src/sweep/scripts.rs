//! The scheduler files of a sweep: a Slurm array script, its merge job, the script that submits
//! both, and a Kubernetes Indexed Job. Paths are absolute: a cluster's nodes see the sweep
//! folder at the path it was planned at (a shared file system).

use crate::scenario::sweep::Sweep;
use std::path::Path;

/// Single-quoted for bash: safe for any path.
fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// A job name from the scenario name: letters, digits and '-', at most 40 characters.
fn job_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    out.truncate(40);
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "sweep".into() } else { out }
}

/// `sweep.sbatch`: one array task per sweep task, `max_parallel` at once.
pub fn array_script(name: &str, dir: &Path, linewatch: &Path, sweep: &Sweep) -> String {
    let last = sweep.tasks() - 1;
    format!(
        r#"#!/bin/bash
# linewatch sweep '{name}': {tasks} tasks ({points} points x {replicas} replicas), one per array index.
# Submit with ./submit.sh (this array, then the merge after it) or alone with `sbatch sweep.sbatch`.
# A task whose file is complete is skipped: resubmitting finishes only what is missing.
# Slurm's default MaxArraySize is 1001 (indices 0-1000); larger sweeps need it raised.
#SBATCH --job-name=lw-{job}
#SBATCH --array=0-{last}%{parallel}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --output={logs}/task-%a.out
# On a GPU partition, one GPU per task (linewatch uses the adapter wgpu picks; without a GPU it
# runs on lavapipe, Mesa's Vulkan on the CPU). Remove one '#' from each line:
##SBATCH --partition=gpu
##SBATCH --gres=gpu:1
set -euo pipefail
if [ -z "${{LINEWATCH:-}}" ]; then LINEWATCH={linewatch}; fi
exec "$LINEWATCH" sweep task {dir} --quiet
"#,
        tasks = sweep.tasks(),
        points = sweep.points(),
        replicas = sweep.replicas,
        job = job_name(name),
        parallel = sweep.max_parallel,
        logs = dir.join("logs").display(),
        linewatch = quoted(linewatch),
        dir = quoted(dir),
    )
}

/// `merge.sbatch`: the merge, run after the array.
pub fn merge_script(name: &str, dir: &Path, linewatch: &Path) -> String {
    format!(
        r#"#!/bin/bash
# linewatch sweep '{name}': merge the tasks' files into sweep.h5 (run by submit.sh after the array).
# It exits 1 and lists the missing tasks if any did not finish; resubmit the array, then this.
#SBATCH --job-name=lw-{job}-merge
#SBATCH --ntasks=1
#SBATCH --output={logs}/merge.out
set -euo pipefail
if [ -z "${{LINEWATCH:-}}" ]; then LINEWATCH={linewatch}; fi
exec "$LINEWATCH" sweep merge {dir} -o {out}
"#,
        job = job_name(name),
        logs = dir.join("logs").display(),
        linewatch = quoted(linewatch),
        dir = quoted(dir),
        out = quoted(&dir.join("sweep.h5")),
    )
}

/// `submit.sh`: the array, then the merge once every array task has ended (`afterany`: the
/// merge then names the tasks that failed instead of never running).
pub fn submit_script() -> String {
    r#"#!/bin/bash
# Submit the sweep's array and its merge job to Slurm.
set -euo pipefail
cd "$(dirname "$0")"
array=$(sbatch --parsable sweep.sbatch)
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterany:"$array" merge.sbatch)
echo "submitted array job $array and merge job ${merge%%;*}"
"#
    .to_string()
}

/// `job.yaml`: a Kubernetes Indexed Job (batch/v1), one completion index per task.
pub fn kubernetes_job(name: &str, dir: &Path, sweep: &Sweep) -> String {
    let dir_text = dir.display().to_string().replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"# linewatch sweep '{name}' as a Kubernetes Indexed Job: {tasks} completions, {parallel} at once.
# Each pod runs the task of its JOB_COMPLETION_INDEX. The image must hold linewatch, libhdf5 and
# a Vulkan driver (mesa-vulkan-drivers for lavapipe, or the NVIDIA driver on GPU nodes). The
# sweep folder (and the scenario's side files) must be mounted at the path it was planned at;
# the claim named below is an example. Merge afterwards with
#   linewatch sweep merge {dir_text} -o {dir_text}/sweep.h5
apiVersion: batch/v1
kind: Job
metadata:
  name: lw-{job}
  labels:
    app.kubernetes.io/name: linewatch
spec:
  completionMode: Indexed
  completions: {tasks}
  parallelism: {parallel}
  backoffLimit: {backoff}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: linewatch
    spec:
      restartPolicy: Never
      containers:
        - name: task
          image: linewatch:latest
          command: ["linewatch", "sweep", "task", "{dir_text}", "--quiet"]
          resources:
            requests:
              cpu: "2"
              memory: 2Gi
            # On GPU nodes (NVIDIA device plugin), one GPU per task: uncomment.
            # limits:
            #   nvidia.com/gpu: 1
          volumeMounts:
            - name: sweep
              mountPath: "{dir_text}"
      volumes:
        - name: sweep
          persistentVolumeClaim:
            claimName: linewatch-sweep
"#,
        tasks = sweep.tasks(),
        parallel = sweep.max_parallel,
        job = job_name(name),
        // A few retries per task on average: a lost node should not fail the sweep.
        backoff = sweep.tasks().saturating_mul(2).min(i32::MAX as u64),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_are_dns_labels() {
        assert_eq!(job_name("ci-smoke"), "ci-smoke");
        assert_eq!(job_name("Full line: 24 h!"), "full-line-24-h");
        assert_eq!(job_name("***"), "sweep");
        assert!(job_name(&"x".repeat(100)).len() <= 40);
    }

    #[test]
    fn paths_are_quoted_for_bash() {
        assert_eq!(quoted(Path::new("/a b/it's")), r"'/a b/it'\''s'");
    }
}
