//! `THEODOI_LOG_FORMAT=json`: every log line of `theodoi serve` is one JSON object, a request's
//! line names its route template, status, time and id, and never its ids, query string or cookies.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn get(addr: &str, path: &str, extra: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n").as_bytes(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut resp = String::new();
    s.read_to_string(&mut resp)
        .unwrap_or_else(|e| panic!("{e}"));
    resp
}

#[test]
fn json_logs_carry_the_route_template_and_nothing_personal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir.path())
        .env_remove("THEODOI_DATABASE_URL")
        .env_remove("THEODOI_LOG")
        .env("THEODOI_LOG_FORMAT", "json")
        .env(
            "THEODOI_ADMIN_PASSWORD",
            "một mật khẩu đủ dài cho thử nghiệm 2026",
        )
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--reminder-interval",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start theodoi serve: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("serve ended early"));
        if let Some(rest) = line.strip_prefix("theodoi is serving on http://") {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    let r = get(
        &addr,
        "/rounds/87654321987?token=bi-mat-truy-van",
        "Cookie: theodoi_session=cookie-bi-mat\r\n",
    );
    assert!(r.starts_with("HTTP/1.1 303"), "{r}");
    let r = get(&addr, "/khong-co-trang?email=ai@vidu.vn", "");
    assert!(r.starts_with("HTTP/1.1 404"), "{r}");
    let id = r
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .unwrap_or_else(|| panic!("no request id: {r}"))
        .to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap_or_else(|| panic!("no stderr"))
        .read_to_string(&mut err)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(child.wait().is_ok_and(|s| s.success()));

    let logs: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        logs.iter().any(|l| l["message"] == "server started"),
        "{err}"
    );
    let requests: Vec<&serde_json::Value> =
        logs.iter().filter(|l| l["message"] == "request").collect();
    assert_eq!(requests.len(), 2, "{err}");
    let round = requests[0];
    assert_eq!(round["http.method"], "GET", "{round}");
    assert_eq!(round["http.route"], "/rounds/{id}", "{round}");
    assert_eq!(round["http.status"], 303, "{round}");
    assert!(round["latency_ms"].as_f64().is_some(), "{round}");
    assert_eq!(requests[1]["http.route"], "unmatched");
    assert_eq!(requests[1]["http.status"], 404);
    assert_eq!(requests[1]["request_id"], id.as_str());
    assert_ne!(round["request_id"], requests[1]["request_id"]);
    for secret in ["87654321987", "bi-mat", "cookie", "vidu", "khong-co-trang"] {
        assert!(!err.contains(secret), "{secret} logged: {err}");
    }
}
