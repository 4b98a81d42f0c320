//! Monte Carlo sweeps as a user runs them: planned, submitted to a real Slurm as a job array
//! with a dependent merge job, merged into virtual datasets read back with h5py and xarray, the
//! same tasks run on this machine byte for byte, a lost task resubmitted alone; the Kubernetes
//! Job checked against the Job schema; bad sweeps refused with the axis named.

use crate::slurm::Cluster;
use crate::support::{linewatch, linewatch_with_env, python, python_script, smoke_scenario, text};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The smoke scenario's sweep cut to `replicas` replicas per wind speed.
fn sweep_scenario(dir: &Path, replicas: u32) -> PathBuf {
    let original = std::fs::read_to_string(smoke_scenario()).expect("smoke scenario");
    assert!(original.contains("[sweep]\nreplicas = 20\n"), "the smoke scenario's [sweep] changed");
    let path = dir.join("sweep.toml");
    std::fs::write(&path, original.replace("[sweep]\nreplicas = 20\n", &format!("[sweep]\nreplicas = {replicas}\n")))
        .expect("write");
    path
}

fn plan(dir: &Path, scenario: &Path, out: &str) -> PathBuf {
    let o = linewatch(dir, &["sweep", "plan", scenario.to_str().expect("utf-8"), "-o", out]);
    assert!(o.status.success(), "plan failed: {}{}", text(&o.stdout), text(&o.stderr));
    dir.join(out)
}

fn task_file(dir: &Path, i: u64) -> PathBuf {
    dir.join("tasks").join(format!("task-{i:06}.h5"))
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).and_then(|m| m.modified()).expect("task file")
}

#[test]
fn a_sweep_runs_as_a_slurm_array_merges_through_virtual_datasets_and_resubmits_only_what_is_missing() {
    const TASKS: u64 = 9;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let scenario = sweep_scenario(dir, 3);
    let on_slurm = plan(dir, &scenario, "on-slurm");
    let here = plan(dir, &scenario, "here");
    let script = std::fs::read_to_string(on_slurm.join("sweep.sbatch")).expect("array script");
    assert!(script.contains("#SBATCH --array=0-8%2"), "{script}");

    std::fs::create_dir_all(dir.join("slurm")).expect("slurm folder");
    let cluster = Cluster::start(&dir.join("slurm"));
    // Task 4 is cancelled while the array's first tasks run (two at most at once, so it is
    // still pending): the merge job runs after the array all the same and calls it incomplete.
    let lost = 4;
    let submitted = cluster.submit(&on_slurm.join("submit.sh"));
    let array = submitted.strip_prefix("submitted array job ").and_then(|r| r.split(' ').next()).expect(&submitted);
    cluster.cancel(&format!("{array}_{lost}"));
    cluster.wait_idle(Duration::from_secs(900));
    let merge_log = std::fs::read_to_string(on_slurm.join("logs/merge.out")).unwrap_or_default();
    assert!(
        merge_log.contains(&format!("INCOMPLETE     1 of {TASKS} tasks missing: {lost};")),
        "merge job after a cancelled task:\n{merge_log}\n{}",
        cluster.log("slurmctld.log")
    );
    assert!(!task_file(&on_slurm, lost).exists());
    // A task killed while running leaves its partial file, which the rerun clears.
    let partial = on_slurm.join("tasks").join(format!(".task-{lost:06}.h5.part"));
    std::fs::write(&partial, b"cut short").expect("partial");

    // Resubmitting the array runs the lost task alone; the merge finds the sweep complete.
    let before: Vec<SystemTime> =
        (0..TASKS).filter(|&i| i != lost).map(|i| modified(&task_file(&on_slurm, i))).collect();
    cluster.submit(&on_slurm.join("submit.sh"));
    cluster.wait_idle(Duration::from_secs(600));
    let after: Vec<SystemTime> =
        (0..TASKS).filter(|&i| i != lost).map(|i| modified(&task_file(&on_slurm, i))).collect();
    assert_eq!(before, after, "only the lost task may be written again");
    for i in 0..TASKS {
        let log = std::fs::read_to_string(on_slurm.join(format!("logs/task-{i}.out"))).unwrap_or_default();
        let skipped = log.contains("is complete, skipped");
        assert_eq!(skipped, i != lost, "task {i} log: {log}");
        if i == lost {
            assert!(log.starts_with(&format!("task {i}: ")) && log.contains(" s\n"), "task {i} log: {log}");
        }
    }
    assert!(!partial.exists(), "the rerun removes the partial file");
    let merge_log = std::fs::read_to_string(on_slurm.join("logs/merge.out")).unwrap_or_default();
    assert!(merge_log.contains(&format!("all {TASKS} done")), "second merge:\n{merge_log}");
    let merged = on_slurm.join("sweep.h5");
    let report = python_script("check_sweep.py", &[merged.as_os_str(), on_slurm.as_os_str()]);
    assert!(report.starts_with(&format!("sweep ok: {TASKS} tasks")), "{report}");
    assert!(on_slurm.join("sweep-environment_wind_speed_mps.png").is_file(), "the merge draws a plot per axis");
    for group in ["artillery", "coverage_artillery", "mortar", "vehicle"] {
        let page = on_slurm.join(format!("sweep-environment_wind_speed_mps-{group}.png"));
        assert!(page.is_file(), "the merge plots every metric of {group}");
    }

    // The same tasks on this machine: the same stored bytes.
    let o = linewatch(dir, &["sweep", "run", here.to_str().expect("utf-8"), "--jobs", "2", "--quiet"]);
    assert!(o.status.success(), "sweep run: {}{}", text(&o.stdout), text(&o.stderr));
    for i in 0..TASKS {
        let (a, b) = (task_file(&on_slurm, i), task_file(&here, i));
        let same = python_script("check_identical.py", &[a.as_os_str(), b.as_os_str()]);
        assert!(same.starts_with("identical: "), "task {i}: {same}");
    }
}

