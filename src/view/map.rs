//! The map: world metres (the scenario's working plane) to screen points, pan and zoom, and the
//! drawing of the line, its sides, sensors, the scale bar and the coverage layer.

use crate::geo::{ContactLine, Plane};
use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

/// Closest zoom: a few metres per point shows single sensors apart.
const MIN_M_PER_POINT: f64 = 2.0;

/// Where the map looks: the world point at the centre of the view and the metres per screen
/// point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub center: [f64; 2],
    pub m_per_point: f64,
}

impl MapView {
    /// The view that fits world box [x_min, y_min, x_max, y_max] into `screen`.
    pub fn fit(bounds: [f64; 4], screen: Rect) -> Self {
        let (w, h) = (bounds[2] - bounds[0], bounds[3] - bounds[1]);
        let m_per_point = (w / f64::from(screen.width().max(1.0))).max(h / f64::from(screen.height().max(1.0)));
        Self {
            center: [0.5 * (bounds[0] + bounds[2]), 0.5 * (bounds[1] + bounds[3])],
            m_per_point: m_per_point.max(MIN_M_PER_POINT),
        }
    }

    pub fn to_screen(&self, screen: Rect, p: [f64; 2]) -> Pos2 {
        let c = screen.center();
        pos2(
            c.x + ((p[0] - self.center[0]) / self.m_per_point) as f32,
            c.y - ((p[1] - self.center[1]) / self.m_per_point) as f32,
        )
    }

    pub fn to_world(&self, screen: Rect, p: Pos2) -> [f64; 2] {
        let c = screen.center();
        [
            self.center[0] + f64::from(p.x - c.x) * self.m_per_point,
            self.center[1] - f64::from(p.y - c.y) * self.m_per_point,
        ]
    }

    /// The world box on screen: [x_min, y_min, x_max, y_max].
    pub fn visible(&self, screen: Rect) -> [f64; 4] {
        let a = self.to_world(screen, screen.left_bottom());
        let b = self.to_world(screen, screen.right_top());
        [a[0], a[1], b[0], b[1]]
    }

    pub fn pan(&mut self, delta: Vec2) {
        self.center[0] -= f64::from(delta.x) * self.m_per_point;
        self.center[1] += f64::from(delta.y) * self.m_per_point;
    }

    /// Zoom by `factor` (>1: closer) keeping the world point under `anchor` where it is.
    pub fn zoom(&mut self, screen: Rect, anchor: Pos2, factor: f64, widest_m_per_point: f64) {
        let before = self.to_world(screen, anchor);
        self.m_per_point = (self.m_per_point / factor).clamp(MIN_M_PER_POINT, widest_m_per_point.max(MIN_M_PER_POINT));
        let after = self.to_world(screen, anchor);
        self.center[0] += before[0] - after[0];
        self.center[1] += before[1] - after[1];
    }

    pub fn screen_rect_of(&self, screen: Rect, world: [f64; 4]) -> Rect {
        Rect::from_two_pos(self.to_screen(screen, [world[0], world[1]]), self.to_screen(screen, [world[2], world[3]]))
    }
}

/// Colours of the two sides (A: left of the line's direction) and of an indeterminate verdict.
pub const SIDE_A: Color32 = Color32::from_rgb(64, 132, 255);
pub const SIDE_B: Color32 = Color32::from_rgb(235, 87, 64);
pub const INDETERMINATE: Color32 = Color32::from_gray(170);

/// One colour per modality (code order: acoustic, seismic, radar, EO/IR, RF).
pub const MODALITY_COLOURS: [Color32; 5] = [
    Color32::from_rgb(255, 196, 0),
    Color32::from_rgb(160, 110, 60),
    Color32::from_rgb(0, 200, 200),
    Color32::from_rgb(220, 90, 220),
    Color32::from_rgb(120, 220, 90),
];
pub const MODALITY_NAMES: [&str; 5] = ["acoustic", "seismic", "radar", "EO/IR", "RF"];

/// A sensor as the map draws it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub id: u32,
    pub modality: usize,
    pub xy: [f64; 2],
    pub on: bool,
}

/// The line, with "side A" and "side B" written beside it at a few places along it.
pub fn draw_line(painter: &egui::Painter, view: &MapView, screen: Rect, line: &ContactLine) {
    let starts: Vec<usize> = line.part_starts.iter().copied().chain([line.xy.len()]).collect();
    for part in starts.windows(2) {
        let points: Vec<Pos2> = line.xy[part[0]..part[1]].iter().map(|&p| view.to_screen(screen, p)).collect();
        painter.add(Shape::line(points, Stroke::new(2.5, Color32::from_gray(20))));
    }
    let length = line.length_km();
    let offset_m = 18.0 * view.m_per_point;
    for k in 1..=3 {
        let chainage = length * f64::from(k) / 4.0;
        for (sign, label, colour) in [(-1.0, "side A", SIDE_A), (1.0, "side B", SIDE_B)] {
            let at = view.to_screen(screen, line.point_at(chainage, sign * offset_m));
            if screen.contains(at) {
                painter.text(at, Align2::CENTER_CENTER, label, FontId::proportional(12.0), colour);
            }
        }
    }
}

