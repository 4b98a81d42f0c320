use std::process::ExitCode;

fn main() -> ExitCode {
    // `linewatch info f.h5 | head` closes the pipe early: end quietly, as Unix tools do,
    // instead of a panic in println!.
    sigpipe::reset();
    ExitCode::from(linewatch::cli::main())
}
