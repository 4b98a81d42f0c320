//! The `[size]` section: what `linewatch size` must achieve (targets), what it may change
//! (candidate rows, their spacing ranges and offsets), what things cost, and how resilience is
//! probed (`[size.resilience]`).

use serde::{Deserialize, Serialize};

/// Targets and design space of `linewatch size`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SizeSpec {
    /// Coverage cell size while searching, m. The search evaluates tens of layouts, so it maps
    /// coarser than `[coverage] resolution_m`; the chosen layout is re-run at full resolution
    /// with `linewatch check`.
    pub resolution_m: f64,
    /// Each searched spacing is settled to within this fraction of itself.
    pub spacing_tolerance: f64,
    /// Largest total cost allowed, EUR; absent: no budget.
    pub budget_eur: Option<f64>,
    /// Let each row's spacing differ between stretches of this length along the line, km;
    /// absent: one spacing per row for the whole line.
    pub stretch_km: Option<f64>,
    /// Layouts on the cost-coverage front, besides those the search visits: the chosen layout
    /// with every searched spacing scaled by a common factor.
    pub front_points: u32,
    pub targets: Vec<SizeTarget>,
    /// The rows the search may change; every other row of `[[rows]]` stays as it is and its
    /// cost is counted.
    pub rows: Vec<SizeRow>,
    pub resilience: ResilienceSpec,
}

impl Default for SizeSpec {
    fn default() -> Self {
        Self {
            resolution_m: 2000.0,
            spacing_tolerance: 0.05,
            budget_eur: None,
            stretch_km: None,
            front_points: 8,
            targets: Vec::new(),
            rows: Vec::new(),
            resilience: ResilienceSpec::default(),
        }
    }
}

/// The per-cell quantity a target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeMetric {
    /// P(≥k location constraints) × P(located on the right side): detect, locate and attribute.
    Verifiable,
    /// P(≥1 detection).
    PDetect,
    /// P(≥k location constraints).
    PK,
}

impl SizeMetric {
    pub fn name(self) -> &'static str {
        match self {
            Self::Verifiable => "verifiable",
            Self::PDetect => "p_detect",
            Self::PK => "p_k",
        }
    }

    /// The `[expect] coverage.<class>.<metric>` that states a target of this metric.
    pub fn expectation(self) -> &'static str {
        match self {
            Self::Verifiable => "verifiable_fraction",
            Self::PDetect => "p_detect_fraction",
            Self::PK => "p_k_fraction",
        }
    }
}

/// "At least `fraction` of the cells within the profile depth reach `confidence` of `metric`
/// for `class`."
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeTarget {
    pub class: String,
    #[serde(default = "default_metric")]
    pub metric: SizeMetric,
    /// Fraction of the cells that must reach the confidence.
    pub fraction: f64,
    /// Per-cell probability to reach; absent: `[coverage] target`.
    pub confidence: Option<f64>,
}

fn default_metric() -> SizeMetric {
    SizeMetric::Verifiable
}

/// A row of `[[rows]]` the search may change.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeRow {
    /// Name of the row in `[[rows]]`; its other fields (modality, threshold, unit cost …) stay.
    pub row: String,
    /// Narrowest and widest spacing to consider, km.
    pub spacing_km: [f64; 2],
    /// Offsets to choose from, km; absent: the row's own.
    pub offsets_km: Option<Vec<f64>>,
    /// The search may leave the row out altogether (a candidate modality).
    #[serde(default)]
    pub optional: bool,
    /// Cost per km of line the row spans (communications, power, patrols), EUR.
    #[serde(default)]
    pub per_km_cost_eur: f64,
}

/// How the chosen layout degrades (`linewatch size --resilience`): the loss curves here, and
/// the scenario's `[losses]` (availability, attrition, jamming) as named cases.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResilienceSpec {
    /// Fractions of the sensors lost at which coverage is measured, random and targeted.
    pub loss_fractions: Vec<f64>,
    /// Random draws averaged at each fraction.
    pub random_draws: u32,
    /// The greedy adversary scores a sensor's loss on the cells within this distance of it, km
    /// (a computational bound, not physics: nearly all of a sensor's contribution to a cell's
    /// verifiability at the defaults is within a few spacings).
    pub influence_km: f64,
}

impl Default for ResilienceSpec {
    fn default() -> Self {
        Self { loss_fractions: vec![0.0, 0.05, 0.1, 0.2, 0.3, 0.5], random_draws: 4, influence_km: 15.0 }
    }
}

/// Sensors a run loses (`[losses]`): failed, jammed, destroyed. The run honours them (the lost
/// sensors report nothing from the moment they are lost; `/sensor_losses` lists them) and
/// `linewatch size --resilience` reports what each costs the chosen layout.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LossSpec {
    /// Probability that a sensor is up for the run (random failures, drawn once per sensor).
    pub availability: f64,
    /// Attrition: a sensor within this distance of an impact is destroyed at the impact's
    /// time, m; 0: none. About 50 m is the planning radius usually quoted for a 152/155 mm HE
    /// round against soft targets in the open (an assumption to calibrate: a sensor mast and
    /// its cabling are soft targets).
    pub lethal_radius_m: f64,
    /// Jamming zones: the radio links, and so the reports, of the sensors inside them fail.
    pub jamming: Vec<JammingZone>,
    /// Sensors taken out by hand (ids in deployment order, as `/sensors.id` numbers them):
    /// what the viewer saves when sensors are switched off in it.
    pub out_of_service: Vec<u32>,
}

impl Default for LossSpec {
    fn default() -> Self {
        Self { availability: 1.0, lethal_radius_m: 0.0, jamming: Vec::new(), out_of_service: Vec::new() }
    }
}

impl LossSpec {
    pub fn is_none(&self) -> bool {
        self.availability >= 1.0
            && self.lethal_radius_m <= 0.0
            && self.jamming.is_empty()
            && self.out_of_service.is_empty()
    }
}

/// A circle where radio links fail.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JammingZone {
    pub lon: f64,
    pub lat: f64,
    pub radius_km: f64,
}
