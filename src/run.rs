//! The headless run: scenario → line → sensors → events → GPU detections → HDF5, streamed one
//! block (an hour, or less at high rates) at a time.

use crate::deploy::losses::{self, LossCause, SensorLoss};
use crate::deploy::{self, Sensor};
use crate::detect::{self, BestCase, GpuDetector, SensorGrid, false_alarms::false_alarms};
use crate::error::Result;
use crate::events::{Event, EventGenerator, EventKind};
use crate::geo::{self, Side};
use crate::gpu::Gpu;
use crate::output::*;
use crate::plot::{Heard, MAX_PLOTTED_EVENTS, PlottedEvent, RunMap};
use crate::scenario::{LoadedScenario, Modality};
use std::path::Path;
use std::time::Instant;

/// Per-class counts for the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassSummary {
    pub name: String,
    /// Violations (a launch and its impact count once).
    pub violations: u64,
    pub events: u64,
    /// Events with at least one detection.
    pub detected_events: u64,
    /// Events with at least three detections (enough to locate by time differences).
    pub located_events: u64,
    pub detections: u64,
}

/// What a run produced.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub scenario: String,
    pub adapter: String,
    pub line_km: f64,
    pub sensors: usize,
    pub sensors_by_modality: Vec<(String, usize)>,
    pub duration_h: f64,
    pub events: u64,
    pub violations: u64,
    pub detections: u64,
    pub false_alarms: u64,
    pub pairs_evaluated: u64,
    /// Events the f64 reference detected because the device's loop budget was too small.
    pub events_by_reference: u64,
    pub classes: Vec<ClassSummary>,
    pub seconds: f64,
    pub gpu_seconds: f64,
    /// Time spent appending to the HDF5 tables (chunking, shuffle, deflate, I/O).
    pub write_seconds: f64,
    pub coverage: Vec<CoverageSummary>,
    pub coverage_seconds: f64,
    /// The verifier's scores, unless it was skipped.
    pub verify: Option<crate::verify::VerifyReport>,
    /// Sensors lost ([losses]): failed, jammed, destroyed.
    pub losses: [usize; 4],
}

/// Options of `linewatch run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub seed: Option<u64>,
    pub progress: bool,
    /// Also draw a quick-look map here.
    pub png: Option<std::path::PathBuf>,
    /// Compute and write the coverage maps.
    pub coverage: bool,
    /// Associate, locate, attribute and score (/estimates, /metrics).
    pub verify: bool,
    /// Coverage pictures to draw.
    pub pictures: CoveragePictures,
}

/// Coverage pictures: the first mapped class's map, and every class's along-line profile.
#[derive(Debug, Clone, Default)]
pub struct CoveragePictures {
    pub map: Option<std::path::PathBuf>,
    pub profile: Option<std::path::PathBuf>,
}

/// A class's coverage in the summary.
#[derive(Debug, Clone, Default)]
pub struct CoverageSummary {
    pub class: String,
    pub cells: u64,
    pub covered_fraction: f64,
    pub gaps: usize,
    pub longest_gap_km: f64,
    /// "km 686–706, near Siversk (4 km)" for the longest gap; empty without gaps.
    pub longest_gap_at: String,
    pub seconds: f64,
    /// Cells the f64 reference computed (over the device's loop budget).
    pub cells_by_reference: u64,
}

impl CoverageSummary {
    pub fn of(map: &crate::coverage::map::ClassMap) -> Self {
        Self {
            class: map.class.clone(),
            cells: map.cells,
            covered_fraction: map.covered_fraction(),
            gaps: map.gaps.len(),
            longest_gap_km: map.gaps.iter().map(|g| g.end_km - g.start_km).fold(0.0, f64::max),
            longest_gap_at: map
                .gaps
                .iter()
                .zip(&map.gap_places)
                .max_by(|a, b| (a.0.end_km - a.0.start_km).total_cmp(&(b.0.end_km - b.0.start_km)))
                .map(|(g, place)| format!("km {:.0}–{:.0} {place}", g.start_km, g.end_km).trim_end().to_string())
                .unwrap_or_default(),
            seconds: map.seconds,
            cells_by_reference: map.cells_by_reference,
        }
    }
}

