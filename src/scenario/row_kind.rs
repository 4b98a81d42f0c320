//! A sensor row's modality with the parameters only that modality has: the typed form of a row
//! (`SensorRow::kind`) that deployment reads, and the table of which keys belong to which
//! modalities that validation checks rows against.
//!
//! The file form stays one struct of optional fields on purpose: serde's internally tagged
//! enums buffer a row before choosing its variant, so toml loses the position of any error in
//! it (a bad value or an unknown key is reported at the first `[[rows]]` header, not at its own
//! line), and the message would be serde's "unknown field" instead of naming the modality that
//! takes the key. The typed form is built from the checked file form instead.

use super::model::{Band, Modality, RadarRole, SensorRow};

/// Where a radar, camera or RF detector looks: centre (absent: facing the line), width,
/// instrumented range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldOfView {
    pub azimuth_deg: Option<f64>,
    pub sector_deg: f64,
    pub min_range_km: f64,
    /// Absent: as far as the modality's own law reaches.
    pub max_range_km: Option<f64>,
}

/// What a radar does with what it sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RadarTask {
    /// Ground surveillance: targets by their cross-section, located by range and bearing.
    Surveillance { range_sigma_m: f64, mdv_mps: Option<f64> },
    /// Weapon locating: projectiles back-traced to their launch point.
    CounterBattery { location_error_pct: f64, fence_height_m: Option<f64> },
}

/// A row's modality and the parameters only it has; absent optional ones take deployment's
/// defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowKind {
    Acoustic {
        threshold_db: f64,
    },
    Seismic {
        threshold_db: f64,
    },
    Radar {
        view: FieldOfView,
        /// SNR on `rcs_ref_m2` at `range_ref_km`, dB.
        snr_ref_db: f64,
        range_ref_km: f64,
        rcs_ref_m2: f64,
        pfa: Option<f64>,
        task: RadarTask,
    },
    Camera {
        view: FieldOfView,
        band: Band,
        pixel_pitch_um: f64,
        focal_length_mm: f64,
        pixels: Option<u32>,
        n50: Option<f64>,
        min_contrast: Option<f64>,
    },
    Rf {
        view: FieldOfView,
        sensitivity_dbm: f64,
        /// Above the sensitivity, dB.
        threshold_db: f64,
        los_exponent: Option<f64>,
        nlos_exponent: Option<f64>,
    },
}

const ACOUSTIC: &[Modality] = &[Modality::Acoustic];
const EO_IR: &[Modality] = &[Modality::EoIr];
const RADAR: &[Modality] = &[Modality::Radar];
const RF: &[Modality] = &[Modality::Rf];
const SIGHT: &[Modality] = &[Modality::Radar, Modality::EoIr, Modality::Rf];
/// Sensors that pick the onsets of waves.
const WAVES: &[Modality] = &[Modality::Acoustic, Modality::Seismic];

/// The keys only some modalities take, in the order rows are checked, and the modalities that
/// take each.
pub const MODALITY_KEYS: &[(&str, &[Modality])] = &[
    ("pixel_pitch_um", EO_IR),
    ("pixels", EO_IR),
    ("focal_length_mm", EO_IR),
    ("n50", EO_IR),
    ("min_contrast", EO_IR),
    ("band", EO_IR),
    ("snr_ref_db", RADAR),
    ("range_ref_km", RADAR),
    ("rcs_ref_m2", RADAR),
    ("pfa", RADAR),
    ("range_sigma_m", RADAR),
    ("mdv_mps", RADAR),
    ("location_error_pct", RADAR),
    ("fence_height_m", RADAR),
    ("role", RADAR),
    ("sensitivity_dbm", RF),
    ("los_exponent", RF),
    ("nlos_exponent", RF),
    ("azimuth_deg", SIGHT),
    ("sector_deg", SIGHT),
    ("min_range_km", SIGHT),
    ("max_range_km", SIGHT),
    ("dead_time_s", WAVES),
    ("call_error", ACOUSTIC),
    ("call_scale_db", ACOUSTIC),
];

