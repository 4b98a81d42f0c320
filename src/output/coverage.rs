//! `/coverage/<class>` in the result file (docs/design.md §7): metric rasters (ny, nx) f32 written row
//! band by row band, x and y as dimension scales, the along-line profile and the gaps.

use super::dimension_scales::{attach_scale, set_scale};
use super::writer::text_attr;
use crate::coverage::profile::{Gap, Profile};
use crate::coverage::raster::Corridor;
use hdf5::H5Type;
use hdf5::types::VarLenUnicode;
use ndarray::{Array1, Array2, s};

/// Metric name, units, description, in the order the kernel writes them.
pub const METRICS: [(&str, &str, &str); 5] = [
    ("p_detect", "1", "Probability that at least one sensor detects a source at the cell"),
    ("p_k", "1", "Probability that at least k sensors detect it (attribute k), exact Poisson-binomial"),
    ("sigma_n_m", "m", "Cramer-Rao standard deviation of its location across the line (inf: not locatable)"),
    ("p_attrib", "1", "Phi(|offset| / sigma_n): probability the located source falls on its true side"),
    ("verifiable", "1", "p_k * p_attrib: detected by k sensors and attributed to the right side"),
];

/// A gap row.
#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct GapRecord {
    pub start_km: f64,
    pub end_km: f64,
    pub length_km: f64,
    pub mean_verifiable: f64,
}

/// Open datasets of one class's maps.
pub struct CoverageDatasets {
    group: hdf5::Group,
    metrics: Vec<hdf5::Dataset>,
}

/// Attributes of a class's coverage group.
pub struct CoverageAttributes<'a> {
    pub class: &'a str,
    pub k: u32,
    /// What a fix takes (`FixRule::describe`): k constraints, or blind association's rule.
    pub fix: &'a str,
    pub target: f64,
    pub time_of_day: &'a str,
    pub profile_depth_km: f64,
}

pub fn create(file: &hdf5::File, corridor: &Corridor, a: &CoverageAttributes<'_>) -> hdf5::Result<CoverageDatasets> {
    let parent = match file.group("coverage") {
        Ok(g) => g,
        Err(_) => file.create_group("coverage")?,
    };
    let group = parent.create_group(a.class)?;
    text_attr(
        &group,
        "description",
        &format!("Verification capability for a source of class '{}' at each cell", a.class),
    )?;
    group.new_attr::<u32>().create("k")?.write_scalar(&a.k)?;
    text_attr(&group, "fix", a.fix)?;
    group.new_attr::<f64>().create("target")?.write_scalar(&a.target)?;
    group.new_attr::<f64>().create("resolution_m")?.write_scalar(&corridor.resolution_m)?;
    group.new_attr::<f64>().create("half_width_km")?.write_scalar(&(corridor.half_width_m / 1000.0))?;
    group.new_attr::<f64>().create("profile_depth_km")?.write_scalar(&a.profile_depth_km)?;
    text_attr(&group, "time_of_day", a.time_of_day)?;
    let xs = Array1::from_iter((0..corridor.nx).map(|i| corridor.x(i)));
    let ys = Array1::from_iter((0..corridor.ny).map(|j| corridor.y(j)));
    let x = group.new_dataset_builder().with_data(&xs).create("x")?;
    let y = group.new_dataset_builder().with_data(&ys).create("y")?;
    for (d, what) in [(&x, "Easting of cell centres in the working plane"), (&y, "Northing of cell centres")] {
        text_attr(d, "units", "m")?;
        text_attr(d, "description", what)?;
    }
    set_scale(&x, "x")?;
    set_scale(&y, "y")?;
    let chunk = (corridor.ny.clamp(1, 256), corridor.nx.clamp(1, 256));
    let mut metrics = Vec::with_capacity(METRICS.len());
    for (name, units, description) in METRICS {
        let d = group
            .new_dataset::<f32>()
            .chunk(chunk)
            .shuffle()
            .deflate(1)
            .fill_value(f32::NAN)
            .shape((corridor.ny, corridor.nx))
            .create(name)?;
        text_attr(&d, "units", units)?;
        text_attr(&d, "description", &format!("{description}; NaN outside the corridor"))?;
        attach_scale(&d, &y, 0)?;
        attach_scale(&d, &x, 1)?;
        metrics.push(d);
    }
    Ok(CoverageDatasets { group, metrics })
}

impl CoverageDatasets {
    /// Write rows [r0, r0 + rows) of every metric; `values[m]` is (rows, nx).
    pub fn write_rows(&self, r0: usize, values: &[Array2<f32>]) -> hdf5::Result<()> {
        for (d, v) in self.metrics.iter().zip(values) {
            d.write_slice(v, s![r0..r0 + v.nrows(), ..])?;
        }
        Ok(())
    }

    /// The profile, the gaps and, beside the gaps table, where each gap is (`gaps_place`:
    /// "near Siversk (4 km)", empty without named places).
    pub fn write_profile(&self, profile: &Profile, gaps: &[Gap], places: &[String]) -> hdf5::Result<()> {
        let g = self.group.create_group("profile")?;
        text_attr(
            &g,
            "description",
            "Along-line profile by chainage bin, over the band within profile_depth_km of the line",
        )?;
        let columns: [(&str, &str, &str, Vec<f64>); 4] = [
            ("chainage_km", "km", "Start of each chainage bin", profile.bin_starts()),
            (
                "cells",
                "1",
                "Corridor cells in the bin within the profile depth",
                profile.cells.iter().map(|&c| c as f64).collect(),
            ),
            (
                "covered_fraction",
                "1",
                "Fraction of those cells whose verifiable probability reaches the target",
                profile.covered_fraction(),
            ),
            ("mean_verifiable", "1", "Mean verifiable probability over those cells", profile.mean_verifiable()),
        ];
        for (name, units, description, values) in columns {
            let d = g.new_dataset_builder().with_data(&Array1::from(values)).create(name)?;
            text_attr(&d, "units", units)?;
            text_attr(&d, "description", description)?;
        }
        let rows: Vec<GapRecord> = gaps
            .iter()
            .map(|gap| GapRecord {
                start_km: gap.start_km,
                end_km: gap.end_km,
                length_km: gap.end_km - gap.start_km,
                mean_verifiable: gap.mean_verifiable,
            })
            .collect();
        let d = self.group.new_dataset::<GapRecord>().shape(rows.len()).create("gaps")?;
        if !rows.is_empty() {
            d.write(&Array1::from(rows))?;
        }
        text_attr(&d, "units", "start_km: km; end_km: km; length_km: km; mean_verifiable: 1")?;
        text_attr(&d, "description", "Stretches of the line whose mean verifiable probability is below the target")?;
        let names = places
            .iter()
            .map(|p| p.parse::<VarLenUnicode>().map_err(|e| hdf5::Error::from(format!("gaps_place: {e}"))))
            .collect::<hdf5::Result<Vec<_>>>()?;
        let d = self.group.new_dataset::<VarLenUnicode>().shape(names.len()).create("gaps_place")?;
        if !names.is_empty() {
            d.write(&Array1::from(names))?;
        }
        text_attr(&d, "units", "1")?;
        text_attr(
            &d,
            "description",
            "Nearest named place to the middle of each gap (row for row with gaps), and its distance",
        )?;
        Ok(())
    }
}
