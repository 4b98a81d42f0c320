//! Sensor layout: rows parallel to the line at signed offsets, with spacing and jitter, or at
//! places listed in a CSV or GeoJSON file.

mod listed;

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

/// Sensors of every row, numbered from 0 in row order, then along the line (or file order).
pub fn deploy(loaded: &LoadedScenario, plane: &Plane, line: &ContactLine) -> Result<Vec<Sensor>> {
    let s = &loaded.scenario;
    let length = line.length_km();
    let field = |i: usize, key: &str| FieldPath::default().key("rows").index(i).key(key);
    // Nominal places of every row, counted against the limit before anything large is allocated.
    let mut planned = 0u64;
    let mut nominal: Vec<Vec<[f64; 3]>> = Vec::with_capacity(s.rows.len());
    for (i, row) in s.rows.iter().enumerate() {
        let places = match (&row.positions, row.offset_km, row.spacing_km) {
            (Some(path), _, _) => listed::read(loaded, &field(i, "positions"), path, plane, row.height_m)?,
            (None, Some(offset_km), Some(spacing_km)) => {
                let [c0, c1] = row.chainage_km.unwrap_or([0.0, length]);
                let (c0, c1) = (c0.max(0.0), c1.min(length));
                let count = if c1 > c0 { ((c1 - c0) / spacing_km).floor() as u64 + 1 } else { 0 };
                if planned + count > s.limits.max_sensors {
                    return Err(too_many(loaded, &field(i, "spacing_km"), planned + count, length));
                }
                (0..count)
                    .map(|k| c0 + (k as f64 + 0.5) * spacing_km)
                    .filter(|&c| c <= length)
                    .map(|c| {
                        let p = line.point_at(c, offset_km * 1000.0);
                        [p[0], p[1], row.height_m]
                    })
                    .collect()
            }
            _ => return Err(loaded.error_at(&field(i, "offset_km"), "give offset_km and spacing_km, or positions")),
        };
        planned += places.len() as u64;
        if planned > s.limits.max_sensors {
            return Err(too_many(loaded, &field(i, "positions"), planned, length));
        }
        nominal.push(places);
    }
    let mut sensors = Vec::with_capacity(planned as usize);
    for (r, (row, places)) in s.rows.iter().zip(nominal).enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(s.seed, 0x5e45, r as u32));
        let jitter =
            Normal::new(0.0, row.jitter_m).map_err(|e| loaded.error_at(&field(r, "jitter_m"), e.to_string()))?;
        let intended_side = row.offset_km.filter(|&o| o != 0.0).map(Side::of_offset);
        for [x, y, z] in places {
            let xy = [x + jitter.sample(&mut rng), y + jitter.sample(&mut rng)];
            let where_ = line.locate(xy);
            // At a tight bend a point offset along one segment's normal can land across the
            // line; nobody would deploy a sensor there, so the row skips it.
            if intended_side.is_some_and(|side| Side::of_offset(where_.offset_m) != side) {
                continue;
            }
            let [lon, lat] = plane.inverse(xy[0], xy[1]).map_err(|e| loaded.error_at(&field(r, "name"), e))?;
            sensors.push(Sensor {
                id: sensors.len() as u32,
                modality: row.modality,
                row: r as u16,
                lon,
                lat,
                x: xy[0],
                y: xy[1],
                z,
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

fn too_many(loaded: &LoadedScenario, field: &FieldPath, planned: u64, length_km: f64) -> crate::Error {
    loaded.error_at(
        field,
        format!(
            "{planned} sensors along {length_km:.0} km exceed limits.max_sensors = {}; widen the spacing",
            loaded.scenario.limits.max_sensors
        ),
    )
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
            let expected = if row.offset_km.unwrap_or(0.0) < 0.0 { Side::A } else { Side::B };
            assert_eq!(s.side, expected, "sensor {} of {}", s.id, row.name);
        }
        let again = deploy(&loaded, &plane, &line).expect("deploy");
        assert_eq!(sensors, again, "deployment is a function of the seed");
    }
}
