//! Streaming HDF5 writer. Tables are chunked, shuffled and deflated, and grow as rows arrive,
//! so memory stays bounded; the file appears under its name only once it is complete.

use super::records::*;
use crate::error::{Error, Result};
use hdf5::H5Type;
use hdf5::types::VarLenUnicode;
use ndarray::{Array2, ArrayView1, s};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "linewatch";
pub const SCHEMA_VERSION: u32 = 1;
/// Rows per chunk: 64 K rows of ~40 bytes is a few MB, a good deflate unit.
const CHUNK_ROWS: usize = 65_536;
/// Deflate level. Measured on the full-line run (3.3 M detections, lavapipe machine of
/// BENCHMARKS.md): level 1 writes in 2.1 s to 64.1 MB, level 4 in 2.7 s to 62.5 MB.
const DEFLATE_LEVEL: u8 = 1;
/// Chunk cache per table: room for a few whole chunks. HDF5's default (1 MiB) is smaller than
/// one chunk, which makes every partial-chunk append re-read and re-filter the chunk.
const CHUNK_CACHE_BYTES: usize = 16 << 20;
const CHUNK_CACHE_SLOTS: usize = 1009;

/// What the root group records about the run.
#[derive(Debug, Clone)]
pub struct RootAttributes {
    pub seed: u64,
    pub scenario_name: String,
    pub scenario_toml: String,
    pub crs: String,
    pub adapter: String,
    pub duration_s: f64,
}

/// Removes the temporary file unless the write completed.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// A temporary file an interruption removes (`interrupt`).
    fn new(path: PathBuf) -> Self {
        crate::interrupt::register(&path);
        Self { path, keep: false }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
        crate::interrupt::unregister(&self.path);
    }
}

/// A growing, chunked, compressed table.
pub struct Table {
    dataset: hdf5::Dataset,
    rows: usize,
}

impl Table {
    /// The table's rows are stored packed: the file type has no holes where `T`'s `repr(C)`
    /// layout pads (after a u16 or u8 before a wider field), so no uninitialised memory reaches
    /// the file and two runs of the same seed store the same bytes. HDF5 converts by member name
    /// on write and read.
    pub fn create<T: H5Type>(file: &hdf5::File, name: &str, description: &str, units: &str) -> hdf5::Result<Self> {
        let dataset = file
            .new_dataset::<T>()
            .packed(true)
            .chunk(CHUNK_ROWS)
            .shuffle()
            .deflate(DEFLATE_LEVEL)
            .chunk_cache(CHUNK_CACHE_SLOTS, CHUNK_CACHE_BYTES, 1.0)
            .shape(0..)
            .create(name)?;
        text_attr(&dataset, "description", description)?;
        text_attr(&dataset, "units", units)?;
        Ok(Self { dataset, rows: 0 })
    }

    pub fn append<T: H5Type>(&mut self, rows: &[T]) -> hdf5::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let end = self.rows + rows.len();
        self.dataset.resize(end)?;
        self.dataset.write_slice(ArrayView1::from(rows), s![self.rows..end])?;
        self.rows = end;
        Ok(())
    }
}

/// An open result file being written.
pub struct ResultWriter {
    file: hdf5::File,
    temp: TempFile,
    target: PathBuf,
    events: Table,
    detections: Table,
}

impl ResultWriter {
    /// Open a temporary file beside `target`. Errors name the output path (exit code 2).
    pub fn create(target: &Path) -> Result<Self> {
        let shown = target.display().to_string();
        if target.is_dir() {
            return Err(Error::file(&shown, "output", "is a directory; give a file name such as out.h5"));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::file(&shown, "output", format!("directory '{}' does not exist", dir.display())));
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out.h5".into());
        let temp_path = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        // Probe writability with a plain file first: HDF5's own message for EACCES is opaque.
        std::fs::File::create(&temp_path)
            .map_err(|e| Error::file(&shown, "output", format!("cannot write in '{}': {e}", dir.display())))?;
        let temp = TempFile::new(temp_path.clone());
        let h5 = |e: hdf5::Error| Error::output(&shown, e);
        let file = hdf5::File::create(&temp_path).map_err(h5)?;
        let events = Table::create::<EventRecord>(
            &file,
            "events",
            "Ground-truth violations: one row per source event",
            EVENT_UNITS,
        )
        .map_err(h5)?;
        let detections = Table::create::<DetectionRecord>(
            &file,
            "detections",
            "What the deployment reports: one row per detection, sorted by arrival time; false alarms have event_id -1",
            DETECTION_UNITS,
        )
        .map_err(h5)?;
        Ok(Self { file, temp, target: target.to_path_buf(), events, detections })
    }

