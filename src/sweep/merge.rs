//! `linewatch sweep merge`: one file over every task's (docs/design.md §13).
//!
//! - `/events`, `/detections`, `/estimates`, `/metrics`: HDF5 virtual datasets concatenating
//!   the tasks' tables, in task order, with no copy; `/sweep/tasks/<table>_start` and
//!   `_rows` say where each task's rows are.
//! - `/sweep/tasks`: one row per task (index, point, replica, seed, status, axis values, every
//!   metric), along the dimension `task`.
//! - `/sweep/summary`: one row per point of the axes: each metric's estimate and 95 % interval
//!   (for a rate pooled over the replicas, Wilson's interval widened to the replicas' bootstrap;
//!   a percentile bootstrap of the mean over replicas otherwise), along the dimension `point`.
//!
//! A task whose complete file is not there is `missing`, or `failed` when it started (its log is
//! there) but did not finish; the merge still writes what it has,
//! but says the sweep is incomplete (root attribute `complete` = 0, exit 1).

use super::stats::{bootstrap_mean_interval, pooled_rate_interval};
use super::summary::{Summary, headline};
use super::{FORMAT, Metric, SweepDir};
use crate::error::{Error, Result};
use crate::output::dimension_scales::{attach_scale, set_scale};
use crate::output::{DetectionRecord, EstimateRecord, EventRecord, MetricRecord, names_attr, text_attr};
use hdf5::H5Type;
use hdf5::types::VarLenUnicode;
use ndarray::Array1;
use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

/// The tables concatenated as virtual datasets.
const TABLES: [&str; 4] = ["events", "detections", "estimates", "metrics"];

/// What one task's file holds, as the merge needs it.
#[derive(Debug, Clone, Default)]
struct TaskRead {
    done: bool,
    metrics: Vec<Metric>,
    rows: [u64; TABLES.len()],
    class_names: Vec<String>,
}

/// What the merge did.
#[derive(Debug, Clone)]
pub struct MergeReport {
    pub output: PathBuf,
    pub tasks: u64,
    pub missing: Vec<u64>,
    /// Those of the missing that started (their log exists) and did not finish.
    pub failed: Vec<u64>,
    pub plots: Vec<PathBuf>,
    /// The summary table, for the terminal.
    pub table: String,
}

