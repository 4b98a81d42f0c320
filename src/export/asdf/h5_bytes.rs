//! The two HDF5 encodings of text that ASDF uses and pyasdf expects: attributes as fixed-length,
//! null-padded ASCII (what h5py writes for numpy's `bytes_`, read back as `bytes`), and whole
//! documents (QuakeML, StationXML) as 1-D arrays of signed bytes.

use hdf5::types::FixedAscii;
use std::io::Write;

/// A fixed-length ASCII attribute just long enough for `text` (lengths in steps of 4×, up to
/// 64 KiB), null-padded: h5py returns `bytes`, pyasdf `.decode()`s or `.tobytes()`s it.
pub fn ascii_attr(location: &hdf5::Location, name: &str, text: &str) -> hdf5::Result<()> {
    fn put<const N: usize>(location: &hdf5::Location, name: &str, text: &str) -> hdf5::Result<()> {
        let value = FixedAscii::<N>::from_ascii(text.as_bytes()).map_err(|e| hdf5::Error::from(e.to_string()))?;
        location.new_attr::<FixedAscii<N>>().create(name)?.write_scalar(&value)
    }
    match text.len() {
        0..=16 => put::<16>(location, name, text),
        17..=64 => put::<64>(location, name, text),
        65..=256 => put::<256>(location, name, text),
        257..=1024 => put::<1024>(location, name, text),
        1025..=4096 => put::<4096>(location, name, text),
        4097..=16384 => put::<16384>(location, name, text),
        16385..=65536 => put::<65536>(location, name, text),
        n => Err(hdf5::Error::from(format!("attribute {name}: {n} characters, more than 64 KiB"))),
    }
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
