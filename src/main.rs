//! The `cams` binary: parse the command line, hand over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cams::cli::run(cams::cli::Cli::parse()).await
}
