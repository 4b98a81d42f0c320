//! The `[sweep]` section (docs/design.md §13): replicas of a scenario and axes over any of its
//! scalar keys, crossed into a table of tasks. Each task is the scenario with its axis values
//! set and a seed of its own; this module makes a task's scenario text and checks that every
//! point of the sweep is a valid scenario when the file loads.

use super::span::Step;
use serde::{Deserialize, Serialize};

/// The most tasks one sweep may hold: a stated limit (a Slurm array's default `MaxArraySize` is
/// 1001; clusters raise it), far beyond what the table, the merge and the summary need to scale
/// to, and small enough that a typo (`replicas = 1e9`) is refused instead of planned.
pub const MAX_TASKS: u64 = 1_000_000;

/// `[sweep]` as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Independent replicas at every point of the axes, each with a seed derived from the
    /// scenario's seed and the replica number.
    #[serde(default = "one")]
    pub replicas: u32,
    /// Tasks a scheduler runs at once (`sbatch --array=0-N%M`, a Job's `parallelism`).
    #[serde(default = "default_max_parallel")]
    pub max_parallel: u32,
    /// Scenario key by its path (`"environment.wind_speed_mps"`, `"rows[0].spacing_km"`) → the
    /// values it takes. Axes are crossed, in the order written.
    #[serde(default)]
    pub axes: toml::Table,
}

fn one() -> u32 {
    1
}

/// A stated default: eight tasks at once keeps a shared cluster's queue fair and is what a
/// single 16-core node runs without oversubscribing two-core tasks.
fn default_max_parallel() -> u32 {
    8
}

/// One axis: the key it sets and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// As written in `[sweep.axes]`.
    pub path: String,
    steps: Vec<Step>,
    pub values: Vec<toml::Value>,
}

impl Axis {
    /// Every value a number: the axis is a numeric column in the sweep's tables.
    pub fn is_numeric(&self) -> bool {
        self.values.iter().all(|v| number(v).is_some())
    }

    /// The value as a number (integers and floats), if it is one.
    pub fn number(&self, i: usize) -> Option<f64> {
        number(&self.values[i])
    }

    /// The value as text, as a table column shows it.
    pub fn label(&self, i: usize) -> String {
        match &self.values[i] {
            toml::Value::String(s) => s.clone(),
            v => v.to_string(),
        }
    }
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The sweep of a scenario: its axes, replicas and the seed replicas derive from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub axes: Vec<Axis>,
    pub replicas: u32,
    pub max_parallel: u32,
    pub base_seed: u64,
}

/// One task of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub index: u64,
    /// The point of the axes (row of the summary).
    pub point: u64,
    pub replica: u32,
    pub seed: u64,
    /// Per axis, the index of its value.
    pub values: Vec<usize>,
}

impl Sweep {
    /// Points of the axes: the product of their lengths (one with no axes).
    pub fn points(&self) -> u64 {
        self.axes.iter().map(|a| a.values.len() as u64).product()
    }

    pub fn tasks(&self) -> u64 {
        self.points() * u64::from(self.replicas)
    }

    /// The axis values of a point: the last axis varies fastest.
    pub fn point_values(&self, point: u64) -> Vec<usize> {
        let mut rest = point;
        let mut out = vec![0; self.axes.len()];
        for (k, axis) in self.axes.iter().enumerate().rev() {
            let n = axis.values.len() as u64;
            out[k] = (rest % n) as usize;
            rest /= n;
        }
        out
    }

    /// Task `index`: replicas of one point are consecutive. Replica r has the same seed at
    /// every point (common random numbers): the difference between two points is then the
    /// axes' effect, not a different draw of events and weather.
    pub fn task(&self, index: u64) -> Task {
        let replicas = u64::from(self.replicas);
        let point = index / replicas;
        let replica = (index % replicas) as u32;
        Task {
            index,
            point,
            replica,
            // 63 bits: a TOML integer is signed.
            seed: crate::rng::sub_seed(self.base_seed, crate::rng::purpose::SWEEP_REPLICA, replica) & i64::MAX as u64,
            values: self.point_values(point),
        }
    }

    /// The scenario text of a task: the original without `[sweep]`, the axis values set and
    /// the task's seed.
    pub fn task_text(&self, original: &str, task: &Task) -> Result<String, String> {
        let settings: Vec<(&Axis, usize)> = self.axes.iter().zip(task.values.iter().copied()).collect();
        scenario_with(original, &settings, Some(task.seed))
    }
}

/// The scenario text with `[sweep]` removed and each (axis, value index) set.
pub fn scenario_with(original: &str, settings: &[(&Axis, usize)], seed: Option<u64>) -> Result<String, String> {
    let mut doc: toml::Table = toml::from_str(original).map_err(|e| e.message().to_string())?;
    doc.remove("sweep");
    for (axis, i) in settings {
        set(&mut doc, &axis.steps, axis.values[*i].clone()).map_err(|m| format!("'{}': {m}", axis.path))?;
    }
    if let Some(seed) = seed {
        let seed = i64::try_from(seed).map_err(|_| format!("seed {seed} does not fit a TOML integer"))?;
        doc.insert("seed".into(), toml::Value::Integer(seed));
    }
    toml::to_string(&doc).map_err(|e| e.to_string())
}

