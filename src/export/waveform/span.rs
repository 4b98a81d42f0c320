//! Continuous spans of a sensor's signal (docs/design.md §14): the detection windows of one
//! sensor merged where they overlap or touch, synthesised as consecutive kernel windows. The
//! kernel's noise is drawn per sensor and absolute sample, and every pulse that reaches into a
//! window is in it, so the pieces join without a seam: a span is the sensor's stream itself.

use super::gpu::WaveformKernel;
use super::{Pulses, WaveParams, WaveformOptions};
use crate::error::{Error, Result};
use crate::export::source::Source;

/// One sensor's samples `first_sample .. first_sample + samples`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub sensor_id: u32,
    /// The array element (0: the sensor's own channel; `array`).
    pub element: u8,
    pub first_sample: u32,
    pub samples: u32,
}

impl Span {
    pub fn end_sample(&self) -> u64 {
        u64::from(self.first_sample) + u64::from(self.samples)
    }
}

/// Windows of `samples_per_window` starting at (sensor, first sample), merged per sensor where
/// they overlap or touch, by sensor then time.
pub fn merged(mut starts: Vec<(u32, u32)>, samples_per_window: u32) -> Vec<Span> {
    starts.sort_unstable();
    let mut spans: Vec<Span> = Vec::new();
    for (sensor_id, first) in starts {
        let end = u64::from(first) + u64::from(samples_per_window);
        match spans.last_mut() {
            Some(last) if last.sensor_id == sensor_id && u64::from(first) <= last.end_sample() => {
                // Windows end below 2^32 samples (`first_sample` checks it), so this fits.
                last.samples = (end.max(last.end_sample()) - u64::from(last.first_sample)) as u32;
            }
            _ => spans.push(Span { sensor_id, element: 0, first_sample: first, samples: samples_per_window }),
        }
    }
    spans
}

/// One span per chosen sensor (every acoustic and seismic sensor if none are chosen) over the
/// scenario hours `[from, to)`.
pub fn continuous(source: &Source, options: &WaveformOptions, [from_h, to_h]: [f64; 2]) -> Result<Vec<Span>> {
    let chosen = options.chosen(source)?;
    let first = (from_h * 3600.0 * options.rate_hz).round();
    let end = (to_h * 3600.0 * options.rate_hz).round();
    if end >= f64::from(u32::MAX) || end <= first {
        let f = &options.fields;
        return Err(f.error(&f.continuous_h, format!("{from_h} to {to_h} h holds no span of samples below 2^32")));
    }
    let mut ids: Vec<u32> = source
        .sensors
        .iter()
        .filter(|s| super::synthesised(s.modality) && chosen.as_ref().is_none_or(|c| c.contains(&s.id)))
        .map(|s| s.id)
        .collect();
    ids.sort_unstable();
    Ok(ids
        .into_iter()
        .map(|sensor_id| Span { sensor_id, element: 0, first_sample: first as u32, samples: (end - first) as u32 })
        .collect())
}

/// Each acoustic sensor's spans once per array element, element after element; other spans as
/// they are.
pub fn per_element(source: &Source, spans: Vec<Span>) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let acoustic = source.sensor(span.sensor_id).is_some_and(|s| s.modality == crate::scenario::Modality::Acoustic);
        let elements = if acoustic { super::array::ELEMENTS } else { 1 };
        out.extend((0..elements).map(|element| Span { element, ..span }));
    }
    out.sort_by_key(|s| (s.sensor_id, s.element, s.first_sample));
    out
}

/// Synthesise `spans` on the device, a batch of kernel windows at a time, handing each piece to
/// `sink(span index, offset of its first sample in the span, samples)` in span order.
pub fn synthesise(
    source: &Source,
    options: &WaveformOptions,
    pulses: &Pulses,
    kernel: &WaveformKernel<'_>,
    spans: &[Span],
    mut sink: impl FnMut(usize, usize, &[f32]) -> Result<()>,
) -> Result<()> {
    let tile = options.samples();
    let per_call = kernel.windows_per_call(tile).min(super::BATCH_WINDOWS);
    let pieces = spans
        .iter()
        .enumerate()
        .flat_map(|(s, span)| (0..span.samples.div_ceil(tile)).map(move |k| (s, (k * tile) as usize)));
    let mut batch: Vec<(usize, usize)> = Vec::with_capacity(per_call);
    let mut run = |batch: &mut Vec<(usize, usize)>| -> Result<()> {
        let mut windows = Vec::with_capacity(batch.len());
        let mut wave_pulses = Vec::new();
        for &(s, offset) in batch.iter() {
            let span = spans[s];
            let first = span.first_sample + offset as u32;
            windows.push(pulses.window(source, options, (span.sensor_id, span.element), first, &mut wave_pulses));
        }
        let values =
            kernel.synthesise(&WaveParams::new(options, windows.len(), source.seed), &windows, &wave_pulses)?;
        for (k, &(s, offset)) in batch.iter().enumerate() {
            let len = (spans[s].samples as usize - offset).min(tile as usize);
            let from = k * tile as usize;
            let piece = values.get(from..from + len).ok_or_else(|| {
                Error::Gpu(format!("waveform read-back: {} samples, expected {}", values.len(), from + len))
            })?;
            sink(s, offset, piece)?;
        }
        batch.clear();
        Ok(())
    };
    for piece in pieces {
        batch.push(piece);
        if batch.len() == per_call {
            run(&mut batch)?;
        }
    }
    if !batch.is_empty() {
        run(&mut batch)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn overlapping_and_touching_windows_merge_per_sensor_and_gaps_do_not() {
        let starts = vec![(2, 500), (1, 100), (1, 150), (1, 200), (1, 301), (2, 0), (1, 250)];
        let spans = merged(starts, 50);
        let expected = [
            Span { sensor_id: 1, element: 0, first_sample: 100, samples: 200 },
            Span { sensor_id: 1, element: 0, first_sample: 301, samples: 50 },
            Span { sensor_id: 2, element: 0, first_sample: 0, samples: 50 },
            Span { sensor_id: 2, element: 0, first_sample: 500, samples: 50 },
        ];
        assert_eq!(spans, expected);
    }
}
