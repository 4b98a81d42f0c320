//! Verification capability per place (docs/design.md §5): for a source at a cell, which sensors hear
//! it and with what probability, how well they locate it, and how surely they put it on the
//! right side of the line. `reference` is the f64 twin of `shaders/coverage.wgsl`; `gpu` runs it.

pub mod fix_rule;
pub mod gpu;
pub mod map;
pub mod paint;
pub mod profile;
pub mod raster;
pub mod reference;

pub use fix_rule::FixRule;
pub use gpu::{DeviceCells, GpuCell, GpuCellOut, GpuCoverage};
pub use reference::{CellMetrics, CellSite, cell_metrics, poisson_binomial_at_least};
