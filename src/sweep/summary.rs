//! A sweep's summary of one point of its axes, shared by the merge and its plots
//! (docs/design.md §13).

/// The summary of one point: per metric (estimate, low, high) and how it was formed.
#[derive(Debug, Clone)]
pub struct Summary {
    pub point: u64,
    pub replicas_done: u64,
    pub values: Vec<usize>,
    /// Per metric name: (estimate, 95 % low, 95 % high).
    pub metrics: Vec<(f64, f64, f64)>,
    /// Per metric: pooled as a rate.
    pub pooled: Vec<bool>,
}

/// The headline metrics a summary prints and plots: each class's detection rate, CEP50 and
/// wrong-side rate, and each mapped class's verifiable fraction, where measured.
pub fn headline(names: &[String], summaries: &[Summary]) -> Vec<usize> {
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.ends_with(".detection_rate")
                || n.ends_with(".cep50_m")
                || n.ends_with(".wrong_side_rate")
                || n.ends_with(".verifiable_fraction")
        })
        .filter(|(j, _)| summaries.iter().any(|x| x.metrics[*j].0.is_finite()))
        .map(|(j, _)| j)
        .collect()
}