impl MergeReport {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

fn read_task(dir: &SweepDir, index: u64) -> TaskRead {
    let path = dir.task_path(index);
    let task = dir.sweep.task(index);
    let read = || -> hdf5::Result<TaskRead> {
        let file = hdf5::File::open(&path)?;
        let g = file.group("task")?;
        if g.attr("index")?.read_scalar::<u64>()? != index || g.attr("seed")?.read_scalar::<u64>()? != task.seed {
            return Err("the file is another task's".into());
        }
        let names: Vec<VarLenUnicode> = g.dataset("metric")?.read_raw()?;
        let column = |name: &str| g.dataset(name).and_then(|d| d.read_raw::<f64>());
        let (values, successes, trials) = (column("value")?, column("successes")?, column("trials")?);
        let metrics = names
            .iter()
            .zip(values.iter().zip(successes.iter().zip(&trials)))
            .map(|(n, (&value, (&successes, &trials)))| Metric { name: n.to_string(), value, successes, trials })
            .collect();
        let mut rows = [0u64; TABLES.len()];
        for (r, table) in rows.iter_mut().zip(TABLES) {
            *r = file.dataset(table).map_or(0, |d| d.shape().first().copied().unwrap_or(0) as u64);
        }
        let class_names = file
            .dataset("events")?
            .attr("class_names")
            .and_then(|a| a.read_raw::<VarLenUnicode>())
            .map(|v| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        Ok(TaskRead { done: true, metrics, rows, class_names })
    };
    read().unwrap_or_default()
}

/// The path from `from_dir` to `to`, both absolute: `tasks/task-000000.h5`, or with `..`.
fn relative(from_dir: &Path, to: &Path) -> PathBuf {
    let a: Vec<Component> = from_dir.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out
}

/// Merge the tasks of `dir` into `out`.
pub fn merge(dir: &SweepDir, out: &Path, progress: bool) -> Result<MergeReport> {
    let shown = out.display().to_string();
    let n = dir.plan.tasks;
    let bar = crate::progress::bar(n, "reading tasks", progress);
    let reads: Vec<TaskRead> = (0..n)
        .map(|i| {
            bar.inc(1);
            read_task(dir, i)
        })
        .collect();
    bar.finish_and_clear();
    let missing: Vec<u64> = (0..n).filter(|&i| !reads[i as usize].done).collect();
    let failed: Vec<u64> = missing.iter().copied().filter(|&i| dir.log_path(i).exists()).collect();
    let names: Vec<String> =
        reads.iter().find(|r| r.done).map(|r| r.metrics.iter().map(|m| m.name.clone()).collect()).unwrap_or_default();

    let out_dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let out_dir = std::fs::canonicalize(&out_dir)
        .map_err(|e| Error::file(&shown, "output", format!("cannot use its folder: {e}")))?;
    let task_dir = std::fs::canonicalize(&dir.dir).map_err(|e| Error::file(&shown, "sweep folder", e.to_string()))?;
    let file_name = out.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| "sweep.h5".into());
    let temp = out_dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let write = || -> hdf5::Result<Vec<Summary>> {
        let file = hdf5::File::create(&temp)?;
        text_attr(&file, "format", FORMAT)?;
        text_attr(&file, "linewatch_version", env!("CARGO_PKG_VERSION"))?;
        text_attr(&file, "scenario_name", &dir.loaded.scenario.name)?;
        text_attr(&file, "scenario_toml", &dir.loaded.text)?;
        file.new_attr::<u64>().create("tasks")?.write_scalar(&n)?;
        file.new_attr::<u64>().create("tasks_done")?.write_scalar(&(n - missing.len() as u64))?;
        file.new_attr::<u8>().create("complete")?.write_scalar(&u8::from(missing.is_empty()))?;
        let sources: Vec<String> = (0..n)
            .map(|i| relative(&out_dir, &task_dir.join("tasks").join(format!("task-{i:06}.h5"))).display().to_string())
            .collect();
        let class_names = reads.iter().find(|r| r.done).map(|r| r.class_names.clone()).unwrap_or_default();
        virtual_table::<EventRecord>(&file, 0, &sources, &reads, &class_names)?;
        virtual_table::<DetectionRecord>(&file, 1, &sources, &reads, &class_names)?;
        virtual_table::<EstimateRecord>(&file, 2, &sources, &reads, &class_names)?;
        virtual_table::<MetricRecord>(&file, 3, &sources, &reads, &class_names)?;
        let sweep = file.create_group("sweep")?;
        text_attr(&sweep, "description", "A Monte Carlo sweep: its tasks, and a summary per point of its axes")?;
        let axes: Vec<String> = dir.sweep.axes.iter().map(|a| a.path.clone()).collect();
        names_attr(&sweep, "axes", &axes)?;
        sweep.new_attr::<u32>().create("replicas")?.write_scalar(&dir.sweep.replicas)?;
        let m = sweep.new_dataset_builder().with_data(&Array1::from(missing.clone())).create("missing_tasks")?;
        text_attr(&m, "description", "Tasks whose complete file was not found when merged")?;
        write_tasks(&sweep.create_group("tasks")?, dir, &reads, &names, &failed)?;
        let summaries = summarise(dir, &reads, &names);
        write_summary(&sweep.create_group("summary")?, dir, &summaries, &names)?;
        file.close()?;
        Ok(summaries)
    };
    let summaries = write().map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::output(&shown, e)
    })?;
    std::fs::rename(&temp, out).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::file(&shown, "output", format!("cannot move the finished file into place: {e}"))
    })?;
    let plots = super::plot::draw(out, dir, &summaries, &names)?;
    let table = table(dir, &summaries, &names);
    Ok(MergeReport { output: out.to_path_buf(), tasks: n, missing, failed, plots, table })
}

