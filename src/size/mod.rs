//! `linewatch size`: the cheapest layout that meets the scenario's `[size]` targets, its cost
//! breakdown, the cost–coverage front, and (`--resilience`) how the layout degrades.

pub mod evaluate;
pub mod front;
pub mod layout;
pub mod resilience;
pub mod search;

use crate::error::{Error, Result, exit};
use crate::gpu::Gpu;
use crate::scenario::{LoadedScenario, Scenario, SensorRow, SizeSpec};
use evaluate::Evaluator;
use layout::{Layout, RowChoice};
use search::{Candidate, Outcome, Search};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `size` writes, and whether it probes resilience.
#[derive(Debug, Clone)]
pub struct SizeOptions {
    /// Folder for layout.toml, front.csv, front.png (and resilience.csv, resilience.png).
    pub out_dir: PathBuf,
    pub resilience: bool,
    pub progress: bool,
}

/// Everything `size` found.
pub struct SizeReport {
    pub scenario: String,
    pub adapter: String,
    pub targets: Vec<String>,
    pub outcome: Outcome,
    pub front: Vec<usize>,
    /// The target the front is against (the binding one).
    pub front_axis: usize,
    pub chosen_rows: Vec<(String, usize, f64)>,
    pub resilience: Option<resilience::Resilience>,
    pub written: Vec<PathBuf>,
    pub over_budget: Option<f64>,
    pub seconds: f64,
    /// Of which the search and the front.
    pub search_seconds: f64,
    /// Cells of the search raster each layout is scored on.
    pub cells: usize,
    describe: Vec<String>,
}

impl SizeReport {
    /// 0 when a layout meets every target within the budget, 1 when none does.
    pub fn exit_code(&self) -> u8 {
        if self.outcome.chosen().is_some() && self.over_budget.is_none() {
            exit::SUCCESS
        } else {
            exit::EXPECTATIONS_FAILED
        }
    }
}

/// The rows a search may deploy, every sized row at its densest and at each offset (for the
/// terrain's extent and the reach bounds).
fn superset(s: &Scenario) -> Vec<SensorRow> {
    let mut rows = Vec::new();
    for row in &s.rows {
        let Some(sized) = s.size.rows.iter().find(|r| r.row == row.name) else {
            rows.push(row.clone());
            continue;
        };
        let offsets = sized.offsets_km.clone().unwrap_or_else(|| row.offset_km.into_iter().collect());
        for (k, offset) in offsets.into_iter().enumerate() {
            rows.push(SensorRow {
                name: format!("{}#{k}", row.name),
                offset_km: Some(offset),
                spacing_km: Some(sized.spacing_km[0]),
                ..row.clone()
            });
        }
    }
    rows
}

