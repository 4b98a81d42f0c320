//! Geometry: the working plane, the contact line and the corridor frame along it.

mod line;
mod load;
mod projection;

pub use line::{ContactLine, LinePoint, Side};
pub use load::{EMBEDDED_LINE_GEOJSON, geometries, load_line, parse_geojson, parse_line_geojson};
pub use projection::Plane;
