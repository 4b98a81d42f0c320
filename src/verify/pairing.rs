//! Launch or impact, by the sound and by the geometry of the pair (docs/design.md §6). An
//! indirect-fire round is heard twice: where it was fired and, a flight time later, where it
//! landed across the line. Two kinds of evidence tell the two apart:
//! - **The sound.** Each microphone calls its arrival a launch or a detonation
//!   (`detect::signature`); the estimate's calls give P(launch). When it reaches the verifier's
//!   confidence, or falls to its complement, it settles the kind.
//! - **The pair.** Failing that, the verifier looks for the other half: an estimate with a
//!   partner that could be its impact and none that could be its launch is taken for a launch,
//!   the converse for an impact. What the pairs leave open (both ways: ambiguous; neither:
//!   unpaired) keeps the side its position gives.
//!
//! An impact is given no side: it landed on the target's side, and a side would be a launch
//! claimed from there. A launch the sound settled against its pair's word keeps its side only
//! while its position's confidence times P(launch) reaches the verifier's confidence. What
//! neither settles is still claimed at its position's confidence: an over-claim where it is an
//! impact, kept until the coverage maps can predict the stricter rule (docs/design.md §6).
//! Only an estimate located from waves alone (sound and ground
//! waves) may be an impact: a radar's, a camera's or an RF detector's report is of something in
//! flight, moving or transmitting, and an impact is none of these (a weapon-locating radar's
//! report is its launch).
//! The envelope is the scenario's weapon classes (their launch and impact depths, the spread of
//! impacts along the line and the flight times): the nominal doctrine of the threat, a stated
//! assumption, not the truth's draws.

use crate::output::records::{EstimateKindCode, EstimateRecord};
use crate::scenario::{ClassKind, Scenario};
use std::collections::VecDeque;

/// How many σ of an estimate's position across and along the line, and seconds of its origin
/// time, a pair may miss the envelope by.
const POSITION_SIGMAS: f64 = 3.0;
const ORIGIN_SLACK_S: f64 = 1.0;
/// How far out of origin-time order estimates may come (a blind candidate leaves a few horizons
/// of travel after its seed; an oracle batch in event-id order, an impact's id next to its
/// launch's): an estimate is final once the newest is this much and a flight time later.
const ORDER_SLACK_S: f64 = 600.0;

/// One indirect-fire class's envelope: how deep its launches and impacts lie behind the line at
/// most, m, how far along the line from the launch its impacts fall, m, and its flight times, s.
/// Only the deepest depths are used: depth is drawn along the line's normal at a chainage, and
/// on a winding line a point that deep may lie much nearer to another stretch of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    pub launch_depth_m: f64,
    pub impact_depth_m: f64,
    pub reach_m: f64,
    pub flight_s: [f64; 2],
}

impl Envelope {
    /// The envelopes of the scenario's indirect-fire classes; the spread along the line is the
    /// one the event generator draws (half the deepest launch plus the deepest impact).
    pub fn of(s: &Scenario) -> Vec<Envelope> {
        s.classes
            .iter()
            .filter(|c| c.kind == ClassKind::IndirectFire)
            .filter_map(|c| {
                let (impact, flight) = (c.impact_depth_km?, c.flight_time_s?);
                Some(Envelope {
                    launch_depth_m: c.depth_km[1] * 1e3,
                    impact_depth_m: impact[1] * 1e3,
                    reach_m: 0.5 * (c.depth_km[1] + impact[1]) * 1e3,
                    flight_s: flight,
                })
            })
            .collect()
    }

    /// Whether `launch` and `impact` could be one round of this class: on opposite sides, each no
    /// deeper than its class's deepest, no farther apart than both depths and the spread along
    /// the line allow (the chord is no longer than the line between), a flight time apart (each
    /// within its own σ).
    fn pairs(&self, launch: &EstimateRecord, impact: &EstimateRecord) -> bool {
        let sigma = |e: &EstimateRecord| POSITION_SIGMAS * e.sigma_x_m.max(e.sigma_y_m);
        let apart = (launch.x - impact.x).hypot(launch.y - impact.y);
        let flight = impact.t0_s - launch.t0_s;
        launch.offset_m.signum() != impact.offset_m.signum()
            && launch.offset_m.abs() <= self.launch_depth_m + POSITION_SIGMAS * launch.sigma_n_m
            && impact.offset_m.abs() <= self.impact_depth_m + POSITION_SIGMAS * impact.sigma_n_m
            && apart <= self.launch_depth_m + self.impact_depth_m + self.reach_m + sigma(launch) + sigma(impact)
            && flight >= self.flight_s[0] - ORIGIN_SLACK_S
            && flight <= self.flight_s[1] + ORIGIN_SLACK_S
    }
}

