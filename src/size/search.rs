//! The search for the cheapest layout that meets every target.
//!
//! Coverage falls as a spacing grows (more precisely: it does not rise, up to the shift of the
//! sensors' places along the row), so for fixed offsets and row choices the feasible spacings
//! form a box corner at the densest layout. The search:
//! 1. enumerates the discrete choices (offset of each row, optional rows in or out), cheapest
//!    lower bound first, and prunes a choice whose widest layout already costs more than the
//!    best found (branch and bound) or whose densest layout misses a target (monotonicity: no
//!    wider one can meet it);
//! 2. widens each row's spacing in turn, most expensive row first, by geometric bisection to
//!    the widest spacing that still meets the targets, and repeats until no row can widen
//!    (coordinate descent to a layout no single row can thin further);
//! 3. with `stretch_km`, then widens each row stretch by stretch, all stretches bisected at
//!    once (each stretch keeps or gives up its step by its own score), requiring every target
//!    in every stretch.

use super::evaluate::{Evaluator, Scores};
use super::layout::{Cost, Layout, RowChoice};
use crate::error::Result;
use crate::scenario::SizeSpec;

/// A layout the search evaluated.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub layout: Layout,
    pub cost: Cost,
    pub fractions: Vec<f64>,
    pub stretch_fractions: Vec<Vec<f64>>,
    /// Every target met over the whole line.
    pub meets: bool,
    /// (cell, sensor) pairs the kernel evaluated to score it.
    pub pairs: u64,
}

impl Candidate {
    /// Every target met in stretch `j`.
    pub fn meets_in(&self, targets: &[super::evaluate::Target], j: usize) -> bool {
        self.stretch_fractions.iter().zip(targets).all(|(f, t)| f[j] >= t.fraction)
    }
}

/// What the search found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Index into `visited` of the cheapest layout meeting every target (uniform spacing).
    pub best: Option<usize>,
    /// With stretches: the cheapest per-stretch layout meeting every target in every stretch
    /// the densest layout can serve.
    pub best_by_stretch: Option<usize>,
    /// Stretches no candidate can serve (they miss a target even at the densest spacing).
    pub unreachable_stretches: Vec<usize>,
    pub visited: Vec<Candidate>,
    pub combinations: usize,
    pub pruned: usize,
}

impl Outcome {
    /// The layout to deploy: per stretch when that search succeeded, else the uniform one.
    pub fn chosen(&self) -> Option<&Candidate> {
        self.best_by_stretch.or(self.best).map(|i| &self.visited[i])
    }
}

pub struct Search<'e, 'a> {
    ev: &'e Evaluator<'a>,
    spec: &'e SizeSpec,
    pub visited: Vec<Candidate>,
    bar: indicatif::ProgressBar,
}

impl<'e, 'a> Search<'e, 'a> {
    pub fn new(ev: &'e Evaluator<'a>, progress: bool) -> Self {
        let bar = crate::progress::bar(0, "layouts evaluated", progress);
        Self { ev, spec: &ev.loaded.scenario.size, visited: Vec::new(), bar }
    }

    /// Hand the visited layouts to the outcome.
    pub fn finish(mut self, mut outcome: Outcome) -> Outcome {
        self.bar.finish_and_clear();
        outcome.visited = std::mem::take(&mut self.visited);
        outcome
    }

    /// Deploy, cost and score a layout (once: a layout seen before is looked up).
    pub fn evaluate(&mut self, layout: &Layout) -> Result<usize> {
        if let Some(i) = self.visited.iter().position(|c| &c.layout == layout) {
            return Ok(i);
        }
        let (_, sensors, cost) = self.deploy(layout)?;
        let scores: Scores = self.ev.score(&self.ev.kernel(&sensors)?)?;
        self.visited.push(Candidate {
            layout: layout.clone(),
            cost,
            meets: scores.meets(&self.ev.targets),
            pairs: scores.pairs,
            fractions: scores.fractions,
            stretch_fractions: scores.stretch_fractions,
        });
        self.bar.inc_length(1);
        self.bar.inc(1);
        Ok(self.visited.len() - 1)
    }

