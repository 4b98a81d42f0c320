//! Sensor layout: rows parallel to the line at signed offsets, with spacing and jitter, or at
//! places listed in a CSV or GeoJSON file.

mod listed;
pub mod losses;

use crate::error::Result;
use crate::geo::{ContactLine, Plane, Side};
use crate::rng;
use crate::scenario::{Band, FieldOfView, FieldPath, LoadedScenario, Modality, RadarTask, RowKind, SensorRow};
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
    /// The onset picker's dead time after each pick, s (its row's `dead_time_s`, docs/design.md
    /// §3.6): an arrival within it of the last pick is lost.
    pub dead_time_s: f64,
    pub cost_eur: f64,
    /// What a radar, camera or RF detector sees; zeros for acoustic and seismic sensors.
    pub sight: Sight,
}

/// Radar false-alarm probability when the row gives none: 1e-6 per cell and look, the usual
/// CFAR design point (Skolnik, Introduction to Radar Systems, 3rd ed., 2001, §2.5).
pub const DEFAULT_PFA: f64 = 1e-6;
/// Cycles across the critical dimension for a 50 % chance of detection: Johnson's criterion of
/// 1.0 ± 0.25 cycles (Johnson, "Analysis of image forming systems", 1958), 0.75 in NVESD's
/// ACQUIRE model.
pub const DEFAULT_N50: f64 = 0.75;
/// Pixels across a camera's detector unless the row says: 640, the common width of thermal cores
/// (640×480 and 640×512; e.g. the Hikvision DS-2TD8166 series of docs/validation.md, case E1).
pub const DEFAULT_PIXELS: u32 = 640;
/// Least resolvable apparent contrast: the 2 % of the observer threshold behind the definition
/// of meteorological visibility (WMO-No. 8, §9.1).
pub const DEFAULT_MIN_CONTRAST: f64 = 0.02;
/// Path-loss exponents: 2 in free space with line of sight; 3.5 behind terrain (Rappaport,
/// Wireless Communications, 2nd ed., 2002, table 4.2: obstructed paths 3–5).
pub const DEFAULT_LOS_EXPONENT: f64 = 2.0;
pub const DEFAULT_NLOS_EXPONENT: f64 = 3.5;
/// Height above the launcher at which a counter-battery radar must see a round: an assumption,
/// not a datasheet figure. Weapon-locating radars search a beam just above the terrain mask and
/// need the first seconds of the rising round; a shell leaving at 300–900 m/s at 20–70° climbs
/// 200 m in under a second. Calibrate it with the radar's siting study.
pub const DEFAULT_FENCE_HEIGHT_M: f64 = 200.0;
/// Minimum detectable radial velocity of a ground-surveillance radar unless the row says,
/// m/s: a stated assumption. A GSR that reports walking people must pass radial speeds well
/// under their ~1.4 m/s; vendors make the notch adjustable (Blighter's documentation) and
/// publish no figure; 0.5 m/s is taken.
pub const DEFAULT_MDV_MPS: f64 = 0.5;
/// CEP of a circular normal error in units of its per-axis σ: √(2·ln 2) = 1.1774 (the median
/// of the Rayleigh distribution).
pub const CEP_PER_SIGMA: f64 = 1.177_410_022_515_474_6;

/// The field of view and detection law of a sensor that needs a line of sight.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sight {
    /// Radar: SNR on 1 m² at 1 m, dB (SNRref + 40·log10 Rref − 10·log10 σref). RF: minus the
    /// sensitivity, dB, so that SNR = received dBm + gain.
    pub gain_db: f64,
    pub pfa: f64,
    pub n50: f64,
    pub ifov_rad: f64,
    pub min_contrast: f64,
    pub thermal: bool,
    pub min_range_m: f64,
    pub max_range_m: f64,
    /// Centre of the field of view, radians clockwise from grid north, and its half width.
    pub azimuth_rad: f64,
    pub half_sector_rad: f64,
    pub los_exponent: f64,
    pub nlos_exponent: f64,
    pub range_sigma_m: f64,
    /// A counter-battery radar: tracks projectiles, reports launch points.
    pub counter_battery: bool,
    /// Counter-battery: per-axis σ of the reported launch point per metre of range.
    pub location_fraction: f64,
    pub fence_height_m: f64,
    /// Surveillance radar: minimum detectable radial velocity, m/s (0: sees every mover).
    pub mdv_mps: f64,
    /// Camera: the fraction of its sector in view at once (1 when it stares at all of it). A
    /// transient source (a flash, a blast) is seen only when in view; a persistent one (a
    /// vehicle, a drone) is taken to stay until the scan comes round.
    pub view_fraction: f64,
}

impl Sight {
    /// Per-axis σ of a counter-battery radar's reported launch point from its CEP in % of range.
    pub fn location_fraction_of(row: &SensorRow) -> f64 {
        match row.kind() {
            RowKind::Radar { task: RadarTask::CounterBattery { location_error_pct, .. }, .. } => {
                location_error_pct / 100.0 / CEP_PER_SIGMA
            }
            _ => 0.0,
        }
    }

