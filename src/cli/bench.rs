//! `linewatch bench [MODE]`: each capability's throughput on a scenario (the embedded full line
//! by default), GPU against the CPU f64 reference in the same run (docs/design.md §9).

use crate::error::{Result, exit};
use crate::scenario::{Association, LoadedScenario, SightLines};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// The detection benchmark's arguments: the default mode of `linewatch bench`.
#[derive(Debug, Args)]
pub struct DetectionArgs {
    /// Scenario TOML; absent: the embedded full line.
    scenario: Option<PathBuf>,
    /// Simulated hours of events to measure on.
    #[arg(long, default_value_t = 24.0, value_parser = hours)]
    hours: f64,
}

#[derive(Debug, Subcommand)]
pub enum BenchMode {
    /// Detection pairs per second (the default mode).
    Detection(DetectionArgs),
    /// Coverage: (cell, sensor) pairs per second over corridor cells from the line's middle.
    Coverage {
        /// Scenario TOML; absent: the embedded full line.
        scenario: Option<PathBuf>,
        /// Cell size, m (repeatable).
        #[arg(long = "resolution-m", default_values_t = [100.0, 50.0], value_parser = resolution_m)]
        resolutions_m: Vec<f64>,
        /// Class to map; default: the scenario's first.
        #[arg(long)]
        class: Option<String>,
        /// Corridor cells sampled from the middle of the line, for both paths.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=50_000_000))]
        sample_cells: u64,
        /// Also map the whole corridor on the GPU (minutes per class on a CPU adapter).
        #[arg(long)]
        full: bool,
        /// Sight lines (default: the scenario's [coverage] sight_lines).
        #[arg(long = "sight-lines", value_enum)]
        sight_lines: Option<SightLinesArg>,
    },
    /// The verifier: events located per second on the scenario's run.
    Verify {
        /// Scenario TOML; absent: the embedded full line.
        scenario: Option<PathBuf>,
        /// Association (default: the scenario's).
        #[arg(long, value_enum)]
        association: Option<AssociationArg>,
    },
    /// What the terrain march adds per radar, camera and RF pair.
    LineOfSight {
        /// Scenario TOML; absent: the embedded full line.
        scenario: Option<PathBuf>,
        /// Source class; default: vehicle.
        #[arg(long)]
        class: Option<String>,
        /// Pairs to evaluate.
        #[arg(long, default_value_t = 500_000, value_parser = clap::value_parser!(u64).range(1..=50_000_000))]
        pairs: u64,
    },
    /// The viewer's recompute after an edit: a 100 km sector redrawn.
    Viewer {
        /// Scenario TOML; absent: the embedded full line.
        scenario: Option<PathBuf>,
        /// Class to paint; default: the scenario's first.
        #[arg(long)]
        class: Option<String>,
        /// Texture sides (long side, texels; repeatable).
        #[arg(long = "texture", default_values_t = [256, 1024], value_parser = clap::value_parser!(u32).range(1..=8192))]
        textures: Vec<u32>,
    },
    /// Waveform samples synthesised per second around a result's detections.
    Waveforms {
        /// Result file (`linewatch run`).
        result: PathBuf,
        #[arg(long, default_value_t = 1000.0)]
        rate_hz: f64,
        #[arg(long, default_value_t = 1.0)]
        pre_s: f64,
        #[arg(long, default_value_t = 3.0)]
        post_s: f64,
        /// Windows the f64 reference synthesises (the GPU does them all).
        #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        reference_windows: u64,
        /// Continuous traces over FROM,TO scenario hours instead of windows around detections
        /// (their kernel windows are pre_s + post_s long).
        #[arg(long, value_delimiter = ',', allow_hyphen_values = true, value_name = "FROM,TO")]
        continuous_h: Vec<f64>,
        /// With --continuous-h: acoustic sensors as 4-element arrays.
        #[arg(long)]
        array_elements: bool,
        /// With --continuous-h: only the sensors of these rows (comma-separated names).
        #[arg(long, value_delimiter = ',')]
        rows: Vec<String>,
    },
}

/// How the coverage benchmark settles sight lines.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SightLinesArg {
    Viewshed,
    March,
}

/// Association modes on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AssociationArg {
    Oracle,
    Blind,
}

/// A finite number in [lo, hi], for clap.
fn bounded(text: &str, lo: f64, hi: f64) -> Result<f64, String> {
    let v: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if v.is_finite() && (lo..=hi).contains(&v) { Ok(v) } else { Err(format!("{v} is not in [{lo}, {hi}]")) }
}

fn hours(text: &str) -> Result<f64, String> {
    // Over a year of events is no benchmark; zero hours measures nothing.
    bounded(text, 1e-3, 24.0 * 366.0)
}

fn resolution_m(text: &str) -> Result<f64, String> {
    bounded(text, 1.0, 1e5)
}

pub fn execute(mode: Option<BenchMode>, detection: DetectionArgs) -> Result<u8> {
    let load = |scenario: &Option<PathBuf>| LoadedScenario::load(scenario.as_deref());
    match mode.unwrap_or(BenchMode::Detection(detection)) {
        BenchMode::Detection(DetectionArgs { scenario, hours }) => {
            println!("{}", crate::bench::detection(&load(&scenario)?, hours)?);
        }
        BenchMode::Coverage { scenario, resolutions_m, class, sample_cells, full, sight_lines } => {
            let loaded = load(&scenario)?;
            for resolution_m in resolutions_m {
                let options = crate::bench::CoverageBenchOptions {
                    resolution_m,
                    class: class.clone(),
                    sample_cells: sample_cells as usize,
                    full,
                    sight_lines: sight_lines.map(|s| match s {
                        SightLinesArg::Viewshed => SightLines::Viewshed,
                        SightLinesArg::March => SightLines::March,
                    }),
                };
                println!("{}", crate::bench::coverage(&loaded, &options)?);
            }
        }
        BenchMode::Verify { scenario, association } => {
            let association = association.map(|a| match a {
                AssociationArg::Oracle => Association::Oracle,
                AssociationArg::Blind => Association::Blind,
            });
            println!("{}", crate::bench::verify(&load(&scenario)?, association)?);
        }
        BenchMode::LineOfSight { scenario, class, pairs } => {
            println!("{}", crate::bench::line_of_sight(&load(&scenario)?, class.as_deref(), pairs as usize)?);
        }
        BenchMode::Waveforms {
            result,
            rate_hz,
            pre_s,
            post_s,
            reference_windows,
            continuous_h,
            array_elements,
            rows,
        } => {
            let windows = crate::export::waveform::WaveformOptions::windows(rate_hz, pre_s, post_s);
            match continuous_h.as_slice() {
                [] => println!("{}", crate::bench::waveforms(&result, &windows, reference_windows as usize)?),
                &[from, to] => {
                    let options = crate::export::waveform::WaveformOptions {
                        continuous_h: Some([from, to]),
                        array_elements,
                        rows,
                        ..windows
                    };
                    println!("{}", crate::bench::waveforms_continuous(&result, &options, reference_windows as usize)?);
                }
                other => {
                    let message = format!("takes two hours FROM,TO, found {} values", other.len());
                    return Err(crate::Error::file("linewatch bench waveforms", "--continuous-h", message));
                }
            }
        }
        BenchMode::Viewer { scenario, class, textures } => {
            println!("{}", crate::bench::viewer(&load(&scenario)?, class.as_deref(), &textures)?);
        }
    }
    Ok(exit::SUCCESS)
}
