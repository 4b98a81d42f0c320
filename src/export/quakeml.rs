//! QuakeML 1.2 (basic event description) catalogues: `truth.xml`, the ground-truth events with
//! their picks (every detection) and arrivals, and `estimates.xml`, what the verifier located,
//! with uncertainty ellipses. ObsPy's `read_events` reads both (docs/design.md §14).

use super::source::Source;
use crate::events::EventKind;
use crate::output::{DetectionRecord, EstimateRecord, EventRecord, SensorRecord, SideCode};
use crate::physics::seismic::Phase;
use crate::scenario::Modality;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::io::Write;

/// Resource identifiers (QuakeML's `smi:` scheme) are `smi:linewatch/<kind>/<id>`.
const AUTHORITY: &str = "smi:linewatch";
/// The network code every sensor's stream is given (FDSN leaves "X*", "Y*", "Z*" and two-digit
/// temporary codes to local use; "LW" is ours, stated here, registered nowhere).
pub const NETWORK: &str = "LW";
/// Mean Earth radius (IUGG), m: distances in arrivals are in degrees of arc on this sphere.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// An XML document written element by element (memory stays that of one element).
pub(super) struct Xml<W: Write> {
    writer: Writer<W>,
}

impl<W: Write> Xml<W> {
    pub(super) fn new(out: W) -> std::io::Result<Self> {
        let mut writer = Writer::new_with_indent(out, b' ', 1);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(Self { writer })
    }

    pub(super) fn open(&mut self, tag: &str, attributes: &[(&str, &str)]) -> std::io::Result<()> {
        let start = BytesStart::new(tag).with_attributes(attributes.iter().copied());
        self.writer.write_event(Event::Start(start))
    }

    pub(super) fn close(&mut self, tag: &str) -> std::io::Result<()> {
        self.writer.write_event(Event::End(BytesEnd::new(tag)))
    }

    pub(super) fn empty(&mut self, tag: &str, attributes: &[(&str, &str)]) -> std::io::Result<()> {
        let start = BytesStart::new(tag).with_attributes(attributes.iter().copied());
        self.writer.write_event(Event::Empty(start))
    }

    pub(super) fn leaf(&mut self, tag: &str, text: &str) -> std::io::Result<()> {
        self.open(tag, &[])?;
        self.writer.write_event(Event::Text(BytesText::new(text)))?;
        self.close(tag)
    }

    /// A QuakeML quantity: `<tag><value>v</value>[<uncertainty>u</uncertainty>]</tag>`.
    fn quantity(&mut self, tag: &str, value: &str, uncertainty: Option<f64>) -> std::io::Result<()> {
        self.open(tag, &[])?;
        self.leaf("value", value)?;
        if let Some(u) = uncertainty.filter(|u| u.is_finite() && *u > 0.0) {
            self.leaf("uncertainty", &format!("{u:.6e}"))?;
        }
        self.close(tag)
    }

    fn comment(&mut self, text: &str) -> std::io::Result<()> {
        self.open("comment", &[])?;
        self.leaf("text", text)?;
        self.close("comment")
    }

    fn begin_catalogue(&mut self, id: &str) -> std::io::Result<()> {
        self.open(
            "q:quakeml",
            &[("xmlns:q", "http://quakeml.org/xmlns/quakeml/1.2"), ("xmlns", "http://quakeml.org/xmlns/bed/1.2")],
        )?;
        self.open("eventParameters", &[("publicID", id)])
    }

    fn end_catalogue(mut self) -> std::io::Result<W> {
        self.close("eventParameters")?;
        self.close("q:quakeml")?;
        self.finish()
    }

    pub(super) fn finish(self) -> std::io::Result<W> {
        let mut out = self.writer.into_inner();
        out.flush()?;
        Ok(out)
    }
}

