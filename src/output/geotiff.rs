//! GeoTIFF rasters of the coverage metrics, for GIS tools (QGIS, GDAL): 32-bit float, one band,
//! NaN as no-data, georeferenced by a tie point and pixel scale in the working plane, with the
//! transverse Mercator plane described by GeoTIFF keys (OGC GeoTIFF 1.1, 19-008r4).

use crate::coverage::raster::Corridor;
use crate::error::{Error, Result};
use crate::geo::Plane;
use std::io::BufWriter;
use std::path::Path;
use tiff::encoder::{TiffEncoder, colortype::Gray32Float};
use tiff::tags::Tag;

/// TIFF tags of the GeoTIFF standard.
const MODEL_PIXEL_SCALE: u16 = 33550;
const MODEL_TIEPOINT: u16 = 33922;
const GEO_KEY_DIRECTORY: u16 = 34735;
const GEO_DOUBLE_PARAMS: u16 = 34736;
/// GDAL's no-data tag (an ASCII number).
const GDAL_NODATA: u16 = 42113;
/// Rows per strip: a strip of a 10,000-column raster is then 2.5 MB.
const ROWS_PER_STRIP: usize = 64;

/// GeoKey directory for a user-defined transverse Mercator on WGS84, metres, pixel-is-area;
/// its double parameters (origin longitude and latitude, false easting and northing, scale).
fn geokeys(lon0: f64, lat0: f64, k: f64) -> (Vec<u16>, Vec<f64>) {
    let doubles = vec![lon0, lat0, 0.0, 0.0, k];
    let keys: [(u16, u16, u16, u16); 12] = [
        (1024, 0, 1, 1),                 // GTModelType: projected
        (1025, 0, 1, 1),                 // GTRasterType: pixel is area
        (2048, 0, 1, 4326),              // GeographicType: WGS 84
        (3072, 0, 1, 32767),             // ProjectedCSType: user-defined
        (3074, 0, 1, 32767),             // Projection: user-defined
        (3075, 0, 1, 1),                 // ProjCoordTrans: transverse Mercator
        (3076, 0, 1, 9001),              // ProjLinearUnits: metre
        (3080, GEO_DOUBLE_PARAMS, 1, 0), // ProjNatOriginLong
        (3081, GEO_DOUBLE_PARAMS, 1, 1), // ProjNatOriginLat
        (3082, GEO_DOUBLE_PARAMS, 1, 2), // ProjFalseEasting
        (3083, GEO_DOUBLE_PARAMS, 1, 3), // ProjFalseNorthing
        (3092, GEO_DOUBLE_PARAMS, 1, 4), // ProjScaleAtNatOrigin
    ];
    let mut directory = vec![1, 1, 0, keys.len() as u16];
    for (id, location, count, value) in keys {
        directory.extend([id, location, count, value]);
    }
    (directory, doubles)
}

/// Write `dataset` (ny, nx), rows south to north, as a north-up GeoTIFF at `path`.
pub fn write(path: &Path, dataset: &hdf5::Dataset, corridor: &Corridor, plane: &Plane) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Error::output(&shown, e.to_string());
    let (lon0, lat0, k) = plane.transverse_mercator_parameters().ok_or_else(|| {
        Error::file(
            &shown,
            "geotiff",
            format!("GeoTIFF export needs a transverse Mercator plane on WGS84, not '{}'", plane.definition),
        )
    })?;
    let file =
        std::fs::File::create(path).map_err(|e| Error::file(&shown, "geotiff", format!("cannot create: {e}")))?;
    let mut encoder = TiffEncoder::new(BufWriter::new(file)).map_err(|e| fail(&e))?;
    let (nx, ny) = (corridor.nx, corridor.ny);
    let mut image = encoder.new_image::<Gray32Float>(nx as u32, ny as u32).map_err(|e| fail(&e))?;
    image.rows_per_strip(ROWS_PER_STRIP as u32).map_err(|e| fail(&e))?;
    let res = corridor.resolution_m;
    let (left, top) = (corridor.x(0) - 0.5 * res, corridor.y(ny - 1) + 0.5 * res);
    let (directory, doubles) = geokeys(lon0, lat0, k);
    let dir = image.encoder();
    dir.write_tag(Tag::Unknown(MODEL_PIXEL_SCALE), &[res, res, 0.0][..]).map_err(|e| fail(&e))?;
    dir.write_tag(Tag::Unknown(MODEL_TIEPOINT), &[0.0, 0.0, 0.0, left, top, 0.0][..]).map_err(|e| fail(&e))?;
    dir.write_tag(Tag::Unknown(GEO_KEY_DIRECTORY), &directory[..]).map_err(|e| fail(&e))?;
    dir.write_tag(Tag::Unknown(GEO_DOUBLE_PARAMS), &doubles[..]).map_err(|e| fail(&e))?;
    dir.write_tag(Tag::Unknown(GDAL_NODATA), "nan").map_err(|e| fail(&e))?;
    // Strips from the north edge down; each reads its rows back from the HDF5 file.
    for top_row in (0..ny).step_by(ROWS_PER_STRIP) {
        let rows = ROWS_PER_STRIP.min(ny - top_row);
        let (south, north) = (ny - top_row - rows, ny - top_row);
        let band: ndarray::Array2<f32> = dataset.read_slice_2d(ndarray::s![south..north, ..]).map_err(|e| fail(&e))?;
        let strip: Vec<f32> = band.rows().into_iter().rev().flat_map(|r| r.to_vec()).collect();
        image.write_strip(&strip).map_err(|e| fail(&e))?;
    }
    image.finish().map_err(|e| fail(&e))?;
    Ok(())
}
