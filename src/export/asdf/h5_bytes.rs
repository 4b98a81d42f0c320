//! The two HDF5 encodings of text that ASDF uses and pyasdf expects: attributes as fixed-length,
//! null-padded ASCII (what h5py writes for numpy's `bytes_`, read back as `bytes`), and whole
//! documents (QuakeML, StationXML) as 1-D arrays of signed bytes.

#![allow(unsafe_code)]

use hdf5::types::TypeDescriptor;
use hdf5_sys::h5a::H5Awrite;
use std::io::Write;

/// The longest text attribute written, bytes.
pub const MAX_ATTRIBUTE_BYTES: usize = 262_144;

/// A fixed-length ASCII attribute exactly as long as `text` (at most `MAX_ATTRIBUTE_BYTES`;
/// the file must be in the HDF5 1.8 format for more than 64 KiB), null-padded: h5py returns
/// `bytes`, pyasdf `.decode()`s or `.tobytes()`s it. hdf5-metno types fixed-length strings by
/// a compile-time length, so the bytes go to `H5Awrite` in the attribute's own type.
pub fn ascii_attr(location: &hdf5::Location, name: &str, text: &str) -> hdf5::Result<()> {
    if !text.is_ascii() || text.len() > MAX_ATTRIBUTE_BYTES {
        return Err(hdf5::Error::from(format!("attribute {name}: not ASCII of at most {MAX_ATTRIBUTE_BYTES} bytes")));
    }
    let size = text.len().max(1);
    let attribute = location.new_attr_builder().empty_as(TypeDescriptor::FixedAscii(size)).create(name)?;
    let dtype = attribute.dtype()?;
    let mut bytes = text.as_bytes().to_vec();
    bytes.resize(size, 0);
    // SAFETY: the attribute and its type are live ids owned above; the buffer holds exactly the
    // type's size (one scalar string of `size` bytes) and outlives the call; the HDF5 library
    // lock is held by `sync`.
    let status = hdf5::sync::sync(|| unsafe { H5Awrite(attribute.id(), dtype.id(), bytes.as_ptr().cast()) });
    if status < 0 { Err(hdf5::Error::from(format!("attribute {name}: H5Awrite failed"))) } else { Ok(()) }
}

/// A short document (a station's StationXML) as a contiguous 1-D dataset of signed bytes, its
/// own size on disk.
pub fn bytes_dataset(group: &hdf5::Group, name: &str, bytes: &[u8]) -> hdf5::Result<()> {
    let signed: Vec<i8> = bytes.iter().map(|&b| b as i8).collect();
    group.new_dataset_builder().with_data(&signed).create(name)?;
    Ok(())
}

/// A long document (the catalogue's QuakeML) written into a growing 1-D dataset of signed
/// bytes, a mebibyte at a time: memory stays one buffer however long the document.
pub struct ByteDataset {
    dataset: hdf5::Dataset,
    buffer: Vec<i8>,
    written: usize,
}

const BUFFER_BYTES: usize = 1 << 20;

impl ByteDataset {
    pub fn create(group: &hdf5::Group, name: &str) -> hdf5::Result<Self> {
        let dataset = group.new_dataset::<i8>().chunk(BUFFER_BYTES).shape(0..).create(name)?;
        Ok(Self { dataset, buffer: Vec::with_capacity(BUFFER_BYTES), written: 0 })
    }

    fn flush_buffer(&mut self) -> hdf5::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let end = self.written + self.buffer.len();
        self.dataset.resize(end)?;
        self.dataset.write_slice(&self.buffer, self.written..end)?;
        self.written = end;
        self.buffer.clear();
        Ok(())
    }

    /// Write what is buffered; the dataset then holds the whole document.
    pub fn finish(mut self) -> hdf5::Result<()> {
        self.flush_buffer()
    }
}

impl Write for ByteDataset {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend(bytes.iter().map(|&b| b as i8));
        if self.buffer.len() >= BUFFER_BYTES {
            self.flush_buffer().map_err(std::io::Error::other)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.flush_buffer().map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attribute_past_64_kib_fits_a_file_in_the_1_8_format_and_reads_back_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file =
            hdf5::File::with_options().with_fapl(|p| p.libver_v18()).create(dir.path().join("a.h5")).expect("file");
        let text: String = (0..100_000u32).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        ascii_attr(&file, "long", &text).expect("a 100,000-character attribute");
        let dtype = file.attr("long").and_then(|a| a.dtype()).and_then(|t| t.to_descriptor()).expect("type");
        assert_eq!(dtype, TypeDescriptor::FixedAscii(100_000));
        ascii_attr(&file, "short", "ASDF").expect("short");
        let read = file.attr("short").and_then(|a| a.read_scalar::<hdf5::types::FixedAscii<4>>()).expect("reads");
        assert_eq!(read.as_str(), "ASDF");
        assert!(ascii_attr(&file, "too_long", &"x".repeat(MAX_ATTRIBUTE_BYTES + 1)).is_err());
    }
}