#[test]
fn a_partial_sweep_merges_but_is_not_called_complete() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let scenario = sweep_scenario(dir, 1);
    let planned = plan(dir, &scenario, "partial");
    let d = planned.to_str().expect("utf-8");
    let o = linewatch_with_env(dir, &["sweep", "task", d, "--quiet"], &[("JOB_COMPLETION_INDEX", "1")]);
    assert!(o.status.success(), "task: {}{}", text(&o.stdout), text(&o.stderr));
    assert!(task_file(&planned, 1).is_file() && !task_file(&planned, 0).exists());
    // Task 2 started (a scheduler wrote its log) and died: it is listed as failed.
    std::fs::write(planned.join("logs/task-2.out"), "killed\n").expect("log");
    let o = linewatch(dir, &["sweep", "merge", d, "-o", "partial.h5", "--quiet"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(out.contains("INCOMPLETE     2 of 3 tasks missing: 0, 2;"), "{out}");
    assert!(out.contains("failed         2 (started, did not finish"), "{out}");
    let o = linewatch(dir, &["info", "partial.h5"]);
    let info = text(&o.stdout);
    assert!(o.status.success() && info.contains("linewatch sweep, INCOMPLETE"), "{info}{}", text(&o.stderr));
    assert!(info.contains("missing tasks      0, 2"), "{info}");
    let o = linewatch(dir, &["sweep", "task", d, "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "no index, no scheduler: {}", text(&o.stderr));
    assert!(text(&o.stderr).contains("SLURM_ARRAY_TASK_ID"), "{}", text(&o.stderr));
}

#[test]
fn the_kubernetes_job_passes_the_job_schema() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let scenario = sweep_scenario(dir, 20);
    let planned = plan(dir, &scenario, "k8s");
    let manifest = planned.join("job.yaml");
    let yaml = std::fs::read_to_string(&manifest).expect("job.yaml");
    assert!(yaml.contains("completionMode: Indexed") && yaml.contains("completions: 60"), "{yaml}");
    let validate = python().with_file_name("kubernetes-validate");
    let o = std::process::Command::new(&validate).arg("--strict").arg(&manifest).output().expect("kubernetes-validate");
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(text(&o.stdout).contains("passed for resource job/"), "{}", text(&o.stdout));
    // The check can fail: a misspelt field is refused.
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, yaml.replace("completionMode", "completionMod")).expect("write");
    let o = std::process::Command::new(&validate).arg("--strict").arg(&bad).output().expect("kubernetes-validate");
    assert!(!o.status.success(), "a wrong Job must fail the schema check");
}

#[test]
fn bad_sweeps_are_refused_naming_the_axis_and_its_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let original = std::fs::read_to_string(sweep_scenario(dir, 2)).expect("scenario");
    let axis_line = "\"environment.wind_speed_mps\" = [1.0, 4.0, 8.0]";
    assert!(original.contains(axis_line));
    let cases = [
        ("\"environment.wind_sped_mps\" = [1.0]", "wind_sped_mps"),
        ("\"rows[0].spacing_km\" = [2.0, -1.0]", "rows[0].spacing_km = -1"),
        ("\"rows[9].spacing_km\" = [2.0]", "beyond"),
        ("\"seed\" = [1, 2]", "replicas"),
        ("\"environment.wind_speed_mps\" = []", "at least one value"),
        ("\"environment.wind_speed_mps\" = 4.0", "list of the values"),
        ("\"rows[0].spacing_km\" = [\"wide\"]", "spacing_km"),
    ];
    for (replacement, expected) in cases {
        let text_in = original.replace(axis_line, replacement);
        let path = dir.join("bad.toml");
        std::fs::write(&path, &text_in).expect("write");
        let line = text_in.lines().position(|l| l == replacement).expect("line") + 1;
        let o = linewatch(dir, &["sweep", "plan", "bad.toml", "-o", "never"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{replacement}: {err}");
        assert!(err.contains(&format!("bad.toml:{line}:")), "{replacement}: {err}");
        assert!(err.contains("sweep.axes") && err.contains(expected), "{replacement}: {err}");
        assert!(!dir.join("never").exists(), "no partial output");
    }
    let zero = original.replace("[sweep]\nreplicas = 2\n", "[sweep]\nreplicas = 0\n");
    std::fs::write(dir.join("zero.toml"), zero).expect("write");
    let o = linewatch(dir, &["validate", "zero.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("sweep.replicas: must be at least 1"), "{}", text(&o.stderr));
}
