//! Reading a result file back: the one place that checks a file is a linewatch result and of
//! which schema, and reads its tables with errors that name the file and the dataset. `info`,
//! the viewer's replay and the verifier read through it.

use super::records::{DetectionRecord, EstimateRecord, EventRecord, MetricRecord, SensorLossRecord, SensorRecord};
use super::{FORMAT, SCHEMA_VERSION};
use crate::error::{Error, Result};
use hdf5::H5Type;
use hdf5::types::TypeDescriptor;
use hdf5::types::VarLenUnicode;
use std::path::Path;

/// An open linewatch result file.
pub struct ResultFile {
    /// The path as given, for messages.
    pub shown: String,
    pub file: hdf5::File,
    /// The schema version the file declares (`schema_version`); see `require_schema`.
    pub schema_version: u32,
}

impl ResultFile {
    /// Open `path`: it must exist, be HDF5, say `format = "linewatch"` and be of the schema
    /// version this build reads, and every table it has must have that schema's columns.
    pub fn open(path: &Path) -> Result<Self> {
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(Error::file(&shown, "file", "no such file"));
        }
        let file = hdf5::File::open(path)
            .map_err(|e| Error::file(&shown, "file", format!("not a readable HDF5 file: {e}")))?;
        let opened = Self { shown, file, schema_version: 0 };
        if opened.text_attr("format").as_deref() != Some(FORMAT) {
            return Err(opened
                .bad("format", "an HDF5 file, but not a linewatch result (root attribute format != \"linewatch\")"));
        }
        let schema_version = opened
            .file
            .attr("schema_version")
            .and_then(|a| a.read_scalar::<u32>())
            .map_err(|e| opened.bad("schema_version", e.to_string()))?;
        let opened = Self { schema_version, ..opened };
        if schema_version != SCHEMA_VERSION {
            return Err(opened.bad(
                "schema_version",
                format!("schema version {schema_version}; this build reads version {SCHEMA_VERSION}"),
            ));
        }
        opened.check_tables()?;
        Ok(opened)
    }

    /// Every table present has the columns (names, types, enums) of this schema, whatever the
    /// byte layout it was stored with.
    fn check_tables(&self) -> Result<()> {
        let tables: [(&str, TypeDescriptor); 6] = [
            ("sensors", SensorRecord::type_descriptor()),
            ("sensor_losses", SensorLossRecord::type_descriptor()),
            ("events", EventRecord::type_descriptor()),
            ("detections", DetectionRecord::type_descriptor()),
            ("estimates", EstimateRecord::type_descriptor()),
            ("metrics", MetricRecord::type_descriptor()),
        ];
        for (name, expected) in tables {
            if !self.file.link_exists(name) {
                continue;
            }
            let ds = self.dataset(name)?;
            let found = ds.dtype().and_then(|t| t.to_descriptor()).map_err(|e| self.bad(name, e.to_string()))?;
            if found.to_packed_repr() != expected.to_packed_repr() {
                return Err(self.bad(name, format!("not this schema's table: its rows are {found}")));
            }
            if ds.ndim() != 1 {
                return Err(self.bad(name, format!("a table has one dimension, this has {}", ds.ndim())));
            }
        }
        Ok(())
    }

    /// An error about this file's `field`.
    pub fn bad(&self, field: &str, message: impl Into<String>) -> Error {
        Error::file(&self.shown, field, message)
    }

    /// A root text attribute, if present and text.
    pub fn text_attr(&self, name: &str) -> Option<String> {
        self.file.attr(name).ok()?.read_scalar::<VarLenUnicode>().ok().map(|v| v.as_str().to_string())
    }

    /// A dataset that must be there.
    pub fn dataset(&self, name: &str) -> Result<hdf5::Dataset> {
        self.file.dataset(name).map_err(|e| self.bad(name, format!("missing: {e}")))
    }

    /// A whole table that must be there.
    pub fn table<T: H5Type>(&self, name: &str) -> Result<Vec<T>> {
        read_table(&self.file, name).map_err(|e| self.bad(name, e.to_string()))
    }

    /// A whole table, empty when the file has none (a run without the verifier, say).
    pub fn optional_table<T: H5Type>(&self, name: &str) -> Result<Vec<T>> {
        if self.file.link_exists(name) { self.table(name) } else { Ok(Vec::new()) }
    }

    /// Rows of a table; 0 when absent.
    pub fn rows(&self, name: &str) -> usize {
        self.file.dataset(name).map(|d| d.size()).unwrap_or(0)
    }
}

/// A whole table of an open file (also the one being written, which the verifier reads back).
pub fn read_table<T: H5Type>(file: &hdf5::File, name: &str) -> hdf5::Result<Vec<T>> {
    file.dataset(name)?.read_raw::<T>()
}