/// "radar", "radar and rf", "radar, eo_ir and rf".
pub fn owners(modalities: &[Modality]) -> String {
    let names: Vec<&str> = modalities.iter().map(|m| m.name()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

impl SensorRow {
    /// Whether the row gives `key`, one of [`MODALITY_KEYS`].
    pub fn gives(&self, key: &str) -> bool {
        match key {
            "pixel_pitch_um" => self.pixel_pitch_um.is_some(),
            "focal_length_mm" => self.focal_length_mm.is_some(),
            "n50" => self.n50.is_some(),
            "pixels" => self.pixels.is_some(),
            "min_contrast" => self.min_contrast.is_some(),
            "band" => self.band.is_some(),
            "snr_ref_db" => self.snr_ref_db.is_some(),
            "range_ref_km" => self.range_ref_km.is_some(),
            "rcs_ref_m2" => self.rcs_ref_m2.is_some(),
            "pfa" => self.pfa.is_some(),
            "range_sigma_m" => self.range_sigma_m.is_some(),
            "mdv_mps" => self.mdv_mps.is_some(),
            "location_error_pct" => self.location_error_pct.is_some(),
            "fence_height_m" => self.fence_height_m.is_some(),
            "role" => self.role.is_some(),
            "sensitivity_dbm" => self.sensitivity_dbm.is_some(),
            "los_exponent" => self.los_exponent.is_some(),
            "nlos_exponent" => self.nlos_exponent.is_some(),
            "azimuth_deg" => self.azimuth_deg.is_some(),
            "sector_deg" => self.sector_deg.is_some(),
            "min_range_km" => self.min_range_km.is_some(),
            "max_range_km" => self.max_range_km.is_some(),
            "dead_time_s" => self.dead_time_s.is_some(),
            "call_error" => self.call_error.is_some(),
            "call_scale_db" => self.call_scale_db.is_some(),
            _ => false,
        }
    }

    /// The row's typed form. Validation has checked that what a modality needs is there; a
    /// value still missing (a row built by hand) takes the neutral value deployment always used.
    pub fn kind(&self) -> RowKind {
        let view = FieldOfView {
            azimuth_deg: self.azimuth_deg,
            sector_deg: self.sector_deg.unwrap_or(360.0),
            min_range_km: self.min_range_km.unwrap_or(0.0),
            max_range_km: self.max_range_km,
        };
        let threshold_db = self.threshold_or_default();
        match self.modality {
            Modality::Acoustic => RowKind::Acoustic { threshold_db },
            Modality::Seismic => RowKind::Seismic { threshold_db },
            Modality::Radar => RowKind::Radar {
                view,
                snr_ref_db: self.snr_ref_db.unwrap_or(0.0),
                range_ref_km: self.range_ref_km.unwrap_or(1.0),
                rcs_ref_m2: self.rcs_ref_m2.unwrap_or(1.0),
                pfa: self.pfa,
                task: match self.role.unwrap_or_default() {
                    RadarRole::Surveillance => RadarTask::Surveillance {
                        range_sigma_m: self.range_sigma_m.unwrap_or(0.0),
                        mdv_mps: self.mdv_mps,
                    },
                    RadarRole::CounterBattery => RadarTask::CounterBattery {
                        location_error_pct: self.location_error_pct.unwrap_or(0.0),
                        fence_height_m: self.fence_height_m,
                    },
                },
            },
            Modality::EoIr => RowKind::Camera {
                view,
                band: self.band.unwrap_or_default(),
                pixel_pitch_um: self.pixel_pitch_um.unwrap_or(0.0),
                focal_length_mm: self.focal_length_mm.unwrap_or(0.0),
                pixels: self.pixels,
                n50: self.n50,
                min_contrast: self.min_contrast,
            },
            Modality::Rf => RowKind::Rf {
                view,
                sensitivity_dbm: self.sensitivity_dbm.unwrap_or(0.0),
                threshold_db,
                los_exponent: self.los_exponent,
                nlos_exponent: self.nlos_exponent,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_modality_key_is_a_field_the_row_reports() {
        let row: SensorRow = toml::from_str(
            r#"name = "all"
               modality = "radar"
               timing_sigma_ms = 1.0
               pixel_pitch_um = 1.0
               pixels = 640
               focal_length_mm = 1.0
               n50 = 1.0
               min_contrast = 0.1
               band = "thermal"
               snr_ref_db = 1.0
               range_ref_km = 1.0
               rcs_ref_m2 = 1.0
               pfa = 1e-6
               range_sigma_m = 1.0
               mdv_mps = 0.5
               location_error_pct = 1.0
               fence_height_m = 1.0
               role = "counter_battery"
               sensitivity_dbm = -90.0
               los_exponent = 2.0
               nlos_exponent = 3.0
               azimuth_deg = 1.0
               sector_deg = 1.0
               min_range_km = 1.0
               max_range_km = 2.0
               dead_time_s = 0.5
               call_error = 0.05
               call_scale_db = 10.0"#,
        )
        .expect("a row with every modality key");
        for (key, _) in MODALITY_KEYS {
            assert!(row.gives(key), "{key}");
        }
        assert!(!SensorRow { max_range_km: None, ..row.clone() }.gives("max_range_km"));
        assert_eq!(owners(SIGHT), "radar, eo_ir and rf");
        assert_eq!(owners(RADAR), "radar");
        let RowKind::Radar { task: RadarTask::CounterBattery { location_error_pct, .. }, .. } = row.kind() else {
            panic!("a counter-battery radar");
        };
        assert_eq!(location_error_pct, 1.0);
    }
}