/// Set the value at `steps`, creating missing tables on the way (a key the scenario leaves at
/// its default); an index must name an existing element.
fn set(table: &mut toml::Table, steps: &[Step], value: toml::Value) -> Result<(), String> {
    let Some((Step::Key(first), rest)) = steps.split_first() else {
        return Err("a path starts with a key".into());
    };
    if rest.is_empty() {
        if matches!(table.get(first), Some(toml::Value::Table(_)) | Some(toml::Value::Array(_))) {
            return Err(format!("'{first}' is a table or an array, not a scalar key"));
        }
        table.insert(first.clone(), value);
        return Ok(());
    }
    let mut node = table.entry(first.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let mut rest = rest;
    while let Some(Step::Index(i)) = rest.first() {
        let toml::Value::Array(items) = node else { return Err(format!("'{first}' is not an array")) };
        let len = items.len();
        node = items.get_mut(*i).ok_or_else(|| format!("index {i} is beyond the {len} elements of '{first}'"))?;
        rest = &rest[1..];
    }
    match node {
        toml::Value::Table(_) if rest.is_empty() => Err(format!("'{first}' is a table, not a scalar key")),
        toml::Value::Table(t) => set(t, rest, value),
        _ if rest.is_empty() => Err(format!("'{first}' is an array, not a scalar key")),
        _ => Err(format!("'{first}' is not a table")),
    }
}

/// `rows[0].spacing_km` → [Key rows, Index 0, Key spacing_km].
fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut indices) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(format!(
                "'{part}' is not a key (write paths as environment.wind_speed_mps or rows[0].spacing_km)"
            ));
        }
        steps.push(Step::Key(key.to_string()));
        while !indices.is_empty() {
            let close = indices.find(']').ok_or_else(|| format!("'{part}' has an unclosed '['"))?;
            let n: usize =
                indices[1..close].parse().map_err(|_| format!("'{}' is not an index", &indices[1..close]))?;
            steps.push(Step::Index(n));
            indices = &indices[close + 1..];
            if !indices.is_empty() && !indices.starts_with('[') {
                return Err(format!("'{part}' continues after ']' without a '.'"));
            }
        }
    }
    Ok(steps)
}

/// The axes of `[sweep]`, each path parsed and its values a non-empty list of scalars. Errors
/// name the axis (`sweep.axes.<path>`).
pub fn axes(spec: &SweepSpec) -> Result<Vec<Axis>, (String, String)> {
    let mut out = Vec::new();
    for (path, values) in &spec.axes {
        let steps = parse_path(path).map_err(|m| (path.clone(), m))?;
        match steps.first() {
            Some(Step::Key(k)) if k == "seed" => {
                return Err((path.clone(), "the seed is the replicas' to set: use `replicas`".into()));
            }
            Some(Step::Key(k)) if k == "sweep" => return Err((path.clone(), "a sweep cannot sweep itself".into())),
            _ => {}
        }
        let toml::Value::Array(values) = values else {
            return Err((path.clone(), "an axis is a list of the values the key takes, e.g. [2.0, 4.0, 8.0]".into()));
        };
        if values.is_empty() {
            return Err((path.clone(), "an axis needs at least one value".into()));
        }
        if let Some(v) = values.iter().find(|v| matches!(v, toml::Value::Array(_) | toml::Value::Table(_))) {
            return Err((path.clone(), format!("{v} is not a scalar: an axis takes numbers, strings or booleans")));
        }
        out.push(Axis { path: path.clone(), steps, values: values.clone() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(path: &str, values: &[f64]) -> Axis {
        let values = values.iter().map(|v| toml::Value::Float(*v)).collect();
        Axis { path: path.into(), steps: parse_path(path).expect("path"), values }
    }

    #[test]
    fn paths_parse_keys_and_indices() {
        let steps = parse_path("rows[2].spacing_km").expect("parses");
        assert_eq!(steps, vec![Step::Key("rows".into()), Step::Index(2), Step::Key("spacing_km".into())]);
        for bad in ["rows[x].a", "rows[0", "a..b", "", "rows[0]x.a"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tasks_cross_the_axes_with_the_last_fastest_and_share_seeds_across_points() {
        let sweep = Sweep {
            axes: vec![axis("a", &[1.0, 2.0]), axis("b", &[1.0, 2.0, 3.0])],
            replicas: 4,
            max_parallel: 2,
            base_seed: 7,
        };
        assert_eq!(sweep.points(), 6);
        assert_eq!(sweep.tasks(), 24);
        let t = sweep.task(4 * 5 + 3);
        assert_eq!((t.point, t.replica, t.values.clone()), (5, 3, vec![1, 2]));
        assert_eq!(sweep.task(3).seed, t.seed, "replica 3 has one seed at every point");
        assert_ne!(sweep.task(2).seed, t.seed);
    }

    #[test]
    fn a_task_sets_nested_and_missing_keys_and_drops_the_sweep() {
        let text = "name = \"t\"\nseed = 1\n[[rows]]\nname = \"r\"\nspacing_km = 2.0\n[sweep]\nreplicas = 2\n";
        let settings = [axis("rows[0].spacing_km", &[5.0]), axis("environment.wind_speed_mps", &[8.0])];
        let pairs: Vec<(&Axis, usize)> = settings.iter().map(|a| (a, 0)).collect();
        let out: toml::Table = toml::from_str(&scenario_with(text, &pairs, Some(42)).expect("sets")).expect("toml");
        assert_eq!(out["rows"][0]["spacing_km"].as_float(), Some(5.0));
        assert_eq!(out["environment"]["wind_speed_mps"].as_float(), Some(8.0));
        assert_eq!(out["seed"].as_integer(), Some(42));
        assert!(!out.contains_key("sweep"));
        let beyond = axis("rows[3].spacing_km", &[5.0]);
        let err = scenario_with(text, &[(&beyond, 0)], None).expect_err("no row 3");
        assert!(err.contains("beyond the 1 elements"), "{err}");
        let table = axis("rows", &[5.0]);
        assert!(scenario_with(text, &[(&table, 0)], None).is_err(), "a table is not a scalar key");
    }
}