pub fn size(loaded: &LoadedScenario, options: &SizeOptions) -> Result<SizeReport> {
    let started = Instant::now();
    let s = &loaded.scenario;
    let spec: &SizeSpec = &s.size;
    if spec.targets.is_empty() || spec.rows.is_empty() {
        return Err(loaded.error_at(
            &crate::scenario::FieldPath::parse("size"),
            "linewatch size needs [[size.targets]] (what to achieve) and [[size.rows]] (what it may change)",
        ));
    }
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|e| Error::output(options.out_dir.display().to_string(), e.to_string()))?;
    let gpu = Gpu::new()?;
    let ev = Evaluator::new(loaded, &gpu, superset(s))?;
    let mut search = Search::new(&ev, options.progress);
    let outcome = search.run()?;
    scale_chosen(&mut search, &outcome, spec)?;
    let outcome = search.finish(outcome);
    let search_seconds = started.elapsed().as_secs_f64();
    let chosen_index = outcome.best_by_stretch.or(outcome.best);
    let axis = front::binding_target(&outcome.visited, &ev.targets, chosen_index);
    let front = front::pareto(&outcome.visited, axis);
    let mut written = Vec::new();
    let csv = options.out_dir.join("front.csv");
    front::write_csv(&csv, &outcome.visited, &ev.targets, axis, &spec.rows)?;
    written.push(csv);
    let png = options.out_dir.join("front.png");
    front::draw(
        &png,
        &outcome.visited,
        &ev.targets,
        axis,
        chosen_index,
        &format!("{}: cost against coverage", s.name),
    )?;
    written.push(png);
    let mut chosen_rows = Vec::new();
    let mut over_budget = None;
    let mut resilience_report = None;
    if let Some(chosen) = outcome.chosen().cloned() {
        let rows = chosen.layout.rows(s, &spec.rows, &ev.stretches);
        let sensors = ev.deploy(rows.clone())?;
        for (r, row) in rows.iter().enumerate() {
            let base = layout::base_name(&row.name).to_string();
            let mine: Vec<_> = sensors.iter().filter(|x| usize::from(x.row) == r).collect();
            let eur: f64 = mine.iter().map(|x| x.cost_eur).sum();
            match chosen_rows.iter_mut().find(|(name, _, _): &&mut (String, usize, f64)| *name == base) {
                Some(entry) => {
                    entry.1 += mine.len();
                    entry.2 += eur;
                }
                None => chosen_rows.push((base, mine.len(), eur)),
            }
        }
        if let Some(budget) = spec.budget_eur.filter(|&b| chosen.cost.total() > b) {
            over_budget = Some(budget);
        }
        let toml_path = options.out_dir.join("layout.toml");
        write_layout(&toml_path, loaded, rows, &chosen, &ev)?;
        written.push(toml_path);
        if options.resilience {
            let r = resilience::resilience(&ev, &sensors, axis, options.progress)?;
            let csv = options.out_dir.join("resilience.csv");
            resilience::write_csv(&csv, &r)?;
            written.push(csv);
            let png = options.out_dir.join("resilience.png");
            let t = &ev.targets[axis];
            resilience::draw(
                &png,
                &r,
                t.fraction,
                &format!("{} cells with {} ≥ {}", t.class, t.metric.name(), t.confidence),
                &format!("{}: coverage as sensors are lost", s.name),
            )?;
            written.push(png);
            resilience_report = Some(r);
        }
    }
    Ok(SizeReport {
        scenario: s.name.clone(),
        adapter: gpu.describe(),
        targets: ev.targets.iter().map(|t| t.describe()).collect(),
        describe: outcome.visited.iter().map(|c| c.layout.describe(&spec.rows)).collect(),
        outcome,
        front,
        front_axis: axis,
        chosen_rows,
        resilience: resilience_report,
        written,
        over_budget,
        seconds: started.elapsed().as_secs_f64(),
        search_seconds,
        cells: ev.cells.len(),
    })
}

/// The chosen layout's spacings scaled by common factors, for the front.
fn scale_chosen(search: &mut Search, outcome: &Outcome, spec: &SizeSpec) -> Result<()> {
    if let Some(best) = outcome.best {
        let base = search.visited[best].layout.clone();
        let points = spec.front_points.max(2);
        for p in 0..points {
            // Factors from 1/2 to 3, geometric.
            let factor = 0.5 * 6f64.powf(f64::from(p) / f64::from(points - 1));
            let layout = Layout {
                choices: base
                    .choices
                    .iter()
                    .zip(&spec.rows)
                    .map(|(c, r)| {
                        c.as_ref().map(|c| RowChoice {
                            offset_km: c.offset_km,
                            spacing_km: c
                                .spacing_km
                                .iter()
                                .map(|s| (s * factor).clamp(r.spacing_km[0], r.spacing_km[1]))
                                .collect(),
                        })
                    })
                    .collect(),
            };
            search.evaluate(&layout)?;
        }
    }
    Ok(())
}