/// The ground truth: one QuakeML event per simulated event (every one, heard or not), its
/// origin the true place and time, its picks the detections it caused with arrivals on the true
/// origin; the false alarms as picks of one last event of type "not existing".
pub fn write_truth<W: Write>(source: &Source, out: W) -> std::io::Result<W> {
    let by_event = detections_by_event(source);
    let mut xml = Xml::new(out)?;
    xml.begin_catalogue(&format!("{AUTHORITY}/truth"))?;
    let mut order: Vec<&EventRecord> = source.events.iter().collect();
    order.sort_by(|a, b| a.t_s.total_cmp(&b.t_s).then(a.id.cmp(&b.id)));
    for event in order {
        let rows = by_event.rows(event.id);
        write_true_event(&mut xml, source, event, rows)?;
    }
    let false_alarms: Vec<usize> =
        (0..source.detections.len()).filter(|&i| source.detections[i].event_id < 0).collect();
    if !false_alarms.is_empty() {
        xml.open("event", &[("publicID", &format!("{AUTHORITY}/event/false-alarms"))])?;
        xml.leaf("type", "not existing")?;
        xml.open("description", &[])?;
        xml.leaf("text", "false alarms: detections no event caused")?;
        xml.close("description")?;
        for &row in &false_alarms {
            write_pick(&mut xml, source, row, &source.detections[row])?;
        }
        xml.close("event")?;
    }
    xml.end_catalogue()
}

fn write_true_event<W: Write>(
    xml: &mut Xml<W>,
    source: &Source,
    event: &EventRecord,
    rows: &[u32],
) -> std::io::Result<()> {
    let event_id = event_resource_id(i64::from(event.id));
    let origin_id = format!("{AUTHORITY}/origin/{}", event.id);
    xml.open("event", &[("publicID", &event_id)])?;
    xml.leaf("preferredOriginID", &origin_id)?;
    let (kind_text, event_type) = kind_words(event.kind);
    xml.leaf("type", event_type)?;
    xml.leaf("typeCertainty", "known")?;
    xml.open("description", &[])?;
    xml.leaf(
        "text",
        &format!("{} {kind_text}, responsible side {}", source.class_name(event), side_word(event.responsible_side)),
    )?;
    xml.close("description")?;
    xml.comment(&format!(
        "class={} kind={kind_text} responsible_side={} linked_id={} track_id={} chainage_km={:.3} offset_m={:.1} x_m={:.2} y_m={:.2}",
        source.class_name(event),
        side_word(event.responsible_side),
        event.linked_id,
        event.track_id,
        event.chainage_km,
        event.offset_m,
        event.x,
        event.y
    ))?;
    for &row in rows {
        let row = row as usize;
        write_pick(xml, source, row, &source.detections[row])?;
    }
    xml.open("origin", &[("publicID", &origin_id)])?;
    xml.quantity("time", &source.clock.iso(event.t_s), None)?;
    xml.quantity("latitude", &format!("{:.7}", event.lat), None)?;
    xml.quantity("longitude", &format!("{:.7}", event.lon), None)?;
    xml.leaf("type", "hypocenter")?;
    xml.leaf("methodID", &format!("{AUTHORITY}/method/ground-truth"))?;
    xml.leaf("evaluationMode", "manual")?;
    xml.leaf("evaluationStatus", "final")?;
    for &row in rows {
        let row = row as usize;
        write_arrival(xml, source, row, &source.detections[row], event)?;
    }
    xml.close("origin")?;
    xml.close("event")
}