/// One virtual dataset over the tasks' `TABLES[t]`.
fn virtual_table<T: H5Type>(
    file: &hdf5::File,
    t: usize,
    sources: &[String],
    reads: &[TaskRead],
    class_names: &[String],
) -> hdf5::Result<()> {
    let name = TABLES[t];
    let total: usize = reads.iter().map(|r| r.rows[t] as usize).sum();
    let mut builder = file.new_dataset::<T>().shape(total);
    let mut start = 0;
    for (source, read) in sources.iter().zip(reads) {
        let rows = read.rows[t] as usize;
        if rows > 0 {
            builder = builder.virtual_map(source, name, rows, .., total, start..start + rows);
            start += rows;
        }
    }
    let d = builder.create(name)?;
    let what = format!("Every task's /{name}, concatenated in task order (an HDF5 virtual dataset: no copy)");
    text_attr(&d, "description", &what)?;
    if !class_names.is_empty() && (name == "events" || name == "metrics") {
        names_attr(&d, "class_names", class_names)?;
    }
    Ok(())
}

fn column<T: H5Type>(
    g: &hdf5::Group,
    name: &str,
    values: Vec<T>,
    scale: &hdf5::Dataset,
) -> hdf5::Result<hdf5::Dataset> {
    let d = g.new_dataset_builder().with_data(&Array1::from(values)).create(name)?;
    attach_scale(&d, scale, 0)?;
    Ok(d)
}

fn text_column(g: &hdf5::Group, name: &str, values: &[String], scale: &hdf5::Dataset) -> hdf5::Result<()> {
    let v: Vec<VarLenUnicode> =
        values.iter().map(|s| s.parse().map_err(|e| hdf5::Error::from(format!("{e}")))).collect::<hdf5::Result<_>>()?;
    let d = g.new_dataset::<VarLenUnicode>().shape(v.len()).create(name)?;
    d.write(&Array1::from(v))?;
    attach_scale(&d, scale, 0)
}

/// A dimension scale: 0..n along `dim`.
fn scale(g: &hdf5::Group, dim: &str, n: u64, description: &str) -> hdf5::Result<hdf5::Dataset> {
    let d = g.new_dataset_builder().with_data(&Array1::from((0..n).collect::<Vec<u64>>())).create(dim)?;
    set_scale(&d, dim)?;
    text_attr(&d, "description", description)?;
    Ok(d)
}

/// Axis value columns, numeric where every value is a number.
fn axis_columns(
    g: &hdf5::Group,
    dir: &SweepDir,
    value_of: &dyn Fn(usize) -> Vec<usize>,
    rows: usize,
    s: &hdf5::Dataset,
) -> hdf5::Result<()> {
    for (k, axis) in dir.sweep.axes.iter().enumerate() {
        let picks: Vec<usize> = (0..rows).map(|r| value_of(r)[k]).collect();
        if axis.is_numeric() {
            let v: Vec<f64> = picks.iter().map(|&i| axis.number(i).unwrap_or(f64::NAN)).collect();
            let d = column(g, &axis.path, v, s)?;
            text_attr(&d, "description", "The value this axis sets")?;
        } else {
            let v: Vec<String> = picks.iter().map(|&i| axis.label(i)).collect();
            text_column(g, &axis.path, &v, s)?;
        }
    }
    Ok(())
}

