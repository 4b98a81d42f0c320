//! Semantic checks of a sensor row: the fields every row has, and those only some modalities
//! take.

use super::{Problem, interval, nonempty, range};
use crate::scenario::model::*;
use crate::scenario::row_kind::{MODALITY_KEYS, owners};
use crate::scenario::span::FieldPath;

/// Which per-modality fields a row needs, which it may take, and their ranges.
fn check_modality_fields(p: &FieldPath, r: &SensorRow) -> Result<(), Problem> {
    let m = r.modality;
    // A key of another modality is refused by name, with the modalities that take it.
    for (key, takers) in MODALITY_KEYS {
        if r.gives(key) && !takers.contains(&m) {
            return Err((p.key(key), format!("only {} rows take {key}; this row is {}", owners(takers), m.name())));
        }
    }
    let need = |key: &str, v: Option<f64>| -> Result<f64, Problem> {
        v.ok_or_else(|| (p.key(key), format!("missing field: {} rows need {key}", m.name())))
    };
    match m {
        Modality::Acoustic | Modality::Seismic => {
            range(&p.key("threshold_db"), need("threshold_db", r.threshold_db)?, -50.0, 100.0)?;
        }
        Modality::Radar | Modality::EoIr => {
            if r.threshold_db.is_some() {
                let law = if m == Modality::Radar { "pfa (Swerling 1)" } else { "the TTP curve (n50)" };
                return Err((p.key("threshold_db"), format!("{} rows detect by {law}, not by threshold_db", m.name())));
            }
            if let Some(f) = r.fluctuation_db.filter(|&f| f != 0.0) {
                return Err((
                    p.key("fluctuation_db"),
                    format!("{} detection is random through its own law; fluctuation_db must be 0, not {f}", m.name()),
                ));
            }
        }
        Modality::Rf => {
            range(&p.key("sensitivity_dbm"), need("sensitivity_dbm", r.sensitivity_dbm)?, -200.0, 50.0)?;
            if let Some(t) = r.threshold_db {
                range(&p.key("threshold_db"), t, -50.0, 100.0)?;
            }
            for (key, v) in [("los_exponent", r.los_exponent), ("nlos_exponent", r.nlos_exponent)] {
                if let Some(v) = v {
                    range(&p.key(key), v, 1.0, 8.0)?;
                }
            }
        }
    }
    if m == Modality::Radar {
        range(&p.key("snr_ref_db"), need("snr_ref_db", r.snr_ref_db)?, -50.0, 100.0)?;
        range(&p.key("range_ref_km"), need("range_ref_km", r.range_ref_km)?, 1e-3, 1e4)?;
        need("max_range_km", r.max_range_km)?;
        if let Some(v) = r.rcs_ref_m2 {
            range(&p.key("rcs_ref_m2"), v, 1e-6, 1e6)?;
        }
        if let Some(v) = r.pfa {
            range(&p.key("pfa"), v, 1e-15, 0.1)?;
        }
        if let Some(v) = r.range_sigma_m {
            range(&p.key("range_sigma_m"), v, 0.0, 1e5)?;
        }
        if let Some(v) = r.mdv_mps {
            range(&p.key("mdv_mps"), v, 0.0, 100.0)?;
        }
        if r.role == Some(RadarRole::CounterBattery) {
            let pct = need("location_error_pct", r.location_error_pct)?;
            range(&p.key("location_error_pct"), pct, 1e-3, 50.0)?;
            if let Some(v) = r.fence_height_m {
                range(&p.key("fence_height_m"), v, 0.0, 1e4)?;
            }
            if r.range_sigma_m.is_some() || r.bearing_sigma_deg.is_some() {
                let key = if r.range_sigma_m.is_some() { "range_sigma_m" } else { "bearing_sigma_deg" };
                return Err((p.key(key), "a counter-battery radar's errors follow location_error_pct".into()));
            }
            if r.mdv_mps.is_some() {
                return Err((p.key("mdv_mps"), "a counter-battery radar tracks rounds, far above any MDV".into()));
            }
        } else if let Some(key) = ["location_error_pct", "fence_height_m"].into_iter().find(|k| r.gives(k)) {
            return Err((p.key(key), format!("only counter-battery radars (role = \"counter_battery\") take {key}")));
        }
    }
    if m == Modality::EoIr {
        range(&p.key("pixel_pitch_um"), need("pixel_pitch_um", r.pixel_pitch_um)?, 0.1, 1000.0)?;
        range(&p.key("focal_length_mm"), need("focal_length_mm", r.focal_length_mm)?, 0.1, 1e5)?;
        if let Some(v) = r.n50 {
            range(&p.key("n50"), v, 0.01, 100.0)?;
        }
        if let Some(v) = r.pixels {
            range(&p.key("pixels"), f64::from(v), 1.0, 100_000.0)?;
        }
        if let Some(v) = r.min_contrast {
            range(&p.key("min_contrast"), v, 1e-6, 1.0)?;
        }
    }
    if let Some(v) = r.azimuth_deg {
        range(&p.key("azimuth_deg"), v, -360.0, 360.0)?;
    }
    if let Some(v) = r.sector_deg {
        range(&p.key("sector_deg"), v, 1e-3, 360.0)?;
    }
    if let Some(v) = r.min_range_km {
        range(&p.key("min_range_km"), v, 0.0, 1e4)?;
    }
    if let Some(v) = r.max_range_km {
        range(&p.key("max_range_km"), v, 1e-3, 2e3)?;
        if r.min_range_km.is_some_and(|lo| lo >= v) {
            return Err((p.key("max_range_km"), "max_range_km must exceed min_range_km".into()));
        }
    }
    Ok(())
}

