//! The onset picker's dead time (docs/design.md §3.6): after an onset a microphone or geophone
//! picks no other for its row's `dead_time_s`, because the arrival's signal and coda hold the
//! picker. An arrival within that time of the sensor's last pick is lost, whatever its source
//! (a salvo's second gun, another event, a false alarm).

use crate::output::records::DetectionRecord;

/// Whether a picker that picked at `last_pick_s` is still dead at `t_s` (after it: the verifier
/// asks the same of a sensor's silence, docs/design.md §6).
pub fn holds(last_pick_s: f64, t_s: f64, dead_time_s: f64) -> bool {
    dead_time_s > 0.0 && t_s - last_pick_s < dead_time_s
}

/// Each sensor's dead time and last pick, carried from block to block.
pub struct Picker {
    dead_time_s: Vec<f64>,
    last_pick_s: Vec<f64>,
    /// Arrivals lost within a dead time.
    pub unpicked: u64,
}

impl Picker {
    /// `dead_time_s`: per sensor id.
    pub fn new(dead_time_s: Vec<f64>) -> Self {
        let last_pick_s = vec![f64::NEG_INFINITY; dead_time_s.len()];
        Self { dead_time_s, last_pick_s, unpicked: 0 }
    }

    /// The arrivals picked, of `arrivals` in time order (each sensor's own clock), continuing
    /// from the previous call's.
    pub fn pick(&mut self, arrivals: &[DetectionRecord]) -> Vec<DetectionRecord> {
        let mut picked = Vec::with_capacity(arrivals.len());
        for d in arrivals {
            let s = d.sensor_id as usize;
            let (Some(&dead), Some(last)) = (self.dead_time_s.get(s), self.last_pick_s.get_mut(s)) else {
                picked.push(*d);
                continue;
            };
            if holds(*last, d.t_s, dead) {
                self.unpicked += 1;
                continue;
            }
            *last = d.t_s;
            picked.push(*d);
        }
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::seismic::Phase;
    use crate::scenario::Modality;

    fn arrival(sensor_id: u32, t_s: f64) -> DetectionRecord {
        DetectionRecord {
            event_id: 0,
            sensor_id,
            modality: Modality::Acoustic,
            t_s,
            snr_db: 20.0,
            level_db: 60.0,
            bearing_rad: f32::NAN,
            range_m: f32::NAN,
            phase: Phase::Direct,
            signature: crate::output::SignatureCode::None,
        }
    }

    /// Sensor 0 (0.5 s) loses what comes within 0.5 s of its last pick, and only that, across
    /// calls; sensor 1 (no dead time) keeps everything; the lost are counted.
    #[test]
    fn arrivals_within_the_dead_time_of_the_last_pick_are_lost() {
        let mut picker = Picker::new(vec![0.5, 0.0]);
        let first = picker.pick(&[arrival(0, 10.0), arrival(1, 10.0), arrival(0, 10.2), arrival(1, 10.01)]);
        let times: Vec<(u32, f64)> = first.iter().map(|d| (d.sensor_id, d.t_s)).collect();
        assert_eq!(times, vec![(0, 10.0), (1, 10.0), (1, 10.01)]);
        // 10.45 is within 0.5 s of the pick at 10.0 (the lost 10.2 does not extend it); 10.5 is not.
        let second = picker.pick(&[arrival(0, 10.45), arrival(0, 10.5), arrival(0, 10.9), arrival(0, 11.0)]);
        let times: Vec<f64> = second.iter().map(|d| d.t_s).collect();
        assert_eq!(times, vec![10.5, 11.0]);
        assert_eq!(picker.unpicked, 3);
    }
}
