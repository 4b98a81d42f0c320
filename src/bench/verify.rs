//! `linewatch bench verify`: the verifier's throughput on a scenario's run (events located
//! per second, detections associated per second), with its association mode.

use crate::error::Result;
use crate::run::{CoveragePictures, RunOptions};
use crate::scenario::{Association, LoadedScenario};
use std::fmt;

#[derive(Debug, Clone)]
pub struct VerifyBench {
    pub scenario: String,
    pub association: Association,
    pub detections: u64,
    pub candidates: u64,
    pub located: u64,
    pub seconds: f64,
    pub threads: usize,
}

impl fmt::Display for VerifyBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = |n: u64| n as f64 / self.seconds.max(1e-12);
        writeln!(f, "verifier benchmark — scenario '{}', {:?} association", self.scenario, self.association)?;
        writeln!(f, "  detections read     {}", self.detections)?;
        writeln!(f, "  candidates          {}  located {}", self.candidates, self.located)?;
        writeln!(
            f,
            "  CPU (rayon, {} threads) {:.2} s  {:.0} events located/s  {:.3e} detections/s",
            self.threads,
            self.seconds,
            rate(self.located),
            rate(self.detections)
        )
    }
}

/// Run the scenario (no coverage) into a temporary file and report the verifier's part.
pub fn verify(loaded: &LoadedScenario, association: Option<Association>) -> Result<VerifyBench> {
    let mut loaded = loaded.clone();
    if let Some(a) = association {
        loaded.scenario.verify.association = a;
    }
    let dir = std::env::temp_dir().join(format!("linewatch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| crate::Error::file(dir.display().to_string(), "bench", e.to_string()))?;
    let out = dir.join("verify.h5");
    let options = RunOptions {
        seed: None,
        progress: false,
        png: None,
        coverage: false,
        verify: true,
        pictures: CoveragePictures::default(),
    };
    let summary = crate::run::run(&loaded, &out, &options);
    let _ = std::fs::remove_dir_all(&dir);
    let summary = summary?;
    let report =
        summary.verify.ok_or_else(|| crate::Error::file(&loaded.file, "verify", "the verifier did not run"))?;
    Ok(VerifyBench {
        scenario: loaded.scenario.name.clone(),
        association: report.association,
        detections: summary.detections,
        candidates: report.candidates,
        located: report.located,
        seconds: report.seconds,
        threads: rayon::current_num_threads(),
    })
}
