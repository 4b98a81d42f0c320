//! Rows of the result file's tables (docs/design.md §7, schema version 1). Each table's units and
//! column meanings are written beside it as attributes.

use hdf5::H5Type;

/// Sensor modality as an HDF5 enum: the domain's own type.
pub type ModalityCode = crate::scenario::Modality;

/// What the verifier took an estimate for, by the geometry of its pair (`verify::pairing`): a
/// launch (a later estimate could be its impact, none its launch), an impact (the converse: given
/// no side), ambiguous (both), or unpaired (neither).
#[derive(H5Type, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum EstimateKindCode {
    #[default]
    Unpaired = 0,
    Launch = 1,
    Impact = 2,
    Ambiguous = 3,
}

/// Side of the line as an HDF5 enum: the line's two sides, and 0 for "indeterminate" in
/// estimates (which the geometry's `Side` has no need for).
#[derive(H5Type, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum SideCode {
    Indeterminate = 0,
    A = 1,
    B = 2,
}

impl From<crate::geo::Side> for SideCode {
    fn from(side: crate::geo::Side) -> Self {
        match side {
            crate::geo::Side::A => Self::A,
            crate::geo::Side::B => Self::B,
        }
    }
}

/// What an event is, as an HDF5 enum: the domain's own type.
pub type EventKindCode = crate::events::EventKind;

#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct SensorRecord {
    pub id: u32,
    pub modality: ModalityCode,
    pub row: u16,
    pub lon: f64,
    pub lat: f64,
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub chainage_km: f64,
    pub offset_m: f64,
    pub side: SideCode,
    pub status: u8,
    pub threshold_db: f32,
    pub fluctuation_db: f32,
    pub timing_sigma_ms: f32,
    pub bearing_sigma_deg: f32,
    pub false_alarms_per_day: f32,
    pub cost_eur: f64,
    /// Where the sensor really is (x, y are where it was surveyed, all the verifier knows), m,
    /// and its clock's offset, s.
    pub true_x: f64,
    pub true_y: f64,
    pub clock_offset_s: f64,
}

pub const SENSOR_UNITS: &str = "id: 1; modality: enum; row: index into attribute row_names; lon: degree_east; \
lat: degree_north; x: m; y: m; z: m above ground; chainage_km: km; offset_m: m (negative side A); side: enum; \
status: 0 up at the start, 1 out from the start (failed or jammed, see /sensor_losses); threshold_db: dB SNR; fluctuation_db: dB; timing_sigma_ms: ms; bearing_sigma_deg: degree (0 = no bearing); \
false_alarms_per_day: 1/day; cost_eur: EUR; true_x, true_y: m, where it really is (x, y: where it was surveyed); \
clock_offset_s: s, its clock's offset (detection t_s include it)";

#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct EventRecord {
    pub id: u32,
    pub class: u16,
    pub kind: EventKindCode,
    pub responsible_side: SideCode,
    pub t_s: f64,
    pub lon: f64,
    pub lat: f64,
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub chainage_km: f64,
    pub offset_m: f64,
    pub linked_id: i64,
    pub track_id: i64,
    pub track_sample: u32,
    pub salvo_id: i64,
    pub acoustic_db: f32,
    pub acoustic_freq_hz: f32,
    pub seismic_db: f32,
    pub seismic_freq_hz: f32,
    pub is_day: u8,
    /// The world's weather at the event (the verifier knows only the nominal): air temperature,
    /// the surface layer's temperature gradient and the 10 m wind (towards).
    pub temperature_c: f32,
    pub temperature_gradient_k_per_m: f32,
    pub wind_to_x_mps: f32,
    pub wind_to_y_mps: f32,
    /// Ground velocity of a moving source (a track's sample); NaN for the rest.
    pub velocity_x_mps: f32,
    pub velocity_y_mps: f32,
}

