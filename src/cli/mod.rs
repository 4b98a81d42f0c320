//! The `linewatch` command line (docs/design.md §8).

use crate::error::{Error, Result, exit};
use crate::run::{CoveragePictures, RunOptions};
use crate::scenario::LoadedScenario;
mod bench;

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "linewatch",
    version,
    about = "Simulate ceasefire-monitoring sensor grids along a line of contact, on the GPU"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (default: the embedded full line) and write an HDF5 result file.
    Run {
        /// Scenario TOML; absent: the embedded full-line scenario.
        scenario: Option<PathBuf>,
        /// Result file to write.
        #[arg(short, long, default_value = "linewatch.h5")]
        output: PathBuf,
        /// Override the scenario's seed.
        #[arg(long, allow_hyphen_values = true)]
        seed: Option<u64>,
        /// Also draw a quick-look map (PNG): line, sensors, events by how well they were heard.
        #[arg(long)]
        png: Option<PathBuf>,
        /// Skip the coverage maps.
        #[arg(long)]
        no_coverage: bool,
        /// Skip the verifier (/estimates, /metrics).
        #[arg(long)]
        no_verify: bool,
        /// Draw the first mapped class's coverage (PNG).
        #[arg(long)]
        coverage_png: Option<PathBuf>,
        /// Draw every mapped class's along-line profile, with the target and the gaps (PNG).
        #[arg(long)]
        profile_png: Option<PathBuf>,
        /// No progress bar even on a terminal.
        #[arg(long)]
        quiet: bool,
    },
    /// The viewer: a scenario computed live (coverage layer, what-if edits) or a result file
    /// replayed (events, detections, estimates over time).
    View {
        /// Scenario TOML or result HDF5; absent: the embedded full-line scenario.
        path: Option<PathBuf>,
        /// Capture the window once everything is computed, write this PNG and close.
        #[arg(long)]
        screenshot: Option<PathBuf>,
        /// Benchmark: pan along the whole line in this many frames, print the frame times and
        /// close.
        #[arg(long = "bench-pan")]
        bench_pan: Option<usize>,
    },
    /// Verification-capability maps of the corridor (docs/design.md §5) to an HDF5 file.
    Coverage {
        /// Scenario TOML; absent: the embedded full line.
        scenario: Option<PathBuf>,
        #[arg(short, long, default_value = "coverage.h5")]
        output: PathBuf,
        /// Also draw the first mapped class's map (PNG).
        #[arg(long)]
        png: Option<PathBuf>,
        /// Also draw every mapped class's along-line profile (PNG).
        #[arg(long)]
        profile_png: Option<PathBuf>,
        /// Also write a GeoTIFF per class and metric, each class's profile as CSV, and the
        /// profile plot (profile.png), here.
        #[arg(long)]
        geotiff: Option<PathBuf>,
        /// Map only this class (repeatable); default: the scenario's [coverage] classes.
        #[arg(long = "class")]
        classes: Vec<String>,
        #[arg(long)]
        quiet: bool,
    },
    /// Run a scenario, verify it and evaluate its [expect] table: exit 0 when every
    /// expectation holds, 1 when any fails.
    Check {
        /// Scenario TOML; absent: the embedded full line.
        scenario: Option<PathBuf>,
        /// Result file to write.
        #[arg(short, long, default_value = "check.h5")]
        output: PathBuf,
        /// Override the scenario's seed.
        #[arg(long, allow_hyphen_values = true)]
        seed: Option<u64>,
        /// Also write the verdicts as JUnit XML, for CI systems.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Also write the scores and verdicts as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
        #[arg(long)]
        quiet: bool,
    },
    /// The cheapest layout meeting the scenario's [size] targets: cost breakdown, the
    /// cost-coverage front (CSV, PNG) and the layout as a scenario TOML; exit 1 when no layout
    /// in the design space meets them.
    Size {
        /// Scenario TOML with a [size] section; absent: the embedded full line.
        scenario: Option<PathBuf>,
        /// Folder for layout.toml, front.csv, front.png (and resilience.csv, .png).
        #[arg(short, long, default_value = "size")]
        output: PathBuf,
        /// Also measure how the chosen layout degrades: coverage against sensors lost at
        /// random and to a greedy adversary, and under availability, attrition and jamming.
        #[arg(long)]
        resilience: bool,
        #[arg(long)]
        quiet: bool,
    },
    /// Monte Carlo sweeps over a scenario's [sweep] axes and replicas, on Slurm, Kubernetes or
    /// this machine (docs/design.md §13).
    #[command(subcommand)]
    Sweep(SweepCommand),
    /// Parse and check a scenario without running it.
    Validate { scenario: PathBuf },
    /// Summarise a result file.
    Info {
        file: PathBuf,
        /// Give up (exit 2) if the file has not been read after this many seconds: libhdf5 can
        /// loop for ever on a damaged file.
        #[arg(long, allow_hyphen_values = true, default_value_t = crate::info::READ_DEADLINE.as_secs_f64(), value_name = "SECONDS")]
        timeout: f64,
    },
    /// Write a result file in a format others' tools read as it is (QuakeML for ObsPy, Stone
    /// Soup's HDF5 columns, waveforms as HDF5, ASDF for pyasdf, SeisBench's layout), with a
    /// data card, into a folder.
    Export {
        /// Result file (`linewatch run`).
        result: PathBuf,
        #[arg(long, value_enum)]
        format: crate::export::Format,
        /// Folder to write into (made if absent).
        #[arg(short, long)]
        output: PathBuf,
        /// Local civil date of scenario time 0 (a scenario has no date; exports need one).
        #[arg(long, default_value = crate::export::DEFAULT_START, value_name = "YYYY-MM-DD")]
        start: String,
        /// Waveforms: samples per second.
        #[arg(long, default_value_t = 1000.0, allow_hyphen_values = true)]
        rate_hz: f64,
        /// Waveforms: seconds of signal before each pick.
        #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
        pre_s: f64,
        /// Waveforms: seconds of signal after each pick.
        #[arg(long, default_value_t = 3.0, allow_hyphen_values = true)]
        post_s: f64,
        /// Waveforms: also draw one launch's and its impact's traces, picks marked (PNG).
        #[arg(long)]
        png: Option<PathBuf>,
        /// Waveforms: only the acoustic and seismic sensors of these rows (comma-separated names).
        #[arg(long, value_delimiter = ',')]
        rows: Vec<String>,
        /// Waveforms: only these sensor ids (comma-separated).
        #[arg(long, value_delimiter = ',')]
        sensors: Vec<u32>,
        /// ASDF: continuous traces of every chosen sensor from FROM to TO scenario hours, instead
        /// of windows around detections.
        #[arg(long, value_delimiter = ',', allow_hyphen_values = true, value_name = "FROM,TO")]
        continuous_h: Vec<f64>,
        /// ASDF: acoustic sensors as 4-element arrays, a channel per element (stated geometry:
        /// the centre and three elements 10 m out at 0°, 120°, 240°).
        #[arg(long)]
        array_elements: bool,
    },
    /// List the GPUs wgpu can see and the one linewatch would use.
    Adapters,
    /// Measure throughput, GPU against the CPU f64 reference in the same run: detection (the
    /// default), coverage, the verifier, the line of sight, the viewer's recompute.
    #[command(args_conflicts_with_subcommands = true)]
    Bench {
        #[command(subcommand)]
        mode: Option<bench::BenchMode>,
        #[command(flatten)]
        detection: bench::DetectionArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum SweepCommand {
    /// Write the sweep folder: task table, Slurm array and merge scripts, Kubernetes Job.
    Plan {
        /// Scenario TOML with a [sweep] section.
        scenario: PathBuf,
        /// The sweep folder.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Run one task; without --index, the scheduler's SLURM_ARRAY_TASK_ID or
    /// JOB_COMPLETION_INDEX. A task whose complete file exists is skipped.
    Task {
        dir: PathBuf,
        #[arg(long)]
        index: Option<u64>,
        #[arg(long)]
        quiet: bool,
    },
    /// Run every task on this machine, `--jobs` at once (the same files a scheduler makes).
    Run {
        dir: PathBuf,
        #[arg(short, long, default_value_t = 1)]
        jobs: usize,
        #[arg(long)]
        quiet: bool,
    },
    /// Merge the tasks into one HDF5 file (virtual datasets, task table, summary with 95 %
    /// intervals) and a plot per axis; exit 1 when tasks are missing.
    Merge {
        dir: PathBuf,
        #[arg(short, long, default_value = "sweep.h5")]
        output: PathBuf,
        #[arg(long)]
        quiet: bool,
    },
}

/// Every output path of a command checked before any work (`output::paths`): files may be
/// written and are none of the scenario's inputs; folders exist or can be made.
fn check_outputs(loaded: &LoadedScenario, files: &[(&Path, &str)], folders: &[(&Path, &str)]) -> Result<()> {
    let inputs = loaded.input_files();
    for (path, field) in files {
        crate::output::paths::check_file(path, field, &inputs)?;
    }
    for (path, field) in folders {
        crate::output::paths::check_folder(path, field)?;
    }
    // Two outputs of one run in one place would overwrite each other.
    for (k, (a, field)) in files.iter().enumerate() {
        if files[..k].iter().any(|(b, _)| a == b) {
            return Err(Error::file(a.display().to_string(), *field, "is given for two outputs of this run"));
        }
    }
    Ok(())
}

/// The `[waveforms]` datasets of a run, each into its folder; on a failure the ones already
/// written are removed too.
fn write_datasets(
    datasets: &[(crate::export::Format, PathBuf)],
    result: &Path,
    options: &crate::export::ExportOptions,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (format, dir) in datasets {
        match crate::export::export(result, *format, dir, options) {
            Ok(files) => written.push(files),
            Err(e) => {
                for file in written.iter().flatten() {
                    let _ = std::fs::remove_file(file);
                }
                for (_, done) in datasets {
                    // Only a folder this run made is now empty; any other stays.
                    let _ = std::fs::remove_dir(done);
                }
                return Err(e);
            }
        }
    }
    Ok(written.into_iter().flatten().collect())
}

/// `--continuous-h FROM,TO`: absent, or exactly two hours.
fn continuous_interval(values: &[f64]) -> Result<Option<[f64; 2]>> {
    match values {
        [] => Ok(None),
        &[from, to] => Ok(Some([from, to])),
        other => Err(Error::file(
            "linewatch export",
            "--continuous-h",
            format!("takes two hours FROM,TO, found {} values", other.len()),
        )),
    }
}

/// On failure, remove the output folder this command created: nothing is left behind.
fn remove_created(folder: Option<&Path>) {
    if let Some(folder) = folder {
        let _ = std::fs::remove_dir_all(folder);
    }
}

/// Parse arguments, run, print errors, and return the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::BAD_INPUT } else { exit::SUCCESS };
            let _ = e.print();
            return code;
        }
    };
    match execute(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

fn execute(command: Command) -> Result<u8> {
    match command {
        Command::Run { scenario, output, seed, png, no_coverage, no_verify, coverage_png, profile_png, quiet } => {
            let loaded = LoadedScenario::load(scenario.as_deref())?;
            let pngs = [(&png, "--png"), (&coverage_png, "--coverage-png"), (&profile_png, "--profile-png")];
            let mut files = vec![(output.as_path(), "output")];
            files.extend(pngs.iter().filter_map(|(p, flag)| Some((p.as_deref()?, *flag))));
            let (datasets, dataset_options) = crate::export::scenario_requests(&loaded, &output)?;
            if !datasets.is_empty() {
                dataset_options.waveform.check()?;
            }
            let folders: Vec<(&Path, &str)> =
                datasets.iter().map(|(_, dir)| (dir.as_path(), "waveforms.formats")).collect();
            check_outputs(&loaded, &files, &folders)?;
            let options = RunOptions {
                seed,
                progress: !quiet,
                png: png.clone(),
                coverage: !no_coverage,
                verify: !no_verify,
                pictures: CoveragePictures { map: coverage_png.clone(), profile: profile_png.clone() },
                search_on_cpu: false,
            };
            let summary = crate::run::run(&loaded, &output, &options)?;
            let written = write_datasets(&datasets, &output, &dataset_options).inspect_err(|_| {
                // No partial output: the result goes with the datasets that failed.
                for path in
                    [Some(&output), png.as_ref(), coverage_png.as_ref(), profile_png.as_ref()].into_iter().flatten()
                {
                    let _ = std::fs::remove_file(path);
                }
            })?;
            crate::report::print_summary(&summary, &output);
            if let Some(report) = &summary.verify {
                crate::report::print_verify(report);
            }
            crate::report::print_coverage(&summary.coverage, &loaded);
            if let Some(png) = coverage_png.filter(|_| !no_coverage) {
                println!("  coverage map   {}", png.display());
            }
            if let Some(png) = profile_png.filter(|_| !no_coverage) {
                println!("  profile plot   {}", png.display());
            }
            if let Some(png) = png {
                println!("  map            {}", png.display());
            }
            for path in written {
                println!("  waveforms      {}", path.display());
            }
            Ok(exit::SUCCESS)
        }
        Command::Coverage { scenario, output, png, profile_png, geotiff, classes, quiet } => {
            let mut loaded = LoadedScenario::load(scenario.as_deref())?;
            for c in &classes {
                if !loaded.scenario.classes.iter().any(|k| &k.name == c) {
                    return Err(Error::file(&loaded.file, "--class", format!("the scenario has no class named '{c}'")));
                }
            }
            if !classes.is_empty() {
                loaded.scenario.coverage.classes = classes;
            }
            let mut files = vec![(output.as_path(), "output")];
            files.extend(
                [(&png, "--png"), (&profile_png, "--profile-png")]
                    .iter()
                    .filter_map(|(p, f)| Some((p.as_deref()?, *f))),
            );
            let folders: Vec<_> = geotiff.as_deref().map(|d| (d, "--geotiff")).into_iter().collect();
            check_outputs(&loaded, &files, &folders)?;
            let started = std::time::Instant::now();
            let pictures = CoveragePictures { map: png.clone(), profile: profile_png.clone() };
            let created = geotiff.as_deref().filter(|d| !d.exists());
            let maps = crate::run::coverage_only(&loaded, &output, &pictures, geotiff.as_deref(), !quiet)
                .inspect_err(|_| remove_created(created))?;
            println!("linewatch coverage '{}' → {}", loaded.scenario.name, output.display());
            crate::report::print_coverage(&maps, &loaded);
            if let Some(png) = png {
                println!("  map            {}", png.display());
            }
            if let Some(png) = profile_png {
                println!("  profile plot   {}", png.display());
            }
            if let Some(dir) = geotiff {
                println!("  GeoTIFF, CSV   {}/", dir.display());
            }
            println!("  time           {:.1} s", started.elapsed().as_secs_f64());
            Ok(exit::SUCCESS)
        }
        Command::Check { scenario, output, seed, junit, json, quiet } => {
            let loaded = LoadedScenario::load(scenario.as_deref())?;
            let mut files = vec![(output.as_path(), "output")];
            files
                .extend([(&junit, "--junit"), (&json, "--json")].iter().filter_map(|(p, f)| Some((p.as_deref()?, *f))));
            check_outputs(&loaded, &files, &[])?;
            crate::check::check(&loaded, &output, seed, junit.as_deref(), json.as_deref(), !quiet)
        }
        Command::Size { scenario, output, resilience, quiet } => {
            let loaded = LoadedScenario::load(scenario.as_deref())?;
            check_outputs(&loaded, &[], &[(output.as_path(), "output")])?;
            let options = crate::size::SizeOptions { out_dir: output, resilience, progress: !quiet };
            let created = (!options.out_dir.exists()).then(|| options.out_dir.clone());
            let report = crate::size::size(&loaded, &options).inspect_err(|_| remove_created(created.as_deref()))?;
            print!("{report}");
            Ok(report.exit_code())
        }
        Command::Sweep(command) => sweep(command),
        Command::Validate { scenario } => {
            let loaded = LoadedScenario::load(Some(&scenario))?;
            // Everything `run` reads before it starts: the line, places, sensor positions,
            // losses and terrain files, so that a scenario `validate` passes does not fail later.
            let world = crate::world::World::load(&loaded)?;
            let s = &loaded.scenario;
            println!(
                "{}: valid — '{}', {:.1} km of line, {} sensors in {} rows, {} violation classes, {} h",
                loaded.file,
                s.name,
                world.line.length_km(),
                world.sensors.len(),
                s.rows.len(),
                s.classes.len(),
                s.duration_h
            );
            Ok(exit::SUCCESS)
        }
        #[cfg(feature = "viewer")]
        Command::View { path, screenshot, bench_pan } => {
            crate::view::open(path.as_deref(), screenshot, bench_pan)?;
            Ok(exit::SUCCESS)
        }
        #[cfg(not(feature = "viewer"))]
        Command::View { .. } => Err(crate::Error::file(
            "linewatch view",
            "features",
            "this build has no viewer: build with the default features (`cargo build --release`)",
        )),
        Command::Info { file, timeout } => {
            // Anything beyond a year waits as good as for ever; NaN, zero and negatives are refused.
            const YEAR_S: f64 = 365.25 * 86_400.0;
            if timeout.is_nan() || timeout <= 0.0 {
                return Err(crate::Error::file(
                    "linewatch info",
                    "--timeout",
                    format!("must be a positive number of seconds, found {timeout}"),
                ));
            }
            let deadline = std::time::Duration::from_secs_f64(timeout.min(YEAR_S));
            print!("{}", crate::info::describe_within(&file, deadline)?);
            Ok(exit::SUCCESS)
        }
        Command::Export {
            result,
            format,
            output,
            start,
            rate_hz,
            pre_s,
            post_s,
            png,
            rows,
            sensors,
            continuous_h,
            array_elements,
        } => {
            if let Some(png) = &png {
                if format != crate::export::Format::Waveforms {
                    return Err(Error::file(
                        png.display().to_string(),
                        "--png",
                        "only --format waveforms draws a picture",
                    ));
                }
                crate::output::paths::check_file(png, "--png", std::slice::from_ref(&result))?;
            }
            let options = crate::export::ExportOptions {
                start: crate::export::parse_start(&start)?,
                waveform: crate::export::waveform::WaveformOptions {
                    rows,
                    sensors,
                    continuous_h: continuous_interval(&continuous_h)?,
                    array_elements,
                    ..crate::export::waveform::WaveformOptions::windows(rate_hz, pre_s, post_s)
                },
                png: png.clone(),
            };
            let written = crate::export::export(&result, format, &output, &options)?;
            for path in written.iter().chain(&png) {
                println!("  {}", path.display());
            }
            Ok(exit::SUCCESS)
        }
        Command::Adapters => {
            let adapters = crate::gpu::list_adapters();
            if adapters.is_empty() {
                println!("no adapters");
            }
            for a in &adapters {
                println!("{} ({:?}, {:?}, driver {})", a.name, a.backend, a.device_type, a.driver_info);
            }
            let gpu = crate::gpu::Gpu::new()?;
            println!("linewatch uses: {}", gpu.describe());
            Ok(exit::SUCCESS)
        }
        Command::Bench { mode, detection } => bench::execute(mode, detection),
    }
}

fn sweep(command: SweepCommand) -> Result<u8> {
    match command {
        SweepCommand::Plan { scenario, output } => {
            let loaded = LoadedScenario::load(Some(&scenario))?;
            check_outputs(&loaded, &[], &[(output.as_path(), "output")])?;
            print!("{}", crate::sweep::plan(&loaded, &output)?);
            Ok(exit::SUCCESS)
        }
        SweepCommand::Task { dir, index, quiet } => {
            let opened = crate::sweep::SweepDir::open(&dir)?;
            let index = match index {
                Some(i) => i,
                None => crate::sweep::task_index_from_environment()?,
            };
            match crate::sweep::run_task(&opened, index, !quiet)? {
                crate::sweep::TaskOutcome::Skipped(path) => {
                    println!("task {index}: {} is complete, skipped", path.display());
                }
                crate::sweep::TaskOutcome::Ran { path, seconds } => {
                    println!("task {index}: {} in {seconds:.1} s", path.display());
                }
            }
            Ok(exit::SUCCESS)
        }
        SweepCommand::Run { dir, jobs, quiet } => {
            let opened = crate::sweep::SweepDir::open(&dir)?;
            let done = crate::sweep::run_local(&opened, jobs, !quiet)?;
            println!(
                "linewatch sweep run {}: {} tasks, {jobs} at once, {:.1} s",
                dir.display(),
                done.tasks,
                done.seconds
            );
            for (index, code) in &done.failed {
                let how = code.map_or_else(|| "was killed".to_string(), |c| format!("exited {c}"));
                println!("  task {index} {how}: see {}", opened.log_path(*index).display());
            }
            println!("  merge with     linewatch sweep merge {} -o sweep.h5", dir.display());
            Ok(if done.failed.is_empty() { exit::SUCCESS } else { exit::EXPECTATIONS_FAILED })
        }
        SweepCommand::Merge { dir, output, quiet } => {
            let opened = crate::sweep::SweepDir::open(&dir)?;
            check_outputs(&opened.loaded, &[(output.as_path(), "output")], &[])?;
            let report = crate::sweep::merge(&opened, &output, !quiet)?;
            println!("linewatch sweep merge '{}' → {}", opened.loaded.scenario.name, output.display());
            print!("{}", report.table);
            for plot in &report.plots {
                println!("  plot           {}", plot.display());
            }
            if report.complete() {
                println!("  tasks          all {} done", report.tasks);
                Ok(exit::SUCCESS)
            } else {
                let list = |tasks: &[u64]| {
                    let shown: Vec<String> = tasks.iter().take(20).map(u64::to_string).collect();
                    let more = if tasks.len() > 20 { format!(" and {} more", tasks.len() - 20) } else { String::new() };
                    format!("{}{more}", shown.join(", "))
                };
                println!(
                    "  INCOMPLETE     {} of {} tasks missing: {}; resubmit the array (complete tasks are skipped) and merge again",
                    report.missing.len(),
                    report.tasks,
                    list(&report.missing)
                );
                if !report.failed.is_empty() {
                    println!(
                        "  failed         {} (started, did not finish: see {})",
                        list(&report.failed),
                        opened.dir.join("logs").display()
                    );
                }
                Ok(exit::EXPECTATIONS_FAILED)
            }
        }
    }
}
