//! `theodoi audit verify [--anchor HASH] [--json]` and `theodoi audit anchor`: the audit log's
//! hash chain (`theodoi_store::audit_chain`). Both only read: taking an anchor writes no audit
//! entry, so the head printed stays the head.

use std::process::ExitCode;
use theodoi_store::Db;
use theodoi_store::audit_chain::{AuditHead, AuditVerdict, display_at};

/// Exit 0 when the chain is intact (and holds the anchor), 1 when it is broken, 2 on an error.
pub async fn verify(db: &Db, anchor: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let v = db.verify_audit_chain(anchor).await?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&verdict_json(&v))?);
    } else {
        print_verdict(&v);
    }
    Ok(if v.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Print the head hash to keep outside, after checking the chain it stands for: an anchor of a
/// log already tampered with would prove nothing.
pub async fn anchor(db: &Db) -> anyhow::Result<ExitCode> {
    let v = db.verify_audit_chain(None).await?;
    if let Some(b) = &v.broken {
        let m = b.message();
        eprintln!(
            "theodoi: không lấy mốc neo vì nhật ký thao tác không còn nguyên vẹn: {}\n         (no anchor taken, the audit log is not intact: {})",
            m.vi, m.en
        );
        return Ok(ExitCode::FAILURE);
    }
    let Some(head) = &v.head else {
        eprintln!(
            "theodoi: nhật ký thao tác chưa có mục nào, chưa có gì để neo (the audit log is empty)"
        );
        return Ok(ExitCode::SUCCESS);
    };
    outln!("{}", head.hash);
    outln!(
        "Mục #{} ({}, \"{}\"), {} mục đã kiểm tra. / Entry #{}, {} entries checked.",
        head.id,
        display_at(head.at),
        head.action,
        v.checked,
        head.id,
        v.checked
    );
    outln!(
        "Lưu mã trên ngoài máy chủ (bản in, thư gửi thanh tra); sau này `theodoi audit verify --anchor {}` chứng minh nhật ký đến mục này không bị viết lại.",
        head.hash
    );
    Ok(ExitCode::SUCCESS)
}

fn print_verdict(v: &AuditVerdict) {
    match &v.broken {
        None => {
            outln!(
                "Nhật ký thao tác nguyên vẹn: {} mục đã kiểm tra. (The audit log is intact: {} entries checked.)",
                v.checked,
                v.checked
            );
            if let Some(h) = &v.head {
                outln!("Mục mới nhất (newest entry): {}", head_line(h));
            }
            if let Some(a) = &v.anchored {
                outln!(
                    "Mốc neo khớp (anchor found): {} — nhật ký đến mục này không bị viết lại (the log up to it was not rewritten).",
                    head_line(a)
                );
            }
        }
        Some(b) => {
            let m = b.message();
            outln!("NHẬT KÝ THAO TÁC KHÔNG CÒN NGUYÊN VẸN. {}", m.vi);
            outln!("(The audit log is not intact. {})", m.en);
            if let Some(h) = &v.head {
                outln!(
                    "Các mục đến #{} vẫn khớp chuỗi ({} mục). (Entries up to #{} are intact.)",
                    h.id,
                    v.checked,
                    h.id
                );
            }
        }
    }
}

fn head_line(h: &AuditHead) -> String {
    format!(
        "#{} ({}, \"{}\") {}",
        h.id,
        display_at(h.at),
        h.action,
        h.hash
    )
}

fn head_json(h: &AuditHead) -> serde_json::Value {
    serde_json::json!({
        "id": h.id,
        "at": theodoi_store::audit_chain::canonical_at(h.at),
        "action": h.action,
        "hash": h.hash,
    })
}

fn verdict_json(v: &AuditVerdict) -> serde_json::Value {
    let broken = v.broken.as_ref().map(|b| {
        let m = b.message();
        serde_json::json!({
            "problem": b.problem.code(),
            "entry": b.entry.as_ref().map(|e| serde_json::json!({
                "id": e.id,
                "at": theodoi_store::audit_chain::canonical_at(e.at),
                "action": e.action,
            })),
            "message": m.vi,
            "message_en": m.en,
        })
    });
    serde_json::json!({
        "intact": v.is_intact(),
        "checked": v.checked,
        "head": v.head.as_ref().map(head_json),
        "anchored": v.anchored.as_ref().map(head_json),
        "broken": broken,
    })
}
