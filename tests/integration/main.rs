//! linewatch integration tests: one binary, one module per concern.

mod association_gpu_vs_cpu;
mod bad_input;
mod check_command;
mod coverage_gpu_vs_cpu;
mod coverage_output;
mod detection_gpu_vs_cpu;
mod exports;
mod gpu_selection;
mod interruption;
mod loop_budget;
mod module_graph;
mod output_files;
mod paint_gpu_vs_cpu;
mod physics_closed_forms;
mod properties;
mod reproducibility;
mod run_waveforms;
mod sensor_lists;
mod sensor_losses;
mod shader_validation;
mod sizing;
mod slurm;
mod support;
mod sweeps;
mod terrain_files;
mod terrain_gpu_vs_cpu;
mod validation;
mod verifier;
#[cfg(feature = "viewer")]
mod viewer;
mod viewshed;
mod waveforms;