pub fn draw_sensors(painter: &egui::Painter, view: &MapView, screen: Rect, marks: &[Mark]) {
    // Bigger as the view closes in: dots on the whole line, symbols on a stretch.
    let radius = (200.0 / view.m_per_point).clamp(1.5, 6.0) as f32;
    for m in marks {
        let at = view.to_screen(screen, m.xy);
        if !screen.expand(radius).contains(at) {
            continue;
        }
        let colour = MODALITY_COLOURS[m.modality.min(4)];
        if m.on {
            painter.circle(at, radius, colour, Stroke::new(0.5, Color32::BLACK));
        } else {
            painter.circle_stroke(at, radius, Stroke::new(1.0, Color32::from_gray(90)));
            let d = vec2(radius, radius);
            painter.line_segment([at - d, at + d], Stroke::new(1.0, Color32::from_gray(90)));
        }
    }
}

/// The sensor nearest to a screen point, within `within` points.
pub fn sensor_at(view: &MapView, screen: Rect, marks: &[Mark], p: Pos2, within: f32) -> Option<u32> {
    marks
        .iter()
        .map(|m| (m.id, view.to_screen(screen, m.xy).distance(p)))
        .filter(|(_, d)| *d <= within)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

/// A round length near 110 points, drawn at the bottom left, and lon/lat under the cursor.
pub fn draw_scale_and_cursor(
    painter: &egui::Painter,
    view: &MapView,
    screen: Rect,
    plane: Option<&Plane>,
    cursor: Option<Pos2>,
) {
    let target_m = 110.0 * view.m_per_point;
    let magnitude = 10f64.powf(target_m.log10().floor());
    let length_m = [1.0, 2.0, 5.0, 10.0].iter().map(|k| k * magnitude).rfind(|&l| l <= target_m).unwrap_or(magnitude);
    let length_pt = (length_m / view.m_per_point) as f32;
    let origin = screen.left_bottom() + vec2(16.0, -18.0);
    let stroke = Stroke::new(2.0, Color32::BLACK);
    painter.rect_filled(
        Rect::from_min_size(origin - vec2(6.0, 22.0), vec2(length_pt + 12.0, 30.0)),
        3.0,
        Color32::from_white_alpha(200),
    );
    painter.line_segment([origin, origin + vec2(length_pt, 0.0)], stroke);
    for x in [0.0, length_pt] {
        painter.line_segment([origin + vec2(x, -5.0), origin + vec2(x, 0.0)], stroke);
    }
    let label = if length_m >= 1000.0 { format!("{} km", length_m / 1000.0) } else { format!("{length_m} m") };
    painter.text(
        origin + vec2(0.5 * length_pt, -7.0),
        Align2::CENTER_BOTTOM,
        label,
        FontId::proportional(12.0),
        Color32::BLACK,
    );
    if let (Some(p), Some(plane)) = (cursor, plane) {
        let world = view.to_world(screen, p);
        if let Ok([lon, lat]) = plane.inverse(world[0], world[1]) {
            let text = format!("{lat:.4}° N  {lon:.4}° E");
            let at = screen.right_bottom() + vec2(-10.0, -10.0);
            let galley = painter.layout_no_wrap(text, FontId::monospace(12.0), Color32::BLACK);
            let rect = Align2::RIGHT_BOTTOM.anchor_size(at, galley.size()).expand(4.0);
            painter.rect_filled(rect, 3.0, Color32::from_white_alpha(200));
            painter.galley(rect.min + vec2(4.0, 4.0), galley, Color32::BLACK);
        }
    }
}

/// An ellipse of semi-axes (a, b) m along x and y, as a closed line.
pub fn ellipse(view: &MapView, screen: Rect, center: [f64; 2], a: f64, b: f64, stroke: Stroke) -> Shape {
    let points = (0..48)
        .map(|k| {
            let t = f64::from(k) / 48.0 * std::f64::consts::TAU;
            view.to_screen(screen, [center[0] + a * t.cos(), center[1] + b * t.sin()])
        })
        .collect();
    Shape::closed_line(points, stroke)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_and_world_round_trip_and_zoom_keeps_the_anchor() {
        let screen = Rect::from_min_size(pos2(10.0, 20.0), vec2(800.0, 600.0));
        let mut view = MapView::fit([0.0, 0.0, 1.0e6, 5.0e5], screen);
        assert!((view.m_per_point - 1250.0).abs() < 1e-9, "{}", view.m_per_point);
        let p = [123_456.0, 234_567.0];
        let back = view.to_world(screen, view.to_screen(screen, p));
        assert!((back[0] - p[0]).abs() < 1.0 && (back[1] - p[1]).abs() < 1.0, "{back:?}");
        let anchor = pos2(300.0, 100.0);
        let under = view.to_world(screen, anchor);
        view.zoom(screen, anchor, 8.0, 1e9);
        let still = view.to_world(screen, anchor);
        assert!((under[0] - still[0]).abs() < 1e-6 && (under[1] - still[1]).abs() < 1e-6);
        assert!((view.m_per_point - 1250.0 / 8.0).abs() < 1e-9);
        // North is up.
        assert!(view.to_screen(screen, [0.0, 1000.0]).y < view.to_screen(screen, [0.0, 0.0]).y);
    }
}