    /// The rows, sensors and cost of a layout (no GPU work).
    pub fn deploy(
        &self,
        layout: &Layout,
    ) -> Result<(Vec<crate::scenario::SensorRow>, Vec<crate::deploy::Sensor>, Cost)> {
        let rows = layout.rows(&self.ev.loaded.scenario, &self.spec.rows, &self.ev.stretches);
        let sensors = self.ev.deploy(rows.clone())?;
        let cost = Cost::of(&sensors, &rows, &self.spec.rows);
        Ok((rows, sensors, cost))
    }

    /// A layout with every included row at one spacing picked per row.
    fn uniform(offsets: &[Option<f64>], spacing: &[f64]) -> Layout {
        Layout {
            choices: offsets
                .iter()
                .zip(spacing)
                .map(|(o, &s)| o.map(|offset_km| RowChoice { offset_km, spacing_km: vec![s] }))
                .collect(),
        }
    }

    /// Every discrete choice: per sized row, one of its offsets, or out when optional.
    fn combinations(&self) -> Vec<Vec<Option<f64>>> {
        let scenario = &self.ev.loaded.scenario;
        let mut all = vec![Vec::new()];
        for r in &self.spec.rows {
            let own = scenario.rows.iter().find(|row| row.name == r.row).and_then(|row| row.offset_km);
            let mut options: Vec<Option<f64>> =
                r.offsets_km.clone().unwrap_or_else(|| own.into_iter().collect()).into_iter().map(Some).collect();
            if r.optional {
                options.push(None);
            }
            all = all
                .into_iter()
                .flat_map(|prefix| {
                    options.iter().map(move |o| {
                        let mut next = prefix.clone();
                        next.push(*o);
                        next
                    })
                })
                .collect();
        }
        all
    }

