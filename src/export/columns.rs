//! 1-D HDF5 columns with their units and meaning: the layout of the Stone Soup files and of the
//! waveforms' window table.

use hdf5::H5Type;
use hdf5::types::VarLenUnicode;

/// One column: values, units, what it means.
pub fn column<T: H5Type>(
    file: &hdf5::File,
    name: &str,
    values: Vec<T>,
    units: &str,
    description: &str,
) -> hdf5::Result<()> {
    let data = ndarray::Array1::from(values);
    let ds = file.new_dataset_builder().with_data(&data).create(name)?;
    crate::output::text_attr(&ds, "units", units)?;
    crate::output::text_attr(&ds, "description", description)
}

/// Text values as HDF5 variable-length strings.
pub fn words(values: impl Iterator<Item = String>) -> hdf5::Result<Vec<VarLenUnicode>> {
    values.map(|v| v.parse::<VarLenUnicode>().map_err(|e| hdf5::Error::from(e.to_string()))).collect()
}
