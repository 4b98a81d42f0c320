//! Errors and the exit codes they map to (docs/design.md §8).

use std::fmt;

/// Exit codes of the `linewatch` binary (docs/design.md §8).
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// `check`: an expectation failed; `size`: no layout meets the targets or the budget.
    pub const EXPECTATIONS_FAILED: u8 = 1;
    /// The input is wrong: a scenario field, a side file, a flag, an output path refused before
    /// any work.
    pub const BAD_INPUT: u8 = 2;
    /// No usable GPU adapter, or the device failed.
    pub const GPU_FAILURE: u8 = 3;
    /// The system failed the run after its input was accepted: writing the output (a full disk,
    /// a lost permission), or opening the viewer's window.
    pub const SYSTEM_FAILURE: u8 = 4;
}

/// Any error a library underneath reports, kept as the source of ours.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where in an input file something is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    /// 1-based; 0 when the file has no line structure to point at.
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a scenario field, a referenced file, an output path.
    #[error("{location}: {field}: {message}")]
    Input { location: Location, field: String, message: String },
    /// No usable GPU adapter, or the device failed.
    #[error("GPU: {0}")]
    Gpu(String),
    /// Writing the output failed after the input was accepted.
    #[error("{path}: {source}")]
    Output {
        path: String,
        #[source]
        source: BoxError,
    },
    /// The viewer's window could not be opened or captured.
    #[error("window: {0}")]
    Window(String),
}

impl Error {
    /// The error without the file position: for an input error, "field: message" (a sweep's
    /// generated scenario text has no line the user wrote).
    pub fn message(&self) -> String {
        match self {
            Self::Input { field, message, .. } => format!("{field}: {message}"),
            other => other.to_string(),
        }
    }

    pub fn input(location: Location, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Input { location, field: field.into(), message: message.into() }
    }

    /// A problem with a whole file (no line to point at), e.g. an unwritable output path.
    pub fn file(path: impl Into<String>, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::input(Location { file: path.into(), line: 0, column: 0 }, field, message)
    }

    /// Writing `path` failed; `source` is the underlying library's error (or a message).
    /// A full file system is said plainly: HDF5 reports it deep in its error stack ("errno = 28,
    /// error message = 'No space left on device'", among buffer addresses and offsets).
    pub fn output(path: impl Into<String>, source: impl Into<BoxError>) -> Self {
        let source: BoxError = source.into();
        let message = source.to_string();
        let source = if message.contains("No space left on device") || message.contains("errno = 28") {
            NO_SPACE_LEFT.into()
        } else {
            source
        };
        Self::Output { path: path.into(), source }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Input { .. } => exit::BAD_INPUT,
            Self::Gpu(_) => exit::GPU_FAILURE,
            Self::Output { .. } | Self::Window(_) => exit::SYSTEM_FAILURE,
        }
    }
}

/// What a write that ran out of disk reports.
pub const NO_SPACE_LEFT: &str =
    "No space left on device: the file system that holds it is full; nothing was written under this name";

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod no_space_tests {
    use super::*;

    /// HDF5's message when a 200 kB tmpfs filled up under `linewatch run` (2026-12-03), and
    /// what the user now reads instead.
    #[test]
    fn a_full_disk_is_said_plainly() {
        let hdf5 = "H5AC_flush(): Can't flush cache: file write failed: time = Thu Dec  3 19:21:57 2026\n, \
                    filename = '/tmp/full/.x.h5.tmp-9119', file descriptor = 5, errno = 28, error message = 'No space \
                    left on device', buf = 0x558f5aa6a7ce, total write size = 90203";
        let e = Error::output("/tmp/full/x.h5", hdf5);
        assert_eq!(e.to_string(), format!("/tmp/full/x.h5: {NO_SPACE_LEFT}"));
        assert_eq!(e.exit_code(), exit::SYSTEM_FAILURE);
        // Anything else keeps its own message.
        assert_eq!(Error::output("a.h5", "permission denied").to_string(), "a.h5: permission denied");
    }
}
