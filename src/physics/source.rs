//! What a source emits, resolved from a class's signature in the scenario: the levels and
//! frequencies, cross-sections, contrasts and RF power every modality's model starts from.

use super::{explosion, rf, seismic};
use crate::scenario::Signature;

/// Seismic coupling of a surface or shallow burst relative to the confined blasts behind the
/// USBM law: −20 dB (a tenth of the amplitude). An engineering assumption, not a measurement;
/// calibrate it with site trials.
pub const DEFAULT_SEISMIC_COUPLING_DB: f64 = -20.0;
/// Dominant frequency of blast-generated surface waves in soft soil, Hz (5–20 Hz is typical
/// of near-surface explosions; an assumption to replace with site data).
pub const DEFAULT_SEISMIC_FREQ_HZ: f64 = 10.0;
/// Frequency the regional phase (Lg) is picked at, Hz: within the 6–14 Hz band the Malyn
/// array's S detector filters in (Dando et al., Nature 621, 2023, Methods); a stated choice for
/// the band where small blasts' Lg stands above the noise.
pub const DEFAULT_REGIONAL_FREQ_HZ: f64 = 8.0;
/// What one source emits, resolved from the scenario's signature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceModel {
    pub acoustic_db: f64,
    pub acoustic_freq_hz: f64,
    pub seismic_db: f64,
    pub seismic_freq_hz: f64,
    /// Lg's peak ground velocity at 100 km, dB re 1 nm/s (`seismic::lg_anchor_db`); None: no
    /// regional phase.
    pub regional_db: Option<f64>,
    pub regional_freq_hz: f64,
    pub height_m: f64,
    /// Radar cross-section, m²; None: radars do not see it.
    pub rcs_m2: Option<f64>,
    /// Critical dimension for cameras, m; None: cameras do not see it.
    pub critical_dimension_m: Option<f64>,
    /// Inherent contrast in the visible and thermal bands (0: invisible in that band).
    pub visible_contrast: f64,
    pub thermal_contrast: f64,
    /// RF power at 1 m, dBm (EIRP, duty cycle, free-space loss to 1 m); None: no emitter.
    pub rf_dbm_1m: Option<f64>,
    /// Fraction of such sources that carry the RF link at all (the rest fly on fibre).
    pub rf_link_fraction: f64,
    /// Radar cross-section of its projectile in flight, m²; None: nothing a counter-battery
    /// radar can track.
    pub projectile_rcs_m2: Option<f64>,
}

impl SourceModel {
    pub fn from_signature(s: &Signature) -> Self {
        let tnt = s.tnt_kg.unwrap_or(0.0);
        let coupling = s.seismic_coupling_db.unwrap_or(DEFAULT_SEISMIC_COUPLING_DB);
        let regional_freq_hz = s.regional_freq_hz.unwrap_or(DEFAULT_REGIONAL_FREQ_HZ);
        Self {
            acoustic_db: s.acoustic_db.unwrap_or_else(|| explosion::acoustic_source_db(tnt)),
            acoustic_freq_hz: s.acoustic_freq_hz.unwrap_or_else(|| explosion::dominant_frequency_hz(tnt)),
            seismic_db: s.seismic_db.unwrap_or_else(|| explosion::seismic_source_db(tnt, coupling)),
            seismic_freq_hz: s.seismic_freq_hz.unwrap_or(DEFAULT_SEISMIC_FREQ_HZ),
            regional_db: s
                .magnitude_ml
                .or_else(|| s.tnt_kg.filter(|&w| w > 0.0).map(seismic::local_magnitude))
                .map(|ml| seismic::lg_anchor_db(ml, regional_freq_hz)),
            regional_freq_hz,
            height_m: s.height_m.unwrap_or(0.0),
            rcs_m2: s.rcs_m2,
            projectile_rcs_m2: s.projectile_rcs_m2,
            critical_dimension_m: s.critical_dimension_m,
            visible_contrast: s.visible_contrast.unwrap_or(0.0),
            thermal_contrast: s.thermal_contrast.unwrap_or(0.0),
            rf_dbm_1m: match (s.rf_eirp_dbm, s.rf_freq_hz) {
                (Some(eirp), Some(f)) => {
                    Some(rf::received_dbm(eirp, s.rf_duty_cycle.unwrap_or(1.0), rf::free_space_loss_db(1.0, f)))
                }
                _ => None,
            },
            rf_link_fraction: s.rf_link_fraction.unwrap_or(1.0),
        }
    }
}
