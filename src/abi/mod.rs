//! The kernels' ABI, below `detect`, `coverage` and `terrain`: the `Pod` records the WGSL
//! kernels read and write (`layout`), the packing of scenario, sensors and events into them
//! (`pack`), each source's reach bounds (`reach`) and the sensors' spatial grid (`grid`).
//! The WGSL side of the shared constants is generated from here and `scenario::Modality`
//! (`shaders::constants`); a test checks every struct's layout against the shaders.

pub mod grid;
pub mod layout;
pub mod pack;
pub mod reach;

pub use grid::{DEFAULT_CELL_M, SensorGrid};
pub use layout::*;
pub use pack::{belief_params, gpu_event, gpu_sensor, gpu_source, params};
pub use reach::{BestCase, max_reach, reach_for};
