//! Command-line interface: argument definitions and dispatch.

/// Print the command's output. A reader that stops early (`theodoi agency list | head`) ends the
/// command quietly, as it ends other Unix tools, rather than with a panic on the closed pipe.
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::write_out(format_args!($($t)*)) };
}
macro_rules! outln {
    ($($t:tt)*) => { $crate::cli::write_out(format_args!("{}\n", format_args!($($t)*))) };
}

mod agency;
mod audit;
mod backup;
mod data;
mod demo;
mod plan;
mod rec;
mod report;
mod serve;
mod table;
mod token;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use theodoi_store::Db;

pub(crate) fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("theodoi: cannot write the output: {e}");
        }
        // Nothing of a command is left to do once its output cannot be read: every write to the
        // database came before the output.
        std::process::exit(if e.kind() == std::io::ErrorKind::BrokenPipe {
            0
        } else {
            2
        });
    }
}

/// theodoi — theo dõi thực hiện kế hoạch: reads plan documents, runs reporting rounds, produces reports.
#[derive(Debug, Parser)]
#[command(name = "theodoi", version, about)]
pub struct Args {
    /// Database URL: sqlite://FILE (default, created if missing) or postgres://USER@HOST:PORT/DB.
    #[arg(
        long,
        global = true,
        env = "THEODOI_DATABASE_URL",
        default_value = "sqlite://theodoi.db"
    )]
    pub database: String,

    /// Log lines as text, or as one JSON object a line for a log collector.
    #[arg(
        long,
        global = true,
        env = "THEODOI_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Plans: parse a plan document, import it, show its task × agency matrix.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Agencies named by the stored plans.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// The register of recommendations (khuyến nghị) the plans' tasks carry out.
    #[command(subcommand)]
    Rec(RecCommand),
    /// Apply database migrations (import does this too).
    Migrate,
    /// Reporting periods of a year with their data cut-off windows (Nghị định 09/2019, Điều 12).
    Periods {
        /// monthly, quarterly, six-monthly, nine-month or annual.
        #[arg(long, value_parser = parse_frequency)]
        frequency: theodoi_domain::ReportFrequency,
        /// The year, e.g. 2026.
        #[arg(long)]
        year: i32,
        /// Print JSON (label, start, end: ISO dates, inclusive) for other tools.
        #[arg(long)]
        json: bool,
        /// Calendar windows instead of the Decree 09 cut-off windows.
        #[arg(long)]
        calendar: bool,
    },
    /// Run the web workspace. On first start against an empty database it loads the seed plan and
    /// creates the administrator `admin`, printing a one-time password.
    Serve(ServeArgs),
    /// Demonstration data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The consolidated figures of a round, for a scheduled job or by hand.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Personal API tokens (for /api/v1), for scripts; people make theirs on the account page.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Indicator values in and out as JSON or CSV keyed by codes (docs/operations/data-exchange.md).
    #[command(subcommand)]
    Data(DataCommand),
    /// The audit log's hash chain: check it, or print its head to keep outside.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Back up a SQLite database to one file, consistent while the server runs (PostgreSQL:
    /// pg_dump, see docs/operations/backup.md).
    Backup {
        /// The backup file to write; an existing one is refused unless --force.
        #[arg(long)]
        output: PathBuf,
        /// Replace an existing file, once the new backup is complete and checked.
        #[arg(long)]
        force: bool,
    },
    /// Restore a backup into an empty database (SQLite, or PostgreSQL from a SQLite backup);
    /// an older backup is upgraded to this program's schema.
    Restore {
        /// The backup file written by `theodoi backup`.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecCommand {
    /// Read concluding observations, a UPR report or a table of recommendations (text, DOCX,
    /// PDF, XLSX, CSV; English or Vietnamese) into the register. A Vietnamese translation of a
    /// document already stored fills in its Vietnamese text.
    Import {
        files: Vec<PathBuf>,
        /// The document's symbol when the file does not show it (a translation without its head).
        #[arg(long)]
        symbol: Option<String>,
        /// The national plan that accepts the recommendations, e.g. 2715/QĐ-TTg.
        #[arg(long)]
        accepted_by: Option<String>,
        /// Say what would be created, changed or left, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The recommendations with the tasks linked to each.
    List {
        /// One document, by symbol (CCPR/C/VNM/CO/4).
        #[arg(long)]
        source: Option<String>,
        /// Print JSON for other tools: {"recommendations": [{"source", "paragraph", "sub",
        /// "articles", "theme", "text", "tasks", …}]}.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Write a round's values: accepted reports only, or every stored report with --all.
    Export {
        /// The round, by id (see `theodoi report rounds`).
        #[arg(long, conflicts_with = "period")]
        round: Option<i64>,
        /// The round, by its period: start/length, e.g. 2026-01-01/P6M.
        #[arg(long)]
        period: Option<String>,
        /// The plan's number, when two plans report the same period.
        #[arg(long)]
        plan: Option<String>,
        /// json (the default, or from --output's extension) or csv.
        #[arg(long)]
        format: Option<String>,
        /// The file to write; standard output if none.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Every stored report, drafts included, not only the accepted ones.
        #[arg(long)]
        all: bool,
    },
    /// Read values into the bodies' draft reports, checked as typed entries are; exit 1 naming
    /// each refused row.
    Import {
        file: PathBuf,
        /// json or csv (by default from the file's extension).
        #[arg(long)]
        format: Option<String>,
        /// Say per row what would be created, updated or refused, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the valid rows even when some are refused.
        #[arg(long)]
        partial: bool,
        /// Import as this account (a body's account imports only its own values); by default as
        /// the coordinator.
        #[arg(long = "as")]
        as_user: Option<String>,
        /// Print the outcome of every row as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no audit entry was edited, deleted or inserted out of order; exit 0 when
    /// intact, 1 naming the first entry that is not.
    Verify {
        /// A hash printed earlier by `theodoi audit anchor`: also prove the log up to that entry
        /// was not rewritten.
        #[arg(long)]
        anchor: Option<String>,
        /// Print JSON for other tools: {"intact", "checked", "head", "anchored", "broken"}.
        #[arg(long)]
        json: bool,
    },
    /// Print the hash of the newest entry (after checking the chain) for the administrator to
    /// keep outside the server. Writes nothing.
    Anchor,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The rounds, with how many bodies have reported and been accepted.
    Rounds,
    /// Write a round's statistical annex, consolidated from its accepted reports.
    Build {
        /// The round's id (see `theodoi report rounds`).
        #[arg(long)]
        round: i64,
        /// docx (the report per Nghị định 30), pdf (the same, converted by LibreOffice), xlsx (the
        /// annex, printable phụ lục sheets), csv (the annex as one table, UTF-8 with BOM), or
        /// missing-xlsx / missing-csv (the bodies without an accepted report).
        #[arg(long, value_parser = ["docx", "pdf", "xlsx", "csv", "missing-xlsx", "missing-csv"])]
        format: String,
        /// Place in the date line of the report; proposed from the superior body's name
        /// ("… THÀNH PHỐ HẢI PHÒNG" gives "Hải Phòng") when not given.
        #[arg(long, env = "THEODOI_REPORT_PLACE")]
        place: Option<String>,
        /// The superior body's full name for the letterhead ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI
        /// PHÒNG"); proposed from the plan's header when not given.
        #[arg(long, env = "THEODOI_REPORT_SUPERIOR")]
        superior: Option<String>,
        /// The drafting unit after "Lưu: VT," (the draft's, else the report settings', else
        /// "PBGDPL").
        #[arg(long)]
        drafting_unit: Option<String>,
        /// Leave day and month of the date line blank for the clerk to fill in.
        #[arg(long)]
        no_date: bool,
        /// Name of the signer under "GIÁM ĐỐC" (docx and pdf need one: this, or the draft's).
        #[arg(long, env = "THEODOI_REPORT_SIGNER")]
        signer: Option<String>,
        /// Order of the tasks of section II: "plan" (the plan's order), "recommendations" (under
        /// the recommendations they carry out, in the document's order) or "articles" (under
        /// the Covenant articles they serve).
        #[arg(long, default_value = "plan", value_parser = parse_grouping)]
        group: theodoi_report::Grouping,
        /// Where to write; an existing file is replaced.
        #[arg(long)]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill the database with the seed plan, bodies, accounts (password theodoi-demo-2026), two
    /// rounds and their reports; the same data for the same seed.
    Generate {
        /// city (~130 bodies) or national (~3,400 bodies).
        #[arg(long, default_value = "city", value_parser = ["city", "national"])]
        scale: String,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only the plan, bodies and accounts: no rounds or reports.
        #[arg(long)]
        no_reports: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "THEODOI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Mark cookies Secure: set when users reach the server over HTTPS (through a proxy).
    #[arg(long, env = "THEODOI_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Largest upload accepted, in MB.
    #[arg(long, env = "THEODOI_MAX_UPLOAD_MB", default_value_t = 20)]
    pub max_upload_mb: usize,
    /// Hours a session lasts.
    #[arg(long, env = "THEODOI_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: i64,
    /// Send reminder e-mails through this SMTP server: smtp://HOST:PORT (plain, for a trusted
    /// relay), smtp://HOST:PORT?tls=required (STARTTLS) or smtps://HOST:PORT; user and password
    /// may be given in the URL. Without it reminders stay in the app.
    #[arg(long, env = "THEODOI_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of reminder e-mails.
    #[arg(
        long,
        env = "THEODOI_MAIL_FROM",
        default_value = "theodoi <no-reply@localhost>"
    )]
    pub mail_from: String,
    /// The address users reach this server at, for links in e-mails.
    #[arg(
        long,
        env = "THEODOI_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Seconds between reminder runs; 0 turns the scheduler off.
    #[arg(long, env = "THEODOI_REMINDER_INTERVAL", default_value_t = 300)]
    pub reminder_interval: u64,
    /// Name of the signer of the Sở Tư pháp's reports (the report page proposes it).
    #[arg(long, env = "THEODOI_REPORT_SIGNER", default_value = "")]
    pub report_signer: String,
    /// A reverse proxy (address or CIDR block) whose X-Forwarded-For header names the client, for
    /// sign-in limits and the audit log; repeat or separate with commas. Without it the header is
    /// ignored.
    #[arg(long, env = "THEODOI_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<theodoi_web::auth::TrustedProxy>,
    /// An address or CIDR block that may read /metrics (the client address as --trusted-proxy
    /// reveals it); repeat or separate with commas. Default: this machine only (127.0.0.1, ::1).
    /// Anyone else gets 404.
    #[arg(long, env = "THEODOI_METRICS_ALLOW", value_delimiter = ',')]
    pub metrics_allow: Vec<theodoi_web::auth::TrustedProxy>,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Print the parse of plan files as JSON (an array when several files are given).
    Parse {
        /// Plan files: text (UTF-8, or UTF-16 with BOM), DOCX, PDF with a text layer, XLSX or CSV.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A lexicon file adding bodies, abbreviations and old names to the built-in ones.
        #[arg(long)]
        lexicon: Option<PathBuf>,
    },
    /// Parse plan files and store them in one transaction. Importing a document again updates it;
    /// an appendix joins its plan by the number it cites, in either order.
    Import {
        /// Plan text files; a body and its appendix may be given together.
        #[arg(required_unless_present = "seed")]
        files: Vec<PathBuf>,
        /// Import the seed plan shipped in the binary (Kế hoạch 14/KH-UBND).
        #[arg(long, conflicts_with = "files")]
        seed: bool,
        /// A lexicon file adding bodies, abbreviations and old names to the built-in ones.
        #[arg(long)]
        lexicon: Option<PathBuf>,
    },
    /// Print the task × agency matrix (CT = chủ trì, PH = phối hợp) of a stored plan.
    Show {
        /// The plan's number (14/KH-UBND) or id; without it, the only plan, or the list of plans.
        plan: Option<String>,
    },
    /// List stored plans.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token for an account and print it (once; only its hash is stored).
    Create {
        /// The account's username.
        #[arg(long)]
        user: String,
        /// read, or write (also changes the account's own reports).
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until it expires (1–366).
        #[arg(long, default_value_t = 30)]
        days: i64,
        /// What it is for, as the account's list of tokens shows it.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// List the agencies and groups the stored plans name, with their roles.
    List,
}

fn parse_frequency(s: &str) -> Result<theodoi_domain::ReportFrequency, String> {
    theodoi_domain::ReportFrequency::parse(s).ok_or_else(|| {
        format!("\"{s}\" is not one of monthly, quarterly, six-monthly, nine-month, annual")
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Parsing and periods need no database and no runtime.
    match &args.command {
        Command::Plan(PlanCommand::Parse { files, lexicon }) => {
            return plan::parse(files, lexicon.as_deref());
        }
        Command::Periods {
            frequency,
            year,
            json,
            calendar,
        } => {
            return periods(*frequency, *year, *json, *calendar);
        }
        _ => {}
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(run_with_db(args))
}

async fn run_with_db(args: Args) -> anyhow::Result<ExitCode> {
    let db = open(&args.database).await?;
    let result = match args.command {
        Command::Plan(PlanCommand::Parse { .. }) | Command::Periods { .. } => Ok(ExitCode::SUCCESS),
        Command::Plan(PlanCommand::Import {
            files,
            seed,
            lexicon,
        }) => plan::import(&db, &files, seed, lexicon.as_deref()).await,
        Command::Plan(PlanCommand::Show { plan }) => plan::show(&db, plan.as_deref()).await,
        Command::Plan(PlanCommand::List) => plan::list(&db).await,
        Command::Agency(AgencyCommand::List) => agency::list(&db).await,
        Command::Token(TokenCommand::Create {
            user,
            scope,
            days,
            name,
        }) => token::create(&db, &user, &scope, days, &name).await,
        Command::Rec(RecCommand::Import {
            files,
            symbol,
            accepted_by,
            dry_run,
        }) => rec::import(&db, &files, symbol, accepted_by.as_deref(), dry_run).await,
        Command::Rec(RecCommand::List { source, json }) => {
            rec::list(&db, source.as_deref(), json).await
        }
        Command::Migrate => {
            eprintln!("theodoi: database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(serve_args) => serve::run(db.clone(), &args.database, serve_args).await,
        Command::Demo(DemoCommand::Generate {
            scale,
            seed,
            no_reports,
        }) => demo::generate(&db, &scale, seed, !no_reports).await,
        Command::Backup { output, force } => backup::backup(&db, &output, force).await,
        Command::Restore { file } => backup::restore(&db, &file).await,
        Command::Audit(AuditCommand::Verify { anchor, json }) => {
            audit::verify(&db, anchor.as_deref(), json).await
        }
        Command::Audit(AuditCommand::Anchor) => audit::anchor(&db).await,
        Command::Data(DataCommand::Export {
            round,
            period,
            plan,
            format,
            output,
            all,
        }) => {
            let args = data::ExportArgs {
                round,
                period: period.as_deref(),
                plan: plan.as_deref(),
                format: format.as_deref(),
                output: output.as_deref(),
                all,
            };
            data::export(&db, args).await
        }
        Command::Data(DataCommand::Import {
            file,
            format,
            dry_run,
            partial,
            as_user,
            json,
        }) => {
            let args = data::ImportArgs {
                file: &file,
                format: format.as_deref(),
                dry_run,
                partial,
                as_user: as_user.as_deref(),
                json,
            };
            data::import(&db, args).await
        }
        Command::Report(ReportCommand::Rounds) => report::rounds(&db).await,
        Command::Report(ReportCommand::Build {
            round,
            format,
            output,
            place,
            superior,
            drafting_unit,
            no_date,
            signer,
            group,
        }) => {
            let formal = report::Formal {
                superior,
                place,
                signer,
                drafting_unit,
                no_date,
                group,
                require_all: true,
            };
            report::build(&db, round, &format, &output, &formal).await
        }
    };
    db.close().await;
    result
}

/// `theodoi periods`: one line per period, or JSON.
fn periods(
    frequency: theodoi_domain::ReportFrequency,
    year: i32,
    json: bool,
    calendar: bool,
) -> anyhow::Result<ExitCode> {
    use theodoi_domain::{Period, Windows};
    let windows = if calendar {
        Windows::Calendar
    } else {
        Windows::Decree09
    };
    let periods = Period::all_in(frequency, year)?;
    if json {
        let rows: Vec<serde_json::Value> = periods
            .iter()
            .map(|p| {
                let w = p.window(windows);
                serde_json::json!({
                    "label": p.label_vi(),
                    "label_en": p.label_en(),
                    "frequency": frequency.code(),
                    "year": p.year,
                    "index": p.index,
                    "start": w.start.to_string(),
                    "end": w.end.to_string(),
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for p in &periods {
            let w = p.window(windows);
            outln!("{:<24} {} → {}", p.label_vi(), w.start, w.end);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Open and migrate the database, naming it in any error (without credentials).
pub async fn open(url: &str) -> anyhow::Result<Db> {
    let shown = redact(url);
    let db = Db::connect(url)
        .await
        .with_context(|| format!("opening database {shown}"))?;
    db.migrate()
        .await
        .with_context(|| format!("migrating database {shown}"))?;
    Ok(db)
}

/// A URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// `--group`: "plan", "recommendations" or "articles".
fn parse_grouping(s: &str) -> Result<theodoi_report::Grouping, String> {
    theodoi_report::Grouping::parse(s)
        .ok_or_else(|| format!("\"{s}\": expected plan, recommendations or articles"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://theodoi.db"), "sqlite://theodoi.db");
    }
}
