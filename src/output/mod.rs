//! Result files: HDF5 per docs/design.md §7, written to a temporary name and renamed when complete.

pub mod coverage;
pub(crate) mod dimension_scales;
pub mod geotiff;
pub mod paths;
pub mod reader;
pub mod records;
mod writer;

pub use reader::ResultFile;
pub use records::*;
pub use writer::{FORMAT, ResultWriter, RootAttributes, SCHEMA_VERSION, Table};
pub(crate) use writer::{names_attr, text_attr};
