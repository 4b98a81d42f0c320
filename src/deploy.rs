//! Sensor layout: rows parallel to the line at signed offsets, with spacing and jitter.

use crate::error::Result;
use crate::geo::{ContactLine, Plane, Side};
use crate::rng;
use crate::scenario::{FieldPath, LoadedScenario, Modality};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// One deployed sensor with everything the detection model needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensor {
    pub id: u32,
    pub modality: Modality,
    pub row: u16,
    pub lon: f64,
    pub lat: f64,
    pub x: f64,
    pub y: f64,
    /// Height above ground, m.
    pub z: f64,
    pub chainage_km: f64,
    pub offset_m: f64,
    pub side: Side,
    pub active: bool,
    pub threshold_db: f64,
    pub fluctuation_db: f64,
    pub timing_sigma_s: f64,
    /// Bearing error at threshold SNR and its floor, radians; 0 when the sensor gives no bearing.
    pub bearing_sigma_rad: f64,
    pub bearing_floor_rad: f64,
    pub false_alarms_per_day: f64,
    pub cost_eur: f64,
}

/// Sensors of every row, numbered from 0 in row order then chainage order.
pub fn deploy(loaded: &LoadedScenario, plane: &Plane, line: &ContactLine) -> Result<Vec<Sensor>> {
    let s = &loaded.scenario;
    let length = line.length_km();
    let mut planned = 0u64;
    let mut windows = Vec::with_capacity(s.rows.len());
    for (i, row) in s.rows.iter().enumerate() {
        let [c0, c1] = row.chainage_km.unwrap_or([0.0, length]);
        let (c0, c1) = (c0.max(0.0), c1.min(length));
        let count = if c1 > c0 { ((c1 - c0) / row.spacing_km).floor() as u64 + 1 } else { 0 };
        planned += count;
        if planned > s.limits.max_sensors {
            return Err(loaded.error_at(
                &FieldPath::default().key("rows").index(i).key("spacing_km"),
                format!(
                    "{planned} sensors along {length:.0} km exceed limits.max_sensors = {}; widen the spacing",
                    s.limits.max_sensors
                ),
            ));
        }
        windows.push((c0, count));
    }
    let mut sensors = Vec::with_capacity(planned as usize);
    for (r, (row, (c0, count))) in s.rows.iter().zip(windows).enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(s.seed, 0x5e45, r as u32));
        let jitter = Normal::new(0.0, row.jitter_m)
            .map_err(|e| loaded.error_at(&FieldPath::default().key("rows").index(r).key("jitter_m"), e.to_string()))?;
        for k in 0..count {
            let c = c0 + (k as f64 + 0.5) * row.spacing_km;
            if c > length {
                break;
            }
            let nominal = line.point_at(c, row.offset_km * 1000.0);
            let xy = [nominal[0] + jitter.sample(&mut rng), nominal[1] + jitter.sample(&mut rng)];
            let where_ = line.locate(xy);
            // At a tight bend a point offset along one segment's normal can land across the
            // line; nobody would deploy a sensor there, so the row skips it.
            if row.offset_km != 0.0 && Side::of_offset(where_.offset_m) != Side::of_offset(row.offset_km) {
                continue;
            }
            let [lon, lat] = plane
                .inverse(xy[0], xy[1])
                .map_err(|e| loaded.error_at(&FieldPath::default().key("rows").index(r).key("offset_km"), e))?;
            sensors.push(Sensor {
                id: sensors.len() as u32,
                modality: row.modality,
                row: r as u16,
                lon,
                lat,
                x: xy[0],
                y: xy[1],
                z: row.height_m,
                chainage_km: where_.chainage_km,
                offset_m: where_.offset_m,
                side: Side::of_offset(where_.offset_m),
                active: true,
                threshold_db: row.threshold_db,
                fluctuation_db: row.fluctuation_or_default(),
                timing_sigma_s: row.timing_sigma_ms * 1e-3,
                bearing_sigma_rad: row.bearing_sigma_deg.unwrap_or(0.0).to_radians(),
                bearing_floor_rad: row.bearing_floor_or_default().unwrap_or(0.0).to_radians(),
                false_alarms_per_day: row.false_alarms_per_day,
                cost_eur: row.unit_cost_eur,
            });
        }
    }
    Ok(sensors)
}

/// A 64-bit seed for one independent stream of a run, derived from the run's seed.
pub fn sub_seed(seed: u64, purpose: u32, index: u32) -> u64 {
    let h = rng::pcg4d(rng::key(seed, purpose, index, 0xd1ce));
    (u64::from(h[0]) << 32) | u64::from(h[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::load_line;

    #[test]
    fn full_line_rows_cover_the_line_on_their_sides() {
        let loaded = LoadedScenario::load(None).expect("embedded");
        let (plane, line) = load_line(&loaded).expect("line");
        let sensors = deploy(&loaded, &plane, &line).expect("deploy");
        assert!(sensors.len() >= 2000, "{} sensors", sensors.len());
        for s in &sensors {
            let row = &loaded.scenario.rows[s.row as usize];
            assert_eq!(s.side, if row.offset_km < 0.0 { Side::A } else { Side::B }, "sensor {} of {}", s.id, row.name);
        }
        let again = deploy(&loaded, &plane, &line).expect("deploy");
        assert_eq!(sensors, again, "deployment is a function of the seed");
    }
}
