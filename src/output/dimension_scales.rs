//! HDF5 dimension scales (the HDF5 High-Level DS API), which hdf5-metno does not wrap: with
//! them, netCDF readers such as xarray (engine "h5netcdf") see named, labelled coordinates.
#![allow(unsafe_code)]

use hdf5_sys::h5i::hid_t;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_uint};

// From hdf5_hl.h (HDF5 ≥ 1.8); linked through hdf5-metno-sys's `hl` feature.
unsafe extern "C" {
    fn H5DSset_scale(dsid: hid_t, dimname: *const c_char) -> c_int;
    fn H5DSattach_scale(did: hid_t, dsid: hid_t, idx: c_uint) -> c_int;
}

/// Make `scale` a dimension scale named `name`.
pub fn set_scale(scale: &hdf5::Dataset, name: &str) -> hdf5::Result<()> {
    let name = CString::new(name).map_err(|e| hdf5::Error::from(e.to_string()))?;
    // SAFETY: the id is a live dataset owned by `scale`, the name a NUL-terminated string that
    // outlives the call; the HDF5 library lock is held by `sync`.
    let status = hdf5::sync::sync(|| unsafe { H5DSset_scale(scale.id(), name.as_ptr()) });
    if status < 0 { Err(hdf5::Error::from("H5DSset_scale failed")) } else { Ok(()) }
}

/// Attach dimension scale `scale` to dimension `dim` of `data`.
pub fn attach_scale(data: &hdf5::Dataset, scale: &hdf5::Dataset, dim: u32) -> hdf5::Result<()> {
    // SAFETY: both ids are live datasets owned by the arguments; the library lock is held.
    let status = hdf5::sync::sync(|| unsafe { H5DSattach_scale(data.id(), scale.id(), dim) });
    if status < 0 { Err(hdf5::Error::from("H5DSattach_scale failed")) } else { Ok(()) }
}