/// Root attributes, the line and the sensors: what every result file starts with.
pub fn write_header(
    writer: &ResultWriter,
    loaded: &LoadedScenario,
    crs: &str,
    line: &crate::geo::ContactLine,
    sensors: &[Sensor],
    terrain: &crate::terrain::Terrain,
    gpu: &Gpu,
) -> Result<()> {
    let s = &loaded.scenario;
    writer.write_root(&RootAttributes {
        seed: s.seed,
        scenario_name: s.name.clone(),
        scenario_toml: loaded.text.clone(),
        crs: crs.to_string(),
        adapter: gpu.describe(),
        duration_s: s.duration_h * 3600.0,
    })?;
    writer.write_line(&line.lonlat, &line.xy, &line.chainage_km)?;
    writer.write_terrain(terrain)?;
    let row_names: Vec<String> = s.rows.iter().map(|r| r.name.clone()).collect();
    writer.write_sensors(&sensors.iter().map(sensor_record).collect::<Vec<_>>(), &row_names)?;
    writer.set_class_names(&s.classes.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
}

/// Draw the coverage pictures asked for.
pub fn draw_coverage_pictures(
    pictures: &CoveragePictures,
    loaded: &LoadedScenario,
    maps: &[crate::coverage::map::ClassMap],
    line: &crate::geo::ContactLine,
    sensors: &[Sensor],
) -> Result<()> {
    let spec = &loaded.scenario.coverage;
    if let (Some(png), Some(map)) = (&pictures.map, maps.first()) {
        let title = format!(
            "{} — {}: P(≥{} sensors and right side), {:.0} m cells, {:?}",
            loaded.scenario.name, map.class, spec.k, spec.resolution_m, spec.time_of_day
        );
        let xy: Vec<[f64; 2]> = sensors.iter().map(|s| [s.x, s.y]).collect();
        crate::plot::draw_coverage(png, map, &line.xy, &xy, &title)?;
    }
    if let Some(png) = &pictures.profile {
        let title = format!(
            "{} — along-line profile: P(≥{} sensors and right side) ≥ {}, {:.0} m cells, {:?}",
            loaded.scenario.name, spec.k, spec.target, spec.resolution_m, spec.time_of_day
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
    if let Some(dir) = export {
        std::fs::create_dir_all(dir).map_err(|e| {
            crate::Error::file(dir.display().to_string(), "geotiff", format!("cannot create the folder: {e}"))
        })?;
    }
    let (plane, line) = geo::load_line(loaded)?;
    let places = geo::load_places(loaded, &plane)?;
    let mut sensors = deploy::deploy(loaded, &plane, &line)?;
    // The maps show the deployment as the run starts: failed and jammed sensors out.
    let sensor_losses = losses::apply_static(loaded, &plane, &mut sensors)?;
    let terrain = crate::terrain::load(loaded, &plane, &line, &sensors)?;
    let writer = ResultWriter::create(out)?;
    writer.write_sensor_losses(&sensor_losses.iter().map(loss_record).collect::<Vec<_>>())?;
    let gpu = Gpu::new()?;
    write_header(&writer, loaded, &plane.definition, &line, &sensors, &terrain, &gpu)?;
    let maps = crate::coverage::map::map_scenario(
        loaded,
        &line,
        &places,
        &sensors,
        &terrain,
        &gpu,
        Some(writer.file()),
        progress,
    )?;
    draw_coverage_pictures(pictures, loaded, &maps, &line, &sensors)?;
    if let Some(dir) = export {
        for map in &maps {
            export_class(dir, writer.file(), map, &plane)?;
        }
        let profile = CoveragePictures { map: None, profile: Some(dir.join("profile.png")) };
        draw_coverage_pictures(&profile, loaded, &maps, &line, &sensors)?;
    }
    writer.finish()?;
    Ok(maps.iter().map(CoverageSummary::of).collect())
}

/// GeoTIFFs of a class's metrics (read back from the result file) and its profile as CSV.
fn export_class(
    dir: &Path,
    file: &hdf5::File,
    map: &crate::coverage::map::ClassMap,
    plane: &crate::geo::Plane,
) -> Result<()> {
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

/// Execute a scenario and write the result file.
pub fn run(loaded: &LoadedScenario, out: &Path, opts: &RunOptions) -> Result<RunSummary> {
    let started = Instant::now();
    let mut loaded = loaded.clone();
    if let Some(seed) = opts.seed {
        loaded.scenario.seed = seed;
    }
    let s = &loaded.scenario;
    let (plane, line) = geo::load_line(&loaded)?;
    let places = geo::load_places(&loaded, &plane)?;
    let mut sensors = deploy::deploy(&loaded, &plane, &line)?;
    let mut sensor_losses = losses::apply_static(&loaded, &plane, &mut sensors)?;
    let terrain = crate::terrain::load(&loaded, &plane, &line, &sensors)?;
    let mut writer = ResultWriter::create(out)?;
    let gpu = Gpu::new()?;
    write_header(&writer, &loaded, &plane.definition, &line, &sensors, &terrain, &gpu)?;
    let class_names: Vec<String> = s.classes.iter().map(|c| c.name.clone()).collect();

    let grid = SensorGrid::by_modality(
        &sensors.iter().map(detect::model::gpu_sensor).collect::<Vec<_>>(),
        detect::model::DEFAULT_CELL_M,
    );
    let best = BestCase::of(&sensors).over(&terrain);
    let mut detector = GpuDetector::new(&gpu, detect::model::params(&s.environment, s.seed), &grid, &terrain)?;
    let mut generator = EventGenerator::new(&loaded, &plane, &line);
    let progress = crate::progress::bar(u64::from(generator.block_count), "blocks simulated", opts.progress);
    let mut attrition = losses::Attrition::new(&sensors, s.losses.lethal_radius_m);

    let mut summary = RunSummary {
        scenario: s.name.clone(),
        adapter: gpu.describe(),
        line_km: line.length_km(),
        sensors: sensors.len(),
        sensors_by_modality: Modality::ALL
            .iter()
            .map(|m| (m.name().to_string(), sensors.iter().filter(|x| x.modality == *m).count()))
            .filter(|(_, n)| *n > 0)
            .collect(),
        duration_h: s.duration_h,
        classes: class_names.iter().map(|n| ClassSummary { name: n.clone(), ..Default::default() }).collect(),
        ..Default::default()
    };
    // Detections whose arrival falls after the current block wait here, so that the table is
    // sorted by arrival time across blocks.
    let mut pending: Vec<DetectionRecord> = Vec::new();
    let mut plotted: Vec<PlottedEvent> = Vec::new();
    for b in 0..generator.block_count {
        let events = generator.block(b)?;
        let gpu_events: Vec<_> = events.iter().map(|e| detect::model::gpu_event(e, &s.environment, &best)).collect();
        let (t0, t1) = generator.block_span(b);
        // Sensors destroyed by the block's start are skipped on the device; the rest of the
        // attrition is applied below by arrival time, exactly.
        detector.disable(&attrition.due(t0))?;
        let gpu_started = Instant::now();
        let found = detector.detect(&gpu_events)?;
        summary.gpu_seconds += gpu_started.elapsed().as_secs_f64();
        // This block's impacts destroy the sensors near them: from the impact on (and an
        // impact's time may fall after the block ends) they report nothing.
        attrition.strike(&events);

        let first_id = events.first().map_or(0, |e| e.id);
        let mut per_event = vec![0u32; events.len()];
        for d in &found {
            // Ids come back from the device: check them rather than trust them.
            let k = d.event_id.checked_sub(first_id).map(|k| k as usize).filter(|&k| k < events.len());
            let (Some(k), Some(sensor)) = (k, sensors.get(d.sensor_id as usize)) else {
                return Err(crate::Error::Gpu(format!(
                    "the device returned a detection of unknown event {} or sensor {}",
                    d.event_id, d.sensor_id
                )));
            };
            let e = &events[k];
            // Filtered here too (not only before writing) so that the per-event tallies count
            // what the destroyed sensors could still report.
            if !attrition.standing_at(d.sensor_id as usize, e.t_s + f64::from(d.delay_s)) {
                continue;
            }
            per_event[k] += 1;
            pending.push(DetectionRecord {
                event_id: i64::from(d.event_id),
                sensor_id: d.sensor_id,
                modality: modality_code(sensor.modality),
                t_s: e.t_s + f64::from(d.delay_s),
                snr_db: d.snr_db,
                level_db: d.level_db,
                bearing_rad: d.bearing_rad,
                range_m: d.range_m,
            });
        }
        let mut alarms = false_alarms(s.seed, b, t0, t1, &sensors);
        alarms.retain(|a| attrition.standing_at(a.sensor_id as usize, a.t_s));
        summary.false_alarms += alarms.len() as u64;
        pending.extend(alarms.iter().zip(alarm_sensors(&alarms, &sensors)).map(|(a, sensor)| DetectionRecord {
            event_id: -1,
            sensor_id: a.sensor_id,
            modality: modality_code(sensor.modality),
            t_s: a.t_s,
            snr_db: a.snr_db as f32,
            level_db: (a.snr_db + noise_db(s, sensor, &generator, a.t_s)) as f32,
            bearing_rad: a.bearing_rad as f32,
            // False alarms carry no range (a radar's clutter plots are left to a later model).
            range_m: f32::NAN,
        }));
        tally(&mut summary, &events, &per_event);
        if opts.png.is_some() {
            let room = MAX_PLOTTED_EVENTS.saturating_sub(plotted.len());
            plotted.extend(events.iter().zip(&per_event).take(room).map(|(e, &n)| PlottedEvent {
                x: e.x as f32,
                y: e.y as f32,
                heard: match n {
                    0 => Heard::Unheard,
                    1 | 2 => Heard::Few,
                    _ => Heard::Located,
                },
            }));
        }
        summary.pairs_evaluated = detector.stats.pairs;
        summary.events_by_reference = detector.stats.events_by_reference;
        let write_started = Instant::now();
        writer.append_events(&events.iter().map(event_record).collect::<Vec<_>>())?;
        summary.write_seconds += write_started.elapsed().as_secs_f64();

        let last_block = b + 1 == generator.block_count;
        pending.sort_by(|a, b| a.t_s.total_cmp(&b.t_s).then(a.sensor_id.cmp(&b.sensor_id)));
        // Later blocks cannot destroy a sensor before this block's end, so what is written is final.
        pending.retain(|d| attrition.standing_at(d.sensor_id as usize, d.t_s));
        let ready = if last_block { pending.len() } else { pending.partition_point(|d| d.t_s < t1) };
        let write_started = Instant::now();
        writer.append_detections(&pending[..ready])?;
        summary.write_seconds += write_started.elapsed().as_secs_f64();
        summary.detections += ready as u64;
        pending.drain(..ready);
        progress.inc(1);
    }
    progress.finish_and_clear();
    sensor_losses.extend(attrition.losses());
    writer.write_sensor_losses(&sensor_losses.iter().map(loss_record).collect::<Vec<_>>())?;
    summary.losses = [LossCause::Failed, LossCause::Jammed, LossCause::Destroyed, LossCause::OutOfService]
        .map(|c| sensor_losses.iter().filter(|l| l.cause == c).count());
    if opts.verify {
        summary.verify = Some(crate::verify::verify(writer.file(), &loaded, &plane, &line, &sensors)?);
    }
    if opts.coverage {
        let started = Instant::now();
        let maps = crate::coverage::map::map_scenario(
            &loaded,
            &line,
            &places,
            &sensors,
            &terrain,
            &gpu,
            Some(writer.file()),
            opts.progress,
        )?;
        summary.coverage_seconds = started.elapsed().as_secs_f64();
        draw_coverage_pictures(&opts.pictures, &loaded, &maps, &line, &sensors)?;
        summary.coverage = maps.iter().map(CoverageSummary::of).collect();
    }
    if let Some(png) = &opts.png {
        let length = line.length_km();
        let pick = |m: Modality| sensors.iter().filter(|x| x.modality == m).map(|x| [x.x, x.y]).collect();
        crate::plot::draw(
            png,
            &RunMap {
                title: format!(
                    "{}: {} sensors, {} violations in {} h",
                    s.name, summary.sensors, summary.violations, s.duration_h
                ),
                line_xy: &line.xy,
                side_labels: {
                    // A quarter of the way along, a fifth of the line's length (at most 40 km) deep.
                    let depth = (200.0 * length).min(40_000.0);
                    [line.point_at(0.25 * length, -depth), line.point_at(0.25 * length, depth)]
                },
                acoustic: pick(Modality::Acoustic),
                seismic: pick(Modality::Seismic),
                sight: sensors.iter().filter(|x| x.modality.needs_terrain()).map(|x| [x.x, x.y]).collect(),
                events: &plotted,
            },
        )?;
    }
    writer.finish()?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The sensor of each false alarm (generated from `sensors`, so every id is in range).
fn alarm_sensors<'s>(alarms: &[crate::detect::false_alarms::FalseAlarm], sensors: &'s [Sensor]) -> Vec<&'s Sensor> {
    alarms.iter().filter_map(|a| sensors.get(a.sensor_id as usize)).collect()
}

fn tally(summary: &mut RunSummary, events: &[Event], per_event: &[u32]) {
    for (e, &n) in events.iter().zip(per_event) {
        let c = &mut summary.classes[e.class as usize];
        c.events += 1;
        // A launch and its impact are one violation, and so are the samples of one track.
        if e.kind != EventKind::Impact && e.track_sample == 0 {
            c.violations += 1;
            summary.violations += 1;
        }
        summary.events += 1;
        c.detections += u64::from(n);
        c.detected_events += u64::from(n >= 1);
        c.located_events += u64::from(n >= 3);
    }
}

fn noise_db(s: &crate::scenario::Scenario, sensor: &Sensor, generator: &EventGenerator<'_>, t: f64) -> f64 {
    let env = &s.environment;
    let h = generator.solar_hour(t, sensor.lon);
    let day = h >= env.day_start_h && h < env.day_end_h;
    match (sensor.modality, day) {
        (Modality::Seismic, true) => env.seismic_noise_day_db,
        (Modality::Seismic, false) => env.seismic_noise_night_db,
        (_, true) => env.acoustic_noise_day_db,
        (_, false) => env.acoustic_noise_night_db,
    }
}

pub fn modality_code(m: Modality) -> ModalityCode {
    match m {
        Modality::Acoustic => ModalityCode::Acoustic,
        Modality::Seismic => ModalityCode::Seismic,
        Modality::Radar => ModalityCode::Radar,
        Modality::EoIr => ModalityCode::EoIr,
        Modality::Rf => ModalityCode::Rf,
    }
}

fn side_code(s: Side) -> SideCode {
    match s {
        Side::A => SideCode::A,
        Side::B => SideCode::B,
    }
}

fn loss_record(l: &SensorLoss) -> SensorLossRecord {
    SensorLossRecord {
        sensor_id: l.sensor_id,
        t_s: l.t_s,
        cause: match l.cause {
            LossCause::Failed => LossCauseCode::Failed,
            LossCause::Jammed => LossCauseCode::Jammed,
            LossCause::Destroyed => LossCauseCode::Destroyed,
            LossCause::OutOfService => LossCauseCode::OutOfService,
        },
    }
}

fn sensor_record(s: &Sensor) -> SensorRecord {
    SensorRecord {
        id: s.id,
        modality: modality_code(s.modality),
        row: s.row,
        lon: s.lon,
        lat: s.lat,
        x: s.x,
        y: s.y,
        z: s.z,
        chainage_km: s.chainage_km,
        offset_m: s.offset_m,
        side: side_code(s.side),
        status: u8::from(!s.active),
        threshold_db: s.threshold_db as f32,
        fluctuation_db: s.fluctuation_db as f32,
        timing_sigma_ms: (s.timing_sigma_s * 1e3) as f32,
        bearing_sigma_deg: s.bearing_sigma_rad.to_degrees() as f32,
        false_alarms_per_day: s.false_alarms_per_day as f32,
        cost_eur: s.cost_eur,
    }
}

fn event_record(e: &Event) -> EventRecord {
    EventRecord {
        id: e.id,
        class: e.class,
        kind: match e.kind {
            EventKind::Launch => EventKindCode::Launch,
            EventKind::Impact => EventKindCode::Impact,
            EventKind::Fire => EventKindCode::Fire,
            EventKind::Movement => EventKindCode::Movement,
        },
        responsible_side: side_code(e.responsible),
        t_s: e.t_s,
        lon: e.lon,
        lat: e.lat,
        x: e.x,
        y: e.y,
        z: e.z,
        chainage_km: e.chainage_km,
        offset_m: e.offset_m,
        linked_id: e.linked_id,
        track_id: e.track_id,
        track_sample: e.track_sample,
        acoustic_db: e.source.acoustic_db as f32,
        acoustic_freq_hz: e.source.acoustic_freq_hz as f32,
        seismic_db: e.source.seismic_db as f32,
        seismic_freq_hz: e.source.seismic_freq_hz as f32,
        is_day: u8::from(e.is_day),
    }
}