    /// Widest spacing of one row that keeps `meets`, from a feasible `from`, by geometric
    /// bisection to the tolerance.
    fn widen(&mut self, offsets: &[Option<f64>], spacing: &mut [f64], row: usize) -> Result<()> {
        let tolerance = 1.0 + self.spec.spacing_tolerance;
        let (mut lo, mut hi) = (spacing[row], self.spec.rows[row].spacing_km[1]);
        if hi <= lo * tolerance {
            return Ok(());
        }
        let mut probe = spacing.to_vec();
        probe[row] = hi;
        let i = self.evaluate(&Self::uniform(offsets, &probe))?;
        if self.visited[i].meets {
            spacing[row] = hi;
            return Ok(());
        }
        while hi > lo * tolerance {
            let mid = (lo * hi).sqrt();
            probe[row] = mid;
            let i = self.evaluate(&Self::uniform(offsets, &probe))?;
            if self.visited[i].meets {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        spacing[row] = lo;
        Ok(())
    }

    /// The cheapest uniform-spacing layout that meets every target. The layouts visited stay
    /// in `self.visited` (the outcome's indices point there) until `finish`.
    pub fn run(&mut self) -> Result<Outcome> {
        let rows = &self.spec.rows;
        let densest: Vec<f64> = rows.iter().map(|r| r.spacing_km[0]).collect();
        let widest: Vec<f64> = rows.iter().map(|r| r.spacing_km[1]).collect();
        let mut choices: Vec<(f64, Vec<Option<f64>>)> = Vec::new();
        for offsets in self.combinations() {
            let lower = self.deploy(&Self::uniform(&offsets, &widest))?.2.total();
            choices.push((lower, offsets));
        }
        choices.sort_by(|a, b| a.0.total_cmp(&b.0));
        let combinations = choices.len();
        let (mut best, mut pruned): (Option<usize>, usize) = (None, 0);
        for (lower, offsets) in choices {
            if best.is_some_and(|b| lower >= self.visited[b].cost.total()) {
                pruned += 1;
                continue;
            }
            let start = self.evaluate(&Self::uniform(&offsets, &densest))?;
            if !self.visited[start].meets {
                continue;
            }
            // Most expensive row first: its spacing saves the most per step.
            let mut order: Vec<usize> = (0..rows.len()).filter(|&r| offsets[r].is_some()).collect();
            let unit = |r: usize| {
                let row = self.ev.loaded.scenario.rows.iter().find(|x| x.name == rows[r].row);
                row.map_or(0.0, |x| x.unit_cost_eur) / rows[r].spacing_km[0] + rows[r].per_km_cost_eur
            };
            order.sort_by(|&a, &b| unit(b).total_cmp(&unit(a)));
            let mut spacing = densest.clone();
            for _pass in 0..MAX_PASSES {
                let before = spacing.clone();
                for &r in &order {
                    self.widen(&offsets, &mut spacing, r)?;
                }
                if before == spacing {
                    break;
                }
            }
            let found = self.evaluate(&Self::uniform(&offsets, &spacing))?;
            if self.visited[found].meets
                && best.is_none_or(|b| self.visited[found].cost.total() < self.visited[b].cost.total())
            {
                best = Some(found);
            }
        }
        let (best_by_stretch, unreachable_stretches) = match best {
            Some(b) if self.ev.stretches.len() > 1 => self.by_stretch(b)?,
            _ => (None, Vec::new()),
        };
        Ok(Outcome { best, best_by_stretch, unreachable_stretches, visited: Vec::new(), combinations, pruned })
    }

    /// Per-stretch spacing for the choices of the uniform optimum `from`.
    fn by_stretch(&mut self, from: usize) -> Result<(Option<usize>, Vec<usize>)> {
        let n = self.ev.stretches.len();
        let tolerance = 1.0 + self.spec.spacing_tolerance;
        let base = self.visited[from].layout.clone();
        let with = |spacing: &[Vec<f64>]| Layout {
            choices: base
                .choices
                .iter()
                .zip(spacing)
                .map(|(c, s)| c.as_ref().map(|c| RowChoice { offset_km: c.offset_km, spacing_km: s.clone() }))
                .collect(),
        };
        let mut spacing: Vec<Vec<f64>> = self.spec.rows.iter().map(|r| vec![r.spacing_km[0]; n]).collect();
        let start = self.evaluate(&with(&spacing))?;
        let targets = &self.ev.targets;
        let unreachable: Vec<usize> = (0..n).filter(|&j| !self.visited[start].meets_in(targets, j)).collect();
        let included: Vec<usize> = (0..spacing.len()).filter(|&r| base.choices[r].is_some()).collect();
        for _pass in 0..MAX_PASSES {
            let before = spacing.clone();
            for &r in &included {
                let mut lo = spacing[r].clone();
                let mut hi = vec![self.spec.rows[r].spacing_km[1]; n];
                let mut first = true;
                while (0..n).any(|j| hi[j] > lo[j] * tolerance) {
                    // The first probe tries the widest spacing everywhere; then bisect.
                    let mid: Vec<f64> = (0..n)
                        .map(|j| {
                            if hi[j] <= lo[j] * tolerance {
                                lo[j]
                            } else if first {
                                hi[j]
                            } else {
                                (lo[j] * hi[j]).sqrt()
                            }
                        })
                        .collect();
                    first = false;
                    let mut probe = spacing.clone();
                    probe[r] = mid.clone();
                    let i = self.evaluate(&with(&probe))?;
                    for j in 0..n {
                        if hi[j] <= lo[j] * tolerance {
                            continue;
                        }
                        if unreachable.contains(&j) || self.visited[i].meets_in(targets, j) {
                            lo[j] = mid[j];
                        } else {
                            hi[j] = mid[j];
                        }
                    }
                }
                spacing[r] = lo;
            }
            if before == spacing {
                break;
            }
        }
        // Neighbouring stretches share sensors near their border: a stretch that kept its step
        // while its neighbour widened may now miss. Step those back, by one tolerance, then
        // two, four … (never below the densest spacing).
        for repair in 0..MAX_REPAIRS {
            let i = self.evaluate(&with(&spacing))?;
            let failing: Vec<usize> =
                (0..n).filter(|&j| !unreachable.contains(&j) && !self.visited[i].meets_in(targets, j)).collect();
            if failing.is_empty() {
                return Ok((Some(i), unreachable));
            }
            let step = tolerance.powi(1 << repair);
            for &r in &included {
                for &j in &failing {
                    spacing[r][j] = (spacing[r][j] / step).max(self.spec.rows[r].spacing_km[0]);
                }
            }
        }
        Ok((None, unreachable))
    }
}

/// Coordinate-descent passes over the rows.
const MAX_PASSES: usize = 3;
/// Rounds of stepping failing stretches back after the per-stretch bisection.
const MAX_REPAIRS: usize = 8;
