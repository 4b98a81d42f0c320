//! `linewatch sweep task`: run one task of a planned sweep into `tasks/task-NNNNNN.h5`.
//!
//! The task's file is the run's result file (docs/design.md §7) plus a `/task` group: its index,
//! point, replica and seed, and its metrics with the counts behind each rate. It is written
//! under a temporary name and renamed when complete, so a file under the final name is always
//! whole; a task whose file is complete, for this very scenario text, is skipped.

use super::{Metric, SweepDir, of_run};
use crate::error::{Error, Result};
use crate::output::{names_attr, text_attr};
use crate::run::{CoveragePictures, RunOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a task did.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOutcome {
    /// Its complete file was already there.
    Skipped(PathBuf),
    Ran {
        path: PathBuf,
        seconds: f64,
    },
}

/// The task index a scheduler gives: Slurm's `SLURM_ARRAY_TASK_ID`, else a Kubernetes Indexed
/// Job's `JOB_COMPLETION_INDEX`.
pub fn task_index_from_environment() -> Result<u64> {
    for var in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
        if let Ok(value) = std::env::var(var) {
            return value
                .trim()
                .parse()
                .map_err(|_| Error::file(var, "environment", format!("'{value}' is not a task index")));
        }
    }
    Err(Error::file(
        "linewatch sweep task",
        "--index",
        "no task index: give --index, or run it as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes \
         Indexed Job (JOB_COMPLETION_INDEX)",
    ))
}

/// Run task `index` of the sweep in `dir`, unless its complete file is there.
pub fn run_task(dir: &SweepDir, index: u64, progress: bool) -> Result<TaskOutcome> {
    dir.check_index(index)?;
    let task = dir.sweep.task(index);
    let loaded = dir.loaded.for_task(&dir.sweep, &task)?;
    let target = dir.task_path(index);
    if is_complete(&target, index, &loaded.text) {
        return Ok(TaskOutcome::Skipped(target));
    }
    let started = Instant::now();
    let partial = partial_path(&target);
    remove_leftovers(&target);
    let options = RunOptions {
        seed: None,
        progress,
        png: None,
        coverage: true,
        verify: true,
        pictures: CoveragePictures::default(),
        search_on_cpu: false,
    };
    let summary = crate::run::run(&loaded, &partial, &options)?;
    let metrics = of_run(&loaded.scenario, &summary);
    let shown = target.display().to_string();
    let write = || -> hdf5::Result<()> {
        let file = hdf5::File::open_rw(&partial)?;
        let g = file.create_group("task")?;
        text_attr(&g, "description", "This file's task of a linewatch sweep: where it sits and what it scored")?;
        g.new_attr::<u64>().create("index")?.write_scalar(&task.index)?;
        g.new_attr::<u64>().create("point")?.write_scalar(&task.point)?;
        g.new_attr::<u32>().create("replica")?.write_scalar(&task.replica)?;
        g.new_attr::<u64>().create("seed")?.write_scalar(&task.seed)?;
        let axes: Vec<String> = dir.sweep.axes.iter().map(|a| a.path.clone()).collect();
        let values: Vec<String> = dir.sweep.axes.iter().zip(&task.values).map(|(a, &v)| a.label(v)).collect();
        names_attr(&g, "axis_paths", &axes)?;
        names_attr(&g, "axis_values", &values)?;
        write_metrics(&g, &metrics)?;
        file.close()
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        Error::output(&shown, e)
    })?;
    std::fs::rename(&partial, &target).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        Error::file(&shown, "output", format!("cannot move the finished file into place: {e}"))
    })?;
    Ok(TaskOutcome::Ran { path: target, seconds: started.elapsed().as_secs_f64() })
}

fn write_metrics(g: &hdf5::Group, metrics: &[Metric]) -> hdf5::Result<()> {
    let names: Vec<String> = metrics.iter().map(|m| m.name.clone()).collect();
    let d = g.new_dataset::<hdf5::types::VarLenUnicode>().shape(names.len()).create("metric")?;
    let names: Vec<hdf5::types::VarLenUnicode> =
        names.iter().map(|n| n.parse().map_err(|e| hdf5::Error::from(format!("{e}")))).collect::<hdf5::Result<_>>()?;
    d.write(&ndarray::Array1::from(names))?;
    text_attr(&d, "description", "Metric names, as [expect] names them")?;
    type Column = (&'static str, fn(&Metric) -> f64, &'static str);
    let columns: [Column; 3] = [
        ("value", |m| m.value, "The metric's value (NaN: nothing to measure, e.g. a CEP with nothing located)"),
        ("successes", |m| m.successes, "For a rate: the counted events it is the share of (NaN: not a rate)"),
        ("trials", |m| m.trials, "For a rate: the events it is a share of (NaN: not a rate)"),
    ];
    for (name, get, description) in columns {
        let values: Vec<f64> = metrics.iter().map(get).collect();
        let d = g.new_dataset_builder().with_data(&ndarray::Array1::from(values)).create(name)?;
        text_attr(&d, "description", description)?;
    }
    Ok(())
}

/// A task's file is complete when it opens, its `/task` names this index and it ran this
/// exact scenario text (a changed plan reruns its tasks).
pub fn is_complete(path: &Path, index: u64, scenario_text: &str) -> bool {
    let Ok(file) = hdf5::File::open(path) else { return false };
    let same_index = file.group("task").and_then(|g| g.attr("index")).and_then(|a| a.read_scalar::<u64>());
    let same_text = file
        .attr("scenario_toml")
        .and_then(|a| a.read_scalar::<hdf5::types::VarLenUnicode>())
        .is_ok_and(|t| t.as_str() == scenario_text);
    same_index.is_ok_and(|i| i == index) && same_text && file.link_exists("metrics")
}

/// The run writes here, and the `/task` group is added, before the rename.
fn partial_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.part"))
}

/// A killed task leaves its partial file (and the run's own temporary file): remove them.
fn remove_leftovers(target: &Path) {
    let partial = partial_path(target);
    let _ = std::fs::remove_file(&partial);
    let (Some(dir), Some(name)) = (partial.parent(), partial.file_name()) else { return };
    let prefix = format!(".{}.tmp-", name.to_string_lossy());
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
