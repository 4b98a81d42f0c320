//! Detection: which sensors hear which events, on the GPU, with the CPU f64 reference beside.
//! The records the kernel reads, and their packing, are the kernel ABI (`crate::abi`).

pub mod false_alarms;
pub mod gpu;
pub mod picker;
pub mod reference;
pub mod signature;

pub use crate::abi::layout::*;
pub use crate::abi::{BestCase, SensorGrid};
pub use gpu::{DetectStats, GpuDetector};
