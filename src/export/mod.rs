//! `linewatch export`: a result file in formats others' tools read as they are — QuakeML
//! catalogues for ObsPy, column files for Stone Soup — each folder with a data card
//! (docs/design.md §14).

mod asdf;
mod card;
mod clock;
mod columns;
pub mod quakeml;
pub mod seisbench;
mod source;
mod stationxml;
mod stonesoup;
pub mod waveform;

pub use clock::Clock;
pub use source::Source;

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// QuakeML 1.2: truth.xml (events, picks, arrivals) and estimates.xml (located candidates);
    /// FDSN StationXML 1.2: stations.xml (the sensors as surveyed).
    Quakeml,
    /// Stone Soup's HDF5 column layout: groundtruth.h5, estimates.h5, detections.h5.
    Stonesoup,
    /// Sensor waveforms around every acoustic and seismic detection, synthesised on the GPU:
    /// waveforms.h5.
    Waveforms,
    /// ASDF 1.0.3 for pyasdf: the waveforms as continuous traces per sensor, each station's
    /// StationXML and the true catalogue's QuakeML in one file, asdf.h5.
    Asdf,
    /// SeisBench's dataset layout: metadata.csv (a row per detection window, standard column
    /// names, a train/dev/test split by source) and waveforms.hdf5 (the windows in buckets).
    Seisbench,
}

impl Format {
    fn files(self) -> &'static [&'static str] {
        match self {
            Self::Quakeml => &["truth.xml", "estimates.xml", "stations.xml"],
            Self::Stonesoup => &["groundtruth.h5", "estimates.h5", "detections.h5"],
            Self::Waveforms => &["waveforms.h5"],
            Self::Asdf => &["asdf.h5"],
            Self::Seisbench => &["metadata.csv", "waveforms.hdf5"],
        }
    }

    /// Whether the format holds waveforms (and takes the waveform options).
    pub fn synthesises(self) -> bool {
        matches!(self, Self::Waveforms | Self::Asdf | Self::Seisbench)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Quakeml => "quakeml",
            Self::Stonesoup => "stonesoup",
            Self::Waveforms => "waveforms",
            Self::Asdf => "asdf",
            Self::Seisbench => "seisbench",
        }
    }
}

/// How an export is made.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Local civil date of scenario time 0.
    pub start: chrono::NaiveDate,
    pub waveform: waveform::WaveformOptions,
    /// Waveforms: also draw a launch's and its impact's traces into this PNG.
    pub png: Option<std::path::PathBuf>,
}

/// The default `--start`: a November date, the month the default weather's climatology is for.
pub const DEFAULT_START: &str = "2026-11-15";

/// What a scenario's `[waveforms]` asks of its run: the formats, each with its folder
/// `<result stem>-<format>` beside the result, and the options (fields placed in the scenario).
pub fn scenario_requests(
    loaded: &crate::scenario::LoadedScenario,
    result: &Path,
) -> Result<(Vec<(Format, PathBuf)>, ExportOptions)> {
    use clap::ValueEnum;
    let spec = &loaded.scenario.waveforms;
    let at = |key: &str| {
        let path = crate::scenario::FieldPath::parse("waveforms").key(key);
        let (line, column) = loaded.place(&path);
        waveform::Field { name: path.to_string(), line, column }
    };
    let fields = waveform::Fields {
        file: loaded.file.clone(),
        rate_hz: at("rate_hz"),
        pre_s: at("pre_s"),
        post_s: at("post_s"),
        rows: at("rows"),
        sensors: at("sensors"),
        continuous_h: at("continuous_h"),
        array_elements: at("array_elements"),
    };
    let options = ExportOptions {
        start: parse_start(&spec.start)
            .map_err(|e| loaded.error_at(&crate::scenario::FieldPath::parse("waveforms.start"), e.message()))?,
        waveform: waveform::WaveformOptions {
            rows: spec.rows.clone(),
            sensors: spec.sensors.clone(),
            continuous_h: spec.continuous_h,
            array_elements: spec.array_elements,
            fields,
            ..waveform::WaveformOptions::windows(spec.rate_hz, spec.pre_s, spec.post_s)
        },
        png: None,
    };
    let stem = result.file_stem().map_or_else(|| "result".to_string(), |s| s.to_string_lossy().into_owned());
    let parent = result.parent().unwrap_or(Path::new(""));
    let mut requests = Vec::new();
    for name in &spec.formats {
        // Validated with the scenario: every name is a waveform format.
        if let Ok(format) = Format::from_str(name, false) {
            requests.push((format, parent.join(format!("{stem}-{}", format.name()))));
        }
    }
    Ok((requests, options))
}

/// Parse `--start` (YYYY-MM-DD).
pub fn parse_start(text: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| Error::file("linewatch export", "--start", format!("'{text}' is not a date YYYY-MM-DD: {e}")))
}

