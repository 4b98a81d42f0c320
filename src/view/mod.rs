//! `linewatch view`: the egui window (eframe on wgpu) over the simulation's own device. A
//! scenario is computed live (coverage layer painted on the device, what-if edits, summary and
//! plots); a result file is replayed (events, detections, estimates and verdicts over time).
//! The heavy work runs on a compute thread (`engine`); the UI thread never waits on the GPU.

//! The compute side (`scene`, `engine`, `edit`, `replay`) builds without the `viewer`
//! feature, so `linewatch bench viewer` measures it in the headless build; the window needs
//! the feature.

#[cfg(feature = "viewer")]
pub mod app;
#[cfg(feature = "viewer")]
mod capture;
pub mod edit;
pub mod engine;
#[cfg(feature = "viewer")]
pub mod map;
#[cfg(feature = "viewer")]
mod pan_bench;
#[cfg(feature = "viewer")]
pub mod panels;
#[cfg(feature = "viewer")]
pub mod plots;
pub mod relief;
pub mod replay;
pub mod scene;
#[cfg(feature = "viewer")]
pub mod state;
#[cfg(feature = "viewer")]
mod window;

#[cfg(feature = "viewer")]
pub use window::*;
