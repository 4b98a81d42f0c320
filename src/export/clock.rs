//! Scenario seconds as UTC. A scenario has no calendar date: its time 0 is local civil midnight
//! at UTC + `utc_offset_h` (docs/design.md §4). Exports need absolute times, so the date is the
//! exporter's `--start` and every file's data card says which it was.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Converts scenario time (s) to UTC.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// The UTC instant of scenario time 0.
    zero: DateTime<Utc>,
}

impl Clock {
    pub fn new(start: NaiveDate, utc_offset_h: f64) -> Result<Self, String> {
        if !utc_offset_h.is_finite() {
            return Err(format!("must be a finite number of hours, found {utc_offset_h}"));
        }
        let midnight = start.and_hms_opt(0, 0, 0).ok_or("no midnight on that date")?.and_utc();
        let offset = Duration::microseconds((utc_offset_h * 3.6e9).round() as i64);
        Ok(Self { zero: midnight - offset })
    }

    /// The instant of scenario time `t_s`, to the microsecond.
    pub fn utc(&self, t_s: f64) -> DateTime<Utc> {
        self.zero + Duration::microseconds((t_s * 1e6).round() as i64)
    }

    /// ISO 8601 in UTC with microseconds, as QuakeML and ObsPy's `UTCDateTime` write it.
    pub fn iso(&self, t_s: f64) -> String {
        self.utc(t_s).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }

    /// Seconds since the POSIX epoch (what Stone Soup's readers take with `timestamp=True`).
    pub fn posix(&self, t_s: f64) -> f64 {
        self.zero.timestamp() as f64 + f64::from(self.zero.timestamp_subsec_micros()) * 1e-6 + t_s
    }

    /// Nanoseconds since the POSIX epoch (ASDF's `starttime`).
    pub fn posix_ns(&self, t_s: f64) -> i64 {
        self.zero.timestamp() * 1_000_000_000
            + i64::from(self.zero.timestamp_subsec_nanos())
            + (t_s * 1e9).round() as i64
    }

    /// The UTC instant of scenario time 0, for the data card.
    pub fn zero_iso(&self) -> String {
        self.zero.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zero_is_local_midnight() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 15).expect("date");
        let clock = Clock::new(date, 2.0).expect("clock");
        assert_eq!(clock.zero_iso(), "2026-11-14T22:00:00Z");
        assert_eq!(clock.iso(3661.25), "2026-11-14T23:01:01.250000Z");
        let posix_zero = 1_794_693_600.0; // 2026-11-14T22:00:00Z
        assert!((clock.posix(10.5) - (posix_zero + 10.5)).abs() < 1e-6);
        assert_eq!(clock.posix_ns(10.5), 1_794_693_610_500_000_000);
    }
}
