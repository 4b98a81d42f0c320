//! The headless run: scenario → world → events → GPU detections → HDF5, streamed one block (an
//! hour, or less at high rates) at a time (docs/design.md §1).

pub mod calibration;
mod coverage;
mod records;
mod summary;
pub mod tally;

pub use coverage::{CoveragePictures, coverage_only, draw_coverage_pictures};
pub use summary::{ClassSummary, CoverageSummary, RunSummary};

use crate::abi;
use crate::deploy::losses::{Attrition, LossCause};
use crate::detect::{self, GpuDetector, GpuSensor, SensorGrid, false_alarms::false_alarms, reference, signature};
use crate::error::Result;
use crate::events::{Event, EventGenerator};
use crate::gpu::Gpu;
use crate::output::*;
use crate::plot::{Heard, MAX_PLOTTED_EVENTS, PlottedEvent, RunMap};
use crate::scenario::{LoadedScenario, Modality, Scenario};
use crate::world::World;
use records::{event_record, loss_record, sensor_record};
use std::path::Path;
use std::time::Instant;

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
    /// Run the blind association's search on its f64 reference instead of the device (the
    /// benchmark's comparison).
    pub search_on_cpu: bool,
}

/// Root attributes, the line and the sensors: what every result file starts with.
pub fn write_header(writer: &ResultWriter, loaded: &LoadedScenario, world: &World, gpu: &Gpu) -> Result<()> {
    let s = &loaded.scenario;
    writer.write_root(&RootAttributes {
        seed: s.seed,
        scenario_name: s.name.clone(),
        scenario_toml: loaded.text.clone(),
        crs: world.plane.definition.clone(),
        adapter: gpu.describe(),
        duration_s: s.duration_h * 3600.0,
    })?;
    let line = &world.line;
    writer.write_line(&line.lonlat, &line.xy, &line.chainage_km)?;
    writer.write_terrain(&world.terrain)?;
    let row_names: Vec<String> = s.rows.iter().map(|r| r.name.clone()).collect();
    let records: Vec<_> = world
        .sensors
        .iter()
        .zip(&world.true_sensors)
        .map(|(s, truth)| sensor_record(s, truth, world.clock_offsets_s.get(s.id as usize).copied().unwrap_or(0.0)))
        .collect();
    writer.write_sensors(&records, &row_names)?;
    writer.set_class_names(&s.classes.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
}

/// Execute a scenario and write the result file.
pub fn run(loaded: &LoadedScenario, out: &Path, opts: &RunOptions) -> Result<RunSummary> {
    let started = Instant::now();
    let mut loaded = loaded.clone();
    if let Some(seed) = opts.seed {
        loaded.scenario.seed = seed;
    }
    let s = &loaded.scenario;
    let world = World::load(&loaded)?;
    let mut writer = ResultWriter::create(out)?;
    let gpu = Gpu::new()?;
    write_header(&writer, &loaded, &world, &gpu)?;
    let mut summary = RunSummary::start(s, &world, &gpu);
    let plotted = simulate(&loaded, &world, &gpu, &mut writer, opts, &mut summary)?;
    if opts.verify {
        summary.verify = Some(crate::verify::verify(
            writer.file(),
            &loaded,
            &world.plane,
            &world.line,
            &world.sensors,
            (!opts.search_on_cpu).then_some(&gpu),
        )?);
    }
    if opts.coverage {
        let started = Instant::now();
        let maps = crate::coverage::map::map_scenario(&loaded, &world, &gpu, Some(writer.file()), opts.progress)?;
        summary.coverage_seconds = started.elapsed().as_secs_f64();
        draw_coverage_pictures(&opts.pictures, &loaded, &maps, &world)?;
        summary.coverage = maps.iter().map(CoverageSummary::of).collect();
        if summary.verify.is_some() {
            let h5 = |what: &str, e: hdf5::Error| crate::error::Error::output(what, e);
            let events =
                crate::output::reader::read_table::<crate::output::records::EventRecord>(writer.file(), "events")
                    .map_err(|e| h5("events", e))?;
            let verdicts = calibration::verdicts(writer.file()).map_err(|e| h5("estimates", e))?;
            for c in &mut summary.coverage {
                c.calibration = calibration::calibrate(writer.file(), s, &c.class, &events, &verdicts)
                    .map_err(|e| h5("coverage", e))?;
            }
        }
    }
    if let Some(png) = &opts.png {
        draw_run_map(png, s, &world, &summary, &plotted)?;
    }
    writer.finish()?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The blocks of events, their detections on the device and the false alarms, appended to the
/// result file in arrival order; the sensors lost on the way. Returns the events to plot.
fn simulate(
    loaded: &LoadedScenario,
    world: &World,
    gpu: &Gpu,
    writer: &mut ResultWriter,
    opts: &RunOptions,
    summary: &mut RunSummary,
) -> Result<Vec<PlottedEvent>> {
    let s = &loaded.scenario;
    let sensors = &world.sensors;
    // The device hears the world as it is: sensors where they really stand.
    let gpu_sensors: Vec<GpuSensor> = world.true_sensors.iter().map(abi::gpu_sensor).collect();
    let grid = SensorGrid::by_modality(&gpu_sensors, abi::DEFAULT_CELL_M);
    let best = world.best_case();
    let params = abi::params(&s.environment, &s.truth, s.seed);
    let mut detector = GpuDetector::new(gpu, params, &grid, &world.terrain)?;
    let mut generator = EventGenerator::new(loaded, &world.plane, &world.line);
    let progress = crate::progress::bar(u64::from(generator.block_count), "blocks simulated", opts.progress);
    let mut attrition = Attrition::new(&world.true_sensors, s.losses.lethal_radius_m);
    // Detections whose arrival falls after the current block wait here, so that the table is
    // sorted by arrival time across blocks.
    let mut pending: Vec<DetectionRecord> = Vec::new();
    let mut picker = crate::detect::picker::Picker::new(sensors.iter().map(|x| x.dead_time_s).collect());
    let call_laws = signature::call_laws(sensors, &s.rows);
    let mut plotted: Vec<PlottedEvent> = Vec::new();
    for b in 0..generator.block_count {
        let events = generator.block(b)?;
        let gpu_events: Vec<_> = events.iter().map(|e| world.gpu_event(s, e, &best)).collect();
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
        let (tallied, first_id) = (pending.len(), events.first().map_or(0, |e| e.id));
        let per_event = event_detections(&found, &events, world, &attrition, (s.seed, &call_laws), &mut pending)?;
        for e in &events {
            summary.heard.event(e);
        }
        for d in pending.iter().skip(tallied) {
            if let (Some(k), Some(sensor)) = (
                u32::try_from(d.event_id).ok().and_then(|id| id.checked_sub(first_id)),
                sensors.get(d.sensor_id as usize),
            ) && let Some(e) = events.get(k as usize)
            {
                summary.heard.detection(e, sensor, f64::from(d.level_db));
            }
        }

        let mut alarms = false_alarms(s.seed, b, t0, t1, sensors);
        alarms.retain(|a| attrition.standing_at(a.sensor_id as usize, a.t_s));
        summary.false_alarms += alarms.len() as u64;
        pending.extend(alarms.iter().filter_map(|a| {
            let (sensor, gpu_sensor) = (sensors.get(a.sensor_id as usize)?, gpu_sensors.get(a.sensor_id as usize)?);
            // A false alarm's level is its SNR over the noise that sensor's modality hears.
            let noise_db = reference::noise_db(&params, gpu_sensor, generator.is_day(a.t_s, sensor.lon));
            Some(DetectionRecord {
                event_id: -1,
                sensor_id: a.sensor_id,
                modality: sensor.modality,
                t_s: a.t_s,
                snr_db: a.snr_db as f32,
                level_db: (a.snr_db + noise_db) as f32,
                bearing_rad: a.bearing_rad as f32,
                // False alarms carry no range (a radar's clutter plots are left to a later model).
                range_m: f32::NAN,
                phase: crate::physics::seismic::Phase::Direct,
                signature: signature::false_alarm_call(s.seed, a.sensor_id, a.t_s, sensor.modality),
            })
        }));
        summary.tally(&events, &per_event);
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
        let records: Vec<_> =
            events.iter().map(|e| event_record(e, &world.weather.at(e.chainage_km, e.t_s, e.is_day))).collect();
        writer.append_events(&records)?;
        summary.write_seconds += write_started.elapsed().as_secs_f64();

        let last_block = b + 1 == generator.block_count;
        pending.sort_by(|a, b| a.t_s.total_cmp(&b.t_s).then(a.sensor_id.cmp(&b.sensor_id)));
        // Later blocks cannot destroy a sensor before this block's end, so what is written is final.
        pending.retain(|d| attrition.standing_at(d.sensor_id as usize, d.t_s));
        let ready = if last_block { pending.len() } else { pending.partition_point(|d| d.t_s < t1) };
        // What is written is final and in time order: the sensors' pickers take it in turn.
        let picked = picker.pick(&pending[..ready]);
        let write_started = Instant::now();
        writer.append_detections(&picked)?;
        summary.write_seconds += write_started.elapsed().as_secs_f64();
        summary.detections += picked.len() as u64;
        pending.drain(..ready);
        progress.inc(1);
    }
    progress.finish_and_clear();
    summary.unpicked = picker.unpicked;
    let mut sensor_losses = world.losses.clone();
    sensor_losses.extend(attrition.losses());
    writer.write_sensor_losses(&sensor_losses.iter().map(loss_record).collect::<Vec<_>>())?;
    summary.losses = [LossCause::Failed, LossCause::Jammed, LossCause::Destroyed, LossCause::OutOfService]
        .map(|c| sensor_losses.iter().filter(|l| l.cause == c).count());
    Ok(plotted)
}

/// The device's detections of a block as table rows (into `pending`), time-stamped by each
/// sensor's own clock and called launch or detonation by its microphone, less those of sensors
/// already destroyed when the wave arrives; returns each event's count.
fn event_detections(
    found: &[detect::GpuDetection],
    events: &[Event],
    world: &World,
    attrition: &Attrition,
    (seed, call_laws): (u64, &[signature::CallLaw]),
    pending: &mut Vec<DetectionRecord>,
) -> Result<Vec<u32>> {
    let first_id = events.first().map_or(0, |e| e.id);
    let mut per_event = vec![0u32; events.len()];
    for d in found {
        // Ids come back from the device: check them rather than trust them.
        let k = d.event_id.checked_sub(first_id).map(|k| k as usize).filter(|&k| k < events.len());
        let sensor = world.sensors.get(d.sensor_id as usize);
        let clock = world.clock_offsets_s.get(d.sensor_id as usize);
        let (Some(k), Some(sensor), Some(clock)) = (k, sensor, clock) else {
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
        let law = call_laws.get(d.sensor_id as usize).copied().unwrap_or_default();
        pending.push(DetectionRecord {
            event_id: i64::from(d.event_id),
            sensor_id: d.sensor_id,
            modality: sensor.modality,
            t_s: e.t_s + f64::from(d.delay_s) + clock,
            snr_db: d.snr_db,
            level_db: d.level_db,
            bearing_rad: d.bearing_rad,
            range_m: d.range_m,
            phase: crate::physics::seismic::Phase::from_code(d.phase),
            signature: signature::call(
                seed,
                d.event_id,
                d.sensor_id,
                sensor.modality,
                e.kind,
                law.separation(f64::from(d.snr_db) - sensor.threshold_db),
            ),
        });
    }
    Ok(per_event)
}

/// The quick-look map of a run: line, sensors by kind, events by how well they were heard.
fn draw_run_map(png: &Path, s: &Scenario, world: &World, summary: &RunSummary, plotted: &[PlottedEvent]) -> Result<()> {
    let (line, sensors) = (&world.line, &world.sensors);
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
            events: plotted,
        },
    )
}
