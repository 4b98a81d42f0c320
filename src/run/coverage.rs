//! `linewatch coverage` and the coverage pictures of a run: the maps alone with the header
//! every result file has, GeoTIFF and CSV exports, the map and profile pictures.

use super::{CoverageSummary, records::loss_record, write_header};
use crate::coverage::map::ClassMap;
use crate::error::Result;
use crate::gpu::Gpu;
use crate::output::ResultWriter;
use crate::scenario::LoadedScenario;
use crate::world::World;
use std::path::Path;

/// Coverage pictures: the first mapped class's map, and every class's along-line profile.
#[derive(Debug, Clone, Default)]
pub struct CoveragePictures {
    pub map: Option<std::path::PathBuf>,
    pub profile: Option<std::path::PathBuf>,
}

/// Draw the coverage pictures asked for.
pub fn draw_coverage_pictures(
    pictures: &CoveragePictures,
    loaded: &LoadedScenario,
    maps: &[ClassMap],
    world: &World,
) -> Result<()> {
    let spec = &loaded.scenario.coverage;
    let rule = crate::coverage::FixRule::of(&loaded.scenario);
    if let (Some(png), Some(map)) = (&pictures.map, maps.first()) {
        let title = format!(
            "{} — {}: P({} and right side), {:.0} m cells, {:?}",
            loaded.scenario.name,
            map.class,
            rule.describe(),
            spec.resolution_m,
            spec.time_of_day
        );
        let xy: Vec<[f64; 2]> = world.sensors.iter().map(|s| [s.x, s.y]).collect();
        crate::plot::draw_coverage(png, map, &world.line.xy, &xy, &title)?;
    }
    if let Some(png) = &pictures.profile {
        let title = format!(
            "{} — along-line profile: P({} and right side) ≥ {}, {:.0} m cells, {:?}",
            loaded.scenario.name,
            rule.describe(),
            spec.target,
            spec.resolution_m,
            spec.time_of_day
        );
        crate::plot::draw_profiles(png, maps, spec.target, spec.profile_depth_km(), &title)?;
    }
    Ok(())
}

/// `linewatch coverage`: the maps alone, with the header every result file has; with
/// `export`, a GeoTIFF per class and metric and each class's profile as CSV in that folder.
pub fn coverage_only(
    loaded: &LoadedScenario,
    out: &Path,
    pictures: &CoveragePictures,
    export: Option<&Path>,
    progress: bool,
) -> Result<Vec<CoverageSummary>> {
    // The maps show the deployment as the run starts: failed and jammed sensors out.
    let world = World::load(loaded)?;
    let writer = ResultWriter::create(out)?;
    writer.write_sensor_losses(&world.losses.iter().map(loss_record).collect::<Vec<_>>())?;
    let gpu = Gpu::new()?;
    write_header(&writer, loaded, &world, &gpu)?;
    let maps = crate::coverage::map::map_scenario(loaded, &world, &gpu, Some(writer.file()), progress)?;
    draw_coverage_pictures(pictures, loaded, &maps, &world)?;
    if let Some(dir) = export {
        // Made only now, with the maps computed: a failure before leaves no empty folder.
        std::fs::create_dir_all(dir).map_err(|e| {
            crate::Error::file(dir.display().to_string(), "geotiff", format!("cannot create the folder: {e}"))
        })?;
        for map in &maps {
            export_class(dir, writer.file(), map, &world.plane)?;
        }
        let profile = CoveragePictures { map: None, profile: Some(dir.join("profile.png")) };
        draw_coverage_pictures(&profile, loaded, &maps, &world)?;
    }
    writer.finish()?;
    Ok(maps.iter().map(CoverageSummary::of).collect())
}

/// GeoTIFFs of a class's metrics (read back from the result file) and its profile as CSV.
fn export_class(dir: &Path, file: &hdf5::File, map: &ClassMap, plane: &crate::geo::Plane) -> Result<()> {
    for (metric, _, _) in crate::output::coverage::METRICS {
        let name = format!("coverage/{}/{metric}", map.class);
        let dataset = file.dataset(&name).map_err(|e| crate::Error::output(&name, e))?;
        crate::output::geotiff::write(
            &dir.join(format!("{}_{metric}.tif", map.class)),
            &dataset,
            &map.corridor,
            plane,
        )?;
    }
    let path = dir.join(format!("{}_profile.csv", map.class));
    let shown = path.display().to_string();
    let mut csv = csv::Writer::from_path(&path).map_err(|e| crate::Error::file(&shown, "profile", e.to_string()))?;
    let write_err = |e: csv::Error| crate::Error::output(&shown, e);
    csv.write_record(["chainage_start_km", "chainage_end_km", "cells", "covered_fraction", "mean_verifiable"])
        .map_err(write_err)?;
    let p = &map.profile;
    for (b, ((start, covered), mean)) in
        p.bin_starts().iter().zip(p.covered_fraction()).zip(p.mean_verifiable()).enumerate()
    {
        let row = [
            start.to_string(),
            (start + p.bin_km).to_string(),
            p.cells[b].to_string(),
            covered.to_string(),
            mean.to_string(),
        ];
        csv.write_record(&row).map_err(write_err)?;
    }
    csv.flush().map_err(|e| crate::Error::output(&shown, e))
}
