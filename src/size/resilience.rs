//! How a layout degrades: coverage against the fraction of sensors lost at random and to a
//! greedy adversary, and under the scenario's availability, attrition and jamming.

use super::evaluate::Evaluator;
use crate::deploy::{Sensor, losses};
use crate::error::{Error, Result};
use crate::events::EventGenerator;
use crate::rng::{purpose, sub_seed};
use crate::scenario::ResilienceSpec;
use plotters::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// One loss level: the fraction of the curve's target after losing `lost` sensors.
#[derive(Debug, Clone, PartialEq)]
pub struct LossPoint {
    pub loss_fraction: f64,
    pub lost: usize,
    /// Mean and least over the random draws.
    pub random_mean: f64,
    pub random_min: f64,
    /// After the greedy adversary's removals.
    pub targeted: f64,
}

/// A named degradation (availability, attrition, jamming, all of them) and its effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Degradation {
    pub name: String,
    /// Sensors out (mean over draws for availability).
    pub lost: f64,
    /// Each target's fraction.
    pub fractions: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct Resilience {
    pub sensors: usize,
    /// The target the curve follows.
    pub axis: usize,
    pub baseline: Vec<f64>,
    pub curve: Vec<LossPoint>,
    pub degradations: Vec<Degradation>,
}

/// Rounds the adversary takes to reach each loss level (it re-scores after each round).
const ROUNDS_PER_LEVEL: usize = 2;