fn write_tasks(
    g: &hdf5::Group,
    dir: &SweepDir,
    reads: &[TaskRead],
    names: &[String],
    failed: &[u64],
) -> hdf5::Result<()> {
    let n = reads.len() as u64;
    text_attr(g, "description", "One row per task: where it sits in the sweep and every metric it scored")?;
    let s = scale(g, "task", n, "Task index (the array index it ran as)")?;
    let tasks: Vec<_> = (0..n).map(|i| dir.sweep.task(i)).collect();
    column(g, "point", tasks.iter().map(|t| t.point).collect::<Vec<u64>>(), &s)?;
    column(g, "replica", tasks.iter().map(|t| t.replica).collect::<Vec<u32>>(), &s)?;
    column(g, "seed", tasks.iter().map(|t| t.seed).collect::<Vec<u64>>(), &s)?;
    let status: Vec<String> = (0..n)
        .map(|i| match (reads[i as usize].done, failed.contains(&i)) {
            (true, _) => "done",
            (false, true) => "failed",
            (false, false) => "missing",
        })
        .map(str::to_string)
        .collect();
    text_column(g, "status", &status, &s)?;
    axis_columns(g, dir, &|r| tasks[r].values.clone(), tasks.len(), &s)?;
    for name in names {
        let v: Vec<f64> =
            reads.iter().map(|r| r.metrics.iter().find(|m| &m.name == name).map_or(f64::NAN, |m| m.value)).collect();
        column(g, name, v, &s)?;
    }
    for (t, table) in TABLES.iter().enumerate() {
        let rows: Vec<u64> = reads.iter().map(|r| r.rows[t]).collect();
        let starts: Vec<u64> = rows.iter().scan(0u64, |acc, &r| Some(std::mem::replace(acc, *acc + r))).collect();
        let d = column(g, &format!("{table}_start"), starts, &s)?;
        text_attr(&d, "description", &format!("First row of this task in /{table}"))?;
        let d = column(g, &format!("{table}_rows"), rows, &s)?;
        text_attr(&d, "description", &format!("Rows of this task in /{table}"))?;
    }
    Ok(())
}

fn summarise(dir: &SweepDir, reads: &[TaskRead], names: &[String]) -> Vec<Summary> {
    (0..dir.sweep.points())
        .map(|point| {
            let replicas: Vec<&TaskRead> = (0..u64::from(dir.sweep.replicas))
                .map(|r| &reads[(point * u64::from(dir.sweep.replicas) + r) as usize])
                .filter(|t| t.done)
                .collect();
            let mut metrics = Vec::new();
            let mut pooled = Vec::new();
            for name in names {
                let of: Vec<&Metric> =
                    replicas.iter().filter_map(|t| t.metrics.iter().find(|m| &m.name == name)).collect();
                let rate = !of.is_empty() && of.iter().all(|m| m.is_rate());
                pooled.push(rate);
                let seed =
                    crate::rng::sub_seed(dir.sweep.base_seed, crate::rng::purpose::SWEEP_BOOTSTRAP, point as u32);
                if rate {
                    let successes: Vec<f64> = of.iter().map(|m| m.successes).collect();
                    let trials: Vec<f64> = of.iter().map(|m| m.trials).collect();
                    metrics.push(pooled_rate_interval(&successes, &trials, seed));
                } else {
                    let values: Vec<f64> = of.iter().map(|m| m.value).collect();
                    metrics.push(bootstrap_mean_interval(&values, seed));
                }
            }
            Summary {
                point,
                replicas_done: replicas.len() as u64,
                values: dir.sweep.point_values(point),
                metrics,
                pooled,
            }
        })
        .collect()
}

