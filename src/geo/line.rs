//! The contact line in the working plane: chainage, signed offset and side of any point.

use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

/// Which side of the line. A is left of the line's direction (negative offsets), B right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    A,
    B,
}

impl Side {
    /// Sign of offsets on this side.
    pub fn sign(self) -> f64 {
        match self {
            Self::A => -1.0,
            Self::B => 1.0,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::A => Self::B,
            Self::B => Self::A,
        }
    }

    pub fn of_offset(offset_m: f64) -> Self {
        if offset_m < 0.0 { Self::A } else { Self::B }
    }

    /// Code in result files: 1 = A, 2 = B (0 is kept for "indeterminate").
    pub fn code(self) -> u8 {
        match self {
            Self::A => 1,
            Self::B => 2,
        }
    }
}

/// Where a point sits relative to the line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinePoint {
    /// Distance along the line to the foot of the perpendicular, km.
    pub chainage_km: f64,
    /// Signed distance from the line, m: negative on side A, positive on side B.
    pub offset_m: f64,
    /// Unit normal of the line at the foot of the perpendicular, pointing to side B (the
    /// bisector at a vertex).
    pub normal: [f64; 2],
}

type Segment = GeomWithData<Line<[f64; 2]>, usize>;

/// A polyline of one or more parts, projected, with an R*-tree over its segments.
pub struct ContactLine {
    pub lonlat: Vec<[f64; 2]>,
    pub xy: Vec<[f64; 2]>,
    /// Chainage of each vertex, km (parts follow one another without counting the gaps).
    pub chainage_km: Vec<f64>,
    /// Index of the first vertex of each part, and the vertex count at the end.
    pub part_starts: Vec<usize>,
    index: RTree<Segment>,
}

impl std::fmt::Debug for ContactLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContactLine").field("vertices", &self.xy.len()).field("length_km", &self.length_km()).finish()
    }
}

impl ContactLine {
    /// Build from projected parts (each at least two distinct vertices).
    pub fn new(parts_lonlat: Vec<Vec<[f64; 2]>>, parts_xy: Vec<Vec<[f64; 2]>>) -> Self {
        let mut lonlat = Vec::new();
        let mut xy = Vec::new();
        let mut chainage_km = Vec::new();
        let mut part_starts = Vec::new();
        let mut segments = Vec::new();
        let mut total = 0.0;
        for (ll, pts) in parts_lonlat.into_iter().zip(parts_xy) {
            part_starts.push(xy.len());
            for (k, p) in pts.iter().enumerate() {
                if k > 0 {
                    let q = pts[k - 1];
                    total += (p[0] - q[0]).hypot(p[1] - q[1]) / 1000.0;
                    segments.push(GeomWithData::new(Line::new(q, *p), xy.len() - 1));
                }
                chainage_km.push(total);
                xy.push(*p);
            }
            lonlat.extend(ll);
        }
        part_starts.push(xy.len());
        Self { lonlat, xy, chainage_km, part_starts, index: RTree::bulk_load(segments) }
    }

    pub fn length_km(&self) -> f64 {
        self.chainage_km.last().copied().unwrap_or(0.0)
    }

    pub fn segment_count(&self) -> usize {
        self.index.size()
    }

    /// Chainage and signed offset of a point, by the nearest segment.
    pub fn locate(&self, p: [f64; 2]) -> LinePoint {
        let Some(nearest) = self.index.nearest_neighbor(p) else {
            return LinePoint { chainage_km: 0.0, offset_m: 0.0, normal: [0.0, 1.0] };
        };
        let i = nearest.data;
        let (a, b) = (self.xy[i], self.xy[i + 1]);
        let d = [b[0] - a[0], b[1] - a[1]];
        let len2 = d[0] * d[0] + d[1] * d[1];
        let t = (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0);
        let foot = [a[0] + t * d[0], a[1] + t * d[1]];
        let distance = (p[0] - foot[0]).hypot(p[1] - foot[1]);
        let normal = if t <= 0.0 {
            self.vertex_normal(i)
        } else if t >= 1.0 {
            self.vertex_normal(i + 1)
        } else {
            right_normal(d)
        };
        let sign = if (p[0] - foot[0]) * normal[0] + (p[1] - foot[1]) * normal[1] < 0.0 { -1.0 } else { 1.0 };
        let len = len2.sqrt();
        let norm = normal[0].hypot(normal[1]);
        let normal = if norm > 0.0 { [normal[0] / norm, normal[1] / norm] } else { right_normal(d) };
        LinePoint { chainage_km: self.chainage_km[i] + t * len / 1000.0, offset_m: sign * distance, normal }
    }

