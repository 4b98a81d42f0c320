//! The baseline verifier (DESIGN §6): detections → associated candidate events → located
//! estimates with covariance → attributed to a side or indeterminate → scored per class.

pub mod locate;

pub use locate::{Estimate, Observation, locate};