pub const EVENT_UNITS: &str = "id: 1; class: index into attribute class_names; kind: enum; responsible_side: enum; \
t_s: s since scenario start; lon: degree_east; lat: degree_north; x: m; y: m; z: m above ground; chainage_km: km; \
offset_m: m (negative side A); linked_id: launch<->impact partner id, -1 if none; \
track_id: the moving source's track this event samples, -1 if none; track_sample: index of the sample along its \
track from 0; salvo_id: the salvo a round belongs to (launch and impact), -1 if none; acoustic_db: dB re (20 uPa)^2 s at 1 m; \
acoustic_freq_hz: Hz; seismic_db: dB re 1 nm/s at 10 m; seismic_freq_hz: Hz; is_day: 1 local day, 0 night; \
temperature_c: degC, the world's air temperature at the event; temperature_gradient_k_per_m: K/m in the surface layer; \
wind_to_x_mps, wind_to_y_mps: m/s, the 10 m wind the air moves towards (x east, y north of the plane); \
velocity_x_mps, velocity_y_mps: m/s, a moving source's ground velocity in the plane, NaN if it has none";

#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct DetectionRecord {
    pub event_id: i64,
    pub sensor_id: u32,
    pub modality: ModalityCode,
    pub t_s: f64,
    pub snr_db: f32,
    pub level_db: f32,
    pub bearing_rad: f32,
    pub range_m: f32,
    pub phase: PhaseCode,
    /// A microphone's call of the arrival: launch, detonation or none (docs/design.md §3.6).
    pub signature: SignatureCode,
}

/// A microphone's launch-or-detonation call, as an HDF5 enum (None 0, Launch 1, Detonation 2).
pub type SignatureCode = crate::detect::signature::Signature;

/// The phase a detection was picked on, as an HDF5 enum (Direct 0, Lg 1).
pub type PhaseCode = crate::physics::seismic::Phase;

pub const DETECTION_UNITS: &str = "event_id: id in /events, -1 = false alarm; sensor_id: id in /sensors; \
modality: enum; t_s: s since scenario start (arrival time); snr_db: dB; level_db: dB (acoustic: sound exposure re (20 uPa)^2 s, seismic re 1 nm/s); \
bearing_rad: rad clockwise from grid north, sensor to source, NaN if none; range_m: m, ground range sensor to source \
as a radar measures it, NaN if none; phase: enum, Lg 1 for a seismic arrival on the regional crustal phase, Direct 0 for every other; \
signature: enum, a microphone's call of the arrival by its waveform's shape (Launch 1: a muzzle blast, Detonation 2: \
a round's or bomb's burst; wrong 5 % of the time far above threshold, half of the time at it, with a share common to \
one event's arrivals), None 0 for every other modality and for sounds that are no impulse";

/// Why a sensor was lost, as an HDF5 enum: the domain's own type.
pub type LossCauseCode = crate::deploy::losses::LossCause;

/// A sensor lost during the run (`[losses]`).
#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct SensorLossRecord {
    pub sensor_id: u32,
    pub t_s: f64,
    pub cause: LossCauseCode,
}

pub const SENSOR_LOSS_UNITS: &str = "sensor_id: id in /sensors; t_s: s since scenario start, from when it reports nothing (0: the whole run); cause: enum (Failed: availability draw, Jammed: inside a jamming zone, Destroyed: within the lethal radius of an impact, OutOfService: listed in losses.out_of_service)";

/// A located candidate event (docs/design.md §7 /estimates).
#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct EstimateRecord {
    pub id: u32,
    pub x: f64,
    pub y: f64,
    pub lon: f64,
    pub lat: f64,
    pub t0_s: f64,
    pub sigma_x_m: f64,
    pub sigma_y_m: f64,
    /// Correlation of the x and y errors: with the two σ, the estimate's whole covariance.
    pub rho_xy: f64,
    pub sigma_n_m: f64,
    pub chainage_km: f64,
    pub offset_m: f64,
    pub attributed_side: SideCode,
    pub confidence: f64,
    pub n_detections: u32,
    pub chi2: f64,
    pub truth_event_id: i64,
    pub error_m: f64,
    /// Launch, impact, ambiguous or unpaired, by its microphones' calls and the geometry of its
    /// pair (docs/design.md §6).
    pub kind: EstimateKindCode,
    /// P(launch) from its microphones' calls (NaN: none called).
    pub p_launch: f32,
}