    fn err(&self, e: hdf5::Error) -> Error {
        Error::output(self.target.display().to_string(), e)
    }

    /// The open file, for the sections written by other modules (coverage).
    pub fn file(&self) -> &hdf5::File {
        &self.file
    }

    /// The class names of /events, for tables indexed by class.
    pub fn class_names(&self) -> Vec<String> {
        let names = self.events.dataset.attr("class_names").and_then(|a| a.read_raw::<VarLenUnicode>());
        names.map(|v| v.iter().map(|n| n.as_str().to_string()).collect()).unwrap_or_default()
    }

    pub fn write_root(&self, a: &RootAttributes) -> Result<()> {
        let f = &self.file;
        let run = || -> hdf5::Result<()> {
            text_attr(f, "format", FORMAT)?;
            f.new_attr::<u32>().create("schema_version")?.write_scalar(&SCHEMA_VERSION)?;
            text_attr(f, "linewatch_version", env!("CARGO_PKG_VERSION"))?;
            text_attr(f, "created_utc", &chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))?;
            f.new_attr::<u64>().create("seed")?.write_scalar(&a.seed)?;
            text_attr(f, "scenario_name", &a.scenario_name)?;
            text_attr(f, "scenario_toml", &a.scenario_toml)?;
            text_attr(f, "crs", &a.crs)?;
            text_attr(f, "adapter", &a.adapter)?;
            f.new_attr::<f64>().create("duration_s")?.write_scalar(&a.duration_s)?;
            Ok(())
        };
        run().map_err(|e| self.err(e))
    }

    pub fn write_line(&self, lonlat: &[[f64; 2]], xy: &[[f64; 2]], chainage_km: &[f64]) -> Result<()> {
        let run = || -> hdf5::Result<()> {
            let g = self.file.create_group("line")?;
            text_attr(&g, "description", "The contact line: vertices in order; side A is left of its direction")?;
            let to_array = |v: &[[f64; 2]]| Array2::from_shape_fn((v.len(), 2), |(i, k)| v[i][k]);
            let d = g.new_dataset_builder().with_data(&to_array(lonlat)).create("lonlat")?;
            text_attr(&d, "units", "degree_east, degree_north")?;
            text_attr(&d, "description", "WGS84 longitude and latitude of each vertex")?;
            let d = g.new_dataset_builder().with_data(&to_array(xy)).create("xy")?;
            text_attr(&d, "units", "m")?;
            text_attr(&d, "description", "Vertices in the working plane (root attribute crs)")?;
            let d = g.new_dataset_builder().with_data(ArrayView1::from(chainage_km)).create("chainage_km")?;
            text_attr(&d, "units", "km")?;
            text_attr(&d, "description", "Distance along the line to each vertex")?;
            Ok(())
        };
        run().map_err(|e| self.err(e))
    }

    /// `/terrain`: the DEM the sight lines were marched over (absent when no sensor needs one).
    pub fn write_terrain(&self, terrain: &crate::terrain::Terrain) -> Result<()> {
        if terrain.is_none() {
            return Ok(());
        }
        let dem = &terrain.dem;
        let run = || -> hdf5::Result<()> {
            let g = self.file.create_group("terrain")?;
            text_attr(&g, "description", "Ground under the sight lines of radars, cameras and RF detectors")?;
            text_attr(&g, "source", &terrain.source)?;
            g.new_attr::<f64>().create("k_factor")?.write_scalar(&terrain.k_factor)?;
            g.new_attr::<f64>().create("step_m")?.write_scalar(&terrain.step_m)?;
            let xs = ndarray::Array1::from_iter((0..dem.nx).map(|i| dem.x0 + i as f64 * dem.spacing_m));
            let ys = ndarray::Array1::from_iter((0..dem.ny).map(|j| dem.y0 + j as f64 * dem.spacing_m));
            let x = g.new_dataset_builder().with_data(&xs).create("x")?;
            let y = g.new_dataset_builder().with_data(&ys).create("y")?;
            for (d, what) in [(&x, "Easting of samples in the working plane"), (&y, "Northing of samples")] {
                text_attr(d, "units", "m")?;
                text_attr(d, "description", what)?;
            }
            let grid = |name: &str, values: &[f32], what: &str| -> hdf5::Result<()> {
                let view = ndarray::ArrayView2::from_shape((dem.ny, dem.nx), values)
                    .map_err(|e| hdf5::Error::from(e.to_string().as_str()))?;
                let d = g
                    .new_dataset::<f32>()
                    .chunk((dem.ny.clamp(1, 256), dem.nx.clamp(1, 256)))
                    .shuffle()
                    .deflate(1)
                    .shape((dem.ny, dem.nx))
                    .create(name)?;
                d.write(&view)?;
                text_attr(&d, "units", "m")?;
                text_attr(&d, "description", what)
            };
            grid("height", &dem.heights, "Ground height above sea level, rows south to north (y, x)")?;
            if !dem.clutter.is_empty() {
                grid(
                    "land_cover",
                    &dem.clutter,
                    "Height of the land cover above the ground (trees, houses): sight lines pass over it, (y, x)",
                )?;
            }
            Ok(())
        };
        run().map_err(|e| self.err(e))
    }

    pub fn write_sensors(&self, rows: &[SensorRecord], row_names: &[String]) -> Result<()> {
        let run = || -> hdf5::Result<()> {
            let mut t = Table::create::<SensorRecord>(&self.file, "sensors", "Deployed sensors", SENSOR_UNITS)?;
            t.append(rows)?;
            names_attr(&t.dataset, "row_names", row_names)?;
            Ok(())
        };
        run().map_err(|e| self.err(e))
    }

    /// `/sensor_losses`: every sensor the run lost, in time order.
    pub fn write_sensor_losses(&self, rows: &[SensorLossRecord]) -> Result<()> {
        let run = || -> hdf5::Result<()> {
            let mut t = Table::create::<SensorLossRecord>(
                &self.file,
                "sensor_losses",
                "Sensors lost during the run ([losses]): failed, jammed or destroyed, and from when",
                SENSOR_LOSS_UNITS,
            )?;
            t.append(rows)
        };
        run().map_err(|e| self.err(e))
    }

    pub fn set_class_names(&self, names: &[String]) -> Result<()> {
        names_attr(&self.events.dataset, "class_names", names).map_err(|e| self.err(e))
    }

    pub fn append_events(&mut self, rows: &[EventRecord]) -> Result<()> {
        let r = self.events.append(rows);
        r.map_err(|e| self.err(e))
    }

    pub fn append_detections(&mut self, rows: &[DetectionRecord]) -> Result<()> {
        let r = self.detections.append(rows);
        r.map_err(|e| self.err(e))
    }

    /// Close the file and move it to its name.
    pub fn finish(self) -> Result<PathBuf> {
        self.file.flush().map_err(|e| self.err(e))?;
        let Self { file, mut temp, target, events, detections } = self;
        drop((events, detections));
        file.close().map_err(|e| Error::output(target.display().to_string(), e))?;
        std::fs::rename(&temp.path, &target).map_err(|e| {
            Error::file(
                target.display().to_string(),
                "output",
                format!("cannot move the finished file into place: {e}"),
            )
        })?;
        temp.keep = true;
        Ok(target)
    }
}

pub(crate) fn text_attr(loc: &hdf5::Location, name: &str, value: &str) -> hdf5::Result<()> {
    let v: VarLenUnicode = value.parse().map_err(|e| hdf5::Error::from(format!("attribute {name}: {e}")))?;
    loc.new_attr::<VarLenUnicode>().create(name)?.write_scalar(&v)
}

pub(crate) fn names_attr(loc: &hdf5::Location, name: &str, names: &[String]) -> hdf5::Result<()> {
    let v = names
        .iter()
        .map(|n| n.parse::<VarLenUnicode>().map_err(|e| hdf5::Error::from(format!("attribute {name}: {e}"))))
        .collect::<hdf5::Result<Vec<_>>>()?;
    loc.new_attr::<VarLenUnicode>().shape(v.len()).create(name)?.write(&ndarray::Array1::from(v))
}