/// Loss curves of target `axis` (all targets for the named degradations).
pub fn resilience(ev: &Evaluator, sensors: &[Sensor], axis: usize, progress: bool) -> Result<Resilience> {
    let spec: &ResilienceSpec = &ev.loaded.scenario.size.resilience;
    let seed = ev.loaded.scenario.seed;
    let n = sensors.len();
    let mut kernel = ev.kernel(sensors)?;
    let fractions_with = |kernel: &mut crate::coverage::GpuCoverage, up: &[bool]| -> Result<Vec<f64>> {
        kernel.set_enabled(up)?;
        Ok(ev.score(kernel)?.fractions)
    };
    let all_up: Vec<bool> = sensors.iter().map(|s| s.active).collect();
    let baseline = fractions_with(&mut kernel, &all_up)?;
    let mut levels = spec.loss_fractions.clone();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let bar = crate::progress::bar(levels.len() as u64, "loss levels", progress);
    // Random losses: independent draws of `lost` sensors at each level.
    let mut random = Vec::new();
    for (l, &f) in levels.iter().enumerate() {
        let lost = (f * n as f64).round() as usize;
        let mut draws = Vec::new();
        for d in 0..spec.random_draws {
            let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(seed, purpose::RESILIENCE, (l as u32) << 8 | d));
            let mut up = all_up.clone();
            for i in rand::seq::index::sample(&mut rng, n, lost.min(n)) {
                up[i] = false;
            }
            draws.push(fractions_with(&mut kernel, &up)?[axis]);
        }
        random.push((lost, draws));
    }
    // Targeted losses: the adversary removes, round by round, the sensors whose loss costs the
    // most covered cells (ties by the drop of the metric), re-scoring after each round; each
    // round scores a shortlist exactly (see `shortlist`).
    let local = local_cells(ev, sensors, spec.influence_km * 1000.0);
    let mut up = all_up.clone();
    let mut curve = Vec::new();
    for (&f, (lost, draws)) in levels.iter().zip(random) {
        while up.iter().filter(|u| !**u).count() < lost {
            let missing = lost - up.iter().filter(|u| !**u).count();
            let batch = missing.div_ceil(ROUNDS_PER_LEVEL).max(1).min(missing);
            kernel.set_enabled(&up)?;
            let now = ev.score(&kernel)?;
            let mut damage: Vec<(f64, usize)> = Vec::new();
            for i in shortlist(ev, &local, &up, &now, batch) {
                up[i] = false;
                kernel.set_enabled(&up)?;
                let after = ev.values_at(&kernel, &local[i])?;
                up[i] = true;
                let mut cost = 0.0;
                for (t, target) in ev.targets.iter().enumerate() {
                    for (k, &cell) in local[i].iter().enumerate() {
                        let (before, later) = (f64::from(now.values[t][cell]), f64::from(after[t][k]));
                        let was = before >= target.confidence;
                        cost += f64::from(u8::from(was && later < target.confidence)) + 1e-3 * (before - later);
                    }
                }
                damage.push((cost, i));
            }
            damage.sort_by(|a, b| b.0.total_cmp(&a.0));
            for &(_, i) in damage.iter().take(batch) {
                up[i] = false;
            }
        }
        let targeted = fractions_with(&mut kernel, &up)?[axis];
        let mean = draws.iter().sum::<f64>() / draws.len().max(1) as f64;
        let min = draws.iter().copied().fold(f64::INFINITY, f64::min);
        curve.push(LossPoint { loss_fraction: f, lost, random_mean: mean, random_min: min, targeted });
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut degradations = Vec::new();
    let losses = &ev.loaded.scenario.losses;
    let jammed = losses::jammed(ev.loaded, &ev.plane, sensors)?;
    let destroyed = destroyed(ev, sensors, losses.lethal_radius_m)?;
    let availability_draws: Vec<Vec<bool>> =
        (0..spec.random_draws).map(|d| losses::failed(losses, seed, d, n).iter().map(|f| !f).collect()).collect();
    let mut named = |name: &str, masks: Vec<Vec<bool>>| -> Result<()> {
        let mut sum = vec![0.0; ev.targets.len()];
        let mut lost = 0.0;
        for mask in &masks {
            let up: Vec<bool> = all_up.iter().zip(mask).map(|(a, b)| *a && *b).collect();
            lost += up.iter().filter(|u| !**u).count() as f64;
            for (s, f) in sum.iter_mut().zip(fractions_with(&mut kernel, &up)?) {
                *s += f;
            }
        }
        let count = masks.len().max(1) as f64;
        degradations.push(Degradation {
            name: name.to_string(),
            lost: lost / count,
            fractions: sum.iter().map(|s| s / count).collect(),
        });
        Ok(())
    };
    if losses.availability < 1.0 {
        named(&format!("availability {}", losses.availability), availability_draws.clone())?;
    }
    if losses.lethal_radius_m > 0.0 {
        named(
            &format!("attrition over the run ({} m lethal radius)", losses.lethal_radius_m),
            vec![destroyed.clone()],
        )?;
    }
    if !losses.jamming.is_empty() {
        let up: Vec<bool> = jammed.iter().map(|j| !j).collect();
        named(&format!("jamming ({} zones)", losses.jamming.len()), vec![up])?;
    }
    if !losses.is_none() {
        let combined: Vec<Vec<bool>> = availability_draws
            .iter()
            .map(|a| a.iter().zip(&destroyed).zip(&jammed).map(|((a, d), j)| *a && *d && !*j).collect())
            .collect();
        named("all of [losses] together", combined)?;
    }
    Ok(Resilience { sensors: n, axis, baseline, curve, degradations })
}

