//! The cost–coverage front of the layouts evaluated: which are Pareto-optimal (no other is both
//! cheaper and covers more), as CSV and as a plot.

use super::evaluate::Target;
use super::search::Candidate;
use crate::error::{Error, Result};
use crate::scenario::SizeRow;
use plotters::prelude::*;
use std::path::Path;

/// Indices of the candidates on the front of cost (lower is better) against target `axis`'s
/// fraction (higher is better), by increasing cost.
pub fn pareto(candidates: &[Candidate], axis: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..candidates.len()).filter(|&i| candidates[i].fractions.len() > axis).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&candidates[a], &candidates[b]);
        ca.cost.total().total_cmp(&cb.cost.total()).then(cb.fractions[axis].total_cmp(&ca.fractions[axis]))
    });
    let mut front = Vec::new();
    let mut best = f64::NEG_INFINITY;
    for i in order {
        if candidates[i].fractions[axis] > best {
            best = candidates[i].fractions[axis];
            front.push(i);
        }
    }
    front
}

/// The target the front is drawn against: the one with the least slack at the chosen layout
/// (the one that sets its cost), else the first.
pub fn binding_target(candidates: &[Candidate], targets: &[Target], chosen: Option<usize>) -> usize {
    chosen
        .map(|i| &candidates[i])
        .and_then(|c| {
            (0..targets.len()).min_by(|&a, &b| {
                (c.fractions[a] - targets[a].fraction).total_cmp(&(c.fractions[b] - targets[b].fraction))
            })
        })
        .unwrap_or(0)
}

/// Every candidate as a CSV row: cost, sensors, each target's fraction, whether it meets them
/// all, whether it is on the front (against target `axis`), and the layout.
pub fn write_csv(
    path: &Path,
    candidates: &[Candidate],
    targets: &[Target],
    axis: usize,
    sized: &[SizeRow],
) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Error::output(&shown, e.to_string());
    let front = pareto(candidates, axis);
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    let mut header = vec!["cost_eur".to_string(), "sensors".to_string()];
    header.extend(targets.iter().map(|t| format!("{}_{}_fraction", t.class, t.metric.name())));
    header.extend(["meets_targets", "pareto", "layout"].map(String::from));
    w.write_record(&header).map_err(|e| fail(&e))?;
    for (i, c) in candidates.iter().enumerate() {
        let mut record = vec![format!("{:.0}", c.cost.total()), c.cost.sensors.to_string()];
        record.extend(c.fractions.iter().map(|f| format!("{f:.5}")));
        record.push(c.meets.to_string());
        record.push(front.contains(&i).to_string());
        record.push(c.layout.describe(sized));
        w.write_record(&record).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

/// Cost against target `axis`'s fraction: every layout evaluated, the front, the target and
/// the chosen layout.
pub fn draw(
    path: &Path,
    candidates: &[Candidate],
    targets: &[Target],
    axis: usize,
    chosen: Option<usize>,
    title: &str,
) -> Result<()> {
    let target = &targets[axis];
    let shown = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Error::output(&shown, format!("cannot draw the front: {e}"));
    crate::plot::font_ready().map_err(|e| fail(&e))?;
    if candidates.is_empty() {
        return Err(fail(&"no layout was evaluated"));
    }
    let front = pareto(candidates, axis);
    let m_eur = |c: &Candidate| c.cost.total() / 1e6;
    let max_cost = candidates.iter().map(m_eur).fold(0.0, f64::max) * 1.05 + 1e-9;
    let root = BitMapBackend::new(path, (crate::plot::WIDTH_PX, 560)).into_drawing_area();
    let y_desc = format!("{} cells with {} ≥ {}", target.class, target.metric.name(), target.confidence);
    let mut chart = crate::plot::fraction_chart(&root, title, (max_cost, "cost (M EUR)"), &y_desc, target.fraction)
        .map_err(|e| fail(&e))?;
    chart
        .draw_series(
            candidates.iter().map(|c| Circle::new((m_eur(c), c.fractions[axis]), 3, RGBColor(160, 160, 160).filled())),
        )
        .map_err(|e| fail(&e))?
        .label("layouts evaluated")
        .legend(|(x, y)| Circle::new((x + 9, y), 3, RGBColor(160, 160, 160).filled()));
    chart
        .draw_series(LineSeries::new(
            front.iter().map(|&i| (m_eur(&candidates[i]), candidates[i].fractions[axis])),
            BLUE.stroke_width(2),
        ))
        .map_err(|e| fail(&e))?
        .label("Pareto front")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLUE.stroke_width(2)));
    if let Some(c) = chosen.map(|i| &candidates[i]) {
        chart
            .draw_series([Circle::new((m_eur(c), c.fractions[axis]), 7, GREEN.stroke_width(3))])
            .map_err(|e| fail(&e))?
            .label(format!("chosen: {:.2} M EUR", m_eur(c)))
            .legend(|(x, y)| Circle::new((x + 9, y), 5, GREEN.stroke_width(3)));
    }
    crate::plot::legend(&mut chart, SeriesLabelPosition::LowerRight).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::size::layout::{Cost, Layout};

    fn candidate(cost: f64, fraction: f64) -> Candidate {
        Candidate {
            layout: Layout { choices: Vec::new() },
            cost: Cost { sensors_eur: cost, per_km_eur: 0.0, sensors: 0 },
            fractions: vec![fraction, 1.0 - fraction],
            stretch_fractions: Vec::new(),
            meets: false,
            pairs: 0,
        }
    }

    #[test]
    fn the_front_keeps_layouts_no_other_beats_on_both_cost_and_coverage() {
        let c = [
            candidate(10.0, 0.5),
            candidate(5.0, 0.6), // cheaper and better than the first: the first is dominated
            candidate(20.0, 0.9),
            candidate(20.0, 0.8),  // same cost, less coverage: dominated
            candidate(30.0, 0.85), // dearer, less coverage than the third: dominated
            candidate(40.0, 0.95),
        ];
        assert_eq!(pareto(&c, 0), vec![1, 2, 5]);
        // Against the second fraction (1 − first): 0.4 at 5, then 0.5 at 10, nothing better after.
        assert_eq!(pareto(&c, 1), vec![1, 0]);
    }
}
