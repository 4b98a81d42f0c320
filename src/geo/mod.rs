//! Geometry: the working plane, the contact line and the corridor frame along it.

mod line;
mod load;
mod places;
mod projection;

pub use line::{ContactLine, LinePoint, Side};
pub use load::{EMBEDDED_LINE_GEOJSON, geometries, load_line, load_places, parse_geojson, parse_line_geojson};
pub use places::{EMBEDDED_PLACES_GEOJSON, Places};
pub use projection::Plane;