fn write_summary(g: &hdf5::Group, dir: &SweepDir, summaries: &[Summary], names: &[String]) -> hdf5::Result<()> {
    text_attr(
        g,
        "description",
        "One row per point of the axes: each metric's estimate with its 95 % interval (name_low, name_high)",
    )?;
    let s = scale(g, "point", summaries.len() as u64, "Point of the axes (the last axis varies fastest)")?;
    axis_columns(g, dir, &|r| summaries[r].values.clone(), summaries.len(), &s)?;
    let d = column(g, "replicas_done", summaries.iter().map(|x| x.replicas_done).collect::<Vec<u64>>(), &s)?;
    text_attr(&d, "description", "Replicas of this point whose task finished")?;
    for (j, name) in names.iter().enumerate() {
        let pooled = summaries.iter().any(|x| x.pooled[j]);
        let how = if pooled {
            "rate pooled over the replicas (successes / trials); 95 % interval: the union of Wilson's score interval on the pooled counts and a percentile bootstrap of the pooled rate over the replicas (2000 resamples)"
        } else {
            "mean over the replicas, 95 % percentile bootstrap interval (2000 resamples over replicas)"
        };
        for (suffix, pick) in [("", 0), ("_low", 1), ("_high", 2)] {
            let v: Vec<f64> = summaries
                .iter()
                .map(|x| match pick {
                    0 => x.metrics[j].0,
                    1 => x.metrics[j].1,
                    _ => x.metrics[j].2,
                })
                .collect();
            let d = column(g, &format!("{name}{suffix}"), v, &s)?;
            text_attr(&d, "description", how)?;
        }
    }
    Ok(())
}

fn table(dir: &SweepDir, summaries: &[Summary], names: &[String]) -> String {
    let mut out = String::new();
    let shown = headline(names, summaries);
    for x in summaries {
        let at: Vec<String> =
            dir.sweep.axes.iter().zip(&x.values).map(|(a, &v)| format!("{} = {}", a.path, a.label(v))).collect();
        let _ = writeln!(
            out,
            "  point {:<4} {} ({} replicas)",
            x.point,
            if at.is_empty() { "(no axes)".to_string() } else { at.join(", ") },
            x.replicas_done
        );
        for &j in &shown {
            let (m, lo, hi) = x.metrics[j];
            let _ = writeln!(out, "    {:<44} {:>10.4}  [{lo:.4}, {hi:.4}]", names[j], m);
        }
    }
    out
}

/// `linewatch info` on a merged sweep file.
pub fn describe(file: &hdf5::File, shown: &str) -> hdf5::Result<String> {
    let mut out = String::new();
    let text = |name: &str| {
        file.attr(name).and_then(|a| a.read_scalar::<VarLenUnicode>()).map(|v| v.to_string()).unwrap_or_default()
    };
    let tasks = file.attr("tasks")?.read_scalar::<u64>()?;
    let done = file.attr("tasks_done")?.read_scalar::<u64>()?;
    let complete = file.attr("complete")?.read_scalar::<u8>()? == 1;
    let _ = writeln!(out, "{shown}: linewatch sweep, {}", if complete { "complete" } else { "INCOMPLETE" });
    let _ = writeln!(out, "  {:<18} {}", "scenario_name", text("scenario_name"));
    let _ = writeln!(out, "  {:<18} {}", "linewatch_version", text("linewatch_version"));
    let _ = writeln!(out, "  {:<18} {done} of {tasks} done", "tasks");
    let sweep = file.group("sweep")?;
    let axes: Vec<String> = sweep.attr("axes")?.read_raw::<VarLenUnicode>()?.iter().map(|s| s.to_string()).collect();
    let replicas = sweep.attr("replicas")?.read_scalar::<u32>()?;
    let points = sweep.dataset("summary/point")?.shape().first().copied().unwrap_or(0);
    let _ = writeln!(out, "  {:<18} {}", "axes", if axes.is_empty() { "none".into() } else { axes.join(", ") });
    let _ = writeln!(out, "  {:<18} {points} points x {replicas} replicas", "points");
    for table in TABLES {
        let rows = file.dataset(table).map(|d| d.shape().first().copied().unwrap_or(0)).unwrap_or(0);
        let _ = writeln!(out, "  {table:<18} {rows} rows (virtual, over the tasks' files)");
    }
    let missing: Vec<u64> = sweep.dataset("missing_tasks")?.read_raw()?;
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().take(20).map(u64::to_string).collect();
        let more = if missing.len() > 20 { format!(" and {} more", missing.len() - 20) } else { String::new() };
        let _ = writeln!(out, "  {:<18} {}{more}", "missing tasks", list.join(", "));
    }
    Ok(out)
}
