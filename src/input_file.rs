//! Reading the files a user names (scenario, line, places, sensor positions, terrain): regular
//! files only, and text no larger than memory can sensibly take. A device, a FIFO or a folder
//! named by mistake or malice is refused at once, instead of being read for ever (`/dev/zero`)
//! or blocking (a FIFO with no writer).

use std::io::{Error, ErrorKind};
use std::path::Path;

/// The largest text input read whole: 4 GiB. A stated assumption, no standard: the embedded
/// line's GeoJSON is ~100 kB, and an ESRI ASCII grid near this size belongs in a GeoTIFF
/// (read in strips, and a quarter of the bytes).
pub const MAX_TEXT_BYTES: u64 = 4 << 30;

/// The whole of a regular UTF-8 text file.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let meta = regular_file(path)?;
    if meta.len() > MAX_TEXT_BYTES {
        let message = format!("{} bytes, over the {MAX_TEXT_BYTES}-byte limit on a text input", meta.len());
        return Err(Error::new(ErrorKind::InvalidData, message));
    }
    std::fs::read_to_string(path)
}

/// A regular file opened for reading.
pub fn open(path: &Path) -> std::io::Result<std::fs::File> {
    regular_file(path)?;
    std::fs::File::open(path)
}

fn regular_file(path: &Path) -> std::io::Result<std::fs::Metadata> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() { Ok(meta) } else { Err(Error::new(ErrorKind::InvalidInput, "not a regular file")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_before_reading() {
        for path in ["/dev/zero", "/dev/null", "/"] {
            let err = read_text(Path::new(path)).expect_err(path);
            assert_eq!(err.to_string(), "not a regular file", "{path}");
            assert!(open(Path::new(path)).is_err(), "{path}");
        }
    }

    #[test]
    fn a_regular_file_reads_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "lon,lat\n").expect("write");
        assert_eq!(read_text(&path).expect("reads"), "lon,lat\n");
    }
}