    /// The row's figures; `facing_rad` is the azimuth towards the line from this sensor; an RF
    /// detector's sensitivity is worse by `rf_noise_rise_db`, the jamming over its band.
    pub fn of_row(row: &SensorRow, facing_rad: f64, rf_noise_rise_db: f64) -> Self {
        let of_view = |v: &FieldOfView| Self {
            min_range_m: v.min_range_km * 1000.0,
            max_range_m: v.max_range_km.map_or(crate::physics::MAX_REACH_M, |r| r * 1000.0),
            azimuth_rad: v.azimuth_deg.map_or(facing_rad, f64::to_radians),
            half_sector_rad: v.sector_deg.to_radians() / 2.0,
            ..Self::defaults()
        };
        match row.kind() {
            RowKind::Acoustic { .. } | RowKind::Seismic { .. } => Self::default(),
            RowKind::Radar { view, snr_ref_db, range_ref_km, rcs_ref_m2, pfa, task } => {
                let (range_sigma_m, counter_battery, fence_height_m, location_fraction, mdv_mps) = match task {
                    RadarTask::Surveillance { range_sigma_m, mdv_mps } => {
                        (range_sigma_m, false, None, 0.0, mdv_mps.unwrap_or(DEFAULT_MDV_MPS))
                    }
                    RadarTask::CounterBattery { fence_height_m, location_error_pct } => {
                        (0.0, true, fence_height_m, location_error_pct / 100.0 / CEP_PER_SIGMA, 0.0)
                    }
                };
                Self {
                    gain_db: snr_ref_db + 40.0 * (range_ref_km * 1000.0).log10() - 10.0 * rcs_ref_m2.log10(),
                    pfa: pfa.unwrap_or(DEFAULT_PFA),
                    range_sigma_m,
                    counter_battery,
                    location_fraction,
                    fence_height_m: fence_height_m.unwrap_or(DEFAULT_FENCE_HEIGHT_M),
                    mdv_mps,
                    ..of_view(&view)
                }
            }
            RowKind::Camera { view, band, pixel_pitch_um, focal_length_mm, pixels, n50, min_contrast } => {
                let ifov_rad = if pixel_pitch_um > 0.0 && focal_length_mm > 0.0 {
                    pixel_pitch_um * 1e-6 / (focal_length_mm * 1e-3)
                } else {
                    0.0
                };
                // The instantaneous field of view; a wider sector is scanned, so that a
                // direction is in view that fraction of the time.
                let field_rad = f64::from(pixels.unwrap_or(DEFAULT_PIXELS)) * ifov_rad;
                let sector_rad = view.sector_deg.to_radians();
                Self {
                    n50: n50.unwrap_or(DEFAULT_N50),
                    ifov_rad,
                    view_fraction: if sector_rad > 0.0 { (field_rad / sector_rad).min(1.0) } else { 1.0 },
                    min_contrast: min_contrast.unwrap_or(DEFAULT_MIN_CONTRAST),
                    thermal: band == Band::Thermal,
                    ..of_view(&view)
                }
            }
            RowKind::Rf { view, sensitivity_dbm, los_exponent, nlos_exponent, .. } => Self {
                gain_db: -sensitivity_dbm - rf_noise_rise_db,
                los_exponent: los_exponent.unwrap_or(DEFAULT_LOS_EXPONENT),
                nlos_exponent: nlos_exponent.unwrap_or(DEFAULT_NLOS_EXPONENT),
                ..of_view(&view)
            },
        }
    }

    /// Every default, for the fields a modality does not set.
    fn defaults() -> Self {
        Self {
            pfa: DEFAULT_PFA,
            n50: DEFAULT_N50,
            min_contrast: DEFAULT_MIN_CONTRAST,
            los_exponent: DEFAULT_LOS_EXPONENT,
            nlos_exponent: DEFAULT_NLOS_EXPONENT,
            fence_height_m: DEFAULT_FENCE_HEIGHT_M,
            view_fraction: 1.0,
            ..Self::default()
        }
    }
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
        let mut rng = ChaCha8Rng::seed_from_u64(rng::sub_seed(s.seed, rng::purpose::DEPLOY_ROW, r as u32));
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
            // Towards the line: along the normal (which points to side B) from side A, against it from B.
            let towards = -where_.offset_m.signum();
            let facing = (towards * where_.normal[0]).atan2(towards * where_.normal[1]);
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
                threshold_db: row.threshold_or_default(),
                fluctuation_db: row.fluctuation_or_default(),
                timing_sigma_s: row.timing_sigma_ms * 1e-3,
                // A counter-battery radar's bearing error is its location error across the ray.
                bearing_sigma_rad: row
                    .bearing_sigma_deg
                    .map_or_else(|| Sight::location_fraction_of(row), f64::to_radians),
                bearing_floor_rad: row
                    .bearing_floor_or_default()
                    .map_or_else(|| Sight::location_fraction_of(row), f64::to_radians),
                false_alarms_per_day: row.false_alarms_per_day,
                dead_time_s: row.dead_time_or_default(),
                cost_eur: row.unit_cost_eur,
                sight: Sight::of_row(row, facing, loaded.scenario.environment.rf_noise_rise_db),
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

#[cfg(test)]
impl Sensor {
    /// An acoustic sensor at the origin for unit tests: 10 dB threshold, 5 dB fluctuation,
    /// 1 ms clock, 0.05 rad bearings (floor 0.005), no false alarms.
    pub fn test_acoustic(id: u32) -> Self {
        Self {
            id,
            modality: Modality::Acoustic,
            row: 0,
            lon: 0.0,
            lat: 0.0,
            x: 0.0,
            y: 0.0,
            z: 0.0,
            chainage_km: 0.0,
            offset_m: 0.0,
            side: Side::A,
            active: true,
            threshold_db: 10.0,
            fluctuation_db: 5.0,
            timing_sigma_s: 1e-3,
            bearing_sigma_rad: 0.05,
            bearing_floor_rad: 0.005,
            false_alarms_per_day: 0.0,
            dead_time_s: 0.0,
            cost_eur: 0.0,
            sight: Sight::default(),
        }
    }
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
