//! docs/deploy/configuration.md stays the whole list of settings: every long flag of every command
//! (read from the binary's own `--help`, walked down the command tree), every `[env: …]` variable
//! clap declares and every `THEODOI_…` variable the product's sources read must have a row in the
//! document's table, with clap's default in its Default cell. The check is one way: the table may
//! name settings the binary does not have yet.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One option of one command, as its help prints it.
#[derive(Debug)]
struct Opt {
    /// The command's words after `theodoi` ("report build"); empty for the top level.
    command: String,
    flag: String,
    env: Option<String>,
    default: Option<String>,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn help(words: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .args(words)
        .arg("--help")
        // A variable set in the caller's environment would show its value in the help.
        .env_clear()
        .output()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"));
    assert!(
        out.status.success(),
        "theodoi {} --help failed: {}",
        words.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The help's sections: ("Commands", lines), ("Options", lines), …
fn sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let heading = !line.starts_with(' ') && line.ends_with(':') && !line.contains(' ');
        if heading {
            out.push((line.trim_end_matches(':').to_string(), Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(line.to_string());
        }
    }
    out
}

/// `[key: value]` in an option's text, e.g. `[env: THEODOI_LISTEN=]` or `[default: 12]`.
fn bracket(text: &str, key: &str) -> Option<String> {
    let start = text.find(&format!("[{key}: "))? + key.len() + 3;
    let end = text[start..].find(']')? + start;
    Some(text[start..end].to_string())
}

/// The options of one command and the names of its subcommands.
fn options(command: &str, text: &str) -> (Vec<Opt>, Vec<String>) {
    let mut opts = Vec::new();
    let mut subcommands = Vec::new();
    for (name, lines) in sections(text) {
        if name == "Commands" {
            for line in &lines {
                // "  name   description": two spaces of indent, then the name.
                if line.starts_with("  ")
                    && !line.starts_with("   ")
                    && let Some(word) = line.split_whitespace().next()
                    && word != "help"
                {
                    subcommands.push(word.to_string());
                }
            }
        }
        if name != "Options" {
            continue;
        }
        // An option's block runs from its `-x, --name <VALUE>` line to the next one.
        let mut blocks: Vec<(Vec<String>, String)> = Vec::new();
        for line in &lines {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if trimmed.starts_with('-') && indent <= 6 {
                let mut flags = Vec::new();
                let mut rest = Vec::new();
                let mut in_head = true;
                for token in trimmed.split_whitespace() {
                    // The head is `-s, --long <VALUE>`; the description follows.
                    let head = in_head && (token.starts_with('-') || token.starts_with('<'));
                    if head && token.starts_with("--") {
                        flags.push(token.trim_end_matches(',').to_string());
                    } else if !head {
                        in_head = false;
                        rest.push(token);
                    }
                }
                blocks.push((flags, rest.join(" ")));
            } else if let Some((_, text)) = blocks.last_mut() {
                text.push(' ');
                text.push_str(trimmed);
            }
        }
        for (flags, text) in blocks {
            for flag in flags {
                opts.push(Opt {
                    command: command.to_string(),
                    flag,
                    env: bracket(&text, "env")
                        .map(|e| e.split('=').next().unwrap_or_default().to_string()),
                    // A value with spaces is quoted: [default: "theodoi <no-reply@localhost>"].
                    default: bracket(&text, "default").map(|d| d.trim_matches('"').to_string()),
                });
            }
        }
    }
    (opts, subcommands)
}

/// Every option of every command, walking down from `theodoi --help`.
fn all_options() -> (Vec<Opt>, usize) {
    let mut found = Vec::new();
    let mut queue: Vec<Vec<String>> = vec![Vec::new()];
    let mut visited = 0;
    while let Some(words) = queue.pop() {
        visited += 1;
        let (opts, subs) = options(&words.join(" "), &help(&words));
        found.extend(opts);
        for s in subs {
            let mut w = words.clone();
            w.push(s);
            queue.push(w);
        }
    }
    (found, visited)
}

/// A row of the document's table.
#[derive(Debug)]
struct Row {
    flags: BTreeSet<String>,
    envs: BTreeSet<String>,
    all: bool,
    commands: BTreeSet<String>,
    default: String,
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn doc_rows() -> Vec<Row> {
    let path = workspace().join("docs/deploy/configuration.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue;
        }
        let Some(h) = &header else {
            header = Some(cells);
            continue;
        };
        let col = |name: &str| -> String {
            h.iter()
                .position(|c| c == name)
                .and_then(|i| cells.get(i))
                .cloned()
                .unwrap_or_else(|| panic!("the table has no column {name:?}: {h:?}"))
        };
        let commands = col("Commands");
        rows.push(Row {
            flags: backticked(&col("Flag"))
                .into_iter()
                .filter(|f| f.starts_with("--"))
                .collect(),
            envs: backticked(&col("Environment variable"))
                .into_iter()
                .collect(),
            all: commands.split(',').any(|c| c.trim() == "all"),
            commands: backticked(&commands).into_iter().collect(),
            default: col("Default"),
        });
    }
    assert!(!rows.is_empty(), "no table in {}", path.display());
    rows
}

/// `"THEODOI_…"` string literals in the sources of the crates the binary is built from (the
/// benchmarks' crate is not part of the product).
fn source_variables() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                for piece in text.split("\"THEODOI_").skip(1) {
                    let name: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    if piece[name.len()..].starts_with('"') {
                        out.insert(format!("THEODOI_{name}"));
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    let crates = workspace().join("crates");
    for entry in std::fs::read_dir(&crates)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        if entry.file_name() != "bench" {
            walk(&entry.path().join("src"), &mut out);
        }
    }
    out
}

#[test]
fn every_flag_and_variable_is_in_the_configuration_table() {
    let (opts, visited) = all_options();
    // The walk must have reached the commands, or the check below proves nothing.
    assert!(visited >= 10, "only {visited} commands found in the help");
    assert!(
        opts.iter()
            .any(|o| o.command == "serve" && o.flag == "--listen"),
        "--listen of serve not found: is the help's layout still parsed? {opts:?}"
    );
    let rows = doc_rows();
    // Options shown at the top level are global: their row says "all".
    let global: BTreeSet<&str> = opts
        .iter()
        .filter(|o| o.command.is_empty())
        .map(|o| o.flag.as_str())
        .collect();
    let mut missing = Vec::new();
    for o in &opts {
        if !o.command.is_empty() && global.contains(o.flag.as_str()) {
            continue;
        }
        let row = rows.iter().find(|r| {
            r.flags.contains(&o.flag)
                && (r.all || (!o.command.is_empty() && r.commands.contains(&o.command)))
        });
        let at = if o.command.is_empty() {
            "every command".to_string()
        } else {
            format!("`{}`", o.command)
        };
        let Some(row) = row else {
            missing.push(format!("flag {} of {at}", o.flag));
            continue;
        };
        if let Some(env) = &o.env
            && !row.envs.contains(env)
        {
            missing.push(format!("variable {env} in the row of {} ({at})", o.flag));
        }
        if let Some(default) = o.default.as_deref().filter(|d| !d.is_empty())
            && !row.default.contains(default)
        {
            missing.push(format!(
                "default {default:?} of {} ({at}) in its Default cell {:?}",
                o.flag, row.default
            ));
        }
    }
    let documented: BTreeSet<&String> = rows.iter().flat_map(|r| r.envs.iter()).collect();
    let sources = source_variables();
    assert!(
        sources.contains("THEODOI_DATABASE_URL"),
        "the source scan found no THEODOI_DATABASE_URL: {sources:?}"
    );
    for v in &sources {
        if !documented.contains(v) {
            missing.push(format!("variable {v} (read in the sources)"));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/deploy/configuration.md lacks:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_walk_sees_a_flag_the_table_lacks() {
    // The parser itself: a help text with an undocumented flag yields it, with its variable
    // and default, so the check above can fail.
    let text = "Usage: theodoi serve [OPTIONS]\n\nOptions:\n      --listen <LISTEN>\n          Address to listen on\n          \n          [env: THEODOI_LISTEN=]\n          [default: 127.0.0.1:8080]\n\n  -h, --help\n          Print help\n";
    let (opts, subs) = options("serve", text);
    assert!(subs.is_empty());
    let listen = opts
        .iter()
        .find(|o| o.flag == "--listen")
        .unwrap_or_else(|| panic!("{opts:?}"));
    assert_eq!(listen.env.as_deref(), Some("THEODOI_LISTEN"));
    assert_eq!(listen.default.as_deref(), Some("127.0.0.1:8080"));
    assert!(opts.iter().any(|o| o.flag == "--help"));
}