    /// The point at a chainage and signed offset (along the local right normal), and the
    /// unit right normal there.
    pub fn point_at(&self, chainage_km: f64, offset_m: f64) -> [f64; 2] {
        let c = chainage_km.clamp(0.0, self.length_km());
        // Segment whose chainage span holds c (skipping the gaps between parts).
        let mut i = self.chainage_km.partition_point(|&v| v <= c).saturating_sub(1);
        while self.part_starts.contains(&(i + 1)) && i > 0 {
            i -= 1;
        }
        if i + 1 >= self.xy.len() {
            i = self.xy.len().saturating_sub(2);
        }
        let (a, b) = (self.xy[i], self.xy[i + 1]);
        let d = [b[0] - a[0], b[1] - a[1]];
        let span = (self.chainage_km[i + 1] - self.chainage_km[i]).max(f64::MIN_POSITIVE);
        let t = ((c - self.chainage_km[i]) / span).clamp(0.0, 1.0);
        let n = right_normal(d);
        [a[0] + t * d[0] + offset_m * n[0], a[1] + t * d[1] + offset_m * n[1]]
    }

    /// Normal at a vertex: the mean of its segments' normals (the bisector at a bend).
    fn vertex_normal(&self, v: usize) -> [f64; 2] {
        let mut n = [0.0, 0.0];
        let part_start = self.part_starts.iter().rev().find(|&&s| s <= v).copied().unwrap_or(0);
        let part_end = self.part_starts.iter().find(|&&s| s > v).copied().unwrap_or(self.xy.len());
        if v > part_start {
            let m = right_normal(sub(self.xy[v], self.xy[v - 1]));
            n = [n[0] + m[0], n[1] + m[1]];
        }
        if v + 1 < part_end {
            let m = right_normal(sub(self.xy[v + 1], self.xy[v]));
            n = [n[0] + m[0], n[1] + m[1]];
        }
        n
    }

    /// Pairs of segments that touch or cross, as segment indices: non-adjacent ones that meet,
    /// and adjacent ones that double back along each other (meeting at under
    /// `DOUBLING_BACK_DEG`).
    pub fn self_intersections(&self) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = (1..self.xy.len().saturating_sub(1))
            .filter(|&v| !self.part_starts.contains(&v) && !self.part_starts.contains(&(v + 1)))
            .filter(|&v| doubles_back(self.xy[v - 1], self.xy[v], self.xy[v + 1]))
            .map(|v| (v - 1, v))
            .collect();
        for seg in self.index.iter() {
            let (a, b) = (seg.geom().from, seg.geom().to);
            let envelope = AABB::from_corners([a[0].min(b[0]), a[1].min(b[1])], [a[0].max(b[0]), a[1].max(b[1])]);
            for other in self.index.locate_in_envelope_intersecting(envelope) {
                let (i, j) = (seg.data, other.data);
                if j <= i || self.adjacent(i, j) {
                    continue;
                }
                if segments_touch(a, b, other.geom().from, other.geom().to) {
                    found.push((i, j));
                }
            }
        }
        found.sort_unstable();
        found
    }

    fn adjacent(&self, i: usize, j: usize) -> bool {
        j == i + 1 && !self.part_starts.contains(&j)
    }
}

