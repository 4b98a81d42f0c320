//! `linewatch sweep run`: the sweep's tasks on this machine, `jobs` at once, each the same
//! `linewatch sweep task` process a scheduler would start (so its file is the same), its output
//! in `logs/task-I.out` as under Slurm.

use super::SweepDir;
use crate::error::{Error, Result};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What the local run did.
#[derive(Debug, Clone)]
pub struct LocalRun {
    pub tasks: u64,
    /// (index, exit code or None if killed by a signal)
    pub failed: Vec<(u64, Option<i32>)>,
    pub seconds: f64,
}

/// Run every task of `dir` with `jobs` processes at once.
pub fn run_local(dir: &SweepDir, jobs: usize, progress: bool) -> Result<LocalRun> {
    let shown = dir.dir.display().to_string();
    if jobs == 0 {
        return Err(Error::file(&shown, "--jobs", "must be at least 1"));
    }
    let exe = std::env::current_exe()
        .map_err(|e| Error::file(&shown, "linewatch", format!("cannot find this program to run the tasks: {e}")))?;
    let started = Instant::now();
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let failed = Mutex::new(Vec::new());
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    let bar = crate::progress::bar(dir.plan.tasks, "sweep tasks", progress);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(dir.plan.tasks as usize) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= dir.plan.tasks {
                        break;
                    }
                    match run_one(&exe, dir, index) {
                        Ok(status) if status.success() => {}
                        Ok(status) => failed.lock().unwrap_or_else(|p| p.into_inner()).push((index, status.code())),
                        Err(e) => {
                            first_error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                            break;
                        }
                    }
                    bar.set_position(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            });
        }
    });
    bar.finish_and_clear();
    if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut failed = failed.into_inner().unwrap_or_else(|p| p.into_inner());
    failed.sort_unstable();
    Ok(LocalRun { tasks: dir.plan.tasks, failed, seconds: started.elapsed().as_secs_f64() })
}

fn run_one(exe: &std::path::Path, dir: &SweepDir, index: u64) -> Result<std::process::ExitStatus> {
    let log_path = dir.log_path(index);
    let shown = log_path.display().to_string();
    let log = std::fs::File::create(&log_path).map_err(|e| Error::file(&shown, "log", format!("cannot write: {e}")))?;
    let err_log = log.try_clone().map_err(|e| Error::file(&shown, "log", e.to_string()))?;
    Command::new(exe)
        .args(["sweep", "task"])
        .arg(&dir.dir)
        .args(["--index", &index.to_string(), "--quiet"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err_log)
        .status()
        .map_err(|e| Error::file(exe.display().to_string(), "linewatch", format!("cannot start a task: {e}")))
}