struct Held {
    row: EstimateRecord,
    /// Located from sound and ground waves alone.
    may_be_impact: bool,
    /// Some estimate could be its impact (it could be a launch) / its launch (an impact).
    later: bool,
    earlier: bool,
    /// Given out already; kept while a later estimate may still pair with it.
    out: bool,
}

/// Estimates in (nearly) origin-time order in, the same out with their kind, once every
/// estimate that could pair with them has come.
pub struct Pairing {
    envelopes: Vec<Envelope>,
    /// The verifier's confidence: what P(launch) settles a kind at, and what a claimed launch
    /// must keep.
    confidence: f64,
    /// Whether what neither the sound nor the pair settles keeps no side (`[verify] unsettled`).
    withhold: bool,
    held: VecDeque<Held>,
    longest_flight_s: f64,
    newest_t0_s: f64,
}

impl Pairing {
    pub fn new(envelopes: Vec<Envelope>, confidence: f64) -> Self {
        let longest_flight_s = envelopes.iter().map(|e| e.flight_s[1]).fold(0.0, f64::max);
        Self {
            envelopes,
            confidence,
            withhold: false,
            held: VecDeque::new(),
            longest_flight_s,
            newest_t0_s: f64::NEG_INFINITY,
        }
    }

    /// The same, withholding a side from what neither the sound nor the pair settles.
    pub fn withholding(self, withhold: bool) -> Self {
        Self { withhold, ..self }
    }

    /// Take an estimate, and whether it was located from sound and ground waves alone; give out
    /// those that are final.
    pub fn push(&mut self, row: EstimateRecord, may_be_impact: bool) -> Vec<EstimateRecord> {
        let mut new = Held { row, may_be_impact, later: false, earlier: false, out: false };
        for h in &mut self.held {
            for env in &self.envelopes {
                if new.may_be_impact && env.pairs(&h.row, &new.row) {
                    h.later = true;
                    new.earlier = true;
                }
                if h.may_be_impact && env.pairs(&new.row, &h.row) {
                    new.later = true;
                    h.earlier = true;
                }
            }
        }
        self.newest_t0_s = self.newest_t0_s.max(row.t0_s);
        self.held.push_back(new);
        self.give_out(self.newest_t0_s - self.longest_flight_s - ORDER_SLACK_S)
    }

    /// Every estimate still held, final or not.
    pub fn finish(&mut self) -> Vec<EstimateRecord> {
        let out = self.give_out(f64::INFINITY);
        self.held.clear();
        out
    }

    /// Give out the estimates older than `until`, with their kind; forget those no later one can
    /// pair with.
    fn give_out(&mut self, until: f64) -> Vec<EstimateRecord> {
        let mut out = Vec::new();
        for h in self.held.iter_mut().filter(|h| !h.out && h.row.t0_s < until) {
            h.out = true;
            let by_pair = match (h.later, h.earlier) {
                (true, false) => EstimateKindCode::Launch,
                (false, true) => EstimateKindCode::Impact,
                (true, true) => EstimateKindCode::Ambiguous,
                (false, false) => EstimateKindCode::Unpaired,
            };
            let mut row = h.row;
            settle(&mut row, by_pair, h.may_be_impact, self.confidence, self.withhold);
            out.push(row);
        }
        let forget = until - self.longest_flight_s - ORDER_SLACK_S;
        self.held.retain(|h| !(h.out && h.row.t0_s < forget));
        out.sort_by(|a, b| a.t0_s.total_cmp(&b.t0_s));
        out
    }
}

