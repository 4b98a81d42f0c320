//! Reading a result file back: the one place that checks a file is a linewatch result and of
//! which schema, and reads its tables with errors that name the file and the dataset. `info`,
//! the viewer's replay and the verifier read through it.

use super::FORMAT;
use crate::error::{Error, Result};
use hdf5::H5Type;
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
    /// Open `path`: it must exist, be HDF5 and say `format = "linewatch"`; its schema version is
    /// read, not judged (`info` describes any version).
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
        Ok(Self { schema_version, ..opened })
    }

    /// Refuse a file of another schema version than this build reads.
    pub fn require_schema(&self, version: u32) -> Result<()> {
        if self.schema_version == version {
            Ok(())
        } else {
            Err(self.bad(
                "schema_version",
                format!("schema version {}; this build reads version {version}", self.schema_version),
            ))
        }
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
