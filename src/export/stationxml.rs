//! FDSN StationXML 1.2: the sensors as surveyed (what a deployment's metadata would hold; the
//! true positions stay in the result file), one station per sensor in network `LW`, a channel
//! for each acoustic and seismic sensor. ObsPy's `read_inventory` reads it (docs/design.md §14).

use super::quakeml::{NETWORK, Xml, channel_code, modality_word};
use super::source::Source;
use super::waveform::array;
use crate::output::SensorRecord;
use crate::scenario::Modality;
use std::io::Write;

pub fn write_stations<W: Write>(source: &Source, out: W) -> std::io::Result<W> {
    write_station_document(source, source.sensors.iter(), &Channels::default(), out)
}

/// How a document's channels are described.
#[derive(Debug, Clone, Copy, Default)]
pub struct Channels {
    /// Their sample rate, where a waveform export gives one.
    pub rate_hz: Option<f64>,
    /// Acoustic sensors as arrays: a channel per element, at the element's position, location
    /// codes "00".."03" (`waveform::array`).
    pub array_elements: bool,
}

/// A StationXML document of `sensors`.
pub fn write_station_document<'a, W: Write>(
    source: &Source,
    sensors: impl Iterator<Item = &'a SensorRecord>,
    channels: &Channels,
    out: W,
) -> std::io::Result<W> {
    let mut xml = Xml::new(out)?;
    xml.open("FDSNStationXML", &[("xmlns", "http://www.fdsn.org/xml/station/1"), ("schemaVersion", "1.2")])?;
    xml.leaf("Source", "linewatch")?;
    xml.leaf("Module", &format!("linewatch {}", env!("CARGO_PKG_VERSION")))?;
    xml.leaf("Created", &chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())?;
    xml.open("Network", &[("code", NETWORK)])?;
    xml.leaf("Description", &format!("linewatch simulated deployment: {}", source.scenario_name))?;
    for s in sensors {
        let code = s.id.to_string();
        let row = source.row_names.get(usize::from(s.row)).map_or("", String::as_str);
        xml.open("Station", &[("code", &code)])?;
        xml.leaf("Description", &format!("{} sensor of row {row}", modality_word(s.modality)))?;
        position(&mut xml, s.lat, s.lon)?;
        xml.open("Site", &[])?;
        xml.leaf("Name", &format!("row {row}, chainage {:.3} km, offset {:.0} m", s.chainage_km, s.offset_m))?;
        xml.close("Site")?;
        let elements = match s.modality {
            Modality::Acoustic if channels.array_elements => array::ELEMENTS,
            Modality::Acoustic | Modality::Seismic => 1,
            _ => 0,
        };
        for element in 0..elements {
            let location = if channels.array_elements && s.modality == Modality::Acoustic {
                array::location_code(element)
            } else {
                String::new()
            };
            xml.open("Channel", &[("code", channel_code(s.modality)), ("locationCode", &location)])?;
            let [dx, dy] = array::offset_m(element);
            let [lon, lat] = if element == 0 {
                [s.lon, s.lat]
            } else {
                source.plane.inverse(s.x + dx, s.y + dy).unwrap_or([s.lon, s.lat])
            };
            position(&mut xml, lat, lon)?;
            // Depth below the local surface: a mast's height above the ground, negated.
            xml.leaf("Depth", &format!("{:.2}", -s.z))?;
            if let Some(rate) = channels.rate_hz {
                xml.leaf("SampleRate", &format!("{rate}"))?;
            }
            xml.close("Channel")?;
        }
        xml.close("Station")?;
    }
    xml.close("Network")?;
    xml.close("FDSNStationXML")?;
    xml.finish()
}

/// Latitude, longitude and elevation. The result holds no ground elevation (terrain is stored
/// only where a line of sight needs it), so elevation is 0 m, as the data card says.
fn position<W: Write>(xml: &mut Xml<W>, lat: f64, lon: f64) -> std::io::Result<()> {
    xml.leaf("Latitude", &format!("{lat:.7}"))?;
    xml.leaf("Longitude", &format!("{lon:.7}"))?;
    xml.leaf("Elevation", "0")
}
