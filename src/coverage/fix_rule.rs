//! Which detections fix a source in the coverage maps: the rule of the verifier the scenario
//! runs (docs/design.md §5), so that `verifiable` predicts what that verifier achieves.

use crate::scenario::{Association, Scenario};
use crate::verify::associate::{BLIND_MIN_CONSTRAINTS, BLIND_MIN_SENSORS};

/// The fix a source needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixRule {
    /// At least k location constraints (arrival times, bearings, ranges) from any detections:
    /// what the oracle verifier, which groups arrivals by their event, can fit.
    Constraints(u32),
    /// What blind association accepts (src/verify/associate.rs): a radar's range and bearing
    /// alone, or `BLIND_MIN_CONSTRAINTS` arrivals and bearings from sensors whose arrival times,
    /// with the event's weather fitted, can confirm the candidate.
    Blind,
}

// Every sensor gives at most two constraints to blind association (an arrival and a bearing;
// a range counts only in a radar's own fix), so `BLIND_MIN_CONSTRAINTS` implies
// `BLIND_MIN_SENSORS`: the maps count constraints alone.
const _: () = assert!(BLIND_MIN_CONSTRAINTS > 2 * (BLIND_MIN_SENSORS - 1));

impl FixRule {
    /// The rule of the scenario's verifier.
    pub fn of(scenario: &Scenario) -> Self {
        match scenario.verify.association {
            Association::Oracle => Self::Constraints(scenario.coverage.k),
            Association::Blind => Self::Blind,
        }
    }

    /// Constraints the tally counts up to.
    pub fn constraints(self) -> u32 {
        match self {
            Self::Constraints(k) => k,
            Self::Blind => BLIND_MIN_CONSTRAINTS as u32,
        }
    }

    pub fn is_blind(self) -> bool {
        self == Self::Blind
    }

    /// What a fix takes, as the maps' attributes, titles and summaries say it.
    pub fn describe(self) -> String {
        match self {
            Self::Constraints(k) => format!("≥{k} location constraints"),
            Self::Blind => format!("blind fix: ≥{BLIND_MIN_CONSTRAINTS} confirming constraints or a radar's own"),
        }
    }
}
