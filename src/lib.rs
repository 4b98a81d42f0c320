//! linewatch: GPU simulation of ceasefire-monitoring sensor grids along a line of contact.
//!
//! The pipeline (docs/design.md §1): [`scenario`] → [`geo`] → [`deploy`] and [`events`] →
//! [`detect`] on the GPU → [`output`] (HDF5). [`run::run`] ties it together.

pub mod abi;
pub mod bench;
pub mod check;
pub mod cli;
pub mod coverage;
pub mod deploy;
pub mod detect;
pub mod error;
pub mod events;
pub mod expect;
pub mod export;
pub mod geo;
pub mod gpu;
pub mod info;
pub mod input_file;
pub mod interrupt;
pub mod output;
pub mod physics;
pub mod plot;
pub mod progress;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod shaders;
pub mod size;
pub mod sweep;
pub mod terrain;
pub mod verify;
pub mod view;
pub mod weather;
pub mod world;

pub use error::{Error, Result};
