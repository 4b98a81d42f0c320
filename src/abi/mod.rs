//! The kernels' ABI, below `detect`, `coverage` and `terrain`: the `Pod` records the WGSL
//! kernels read and write (`layout`), the packing of scenario, sensors and events into them
//! (`pack`), each source's reach bounds (`reach`) and the sensors' spatial grid (`grid`).
//! The WGSL side of the shared constants is generated from here and `scenario::Modality`
//! (`shaders::constants`); a test checks every struct's layout against the shaders.

/// Tones summed in a moving source's waveform burst (`export::waveform`): random frequencies
/// within the octave around the source's dominant frequency and random phases, so the sum is
/// band-limited noise (stated: a vehicle's engine, tracks and tyres as one band of the class's
/// `acoustic_freq_hz` or `seismic_freq_hz`).
pub const BURST_TONES: u32 = 8;

pub mod grid;
pub mod layout;
pub mod pack;
pub mod reach;

pub use grid::{DEFAULT_CELL_M, SensorGrid};
pub use layout::*;
pub use pack::{belief_params, gpu_event, gpu_sensor, gpu_source, params};
pub use reach::{BestCase, max_reach, reach_for};