/// Write `result` as `format` into the folder `dir` (made if absent). Every file is written
/// under a hidden temporary name and renamed only when all are complete: a failure or an
/// interruption leaves nothing behind. Returns the files written.
pub fn export(result: &Path, format: Format, dir: &Path, options: &ExportOptions) -> Result<Vec<PathBuf>> {
    crate::output::paths::check_folder(dir, "--output")?;
    if format.synthesises() {
        options.waveform.check()?;
    }
    let w = &options.waveform;
    let chooses_sensors = !w.rows.is_empty() || !w.sensors.is_empty();
    let f = &w.fields;
    if chooses_sensors && !format.synthesises() {
        let field = if w.rows.is_empty() { &f.sensors } else { &f.rows };
        return Err(f.error(field, format!("chooses sensors for waveforms; {} holds none", format.name())));
    }
    if w.array_elements && format != Format::Asdf {
        let message =
            format!("array elements are written as ASDF channels, not as {}: use the asdf format", format.name());
        return Err(f.error(&f.array_elements, message));
    }
    if w.continuous_h.is_some() && format != Format::Asdf {
        let message =
            format!("continuous spans are written as ASDF traces, not as {}: use the asdf format", format.name());
        return Err(f.error(&f.continuous_h, message));
    }
    let names: Vec<&str> = format.files().iter().copied().chain([card::FILE]).collect();
    let targets: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    if dir.is_dir() {
        for target in &targets {
            crate::output::paths::check_file(target, "--output", &[result.to_path_buf()])?;
        }
    }
    let source = Source::read(result, options.start)?;
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir.display().to_string(), e))?;
    let partial: Vec<PathBuf> = names.iter().map(|n| dir.join(format!(".{n}.tmp-{}", std::process::id()))).collect();
    let written = write_all(&source, format, options, &partial, dir).and_then(|()| {
        for (from, to) in partial.iter().zip(&targets) {
            std::fs::rename(from, to).map_err(|e| Error::output(to.display().to_string(), e))?;
        }
        Ok(())
    });
    for p in &partial {
        crate::interrupt::unregister(p);
    }
    match written {
        Ok(()) => Ok(targets),
        Err(e) => {
            for p in &partial {
                let _ = std::fs::remove_file(p);
            }
            if created {
                let _ = std::fs::remove_dir_all(dir);
            }
            Err(e)
        }
    }
}

fn write_all(source: &Source, format: Format, options: &ExportOptions, partial: &[PathBuf], dir: &Path) -> Result<()> {
    for p in partial {
        crate::interrupt::register(p);
    }
    let failed = |path: &Path| {
        let shown = dir.join(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        move |e: String| Error::output(shown.display().to_string(), e)
    };
    match format {
        Format::Quakeml => {
            let xml = |path: &Path, write: fn(&Source, std::io::BufWriter<std::fs::File>) -> std::io::Result<_>| {
                let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
                write(source, std::io::BufWriter::new(file)).map(|_| ()).map_err(|e| e.to_string())
            };
            xml(&partial[0], quakeml::write_truth).map_err(failed(&partial[0]))?;
            xml(&partial[1], quakeml::write_estimates).map_err(failed(&partial[1]))?;
            xml(&partial[2], stationxml::write_stations).map_err(failed(&partial[2]))?;
        }
        Format::Stonesoup => {
            let h5 = |path: &Path, write: fn(&Source, &hdf5::File) -> hdf5::Result<()>| {
                let file = hdf5::File::create(path).map_err(|e| e.to_string())?;
                write(source, &file).map_err(|e| e.to_string())
            };
            h5(&partial[0], stonesoup::write_ground_truth).map_err(failed(&partial[0]))?;
            h5(&partial[1], stonesoup::write_estimates).map_err(failed(&partial[1]))?;
            h5(&partial[2], stonesoup::write_detections).map_err(failed(&partial[2]))?;
        }
        Format::Waveforms => {
            let file = hdf5::File::create(&partial[0]).map_err(|e| failed(&partial[0])(e.to_string()))?;
            waveform::write(source, &options.waveform, &file, options.png.as_deref())?;
        }
        Format::Asdf => {
            // The HDF5 1.8 format keeps attributes of any size (a busy trace's event list can
            // pass the 64 KiB an attribute may hold in the earliest format); h5py reads it.
            let file = hdf5::File::with_options()
                .with_fapl(|p| p.libver_v18())
                .create(&partial[0])
                .map_err(|e| failed(&partial[0])(e.to_string()))?;
            asdf::write(source, &options.waveform, &file)?;
        }
        Format::Seisbench => {
            let file = hdf5::File::create(&partial[1]).map_err(|e| failed(&partial[1])(e.to_string()))?;
            seisbench::write(source, &options.waveform, &partial[0], &file)?;
        }
    }
    let card_path = &partial[partial.len() - 1];
    std::fs::write(card_path, card::text(source, format, options)).map_err(|e| failed(card_path)(e.to_string()))
}
