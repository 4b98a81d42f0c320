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
    /// Blind association: where its grid search ran and what it scored, and the same run with
    /// the search on its f64 reference (seconds, candidates, located).
    pub search: Option<crate::verify::SearchCounts>,
    pub reference: Option<(f64, u64, u64)>,
}

impl fmt::Display for VerifyBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = |n: u64| n as f64 / self.seconds.max(1e-12);
        writeln!(f, "verifier benchmark — scenario '{}', {:?} association", self.scenario, self.association)?;
        writeln!(f, "  detections read     {}", self.detections)?;
        writeln!(f, "  candidates          {}  located {}", self.candidates, self.located)?;
        writeln!(
            f,
            "  verifier (rayon, {} threads{}) {:.2} s  {:.0} events located/s  {:.3e} detections/s",
            self.threads,
            if self.search.is_some() { "; grid search on the device" } else { "" },
            self.seconds,
            rate(self.located),
            rate(self.detections)
        )?;
        if let (Some(search), Some((seconds, candidates, located))) = (&self.search, self.reference) {
            writeln!(
                f,
                "  grid search on {}: {} points, {} point-partner pairs, in {} dispatches ({} by the reference) taking {:.2} s, {:.2e} pairs/s of that time",
                search.device,
                search.points,
                search.pairs,
                search.dispatches,
                search.recomputed,
                search.seconds,
                search.pairs as f64 / search.seconds.max(1e-12)
            )?;
            writeln!(
                f,
                "  search on the f64 reference (rayon): {seconds:.2} s, {candidates} candidates, {located} located; device/reference time {:.2}",
                self.seconds / seconds.max(1e-12)
            )?;
        }
        Ok(())
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
    let run_once = |search_on_cpu: bool| -> Result<(u64, crate::verify::VerifyReport)> {
        let options = RunOptions {
            seed: None,
            progress: false,
            png: None,
            coverage: false,
            verify: true,
            pictures: CoveragePictures::default(),
            search_on_cpu,
        };
        let summary = crate::run::run(&loaded, &out, &options)?;
        let report =
            summary.verify.ok_or_else(|| crate::Error::file(&loaded.file, "verify", "the verifier did not run"))?;
        Ok((summary.detections, report))
    };
    let on_device = run_once(false);
    // The blind search again on its f64 reference, in the same run of the benchmark.
    let on_reference = match loaded.scenario.verify.association {
        Association::Blind => Some(run_once(true)),
        Association::Oracle => None,
    };
    let _ = std::fs::remove_dir_all(&dir);
    let (detections, report) = on_device?;
    let reference = match on_reference {
        Some(r) => {
            let (_, r) = r?;
            Some((r.seconds, r.candidates, r.located))
        }
        None => None,
    };
    Ok(VerifyBench {
        scenario: loaded.scenario.name.clone(),
        association: report.association,
        detections,
        candidates: report.candidates,
        located: report.located,
        seconds: report.seconds,
        threads: rayon::current_num_threads(),
        search: report.search,
        reference,
    })
}