/// Adjacent segments meeting at less than this angle run back along each other: the sides of
/// the line would be ambiguous between them. The embedded line's sharpest vertex is ~37°.
pub const DOUBLING_BACK_DEG: f64 = 1.0;

/// Whether a → b → c turns back on itself: the angle at b between b→a and b→c is under
/// `DOUBLING_BACK_DEG`.
fn doubles_back(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> bool {
    let (u, v) = (sub(a, b), sub(c, b));
    let (cross, dot) = (u[0] * v[1] - u[1] * v[0], u[0] * v[0] + u[1] * v[1]);
    dot > 0.0 && cross.abs().atan2(dot) < DOUBLING_BACK_DEG.to_radians()
}

fn sub(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

/// Unit normal pointing right of direction d.
fn right_normal(d: [f64; 2]) -> [f64; 2] {
    let len = d[0].hypot(d[1]).max(f64::MIN_POSITIVE);
    [d[1] / len, -d[0] / len]
}

fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

fn on_segment(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> bool {
    p[0] >= a[0].min(b[0]) && p[0] <= a[0].max(b[0]) && p[1] >= a[1].min(b[1]) && p[1] <= a[1].max(b[1])
}

/// Whether closed segments ab and cd share a point.
fn segments_touch(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
    if ((o1 > 0.0 && o2 < 0.0) || (o1 < 0.0 && o2 > 0.0)) && ((o3 > 0.0 && o4 < 0.0) || (o3 < 0.0 && o4 > 0.0)) {
        return true;
    }
    (o1 == 0.0 && on_segment(a, b, c))
        || (o2 == 0.0 && on_segment(a, b, d))
        || (o3 == 0.0 && on_segment(c, d, a))
        || (o4 == 0.0 && on_segment(c, d, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn straight() -> ContactLine {
        // Along +x: side A (left) is +y, side B (right) is −y.
        let pts = vec![[0.0, 0.0], [10_000.0, 0.0], [20_000.0, 0.0]];
        ContactLine::new(vec![pts.clone()], vec![pts])
    }

    #[test]
    fn chainage_and_offset_on_a_straight_line() {
        let line = straight();
        assert!((line.length_km() - 20.0).abs() < 1e-12);
        let left = line.locate([5_000.0, 300.0]);
        assert!((left.chainage_km - 5.0).abs() < 1e-9);
        assert!((left.offset_m + 300.0).abs() < 1e-9, "left of the direction is side A, negative");
        let right = line.locate([15_000.0, -200.0]);
        assert!((right.offset_m - 200.0).abs() < 1e-9);
        assert_eq!(Side::of_offset(right.offset_m), Side::B);
    }

    #[test]
    fn point_at_inverts_locate() {
        let line = straight();
        let p = line.point_at(12.5, -750.0);
        let back = line.locate(p);
        assert!((back.chainage_km - 12.5).abs() < 1e-9 && (back.offset_m + 750.0).abs() < 1e-9);
    }

    #[test]
    fn sign_is_right_beyond_a_bend() {
        // A right-angle turn to the left; a point outside the corner is on side B.
        let pts = vec![[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0]];
        let line = ContactLine::new(vec![pts.clone()], vec![pts]);
        assert!(line.locate([1100.0, -100.0]).offset_m > 0.0);
        assert!(line.locate([900.0, 100.0]).offset_m < 0.0);
    }

    #[test]
    fn detects_a_self_touching_line() {
        let pts = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [5.0, -5.0]];
        let line = ContactLine::new(vec![pts.clone()], vec![pts]);
        assert_eq!(line.self_intersections(), vec![(0, 2)]);
        assert!(straight().self_intersections().is_empty());
        // (0, 0) → (10, 0) → (4, 0.01): the second segment runs back along the first.
        let back = ContactLine::new(
            vec![vec![[0.0, 0.0], [1.0, 0.0], [0.4, 0.0]]],
            vec![vec![[0.0, 0.0], [10.0, 0.0], [4.0, 0.01]]],
        );
        assert_eq!(back.self_intersections(), vec![(0, 1)]);
    }
}