/// A detection as a pick: time (with its onset-pick σ), stream, back-azimuth (true north, with
/// the sensor's σ at threshold: an upper bound).
fn write_pick<W: Write>(xml: &mut Xml<W>, source: &Source, row: usize, d: &DetectionRecord) -> std::io::Result<()> {
    xml.open("pick", &[("publicID", &pick_id(row))])?;
    let sensor = source.sensor(d.sensor_id);
    xml.quantity("time", &source.clock.iso(d.t_s), sensor.map(|s| pick_sigma_s(s, d)))?;
    let station = d.sensor_id.to_string();
    xml.empty(
        "waveformID",
        &[
            ("networkCode", NETWORK),
            ("stationCode", &station),
            ("locationCode", ""),
            ("channelCode", channel_code(d.modality)),
        ],
    )?;
    if d.bearing_rad.is_finite() {
        let convergence = sensor.map_or(0.0, |s| source.true_north_grid_bearing(s.lon, s.lat));
        let true_bearing = (f64::from(d.bearing_rad) - convergence).to_degrees().rem_euclid(360.0);
        let sigma_deg = sensor.map(|s| f64::from(s.bearing_sigma_deg));
        xml.quantity("backazimuth", &format!("{true_bearing:.4}"), sigma_deg)?;
    }
    xml.leaf("methodID", &format!("{AUTHORITY}/method/{}", modality_word(d.modality)))?;
    xml.leaf("phaseHint", phase_code(d.modality, d.phase))?;
    xml.leaf("evaluationMode", "automatic")?;
    xml.comment(&format!(
        "modality={} snr_db={:.2} level_db={:.2} range_m={} scenario_t_s={:.6} signature={}",
        modality_word(d.modality),
        d.snr_db,
        d.level_db,
        if d.range_m.is_finite() { format!("{:.1}", d.range_m) } else { "none".into() },
        d.t_s,
        signature_word(d.signature)
    ))?;
    xml.close("pick")
}

/// The onset-pick error of a detection, s (what a pick's time uncertainty means; the travel
/// time's model error is the locator's business): the row's σ at the threshold, no finer than
/// half a period for Lg at the frequency the verifier assumes (docs/design.md §6), falling with
/// SNR for waves as the simulation's own law.
fn pick_sigma_s(sensor: &SensorRecord, d: &DetectionRecord) -> f64 {
    let row_s = f64::from(sensor.timing_sigma_ms) * 1e-3;
    match (d.modality, d.phase) {
        (Modality::Seismic, Phase::Lg) => {
            let at_threshold = row_s.max(0.5 / crate::physics::source::DEFAULT_REGIONAL_FREQ_HZ);
            crate::physics::pick_sigma_s(at_threshold, f64::from(sensor.threshold_db), f64::from(d.snr_db))
        }
        (Modality::Acoustic | Modality::Seismic, _) => {
            crate::physics::pick_sigma_s(row_s, f64::from(sensor.threshold_db), f64::from(d.snr_db))
        }
        _ => row_s,
    }
}

fn write_arrival<W: Write>(
    xml: &mut Xml<W>,
    source: &Source,
    row: usize,
    d: &DetectionRecord,
    event: &EventRecord,
) -> std::io::Result<()> {
    xml.open("arrival", &[("publicID", &format!("{AUTHORITY}/arrival/{row}"))])?;
    xml.leaf("pickID", &pick_id(row))?;
    xml.leaf("phase", phase_code(d.modality, d.phase))?;
    if let Some(sensor) = source.sensor(d.sensor_id) {
        let (distance_deg, azimuth_deg) = distance_azimuth(event.lat, event.lon, sensor.lat, sensor.lon);
        xml.leaf("azimuth", &format!("{azimuth_deg:.4}"))?;
        xml.leaf("distance", &format!("{distance_deg:.7}"))?;
    }
    xml.close("arrival")
}

/// The verifier's located candidates: one QuakeML event each (type "explosion", certainty
/// "suspected"), its origin with latitude and longitude σ and the 1σ uncertainty ellipse; which
/// true event it was scored against is a comment.
pub fn write_estimates<W: Write>(source: &Source, out: W) -> std::io::Result<W> {
    let mut xml = Xml::new(out)?;
    xml.begin_catalogue(&format!("{AUTHORITY}/estimates"))?;
    let mut order: Vec<&EstimateRecord> = source.estimates.iter().collect();
    order.sort_by(|a, b| a.t0_s.total_cmp(&b.t0_s).then(a.id.cmp(&b.id)));
    for e in order {
        write_estimate(&mut xml, source, e)?;
    }
    xml.end_catalogue()
}

