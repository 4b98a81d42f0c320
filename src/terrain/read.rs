//! DEM files on a WGS84 longitude/latitude grid (how SRTM, Copernicus GLO-30 and most
//! national DEMs are distributed): GeoTIFF (EPSG:4326, float or integer samples, GDAL no-data)
//! and ESRI ASCII grids; and their resampling onto a regular grid of the working plane.

use super::Dem;
use crate::geo::Plane;
use std::path::Path;
use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::Tag;

/// A DEM as stored: row 0 is the northern edge; sample (i, j) is the centre of its cell.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoGrid {
    /// Longitude and latitude of the centre of the north-west sample, degrees.
    pub west_lon: f64,
    pub north_lat: f64,
    pub dlon: f64,
    pub dlat: f64,
    pub ncols: usize,
    pub nrows: usize,
    /// Heights, m, row-major from the north; NaN where the file has no data.
    pub heights: Vec<f32>,
}

impl GeoGrid {
    /// Bilinear height at (lon, lat); None outside the grid's sample centres or next to a
    /// missing sample.
    pub fn height_at(&self, lon: f64, lat: f64) -> Option<f64> {
        let fx = (lon - self.west_lon) / self.dlon;
        let fy = (self.north_lat - lat) / self.dlat;
        let (maxx, maxy) = ((self.ncols - 1) as f64, (self.nrows - 1) as f64);
        if !(fx >= 0.0 && fy >= 0.0 && fx <= maxx && fy <= maxy) {
            return None;
        }
        let (i, j) = ((fx.floor() as usize).min(self.ncols - 2), (fy.floor() as usize).min(self.nrows - 2));
        let (u, v) = (fx - i as f64, fy - j as f64);
        let h = |i: usize, j: usize| f64::from(self.heights[j * self.ncols + i]);
        let value =
            (h(i, j) * (1.0 - u) + h(i + 1, j) * u) * (1.0 - v) + (h(i, j + 1) * (1.0 - u) + h(i + 1, j + 1) * u) * v;
        value.is_finite().then_some(value)
    }