/// The chosen layout as a scenario ready to run: the rows replaced, paths made absolute,
/// `[size]` dropped (its row names may now be split by stretch) and the coverage targets it
/// was sized for written as `[expect]` for `linewatch check`.
fn write_layout(
    path: &Path,
    loaded: &LoadedScenario,
    rows: Vec<SensorRow>,
    chosen: &Candidate,
    ev: &Evaluator,
) -> Result<()> {
    let mut s = loaded.scenario.clone();
    let absolute = |p: &mut Option<String>| {
        if let Some(rel) = p.as_mut() {
            let full = loaded.resolve(rel);
            *rel = std::path::absolute(&full).unwrap_or(full).display().to_string();
        }
    };
    absolute(&mut s.line.geojson);
    absolute(&mut s.line.places);
    absolute(&mut s.terrain.dem);
    absolute(&mut s.terrain.land_cover);
    s.rows = rows;
    for row in &mut s.rows {
        absolute(&mut row.positions);
    }
    let mut unexpressed = Vec::new();
    for t in &ev.targets {
        // The maps count a cell at `[coverage] target`: a target at another confidence has no
        // expectation that states it.
        if (t.confidence - s.coverage.target).abs() < 1e-12 {
            let coverage = s.expect.entry("coverage").or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let Some(table) = coverage.as_table_mut() {
                let class = table.entry(t.class.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let Some(class) = class.as_table_mut() {
                    class.insert(t.metric.expectation().into(), toml::Value::String(format!(">= {}", t.fraction)));
                }
            }
        } else {
            unexpressed.push(t.describe());
        }
    }
    s.size = SizeSpec::default();
    let body = toml::to_string_pretty(&s).map_err(|e| Error::output(path.display().to_string(), e.to_string()))?;
    let mut header = String::new();
    let _ = writeln!(
        header,
        "# Chosen by `linewatch size` from {} ({}).",
        loaded.file,
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let _ = writeln!(header, "# Cost {}.", chosen.cost);
    for (t, f) in ev.targets.iter().zip(&chosen.fractions) {
        let _ = writeln!(
            header,
            "# {}: {:.4} at the search resolution of {} m.",
            t.describe(),
            f,
            loaded.scenario.size.resolution_m
        );
    }
    for u in unexpressed {
        let _ = writeln!(header, "# Not checkable by `linewatch check` (only verifiable at [coverage] target is): {u}");
    }
    std::fs::write(path, header + "\n" + &body).map_err(|e| Error::output(path.display().to_string(), e.to_string()))
}

impl std::fmt::Display for SizeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = &self.outcome;
        writeln!(f, "linewatch size '{}'", self.scenario)?;
        writeln!(f, "  adapter        {}", self.adapter)?;
        for t in &self.targets {
            writeln!(f, "  target         {t}")?;
        }
        writeln!(
            f,
            "  search         {} choices of offsets and rows ({} pruned by cost), {} layouts evaluated",
            o.combinations,
            o.pruned,
            o.visited.len(),
        )?;
        writeln!(
            f,
            "  work           {} cells per layout, {:.3e} (cell, sensor) pairs in all, {:.1} s ({:.1} s in all)",
            self.cells,
            o.visited.iter().map(|c| c.pairs as f64).sum::<f64>(),
            self.search_seconds,
            self.seconds
        )?;
        let line = |f: &mut std::fmt::Formatter<'_>, label: &str, i: usize| {
            let c = &o.visited[i];
            let fractions: Vec<String> = c.fractions.iter().map(|x| format!("{x:.4}")).collect();
            writeln!(f, "  {label:<14} {}  fractions {}", c.cost, fractions.join(", "))?;
            writeln!(f, "  {:<14} {}", "", self.describe[i])
        };
        match o.best {
            Some(b) => line(f, "uniform", b)?,
            None => writeln!(f, "  no layout in the design space meets every target, even at the densest spacing")?,
        }
        if let Some(b) = o.best_by_stretch {
            line(f, "by stretch", b)?;
        }
        if !o.unreachable_stretches.is_empty() {
            writeln!(f, "  stretches      {:?} miss a target even at the densest spacing", o.unreachable_stretches)?;
        }
        if let Some(budget) = self.over_budget {
            writeln!(f, "  over budget    the cheapest layout meeting the targets exceeds {:.2} M EUR", budget / 1e6)?;
        }
        if !self.chosen_rows.is_empty() {
            writeln!(f, "  cost by row    {:<22} {:>8} {:>12}", "row", "sensors", "M EUR")?;
            for (name, n, eur) in &self.chosen_rows {
                writeln!(f, "  {:<14} {:<22} {:>8} {:>12.3}", "", name, n, eur / 1e6)?;
            }
        }
        writeln!(
            f,
            "  Pareto front   {:>12} {:>8}  fraction of: {} (the binding target)",
            "M EUR", "sensors", self.targets[self.front_axis]
        )?;
        for &i in &self.front {
            let c = &o.visited[i];
            writeln!(
                f,
                "  {:<14} {:>12.3} {:>8}  {:.4}",
                "",
                c.cost.total() / 1e6,
                c.cost.sensors,
                c.fractions[self.front_axis]
            )?;
        }
        if let Some(r) = &self.resilience {
            writeln!(
                f,
                "  resilience     {} sensors; fraction of: {} as sensors are lost",
                r.sensors, self.targets[r.axis]
            )?;
            writeln!(
                f,
                "  {:<14} {:>6} {:>6} {:>12} {:>11} {:>9}",
                "", "lost", "count", "random mean", "random min", "targeted"
            )?;
            for p in &r.curve {
                writeln!(
                    f,
                    "  {:<14} {:>5.0}% {:>6} {:>12.4} {:>11.4} {:>9.4}",
                    "",
                    100.0 * p.loss_fraction,
                    p.lost,
                    p.random_mean,
                    p.random_min,
                    p.targeted
                )?;
            }
            for d in &r.degradations {
                let fr: Vec<String> = d.fractions.iter().map(|x| format!("{x:.4}")).collect();
                writeln!(f, "  {:<14} {}: {:.0} sensors out, fractions {}", "", d.name, d.lost, fr.join(", "))?;
            }
        }
        for p in &self.written {
            writeln!(f, "  wrote          {}", p.display())?;
        }
        Ok(())
    }
}