fn write_estimate<W: Write>(xml: &mut Xml<W>, source: &Source, e: &EstimateRecord) -> std::io::Result<()> {
    let origin_id = format!("{AUTHORITY}/estimate-origin/{}", e.id);
    xml.open("event", &[("publicID", &format!("{AUTHORITY}/estimate/{}", e.id))])?;
    xml.leaf("preferredOriginID", &origin_id)?;
    xml.leaf("type", "explosion")?;
    xml.leaf("typeCertainty", "suspected")?;
    xml.open("description", &[])?;
    xml.leaf("text", &format!("located candidate, attributed side {}", side_word(e.attributed_side)))?;
    xml.close("description")?;
    let truth = if e.truth_event_id >= 0 { format!("{AUTHORITY}/event/{}", e.truth_event_id) } else { "none".into() };
    xml.comment(&format!(
        "attributed_side={} confidence={:.6} truth_event={truth} error_m={:.2} chi2={:.3} n_detections={} x_m={:.2} y_m={:.2} sigma_n_m={:.2}",
        side_word(e.attributed_side),
        e.confidence,
        e.error_m,
        e.chi2,
        e.n_detections,
        e.x,
        e.y,
        e.sigma_n_m
    ))?;
    let ellipse = Ellipse::from_grid(e, source.true_north_grid_bearing(e.lon, e.lat));
    xml.open("origin", &[("publicID", &origin_id)])?;
    xml.quantity("time", &source.clock.iso(e.t0_s), None)?;
    let metres_per_degree = EARTH_RADIUS_M.to_radians();
    xml.quantity("latitude", &format!("{:.7}", e.lat), Some(ellipse.sigma_north_m / metres_per_degree))?;
    let per_degree_east = metres_per_degree * e.lat.to_radians().cos();
    xml.quantity("longitude", &format!("{:.7}", e.lon), Some(ellipse.sigma_east_m / per_degree_east))?;
    xml.open("quality", &[])?;
    xml.leaf("associatedPhaseCount", &e.n_detections.to_string())?;
    xml.leaf("usedPhaseCount", &e.n_detections.to_string())?;
    xml.close("quality")?;
    xml.open("originUncertainty", &[])?;
    xml.leaf("minHorizontalUncertainty", &format!("{:.3}", ellipse.minor_m))?;
    xml.leaf("maxHorizontalUncertainty", &format!("{:.3}", ellipse.major_m))?;
    xml.leaf("azimuthMaxHorizontalUncertainty", &format!("{:.3}", ellipse.major_azimuth_deg))?;
    xml.leaf("preferredDescription", "uncertainty ellipse")?;
    // A 2-D normal's 1σ ellipse holds 1 − e^(−1/2) of its probability.
    xml.leaf("confidenceLevel", &format!("{:.2}", 100.0 * (1.0 - (-0.5f64).exp())))?;
    xml.close("originUncertainty")?;
    xml.leaf("methodID", &format!("{AUTHORITY}/method/verifier"))?;
    xml.leaf("evaluationMode", "automatic")?;
    xml.close("origin")?;
    xml.close("event")
}

/// An estimate's 1σ error ellipse in true-north terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipse {
    pub major_m: f64,
    pub minor_m: f64,
    /// Azimuth of the major axis, degrees clockwise from true north, in [0, 180).
    pub major_azimuth_deg: f64,
    pub sigma_north_m: f64,
    pub sigma_east_m: f64,
}