/// The standing sensors worth scoring exactly this round: ranked by how alone they are in
/// holding up covered cells (each covered cell near a sensor counts 1 / the standing sensors
/// near it), the top `SHORTLIST_PER_REMOVAL` per removal of the round, at least
/// `MIN_SHORTLIST`. Scoring all of them costs a local coverage evaluation each.
fn shortlist(
    ev: &Evaluator,
    local: &[Vec<usize>],
    up: &[bool],
    now: &super::evaluate::Scores,
    batch: usize,
) -> Vec<usize> {
    let covered: Vec<bool> = (0..ev.cells.len())
        .map(|c| ev.targets.iter().enumerate().any(|(t, target)| f64::from(now.values[t][c]) >= target.confidence))
        .collect();
    let mut holders = vec![0u32; ev.cells.len()];
    for (cells, _) in local.iter().zip(up).filter(|(_, u)| **u) {
        for &c in cells {
            holders[c] += 1;
        }
    }
    let mut ranked: Vec<(f64, usize)> = (0..up.len())
        .filter(|&i| up[i])
        .map(|i| {
            let alone: f64 =
                local[i].iter().filter(|&&c| covered[c]).map(|&c| 1.0 / f64::from(holders[c].max(1))).sum();
            (alone, i)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.truncate((batch * SHORTLIST_PER_REMOVAL).max(MIN_SHORTLIST));
    ranked.into_iter().map(|(_, i)| i).collect()
}

/// Candidates scored exactly per sensor the adversary removes in a round, and at least.
const SHORTLIST_PER_REMOVAL: usize = 4;
const MIN_SHORTLIST: usize = 64;

/// For each sensor, the cells within `radius_m` of it.
fn local_cells(ev: &Evaluator, sensors: &[Sensor], radius_m: f64) -> Vec<Vec<usize>> {
    let tree = rstar::RTree::bulk_load(
        ev.cells
            .iter()
            .enumerate()
            .map(|(i, c)| rstar::primitives::GeomWithData::new([f64::from(c.x), f64::from(c.y)], i))
            .collect(),
    );
    sensors
        .iter()
        .map(|s| tree.locate_within_distance([s.x, s.y], radius_m * radius_m).map(|p| p.data).collect())
        .collect()
}

/// `false` for the sensors the run's impacts destroy (the whole run, every block).
fn destroyed(ev: &Evaluator, sensors: &[Sensor], radius_m: f64) -> Result<Vec<bool>> {
    let mut attrition = losses::Attrition::new(sensors, radius_m);
    if radius_m > 0.0 {
        let mut generator = EventGenerator::new(ev.loaded, &ev.plane, &ev.line);
        for b in 0..generator.block_count {
            attrition.strike(&generator.block(b)?);
        }
    }
    Ok(attrition.standing())
}

/// Resilience curve as CSV.
pub fn write_csv(path: &Path, r: &Resilience) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Error::output(&shown, e.to_string());
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    w.write_record(["loss_fraction", "sensors_lost", "random_mean", "random_min", "targeted"]).map_err(|e| fail(&e))?;
    for p in &r.curve {
        w.write_record([
            format!("{:.4}", p.loss_fraction),
            p.lost.to_string(),
            format!("{:.5}", p.random_mean),
            format!("{:.5}", p.random_min),
            format!("{:.5}", p.targeted),
        ])
        .map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

/// Random and targeted loss curves of the curve's target.
pub fn draw(path: &Path, r: &Resilience, target: f64, y_label: &str, title: &str) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Error::output(&shown, format!("cannot draw the resilience plot: {e}"));
    crate::plot::font_ready().map_err(|e| fail(&e))?;
    let max_loss = r.curve.iter().map(|p| p.loss_fraction).fold(0.0, f64::max).max(0.01) * 100.0;
    let root = BitMapBackend::new(path, (crate::plot::WIDTH_PX, 560)).into_drawing_area();
    let mut chart = crate::plot::fraction_chart(&root, title, (max_loss, "sensors lost (%)"), y_label, target)
        .map_err(|e| fail(&e))?;
    let series = [
        (
            "random loss (mean of draws)",
            BLUE,
            r.curve.iter().map(|p| (100.0 * p.loss_fraction, p.random_mean)).collect::<Vec<_>>(),
        ),
        (
            "targeted loss (greedy adversary)",
            RED,
            r.curve.iter().map(|p| (100.0 * p.loss_fraction, p.targeted)).collect(),
        ),
    ];
    for (name, colour, points) in series {
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(|e| fail(&e))?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, colour.filled()))).map_err(|e| fail(&e))?;
    }
    crate::plot::legend(&mut chart, SeriesLabelPosition::LowerLeft).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))
}
