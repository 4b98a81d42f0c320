use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(linewatch::cli::main())
}
