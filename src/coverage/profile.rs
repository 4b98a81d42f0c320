//! A map's along-line profile: cells, covered cells and mean verifiable probability by
//! chainage bin, and the gaps (maximal runs of bins below target) engineers read first.

/// Along-line profile by chainage bin.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub bin_km: f64,
    pub cells: Vec<u64>,
    pub covered: Vec<u64>,
    pub verifiable_sum: Vec<f64>,
}

impl Profile {
    pub fn new(bin_km: f64, length_km: f64) -> Self {
        let bins = (length_km / bin_km).ceil().max(1.0) as usize;
        Self { bin_km, cells: vec![0; bins], covered: vec![0; bins], verifiable_sum: vec![0.0; bins] }
    }

    pub fn add(&mut self, chainage_km: f64, verifiable: f64, target: f64) {
        let b = ((chainage_km / self.bin_km) as usize).min(self.cells.len() - 1);
        self.cells[b] += 1;
        self.covered[b] += u64::from(verifiable >= target);
        self.verifiable_sum[b] += verifiable;
    }

    pub fn bin_starts(&self) -> Vec<f64> {
        (0..self.cells.len()).map(|b| b as f64 * self.bin_km).collect()
    }

    pub fn covered_fraction(&self) -> Vec<f64> {
        self.cells
            .iter()
            .zip(&self.covered)
            .map(|(&n, &c)| if n > 0 { c as f64 / n as f64 } else { f64::NAN })
            .collect()
    }

    pub fn mean_verifiable(&self) -> Vec<f64> {
        self.cells
            .iter()
            .zip(&self.verifiable_sum)
            .map(|(&n, &s)| if n > 0 { s / n as f64 } else { f64::NAN })
            .collect()
    }

    /// Maximal runs of bins whose mean verifiable probability is below `target`.
    pub fn gaps(&self, target: f64) -> Vec<Gap> {
        let mean = self.mean_verifiable();
        let mut gaps: Vec<Gap> = Vec::new();
        let mut open: Option<(usize, f64, u64)> = None;
        for (b, &m) in mean.iter().enumerate() {
            let below = m.is_finite() && m < target;
            match (below, open) {
                (true, None) => open = Some((b, self.verifiable_sum[b], self.cells[b])),
                (true, Some((start, sum, n))) => open = Some((start, sum + self.verifiable_sum[b], n + self.cells[b])),
                (false, Some((start, sum, n))) => {
                    gaps.push(self.gap(start, b, sum, n));
                    open = None;
                }
                (false, None) => {}
            }
        }
        if let Some((start, sum, n)) = open {
            gaps.push(self.gap(start, mean.len(), sum, n));
        }
        gaps
    }

    fn gap(&self, start: usize, end: usize, sum: f64, n: u64) -> Gap {
        Gap {
            start_km: start as f64 * self.bin_km,
            end_km: end as f64 * self.bin_km,
            mean_verifiable: if n > 0 { sum / n as f64 } else { f64::NAN },
        }
    }
}

/// A stretch of the line below target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    pub start_km: f64,
    pub end_km: f64,
    pub mean_verifiable: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_maximal_runs_below_target() {
        let mut p = Profile::new(1.0, 6.0);
        for (b, v) in [0.95, 0.5, 0.4, 0.99, 0.1, 0.2].into_iter().enumerate() {
            p.add(b as f64 + 0.5, v, 0.9);
        }
        let gaps = p.gaps(0.9);
        assert_eq!(gaps.len(), 2);
        assert_eq!((gaps[0].start_km, gaps[0].end_km), (1.0, 3.0));
        assert!((gaps[0].mean_verifiable - 0.45).abs() < 1e-12);
        assert_eq!((gaps[1].start_km, gaps[1].end_km), (4.0, 6.0));
        assert_eq!(p.covered_fraction()[0], 1.0);
    }
}