impl Ellipse {
    /// From the grid covariance (σx east, σy north of the plane, ρ) and the grid bearing of true
    /// north at the place.
    pub fn from_grid(e: &EstimateRecord, true_north_grid_bearing: f64) -> Self {
        let (sx, sy, rho) = (e.sigma_x_m, e.sigma_y_m, e.rho_xy);
        let (cxx, cyy, cxy) = (sx * sx, sy * sy, rho * sx * sy);
        // Rotate grid components into true ones: true bearing = grid bearing − γ, a turn by γ
        // counter-clockwise in the (east, north) plane.
        let (s, c) = true_north_grid_bearing.sin_cos();
        let (ee, nn, en) = (
            c * c * cxx - 2.0 * s * c * cxy + s * s * cyy,
            s * s * cxx + 2.0 * s * c * cxy + c * c * cyy,
            s * c * (cxx - cyy) + (c * c - s * s) * cxy,
        );
        let mean = 0.5 * (ee + nn);
        let half_gap = (0.25 * (ee - nn).powi(2) + en * en).sqrt();
        // The major axis's angle from east, counter-clockwise; as an azimuth from north.
        let from_east = 0.5 * (2.0 * en).atan2(ee - nn);
        Self {
            major_m: (mean + half_gap).max(0.0).sqrt(),
            minor_m: (mean - half_gap).max(0.0).sqrt(),
            major_azimuth_deg: (90.0 - from_east.to_degrees()).rem_euclid(180.0),
            sigma_north_m: nn.max(0.0).sqrt(),
            sigma_east_m: ee.max(0.0).sqrt(),
        }
    }
}

/// Great-circle distance (degrees of arc) and azimuth (degrees from north) from a source to a
/// sensor, on the sphere QuakeML's arrival distances assume.
pub fn distance_azimuth(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> (f64, f64) {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    let arc = 2.0 * h.sqrt().min(1.0).asin();
    let azimuth = (dl.sin() * p2.cos()).atan2(p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos());
    (arc.to_degrees(), azimuth.to_degrees().rem_euclid(360.0))
}

/// Detections' row numbers grouped by event (compressed rows: offsets into one index).
struct ByEvent {
    /// Event id → start in `rows`; `starts[id + 1]` is its end.
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl ByEvent {
    fn rows(&self, event_id: u32) -> &[u32] {
        let i = event_id as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.rows[a as usize..b as usize],
            _ => &[],
        }
    }
}

fn detections_by_event(source: &Source) -> ByEvent {
    let max_id = source.events.iter().map(|e| e.id as usize + 1).max().unwrap_or(0);
    let mut starts = vec![0u32; max_id + 1];
    for d in &source.detections {
        if let Ok(id) = usize::try_from(d.event_id)
            && id < max_id
        {
            starts[id + 1] += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut rows = vec![0u32; starts[max_id] as usize];
    for (row, d) in source.detections.iter().enumerate() {
        if let Ok(id) = usize::try_from(d.event_id)
            && id < max_id
        {
            rows[next[id] as usize] = row as u32;
            next[id] += 1;
        }
    }
    ByEvent { starts, rows }
}

/// A true event's QuakeML resource id.
pub fn event_resource_id(event_id: i64) -> String {
    format!("{AUTHORITY}/event/{event_id}")
}

fn pick_id(row: usize) -> String {
    format!("{AUTHORITY}/pick/{row}")
}

/// The event's kind in words and as a QuakeML event type.
pub(super) fn kind_words(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::Launch => ("launch", "explosion"),
        EventKind::Impact => ("impact", "explosion"),
        EventKind::Strike => ("strike", "explosion"),
        EventKind::Fire => ("fire", "other event"),
        EventKind::Movement => ("movement", "other event"),
    }
}

pub fn side_word(side: SideCode) -> &'static str {
    match side {
        SideCode::Indeterminate => "indeterminate",
        SideCode::A => "A",
        SideCode::B => "B",
    }
}

pub fn modality_word(m: Modality) -> &'static str {
    match m {
        Modality::Acoustic => "acoustic",
        Modality::Seismic => "seismic",
        Modality::Radar => "radar",
        Modality::EoIr => "eo_ir",
        Modality::Rf => "rf",
    }
}