/// The kind and side of an estimate from its P(launch) and its pair's word (module doc).
fn settle(row: &mut EstimateRecord, by_pair: EstimateKindCode, may_be_impact: bool, confidence: f64, withhold: bool) {
    let p = f64::from(row.p_launch);
    let called = may_be_impact && p.is_finite();
    row.kind = match by_pair {
        _ if called && p >= confidence => EstimateKindCode::Launch,
        _ if called && p <= 1.0 - confidence => EstimateKindCode::Impact,
        pair => pair,
    };
    // A launch the sound claims against its pair's word is claimed only as far as it is sure;
    // withholding, so is an unpaired estimate the sound called.
    let claimed_by_sound = match row.kind {
        EstimateKindCode::Launch => by_pair != EstimateKindCode::Launch,
        EstimateKindCode::Unpaired => withhold,
        _ => false,
    };
    if called && claimed_by_sound {
        row.confidence *= p;
        if row.confidence < confidence {
            row.attributed_side = crate::output::records::SideCode::Indeterminate;
        }
    }
    let unclaimed = row.kind == EstimateKindCode::Impact || (withhold && row.kind == EstimateKindCode::Ambiguous);
    if unclaimed {
        row.attributed_side = crate::output::records::SideCode::Indeterminate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::records::SideCode;

    /// An artillery-like envelope: launches up to 20 km deep, impacts up to 10 km, 20–60 s apart.
    fn envelope() -> Envelope {
        Envelope { launch_depth_m: 20e3, impact_depth_m: 10e3, reach_m: 15e3, flight_s: [20.0, 60.0] }
    }

    /// An estimate at `x` along a straight line (y = 0), `offset` across it, at `t0`.
    fn estimate(id: u32, x: f64, offset: f64, t0: f64) -> EstimateRecord {
        EstimateRecord {
            id,
            x,
            y: offset,
            lon: 0.0,
            lat: 0.0,
            t0_s: t0,
            sigma_x_m: 20.0,
            sigma_y_m: 20.0,
            rho_xy: 0.0,
            sigma_n_m: 20.0,
            chainage_km: x / 1e3,
            offset_m: offset,
            attributed_side: if offset < 0.0 { SideCode::A } else { SideCode::B },
            confidence: 1.0,
            n_detections: 6,
            chi2: 3.0,
            truth_event_id: -1,
            error_m: f64::NAN,
            kind: EstimateKindCode::Unpaired,
            p_launch: f32::NAN,
        }
    }

    /// The same with its microphones' P(launch).
    fn called(id: u32, x: f64, offset: f64, t0: f64, p_launch: f32) -> EstimateRecord {
        EstimateRecord { p_launch, ..estimate(id, x, offset, t0) }
    }

    fn run(rows: Vec<EstimateRecord>) -> Vec<EstimateRecord> {
        let mut pairing = Pairing::new(vec![envelope()], 0.95);
        let mut out: Vec<EstimateRecord> = rows.into_iter().flat_map(|r| pairing.push(r, true)).collect();
        out.extend(pairing.finish());
        out.sort_by_key(|r| r.id);
        out
    }

    /// A launch 8 km deep on side A and, 30 s later, an impact 3 km into side B: taken for a
    /// launch and an impact, the impact given no side; even when the impact's estimate comes
    /// first (out of order by less than the slack).
    #[test]
    fn a_launch_and_its_impact_are_told_apart() {
        for impact_first in [false, true] {
            let (launch, impact) = (estimate(0, 0.0, -8e3, 100.0), estimate(1, 4e3, 3e3, 130.0));
            let rows = if impact_first { vec![impact, launch] } else { vec![launch, impact] };
            let out = run(rows);
            assert_eq!(out.len(), 2);
            assert_eq!((out[0].kind, out[0].attributed_side), (EstimateKindCode::Launch, SideCode::A));
            assert_eq!((out[1].kind, out[1].attributed_side), (EstimateKindCode::Impact, SideCode::Indeterminate));
        }
    }

    /// What does not pair stays unpaired and keeps its side: the same side of the line, too far
    /// apart in time or space, too deep.
    #[test]
    fn what_cannot_be_one_round_stays_unpaired() {
        let cases = [
            estimate(1, 4e3, -3e3, 130.0), // the same side
            estimate(1, 4e3, 3e3, 170.0),  // 70 s later
            estimate(1, 4e3, 3e3, 110.0),  // 10 s later
            estimate(1, 60e3, 3e3, 130.0), // 60 km along the line
            estimate(1, 4e3, 14e3, 130.0), // 14 km into side B
        ];
        for other in cases {
            let out = run(vec![estimate(0, 0.0, -8e3, 100.0), other]);
            for r in &out {
                assert_eq!(r.kind, EstimateKindCode::Unpaired, "{other:?}");
                assert_ne!(r.attributed_side, SideCode::Indeterminate);
            }
        }
    }

    /// A radar's, a camera's or an RF detector's estimate is no impact, whatever came before it.
    #[test]
    fn what_was_seen_in_flight_or_moving_is_no_impact() {
        let mut pairing = Pairing::new(vec![envelope()], 0.95);
        let mut out = pairing.push(estimate(0, 0.0, -8e3, 100.0), true);
        out.extend(pairing.push(estimate(1, 4e3, 3e3, 130.0), false));
        out.extend(pairing.finish());
        assert!(out.iter().all(|r| r.kind == EstimateKindCode::Unpaired), "{out:?}");
    }

    /// An estimate with a possible impact after it and a possible launch before it is ambiguous
    /// and keeps its side.
    #[test]
    fn an_estimate_with_partners_both_ways_is_ambiguous() {
        let out = run(vec![estimate(0, 0.0, -8e3, 100.0), estimate(1, 2e3, 3e3, 130.0), estimate(2, 3e3, -6e3, 170.0)]);
        assert_eq!(out[0].kind, EstimateKindCode::Launch);
        assert_eq!((out[1].kind, out[1].attributed_side), (EstimateKindCode::Ambiguous, SideCode::B));
        assert_eq!((out[2].kind, out[2].attributed_side), (EstimateKindCode::Impact, SideCode::Indeterminate));
    }

    /// The sound settles what it is sure of, whatever the pair says; what it is unsure of is
    /// left to the pair; a launch the sound claims against its pair keeps its side only while
    /// its position's confidence times P(launch) reaches the verifier's.
    #[test]
    fn the_sound_settles_what_it_is_sure_of() {
        // The middle estimate pairs both ways (ambiguous by the pair).
        let three = |p: f32, confidence: f64| {
            let mut middle = called(1, 2e3, 3e3, 130.0, p);
            middle.confidence = confidence;
            run(vec![estimate(0, 0.0, -8e3, 100.0), middle, estimate(2, 3e3, -6e3, 170.0)])[1]
        };
        let r = three(0.99, 1.0);
        assert_eq!((r.kind, r.attributed_side), (EstimateKindCode::Launch, SideCode::B));
        assert!((r.confidence - 0.99).abs() < 1e-6, "{}", r.confidence);
        let r = three(0.96, 0.97);
        assert_eq!(
            (r.kind, r.attributed_side),
            (EstimateKindCode::Launch, SideCode::Indeterminate),
            "0.97 × 0.96 < 0.95"
        );
        let r = three(0.02, 1.0);
        assert_eq!((r.kind, r.attributed_side), (EstimateKindCode::Impact, SideCode::Indeterminate));
        let r = three(0.7, 1.0);
        assert_eq!((r.kind, r.attributed_side, r.confidence), (EstimateKindCode::Ambiguous, SideCode::B, 1.0));
        // A launch by its pair whose sound is sure it was a detonation is an impact.
        let out = run(vec![called(0, 0.0, -8e3, 100.0, 0.01), estimate(1, 4e3, 3e3, 130.0)]);
        assert_eq!((out[0].kind, out[0].attributed_side), (EstimateKindCode::Impact, SideCode::Indeterminate));
        // One the pair and the sound both call a launch keeps its confidence.
        let out = run(vec![called(0, 0.0, -8e3, 100.0, 0.96), estimate(1, 4e3, 3e3, 130.0)]);
        assert_eq!(
            (out[0].kind, out[0].attributed_side, out[0].confidence),
            (EstimateKindCode::Launch, SideCode::A, 1.0)
        );
        // Withholding, what neither settles keeps no side: ambiguous, and unpaired with doubt.
        let withheld = |rows: Vec<EstimateRecord>| {
            let mut pairing = Pairing::new(vec![envelope()], 0.95).withholding(true);
            let mut out: Vec<EstimateRecord> = rows.into_iter().flat_map(|r| pairing.push(r, true)).collect();
            out.extend(pairing.finish());
            out.sort_by_key(|r| r.id);
            out
        };
        let out = withheld(vec![
            estimate(0, 0.0, -8e3, 100.0),
            called(1, 2e3, 3e3, 130.0, 0.7),
            estimate(2, 3e3, -6e3, 170.0),
        ]);
        assert_eq!((out[1].kind, out[1].attributed_side), (EstimateKindCode::Ambiguous, SideCode::Indeterminate));
        let out = withheld(vec![called(0, 0.0, -8e3, 100.0, 0.6)]);
        assert_eq!((out[0].kind, out[0].attributed_side), (EstimateKindCode::Unpaired, SideCode::Indeterminate));
        let out = withheld(vec![called(0, 0.0, -8e3, 100.0, 0.97)]);
        assert_eq!((out[0].kind, out[0].attributed_side), (EstimateKindCode::Launch, SideCode::A));
        let out = withheld(vec![estimate(0, 0.0, -8e3, 100.0)]);
        assert_eq!((out[0].kind, out[0].attributed_side), (EstimateKindCode::Unpaired, SideCode::A), "no call");
        // A radar's estimate is never taken for an impact, whatever its microphones say.
        let mut pairing = Pairing::new(vec![envelope()], 0.95);
        let mut out = pairing.push(called(0, 0.0, -8e3, 100.0, 0.01), false);
        out.extend(pairing.finish());
        assert_eq!((out[0].kind, out[0].attributed_side), (EstimateKindCode::Unpaired, SideCode::A));
    }

    /// Estimates are given out once no later one can pair with them, and the window forgets.
    #[test]
    fn estimates_leave_once_final_and_memory_stays_bounded() {
        let mut pairing = Pairing::new(vec![envelope()], 0.95);
        let mut out = 0;
        for k in 0..10_000u32 {
            out += pairing.push(estimate(k, 0.0, -8e3, f64::from(k) * 100.0), true).len();
            assert!(
                pairing.held.len() <= 2 + ((60.0 + ORDER_SLACK_S) * 2.0 / 100.0) as usize,
                "{}",
                pairing.held.len()
            );
        }
        out += pairing.finish().len();
        assert_eq!(out, 10_000);
    }
}
