//! The `cams` binary: parse the command line, hand over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    quiet_on_closed_stdout();
    cams::cli::run(cams::cli::Cli::parse()).await
}

/// `cams nlp extract … | head -1` closes our stdout early. Rust ignores SIGPIPE, so the next
/// `println!` panics with "failed printing to stdout: Broken pipe" and a backtrace hint, which
/// reads like a crash although the reader got everything it asked for. Such a panic ends the
/// process quietly instead, as a killed-by-SIGPIPE Unix tool would; any other panic is reported
/// as before. (Restoring SIGPIPE's default would need `unsafe` and would also apply to the
/// long-running service's sockets.)
fn quiet_on_closed_stdout() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            // 128 + SIGPIPE (13): what a shell reports for a tool the pipe's reader closed on.
            std::process::exit(141);
        }
        default_hook(info);
    }));
}
