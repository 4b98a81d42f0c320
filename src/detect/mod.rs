//! Detection: which sensors hear which events, on the GPU, with the CPU f64 reference beside.

pub mod false_alarms;
pub mod gpu;
pub mod layout;
pub mod model;
pub mod reference;

pub use gpu::{DetectStats, GpuDetector};
pub use layout::*;
pub use model::{BestCase, SensorGrid};
