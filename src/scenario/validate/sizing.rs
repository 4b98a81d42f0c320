//! Semantic checks of `[size]` and `[losses]`.

use super::{Problem, interval, range};
use crate::scenario::model::Scenario;
use crate::scenario::sizing::*;
use crate::scenario::span::FieldPath;

/// Semantic checks of `[size]` against the scenario's rows and classes.
pub fn check(p: &FieldPath, spec: &SizeSpec, s: &Scenario) -> Result<(), Problem> {
    range(&p.key("resolution_m"), spec.resolution_m, 1.0, 100_000.0)?;
    range(&p.key("spacing_tolerance"), spec.spacing_tolerance, 1e-3, 1.0)?;
    if let Some(budget) = spec.budget_eur {
        range(&p.key("budget_eur"), budget, 0.0, 1e15)?;
    }
    if let Some(stretch) = spec.stretch_km {
        range(&p.key("stretch_km"), stretch, 1.0, 100_000.0)?;
    }
    if spec.front_points > 64 {
        return Err((p.key("front_points"), format!("{} is outside the allowed range [0, 64]", spec.front_points)));
    }
    for (i, t) in spec.targets.iter().enumerate() {
        let q = p.key("targets").index(i);
        if !s.classes.iter().any(|c| c.name == t.class) {
            return Err((q.key("class"), format!("no violation class is named '{}'", t.class)));
        }
        range(&q.key("fraction"), t.fraction, 0.0, 1.0)?;
        if let Some(c) = t.confidence {
            range(&q.key("confidence"), c, 1e-6, 1.0)?;
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, r) in spec.rows.iter().enumerate() {
        let q = p.key("rows").index(i);
        let Some(row) = s.rows.iter().find(|row| row.name == r.row) else {
            return Err((q.key("row"), format!("no row of [[rows]] is named '{}'", r.row)));
        };
        if row.positions.is_some() {
            return Err((
                q.key("row"),
                format!("row '{}' lists its positions; only offset and spacing rows can be sized", r.row),
            ));
        }
        if !seen.insert(r.row.as_str()) {
            return Err((q.key("row"), format!("row '{}' is sized twice", r.row)));
        }
        interval(&q.key("spacing_km"), r.spacing_km, 0.001, 10_000.0)?;
        if let Some(offsets) = &r.offsets_km {
            if offsets.is_empty() {
                return Err((q.key("offsets_km"), "give at least one offset, or leave the key out".into()));
            }
            for (k, &o) in offsets.iter().enumerate() {
                range(&q.key("offsets_km").index(k), o, -s.coverage.half_width_km, s.coverage.half_width_km)?;
            }
        }
        range(&q.key("per_km_cost_eur"), r.per_km_cost_eur, 0.0, 1e12)?;
    }
    let combinations: usize =
        spec.rows.iter().map(|r| r.offsets_km.as_ref().map_or(1, Vec::len) + usize::from(r.optional)).product();
    if combinations > MAX_COMBINATIONS {
        return Err((
            p.key("rows"),
            format!(
                "{combinations} combinations of offsets and optional rows exceed {MAX_COMBINATIONS}; fix some rows"
            ),
        ));
    }
    let r = &spec.resilience;
    let q = p.key("resilience");
    for (k, &f) in r.loss_fractions.iter().enumerate() {
        range(&q.key("loss_fractions").index(k), f, 0.0, 0.95)?;
    }
    if !(1..=64).contains(&r.random_draws) {
        return Err((q.key("random_draws"), format!("{} is outside the allowed range [1, 64]", r.random_draws)));
    }
    range(&q.key("influence_km"), r.influence_km, 0.1, 1000.0)?;
    Ok(())
}

/// Semantic checks of `[losses]`.
pub fn check_losses(p: &FieldPath, l: &LossSpec) -> Result<(), Problem> {
    range(&p.key("availability"), l.availability, 0.0, 1.0)?;
    range(&p.key("lethal_radius_m"), l.lethal_radius_m, 0.0, 10_000.0)?;
    for (k, z) in l.jamming.iter().enumerate() {
        let zq = p.key("jamming").index(k);
        range(&zq.key("lon"), z.lon, -180.0, 180.0)?;
        range(&zq.key("lat"), z.lat, -90.0, 90.0)?;
        range(&zq.key("radius_km"), z.radius_km, 0.0, 1000.0)?;
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(id) = l.out_of_service.iter().find(|&&id| !seen.insert(id)) {
        return Err((p.key("out_of_service"), format!("sensor {id} is listed twice")));
    }
    Ok(())
}

/// Ceiling of the discrete choices (offsets × optional rows) the search enumerates.
pub const MAX_COMBINATIONS: usize = 256;
