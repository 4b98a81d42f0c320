//! `linewatch sweep plan`: the sweep folder, ready to submit.

use super::{FORMAT, PLAN_FILE, PlanFile, SCENARIO_FILE, scripts};
use crate::error::{Error, Result};
use crate::scenario::LoadedScenario;
use std::fmt::Write;
use std::path::Path;

/// Write the plan of `loaded`'s `[sweep]` into `dir`: `sweep.json`, `scenario.toml`,
/// `tasks.csv`, `sweep.sbatch`, `merge.sbatch`, `submit.sh`, `job.yaml`, and the `tasks/` and
/// `logs/` folders. Returns what to print. A folder holding another sweep's task files is
/// refused, so that two sweeps never mix.
pub fn plan(loaded: &LoadedScenario, dir: &Path) -> Result<String> {
    let sweep = loaded.sweep()?.ok_or_else(|| {
        Error::file(&loaded.file, "sweep", "the scenario has no [sweep] section: add one with `replicas` and `axes`")
    })?;
    if loaded.file.starts_with('<') {
        return Err(Error::file(&loaded.file, "sweep", "plan a sweep from a scenario file"));
    }
    let shown = dir.display().to_string();
    let scenario_copy = dir.join(SCENARIO_FILE);
    if let Ok(previous) = std::fs::read_to_string(&scenario_copy) {
        let has_tasks = std::fs::read_dir(dir.join("tasks")).is_ok_and(|mut d| d.next().is_some());
        if previous != loaded.text && has_tasks {
            return Err(Error::file(
                &shown,
                "output",
                "holds the tasks of another sweep (its scenario.toml differs): plan into a new folder",
            ));
        }
    }
    let io = |what: &str, e: std::io::Error| Error::file(&shown, "output", format!("cannot write {what}: {e}"));
    for sub in ["tasks", "logs"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| io(sub, e))?;
    }
    let dir = std::fs::canonicalize(dir).map_err(|e| io("the folder", e))?;
    let base_dir = std::fs::canonicalize(&loaded.base_dir).map_err(|e| {
        Error::file(&loaded.file, "scenario", format!("cannot resolve its folder {}: {e}", loaded.base_dir.display()))
    })?;
    let plan = PlanFile {
        format: FORMAT.into(),
        version: 1,
        scenario_file: loaded.file.clone(),
        base_dir,
        tasks: sweep.tasks(),
        points: sweep.points(),
        replicas: sweep.replicas,
        max_parallel: sweep.max_parallel,
    };
    let json = serde_json::to_string_pretty(&plan).map_err(|e| Error::file(&shown, "output", e.to_string()))?;
    let linewatch = std::env::current_exe().map_err(|e| io("the scripts (where is linewatch?)", e))?;
    let name = &loaded.scenario.name;
    let files = [
        (PLAN_FILE, json + "\n", false),
        (SCENARIO_FILE, loaded.text.clone(), false),
        ("tasks.csv", task_table(&sweep), false),
        ("sweep.sbatch", scripts::array_script(name, &dir, &linewatch, &sweep), true),
        ("merge.sbatch", scripts::merge_script(name, &dir, &linewatch), true),
        ("submit.sh", scripts::submit_script(), true),
        ("job.yaml", scripts::kubernetes_job(name, &dir, &sweep), false),
    ];
    for (file, text, executable) in files {
        let path = dir.join(file);
        std::fs::write(&path, text).map_err(|e| io(file, e))?;
        if executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(|e| io(file, e))?;
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "linewatch sweep plan '{name}' → {}", dir.display());
    let axes: Vec<String> = sweep.axes.iter().map(|a| format!("{} × {}", a.path, a.values.len())).collect();
    let _ = writeln!(
        out,
        "  tasks          {} = {} points ({}) × {} replicas",
        sweep.tasks(),
        sweep.points(),
        if axes.is_empty() { "no axes".into() } else { axes.join(", ") },
        sweep.replicas
    );
    let _ = writeln!(out, "  task table     {}", dir.join("tasks.csv").display());
    let _ = writeln!(out, "  Slurm          {}  (array, then the merge)", dir.join("submit.sh").display());
    let _ = writeln!(out, "  Kubernetes     {}", dir.join("job.yaml").display());
    let _ = writeln!(out, "  this machine   linewatch sweep run {} --jobs 2", dir.display());
    Ok(out)
}

/// `tasks.csv`: index, point, replica, seed and each axis's value.
fn task_table(sweep: &crate::scenario::sweep::Sweep) -> String {
    let mut out = String::from("index,point,replica,seed");
    for axis in &sweep.axes {
        out.push(',');
        out.push_str(&csv_field(&axis.path));
    }
    out.push('\n');
    for index in 0..sweep.tasks() {
        let t = sweep.task(index);
        let _ = write!(out, "{},{},{},{}", t.index, t.point, t.replica, t.seed);
        for (axis, &v) in sweep.axes.iter().zip(&t.values) {
            out.push(',');
            out.push_str(&csv_field(&axis.label(v)));
        }
        out.push('\n');
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}