    fn checked(self, file: &str) -> Result<Self, String> {
        if self.ncols < 2 || self.nrows < 2 {
            return Err(format!("{file}: a DEM needs at least 2 × 2 samples, not {} × {}", self.ncols, self.nrows));
        }
        if !(self.dlon > 0.0 && self.dlat > 0.0 && self.dlon.is_finite() && self.dlat.is_finite()) {
            return Err(format!("{file}: the cell size must be positive and finite"));
        }
        if self.heights.len() != self.ncols * self.nrows {
            return Err(format!("{file}: {} heights for a {} × {} grid", self.heights.len(), self.ncols, self.nrows));
        }
        let outside = |lon: f64, lat: f64| !((-180.0..=360.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        let east = self.west_lon + (self.ncols - 1) as f64 * self.dlon;
        let south = self.north_lat - (self.nrows - 1) as f64 * self.dlat;
        if outside(self.west_lon, self.north_lat) || outside(east, south) {
            return Err(format!("{file}: the grid is not in longitude/latitude degrees (EPSG:4326)"));
        }
        Ok(self)
    }
}

/// An ESRI ASCII grid (`ncols`, `nrows`, `xllcorner`/`xllcenter`, `yllcorner`/`yllcenter`,
/// `cellsize`, optional `NODATA_value`, then the rows from the north) in lon/lat degrees.
pub fn parse_ascii_grid(text: &str, file: &str) -> Result<GeoGrid, String> {
    let mut header = std::collections::HashMap::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((_, line)) = lines.peek() {
        let mut words = line.split_whitespace();
        let (Some(key), Some(value), None) = (words.next(), words.next(), words.next()) else { break };
        if key.parse::<f64>().is_ok() {
            break;
        }
        let v: f64 = value.parse().map_err(|_| format!("{file}: header '{key}' has no number: '{value}'"))?;
        header.insert(key.to_ascii_lowercase(), v);
        lines.next();
    }
    let get = |k: &str| header.get(k).copied().ok_or_else(|| format!("{file}: the header has no '{k}'"));
    let (ncols, nrows, cell) = (get("ncols")?, get("nrows")?, get("cellsize")?);
    if !(ncols >= 1.0 && nrows >= 1.0 && ncols.fract() == 0.0 && nrows.fract() == 0.0) {
        return Err(format!("{file}: ncols and nrows must be positive whole numbers"));
    }
    let (ncols, nrows) = (ncols as usize, nrows as usize);
    // Every value takes a digit and a separator: a header that declares more cells than the
    // text can hold is refused before anything is allocated for them.
    let room = text.len().div_ceil(2);
    let cells = ncols.checked_mul(nrows).filter(|&c| c <= room).ok_or_else(|| {
        format!(
            "{file}: the header declares {ncols} × {nrows} cells, more than the file's {} bytes can hold",
            text.len()
        )
    })?;
    // Corner registration puts the first sample half a cell in from the corner.
    let west = match (header.get("xllcenter"), header.get("xllcorner")) {
        (Some(&c), _) => c,
        (None, Some(&c)) => c + 0.5 * cell,
        _ => return Err(format!("{file}: the header has neither 'xllcorner' nor 'xllcenter'")),
    };
    let south = match (header.get("yllcenter"), header.get("yllcorner")) {
        (Some(&c), _) => c,
        (None, Some(&c)) => c + 0.5 * cell,
        _ => return Err(format!("{file}: the header has neither 'yllcorner' nor 'yllcenter'")),
    };
    let nodata = header.get("nodata_value").copied();
    let mut heights = Vec::with_capacity(cells);
    for (n, line) in lines {
        for word in line.split_whitespace() {
            let v: f64 = word.parse().map_err(|_| format!("{file}:{}: '{word}' is not a number", n + 1))?;
            heights.push(if Some(v) == nodata || !v.is_finite() { f32::NAN } else { v as f32 });
        }
    }
    GeoGrid {
        west_lon: west,
        north_lat: south + (nrows as f64 - 1.0) * cell,
        dlon: cell,
        dlat: cell,
        ncols,
        nrows,
        heights,
    }
    .checked(file)
}

/// A single-band GeoTIFF on WGS84 longitude/latitude (GeoKey GTModelType geographic,
/// GeographicType 4326), georeferenced by a tie point and pixel scale.
pub fn read_geotiff(path: &Path) -> Result<GeoGrid, String> {
    let file = path.display().to_string();
    let e = |what: &str, err: tiff::TiffError| format!("{file}: {what}: {err}");
    let reader = crate::input_file::open(path).map_err(|err| format!("{file}: cannot open: {err}"))?;
    let mut tiff = Decoder::new(std::io::BufReader::new(reader)).map_err(|err| e("not a readable TIFF", err))?;
    let (ncols, nrows) = tiff.dimensions().map_err(|err| e("dimensions", err))?;
    let scale =
        tiff.get_tag_f64_vec(Tag::ModelPixelScaleTag).map_err(|err| e("no ModelPixelScale (not a GeoTIFF)", err))?;
    let tie = tiff.get_tag_f64_vec(Tag::ModelTiepointTag).map_err(|err| e("no ModelTiepoint (not a GeoTIFF)", err))?;
    let keys = tiff.get_tag_u16_vec(Tag::GeoKeyDirectoryTag).map_err(|err| e("no GeoKey directory", err))?;
    let key = |id: u16| keys.chunks_exact(4).skip(1).find(|k| k[0] == id && k[1] == 0).map(|k| k[3]);
    if key(1024) != Some(2) || key(2048).is_some_and(|g| g != 4326) {
        return Err(format!(
            "{file}: only WGS84 longitude/latitude DEMs (EPSG:4326) are read; \
             reproject with `gdalwarp -t_srs EPSG:4326 in.tif out.tif`"
        ));
    }
    if scale.len() < 2 || tie.len() < 6 {
        return Err(format!("{file}: malformed ModelPixelScale or ModelTiepoint"));
    }
    // Pixel-is-area (the default) ties the corner of pixel (i, j); pixel-is-point its centre.
    let centre = if key(1025) == Some(2) { 0.0 } else { 0.5 };
    let (dlon, dlat) = (scale[0], scale[1]);
    let west_lon = tie[3] + (centre - tie[0]) * dlon;
    let north_lat = tie[4] - (centre - tie[1]) * dlat;
    let nodata: Option<f64> = match tiff.find_tag(Tag::GdalNodata).map_err(|err| e("GDAL_NODATA", err))? {
        Some(value) => value.into_string().ok().and_then(|s| s.trim_end_matches('\0').trim().parse().ok()),
        None => None,
    };
    let image = tiff.read_image().map_err(|err| e("cannot read the samples", err))?;
    let values: Vec<f64> = match image {
        DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F64(v) => v,
        DecodingResult::I16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
        _ => return Err(format!("{file}: heights must be 16- or 32-bit integers or 32/64-bit floats")),
    };
    let heights =
        values.into_iter().map(|v| if Some(v) == nodata || !v.is_finite() { f32::NAN } else { v as f32 }).collect();
    GeoGrid { west_lon, north_lat, dlon, dlat, ncols: ncols as usize, nrows: nrows as usize, heights }.checked(&file)
}

/// The grid resampled onto the plane over [x0, x1] × [y0, y1] at `spacing_m`; an error naming
/// the first point the file does not cover.
pub fn resample(grid: &GeoGrid, plane: &Plane, bounds: [f64; 4], spacing_m: f64, file: &str) -> Result<Dem, String> {
    let [x0, y0, x1, y1] = bounds;
    if !(x1 > x0 && y1 > y0 && spacing_m > 0.0) {
        return Err(format!("{file}: empty area to resample"));
    }
    let nx = ((x1 - x0) / spacing_m).ceil() as usize + 1;
    let ny = ((y1 - y0) / spacing_m).ceil() as usize + 1;
    let mut heights = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        for i in 0..nx {
            let (x, y) = (x0 + i as f64 * spacing_m, y0 + j as f64 * spacing_m);
            let [lon, lat] = plane.inverse(x, y)?;
            let h = grid.height_at(lon, lat).ok_or_else(|| {
                format!("{file}: no height at lon {lon:.4}, lat {lat:.4} (outside the DEM or no data there)")
            })?;
            heights.push(h as f32);
        }
    }
    Dem::new(x0, y0, spacing_m, nx, ny, heights).ok_or_else(|| format!("{file}: the resampled grid is invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: &str = "ncols 3\nnrows 2\nxllcorner 37.0\nyllcorner 48.0\ncellsize 0.5\nNODATA_value -9999\n\
                        10 20 30\n40 50 -9999\n";

    #[test]
    fn ascii_grid_header_rows_and_no_data() {
        let g = parse_ascii_grid(GRID, "g.asc").expect("parses");
        assert_eq!((g.ncols, g.nrows), (3, 2));
        assert_eq!((g.west_lon, g.north_lat), (37.25, 48.75));
        // Row 0 is the northern one.
        assert_eq!(g.height_at(37.25, 48.75), Some(10.0));
        assert_eq!(g.height_at(37.5, 48.5), Some(30.0), "bilinear between 10, 20, 40, 50");
        assert_eq!(g.height_at(37.9, 48.3), None, "next to the missing sample");
        assert_eq!(g.height_at(36.0, 48.5), None, "outside");
        let bad = parse_ascii_grid("ncols 2\nnrows 2\ncellsize 1\nxllcorner 0\n1 2\n3 x\n", "b.asc").expect_err("bad");
        assert!(bad.contains("yllcorner"), "{bad}");
        let bad = parse_ascii_grid("ncols 2\nnrows 2\ncellsize 1\nxllcorner 0\nyllcorner 0\n1 2\n3 x\n", "b.asc")
            .expect_err("bad value");
        assert!(bad.contains("b.asc:7") && bad.contains("'x'"), "{bad}");
    }

    /// A header declaring far more cells than the file holds (once an abort on a 4e16-byte
    /// allocation, or a capacity overflow) is refused before any allocation.
    #[test]
    fn a_declared_size_the_file_cannot_hold_is_refused() {
        for (n, m) in [("100000000", "100000000"), ("18446744073709551615", "3"), ("1000", "1000")] {
            let text = format!("ncols {n}\nnrows {m}\nxllcorner 37\nyllcorner 48\ncellsize 0.1\n1 2 3\n");
            let bad = parse_ascii_grid(&text, "huge.asc").expect_err("refused");
            assert!(bad.contains("huge.asc") && bad.contains("more than the file"), "{bad}");
        }
    }
}
