//! `theodoi audit verify` and `theodoi audit anchor` as an administrator runs them, against a
//! database edited behind theodoi's back.

use std::path::Path;
use std::process::{Command, Output};
use theodoi_store::Db;
use theodoi_store::accounts::AuditEntry;

fn theodoi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn verify_and_anchor() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let rt = runtime();
    rt.block_on(async {
        let db = Db::connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
        db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
        for action in ["login", "user.create", "role.change", "logout"] {
            let e = AuditEntry {
                username: Some("admin"),
                action,
                ..Default::default()
            };
            db.audit(&e, time::OffsetDateTime::now_utc())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        db.close().await;
    });
    let db_arg = ["--database", url.as_str()];
    let run = |args: &[&str]| theodoi(dir.path(), &[&db_arg[..], args].concat());

    let o = run(&["audit", "verify"]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(
        text(&o.stdout).contains("nguyên vẹn: 4 mục"),
        "{}",
        text(&o.stdout)
    );

    let o = run(&["audit", "anchor"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let anchor = out.lines().next().unwrap_or_default().to_string();
    assert_eq!(anchor.len(), 64, "{out}");
    assert!(out.contains("Mục #4"), "{out}");

    // Taking the anchor wrote nothing: the anchor is still the head.
    let o = run(&["audit", "verify", "--anchor", &anchor, "--json"]);
    assert!(o.status.success(), "{}", text(&o.stdout));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(v["intact"], true);
    assert_eq!(v["checked"], 4);
    assert_eq!(v["anchored"]["id"], 4);
    assert_eq!(v["head"]["hash"], anchor.as_str());

    let o = run(&["audit", "verify", "--anchor", "not-a-hash"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("64 chữ số"), "{}", text(&o.stderr));

    // Someone with the database edits entry 2, dropping the trigger that refuses it.
    rt.block_on(async {
        let Db::Sqlite(p) = Db::connect(&url).await.unwrap_or_else(|e| panic!("{e}")) else {
            panic!("not SQLite")
        };
        for sql in [
            "DROP TRIGGER audit_log_no_update",
            "UPDATE audit_log SET action = 'login' WHERE id = 2",
        ] {
            sqlx::query(sql)
                .execute(&p)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        p.close().await;
    });
    let o = run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let out = text(&o.stdout);
    assert!(
        out.contains("KHÔNG CÒN NGUYÊN VẸN") && out.contains("Mục #2") && out.contains("đã bị sửa"),
        "{out}"
    );
    let o = run(&["audit", "verify", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(v["broken"]["problem"], "edited");
    assert_eq!(v["broken"]["entry"]["id"], 2);
    // No anchor is taken over a broken log.
    let o = run(&["audit", "anchor"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(
        text(&o.stderr).contains("không lấy mốc neo"),
        "{}",
        text(&o.stderr)
    );
}
