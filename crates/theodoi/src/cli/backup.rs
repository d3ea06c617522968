//! `theodoi backup` and `theodoi restore`: a SQLite database to one file and back (procedure and
//! PostgreSQL: docs/operations/backup.md).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use theodoi_store::Db;
use theodoi_store::backup::BackupSummary;

/// Said after every backup and restore: nothing else on disk needs saving.
const ALL_IN_DATABASE: &str = "Mọi dữ liệu của theodoi, kể cả tệp đính kèm, khóa máy chủ và phiên đăng nhập, nằm trong cơ sở dữ liệu: không có tệp nào khác cần sao lưu. \
     (Everything theodoi keeps, attached files included, is in the database: no other file needs backing up.)";

/// Bytes for people: "12,3 MB".
fn size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    let (v, unit) = if b >= 1e9 {
        (b / 1e9, "GB")
    } else if b >= 1e6 {
        (b / 1e6, "MB")
    } else {
        (b / 1e3, "KB")
    };
    format!("{v:.1} {unit}").replace('.', ",")
}

/// Thousands grouped the Vietnamese way: 1.234.567.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn seconds(t: Instant) -> String {
    format!("{:.2}", t.elapsed().as_secs_f64()).replace('.', ",")
}

pub async fn backup(db: &Db, output: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let s: BackupSummary = db.backup_to(output, force).await?;
    outln!(
        "Đã sao lưu vào {}: {}, {} bảng, {} dòng, lược đồ số {}, kiểm tra toàn vẹn: ok, {} giây.",
        s.path.display(),
        size(s.bytes),
        s.tables,
        grouped(s.rows),
        s.schema_version,
        seconds(started)
    );
    outln!("{ALL_IN_DATABASE}");
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(db: &Db, file: &Path) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let s = db.restore_from(file).await?;
    let upgrade = match s.upgraded.last() {
        Some(newest) => format!(
            "lược đồ số {} đã nâng lên số {newest} ({} lần chuyển đổi)",
            s.schema_version,
            s.upgraded.len()
        ),
        None => format!("lược đồ số {}", s.schema_version),
    };
    outln!(
        "Đã khôi phục từ {} ({}): {} bảng, {} dòng, {upgrade}, {} giây.",
        s.path.display(),
        size(s.bytes),
        s.tables,
        grouped(s.rows),
        seconds(started)
    );
    outln!("{ALL_IN_DATABASE}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_the_vietnamese_way() {
        assert_eq!(grouped(1_234_567), "1.234.567");
        assert_eq!(grouped(999), "999");
        assert_eq!(size(12_345_678), "12,3 MB");
    }
}