pub(super) fn check_row(p: &FieldPath, r: &SensorRow) -> Result<(), Problem> {
    nonempty(&p.key("name"), &r.name)?;
    match (&r.positions, r.offset_km, r.spacing_km) {
        (Some(path), None, None) => nonempty(&p.key("positions"), path)?,
        (Some(_), _, _) => {
            let key = if r.offset_km.is_some() { "offset_km" } else { "spacing_km" };
            return Err((p.key(key), "a row takes either positions or offset_km and spacing_km, not both".into()));
        }
        (None, Some(offset), Some(spacing)) => {
            range(&p.key("offset_km"), offset, -500.0, 500.0)?;
            range(&p.key("spacing_km"), spacing, 1e-3, 1e4)?;
        }
        (None, None, _) => {
            return Err((p.key("offset_km"), "missing: give offset_km and spacing_km, or positions".into()));
        }
        (None, _, None) => {
            return Err((p.key("spacing_km"), "missing: give offset_km and spacing_km, or positions".into()));
        }
    }
    range(&p.key("jitter_m"), r.jitter_m, 0.0, 1e5)?;
    range(&p.key("height_m"), r.height_m, 0.0, 1e4)?;
    check_modality_fields(p, r)?;
    if let Some(f) = r.fluctuation_db {
        range(&p.key("fluctuation_db"), f, 0.0, 50.0)?;
    }
    range(&p.key("timing_sigma_ms"), r.timing_sigma_ms, 0.0, 1e5)?;
    if let Some(b) = r.bearing_sigma_deg {
        range(&p.key("bearing_sigma_deg"), b, 1e-6, 180.0)?;
    }
    if let Some(b) = r.bearing_floor_deg {
        if r.bearing_sigma_deg.is_none() {
            return Err((p.key("bearing_floor_deg"), "a bearing floor needs bearing_sigma_deg".into()));
        }
        range(&p.key("bearing_floor_deg"), b, 0.0, 180.0)?;
    }
    range(&p.key("false_alarms_per_day"), r.false_alarms_per_day, 0.0, 1e6)?;
    if let Some(t) = r.dead_time_s {
        range(&p.key("dead_time_s"), t, 0.0, 60.0)?;
    }
    // 0.5 is a coin's toss however strong the arrival; below 1e-4 the law's far separation
    // would claim more than any classifier of field data could show.
    if let Some(e) = r.call_error {
        range(&p.key("call_error"), e, 1e-4, 0.5)?;
    }
    if let Some(d) = r.call_scale_db {
        range(&p.key("call_scale_db"), d, 0.1, 100.0)?;
    }
    range(&p.key("unit_cost_eur"), r.unit_cost_eur, 0.0, 1e12)?;
    if let Some(w) = r.chainage_km {
        interval(&p.key("chainage_km"), w, 0.0, 1e5)?;
    }
    Ok(())
}
