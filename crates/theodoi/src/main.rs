//! `theodoi`: the one binary. A CLI today (plan parse, import, show; agency list; migrate); the
//! web server joins it as `theodoi serve`.
//!
//! Every subcommand returns `anyhow::Result<ExitCode>` and prints in one place. Data goes to stdout,
//! progress and errors to stderr, so output can be piped. Exit codes: 0 ok, 2 error.

mod cli;
mod seed;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    // The server logs each request; the CLI only warnings.
    let default_filter = if matches!(args.command, cli::Command::Serve(_)) {
        "info,sqlx=warn"
    } else {
        "warn"
    };
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("THEODOI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        );
    match args.log_format {
        // One object a line, fields at the top level, the request's id from its span.
        cli::LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        // Colour codes only on a terminal; log files and journald get plain text.
        cli::LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("theodoi: {e:#}");
            ExitCode::from(2)
        }
    }
}
