//! Monte Carlo sweeps on a cluster scheduler (docs/design.md §13): `plan` writes a folder with
//! the task table, a Slurm array script and a Kubernetes Indexed Job; `task` runs one task;
//! `run` runs them on this machine; `merge` joins the tasks' files into one with HDF5 virtual
//! datasets, a table of every task's metrics and a summary with 95 % intervals.

mod local;
mod merge;
mod metrics;
mod plan;
mod plot;
mod scripts;
mod stats;
mod summary;
mod task;

pub use local::{LocalRun, run_local};
pub use merge::{MergeReport, describe, merge};
pub use metrics::{Metric, of_run};
pub use plan::plan;
pub use stats::{bootstrap_mean_interval, pooled_rate_interval, wilson_interval};
pub use task::{TaskOutcome, run_task, task_index_from_environment};

use crate::error::{Error, Result};
use crate::scenario::LoadedScenario;
use crate::scenario::sweep::Sweep;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `format` of a sweep folder's `sweep.json` and of a merged file's root attribute.
pub const FORMAT: &str = "linewatch-sweep";
const PLAN_FILE: &str = "sweep.json";
const SCENARIO_FILE: &str = "scenario.toml";

/// `sweep.json`: what a task needs besides the scenario's text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlanFile {
    pub format: String,
    pub version: u32,
    /// The scenario as the user named it, for messages.
    pub scenario_file: String,
    /// Where the scenario's relative paths (line, places, sensor positions, DEM) resolve.
    pub base_dir: PathBuf,
    pub tasks: u64,
    pub points: u64,
    pub replicas: u32,
    pub max_parallel: u32,
}

/// A planned sweep folder, opened.
pub struct SweepDir {
    pub dir: PathBuf,
    pub plan: PlanFile,
    pub loaded: LoadedScenario,
    pub sweep: Sweep,
}

impl SweepDir {
    /// Open a folder `linewatch sweep plan` wrote; errors name the file (exit 2).
    pub fn open(dir: &Path) -> Result<Self> {
        let shown = dir.display().to_string();
        if !dir.is_dir() {
            return Err(Error::file(&shown, "sweep folder", "no such folder: make it with `linewatch sweep plan`"));
        }
        let plan_path = dir.join(PLAN_FILE);
        let plan_shown = plan_path.display().to_string();
        let text = crate::input_file::read_text(&plan_path)
            .map_err(|e| Error::file(&plan_shown, "sweep plan", format!("cannot read it: {e}")))?;
        let plan: PlanFile = serde_json::from_str(&text)
            .map_err(|e| Error::file(&plan_shown, "sweep plan", format!("not a sweep plan: {e}")))?;
        if plan.format != FORMAT || plan.version != 1 {
            return Err(Error::file(&plan_shown, "format", "not a linewatch sweep plan of version 1"));
        }
        let scenario_path = dir.join(SCENARIO_FILE);
        let scenario_text = crate::input_file::read_text(&scenario_path).map_err(|e| {
            Error::file(scenario_path.display().to_string(), "scenario", format!("cannot read it: {e}"))
        })?;
        let loaded = LoadedScenario::from_text(scenario_text, plan.scenario_file.clone(), plan.base_dir.clone())?;
        let sweep = loaded
            .sweep()?
            .ok_or_else(|| Error::file(scenario_path.display().to_string(), "sweep", "the scenario has no [sweep]"))?;
        if sweep.tasks() != plan.tasks {
            return Err(Error::file(
                &plan_shown,
                "tasks",
                format!("the plan says {} tasks, its scenario makes {}", plan.tasks, sweep.tasks()),
            ));
        }
        Ok(Self { dir: dir.to_path_buf(), plan, loaded, sweep })
    }

    /// The finished file of task `index`.
    pub fn task_path(&self, index: u64) -> PathBuf {
        task_path(&self.dir, index)
    }

    /// Where a scheduler (or `sweep run`) writes a task's output.
    pub fn log_path(&self, index: u64) -> PathBuf {
        self.dir.join("logs").join(format!("task-{index}.out"))
    }

    /// The index must name a task of this sweep.
    pub fn check_index(&self, index: u64) -> Result<()> {
        if index >= self.plan.tasks {
            return Err(Error::file(
                self.dir.display().to_string(),
                "task index",
                format!("{index} is beyond the sweep's {} tasks (0 to {})", self.plan.tasks, self.plan.tasks - 1),
            ));
        }
        Ok(())
    }
}

fn task_path(dir: &Path, index: u64) -> PathBuf {
    dir.join("tasks").join(format!("task-{index:06}.h5"))
}