pub const ESTIMATE_UNITS: &str = "id: 1; x, y: m; lon: degree_east; lat: degree_north; t0_s: s since scenario start \
(estimated origin time); sigma_x_m, sigma_y_m: m (1 sigma); rho_xy: 1, correlation of the x and y errors; sigma_n_m: m (1 sigma across the line); chainage_km: km; \
offset_m: m (negative side A); attributed_side: enum (Indeterminate below the confidence threshold, or when the \
fit's chi2 exceeds its 1e-4 upper tail); \
confidence: Phi(|offset|/sigma_n); n_detections: 1; chi2: 1, weighted sum of squared residuals of the fit \
(chi-squared with arrivals + bearings - 3 degrees of freedom when the model holds); truth_event_id: id in /events of the event most of the detections \
came from, -1 = false alarms; error_m: m, distance to that event (NaN without one); kind: enum, what the verifier took \
the estimate for by the geometry of its pair (Launch: a later estimate across the line could be its impact and none its \
launch; Impact: the converse, given no side; Ambiguous: both; Unpaired: neither)";

impl EstimateRecord {
    /// Normalised estimation error squared of this estimate against the true position: eᵀΣ⁻¹e
    /// with Σ its (x, y) covariance; χ² with 2 degrees of freedom, mean 2, when Σ is honest.
    pub fn nees(&self, truth: [f64; 2]) -> f64 {
        let (ex, ey) = ((self.x - truth[0]) / self.sigma_x_m, (self.y - truth[1]) / self.sigma_y_m);
        let r = self.rho_xy;
        (ex * ex - 2.0 * r * ex * ey + ey * ey) / (1.0 - r * r)
    }
}

/// Scores of one class against ground truth (docs/design.md §7 /metrics).
#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct MetricRecord {
    pub class: u16,
    pub events: u64,
    pub located: u64,
    pub detection_rate: f64,
    pub false_alarms_per_day: f64,
    pub cep50_m: f64,
    pub cep90_m: f64,
    /// Mean normalised estimation error squared of the located (2 when the covariances are honest).
    pub nees_mean: f64,
    pub attributed: u64,
    pub attribution_accuracy: f64,
    pub wrong_side_rate: f64,
    pub indeterminate_rate: f64,
    pub true_a_attributed_a: u64,
    pub true_a_attributed_b: u64,
    pub true_a_indeterminate: u64,
    pub true_b_attributed_a: u64,
    pub true_b_attributed_b: u64,
    pub true_b_indeterminate: u64,
    pub tracks: u64,
    pub tracks_crossing: u64,
    pub crossings_verified: u64,
    pub tracks_attributed: u64,
    pub track_origin_accuracy: f64,
    /// Impacts of this class's rounds located (the first estimate of each), and of those the
    /// ones attributed a side: the verifier does not tell an impact from a launch, so each is
    /// a launch claimed from where the round landed, the target's side.
    pub impacts_located: u64,
    pub impacts_attributed: u64,
    pub impact_as_launch_rate: f64,
}

pub const METRIC_UNITS: &str = "class: index into attribute class_names; events: attributable ground-truth events \
(launches, fire, movements); located: of those, located by the verifier; detection_rate: located / events; \
false_alarms_per_day: 1/day, estimates not explained by any event; cep50_m, cep90_m: m, radial error quantiles of the \
located; nees_mean: 1, mean over the located of e^T Sigma^-1 e (error e, the estimate's covariance Sigma): 2 when \
the covariances are honest; attributed: located with a side; attribution_accuracy: right side / located; wrong_side_rate: wrong side / \
attributed; indeterminate_rate: indeterminate / located; true_X_attributed_Y: confusion matrix counts (the true \
side of a track sample is where it then is); tracks: moving sources; tracks_crossing: those with samples on both \
sides; crossings_verified: crossing tracks located on each side; tracks_attributed: tracks with an attributed \
sample; track_origin_accuracy: tracks whose earliest attributed sample is on the side they came from / \
tracks_attributed; impacts_located: impacts of the class's rounds located; impacts_attributed: of those, \
attributed a side (taken for a launch from where they landed); impact_as_launch_rate: impacts_attributed / impacts_located";