/// SEED channel codes (SEED manual v2.4, appendix A: band, instrument, orientation): an
/// acoustic array's pressure sensor "BDF" (infrasound), a geophone's vertical "EPZ"; the other
/// modalities have no seismological channel and get none.
pub(super) fn channel_code(m: Modality) -> &'static str {
    match m {
        Modality::Acoustic => "BDF",
        Modality::Seismic => "EPZ",
        Modality::Radar | Modality::EoIr | Modality::Rf => "",
    }
}

/// A microphone's launch-or-detonation call in a pick's comment (docs/design.md §3.6).
fn signature_word(s: crate::output::SignatureCode) -> &'static str {
    match s {
        crate::output::SignatureCode::None => "none",
        crate::output::SignatureCode::Launch => "launch",
        crate::output::SignatureCode::Detonation => "detonation",
    }
}

/// IASPEI standard phase names where one applies: "I" an atmospheric infrasound arrival,
/// "Rg" the short-period fundamental-mode Rayleigh wave a surface source excites (the model's
/// direct seismic path), "Lg"; otherwise the modality's name.
fn phase_code(m: Modality, phase: Phase) -> &'static str {
    match (m, phase) {
        (Modality::Acoustic, _) => "I",
        (Modality::Seismic, Phase::Lg) => "Lg",
        (Modality::Seismic, Phase::Direct) => "Rg",
        (other, _) => modality_word(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(sx: f64, sy: f64, rho: f64) -> EstimateRecord {
        EstimateRecord {
            id: 0,
            x: 0.0,
            y: 0.0,
            lon: 37.0,
            lat: 48.0,
            t0_s: 0.0,
            sigma_x_m: sx,
            sigma_y_m: sy,
            rho_xy: rho,
            sigma_n_m: 0.0,
            chainage_km: 0.0,
            offset_m: 0.0,
            attributed_side: SideCode::A,
            confidence: 0.5,
            n_detections: 3,
            chi2: 1.0,
            truth_event_id: -1,
            error_m: f64::NAN,
            kind: Default::default(),
            p_launch: f32::NAN,
        }
    }

    #[test]
    fn ellipse_axes_and_azimuth() {
        // Elongated east-west on a plane whose grid north is true north.
        let e = Ellipse::from_grid(&estimate(30.0, 10.0, 0.0), 0.0);
        assert!((e.major_m - 30.0).abs() < 1e-9 && (e.minor_m - 10.0).abs() < 1e-9, "{e:?}");
        assert!((e.major_azimuth_deg - 90.0).abs() < 1e-9, "{e:?}");
        // Perfectly correlated equal σ: the major axis runs north-east.
        let e = Ellipse::from_grid(&estimate(10.0, 10.0, 0.999_999), 0.0);
        assert!((e.major_azimuth_deg - 45.0).abs() < 1e-3, "{e:?}");
        // True north at grid bearing 90°: grid east is true north.
        let e = Ellipse::from_grid(&estimate(30.0, 10.0, 0.0), std::f64::consts::FRAC_PI_2);
        assert!(e.major_azimuth_deg.abs() < 1e-6 || (e.major_azimuth_deg - 180.0).abs() < 1e-6, "{e:?}");
        assert!((e.sigma_north_m - 30.0).abs() < 1e-9 && (e.sigma_east_m - 10.0).abs() < 1e-9, "{e:?}");
    }

    #[test]
    fn great_circle_distance_and_azimuth() {
        // One degree of latitude due north; one degree of longitude on the equator due east.
        let (d, az) = distance_azimuth(48.0, 37.0, 49.0, 37.0);
        assert!((d - 1.0).abs() < 1e-9 && az.abs() < 1e-9, "{d} {az}");
        let (d, az) = distance_azimuth(0.0, 10.0, 0.0, 11.0);
        assert!((d - 1.0).abs() < 1e-9 && (az - 90.0).abs() < 1e-9, "{d} {az}");
    }
}
