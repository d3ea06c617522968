//! Tamper evidence for the audit log. Every entry carries `prev_hash`, the hash of the entry before
//! it, and `hash`, the SHA-256 of a length-prefixed encoding of `prev_hash` and its own fields, so
//! an entry changed, removed or slipped in by someone with access to the database breaks the chain
//! at that entry, and a copy of the newest hash kept outside (`theodoi audit anchor`) shows whether
//! the log up to it was rewritten whole.
//!
//! Appends are serialised (a transaction-scoped advisory lock on PostgreSQL, a write transaction
//! begun `IMMEDIATE` on SQLite) so two never link to the same predecessor. Entries written before
//! migration 0022 keep NULL hashes: they are never rewritten (the table is append-only); the first
//! entry appended after the upgrade links to the hash of all of them, computed in id order exactly
//! as if they had been chained, so a later change to one of them breaks the link of that entry.

use crate::accounts::AuditEntry;
use crate::{Db, Result, StoreError};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use theodoi_text::Message;
use time::{OffsetDateTime, UtcOffset};

/// The link of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Rows read per query while walking the chain: a national log holds millions.
const PAGE: i64 = 10_000;

/// Key of the PostgreSQL advisory lock that serialises appends ("theodoia" in ASCII).
const LOCK_KEY: i64 = 0x7468_656f_646f_6961;

const COLUMNS: &str = "id, at, user_id, username, action, target, detail, ip, prev_hash, hash";

/// One audit entry as the chain sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChainRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// The newest entry of the log and the hash that stands for the whole log up to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub id: i64,
    pub at: OffsetDateTime,
    pub action: String,
    pub hash: String,
}

/// An entry named in a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    pub id: i64,
    pub at: OffsetDateTime,
    pub action: String,
}

/// What is wrong at the first entry where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Its fields no longer give its stored hash: it was changed after it was written.
    Edited,
    /// It has no hash although the chain had begun before it: written outside theodoi.
    NotChained,
    /// Entries before it are gone (ids `from..=to`): its link names an entry no longer there.
    Deleted { from: i64, to: i64 },
    /// Its link names entry `links_to`, not the entry just before it: put in out of order.
    OutOfOrder { links_to: i64 },
    /// Its link matches no entry: the entry before it (`previous`) was changed and its hash
    /// recomputed, or this entry's link was.
    LinkBroken { previous: Option<i64> },
    /// It is dated before the entry just before it (`previous`), which appends never do.
    Backdated { previous: i64 },
    /// The entries written before the chain began (ids `from..=to`), which this, the first
    /// chained entry, vouches for, were changed, removed or added to.
    EarlierChanged { from: i64, to: i64 },
    /// The anchor given is the hash of no entry: the log up to it was rewritten (or the anchor
    /// belongs to another database).
    AnchorNotFound,
}

impl Problem {
    /// A stable name for tools (`theodoi audit verify --json`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Edited => "edited",
            Self::NotChained => "not_chained",
            Self::Deleted { .. } => "deleted",
            Self::OutOfOrder { .. } => "out_of_order",
            Self::LinkBroken { .. } => "link_broken",
            Self::Backdated { .. } => "backdated",
            Self::EarlierChanged { .. } => "earlier_changed",
            Self::AnchorNotFound => "anchor_not_found",
        }
    }
}

/// The first break in the chain: the entry where it shows (none when the anchor is missing) and
/// what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub entry: Option<EntryRef>,
    pub problem: Problem,
}

impl ChainBreak {
    /// What happened, naming the entry, for the administrator.
    pub fn message(&self) -> Message {
        let (vi_e, en_e) = match &self.entry {
            Some(e) => (
                format!(
                    "Mục #{} ({}, {})",
                    e.id,
                    display_at(e.at),
                    quoted(&e.action)
                ),
                format!(
                    "Entry #{} ({}, {})",
                    e.id,
                    display_at(e.at),
                    quoted(&e.action)
                ),
            ),
            None => (String::new(), String::new()),
        };
        match &self.problem {
            Problem::Edited => Message::new(
                format!("{vi_e} đã bị sửa sau khi ghi: nội dung không còn khớp với mã băm của nó."),
                format!(
                    "{en_e} was edited after it was written: its fields no longer give its hash."
                ),
            ),
            Problem::NotChained => Message::new(
                format!(
                    "{vi_e} không có mã băm: được chèn vào ngoài theodoi, sau khi chuỗi đã bắt đầu."
                ),
                format!(
                    "{en_e} has no hash: it was inserted outside theodoi after the chain began."
                ),
            ),
            Problem::Deleted { from, to } => {
                let (en_ids, verb) = ids_en(*from, *to);
                let id = self.entry.as_ref().map_or(0, |e| e.id);
                Message::new(
                    format!(
                        "{} trước {} đã bị xóa: liên kết của mục #{id} chỉ tới mục không còn trong nhật ký.",
                        ids_vi(*from, *to),
                        vi_e.to_lowercase_first()
                    ),
                    format!(
                        "{en_ids} before {} {verb} deleted: the link of entry #{id} names an entry no longer in the log.",
                        en_e.to_lowercase_first()
                    ),
                )
            }
            Problem::OutOfOrder { links_to } => Message::new(
                format!(
                    "{vi_e} bị chèn sai thứ tự: liên kết của nó chỉ tới mục #{links_to}, không phải mục ngay trước nó."
                ),
                format!(
                    "{en_e} was inserted out of order: its link names entry #{links_to}, not the entry just before it."
                ),
            ),
            Problem::LinkBroken { previous: Some(p) } => Message::new(
                format!(
                    "Liên kết của {} không khớp với mục #{p} ngay trước nó: mục #{p} đã bị sửa và tính lại mã băm, hoặc liên kết của mục này đã bị sửa.",
                    vi_e.to_lowercase_first()
                ),
                format!(
                    "The link of {} does not match entry #{p} just before it: entry #{p} was edited and its hash recomputed, or this entry's link was changed.",
                    en_e.to_lowercase_first()
                ),
            ),
            Problem::LinkBroken { previous: None } => Message::new(
                format!(
                    "{vi_e} là mục đầu tiên nhưng liên kết của nó không phải điểm khởi đầu của chuỗi: có mục trước nó đã bị xóa, hoặc nó đã bị sửa."
                ),
                format!(
                    "{en_e} is the first entry but its link is not the chain's start: an entry before it was deleted, or it was edited."
                ),
            ),
            Problem::Backdated { previous } => Message::new(
                format!(
                    "{vi_e} bị chèn sai thứ tự: thời điểm ghi sớm hơn mục #{previous} đứng trước nó."
                ),
                format!(
                    "{en_e} was inserted out of order: it is dated before entry #{previous} which precedes it."
                ),
            ),
            Problem::EarlierChanged { from, to } => Message::new(
                format!(
                    "Các mục ghi trước khi có chuỗi (#{from}–#{to}) đã bị sửa, xóa hoặc thêm: chúng không còn khớp với liên kết của {}.",
                    vi_e.to_lowercase_first()
                ),
                format!(
                    "The entries written before the chain began (#{from}–#{to}) were edited, deleted or added to: they no longer match the link of {}.",
                    en_e.to_lowercase_first()
                ),
            ),
            Problem::AnchorNotFound => Message::new(
                "Không mục nào của nhật ký có mã băm này: nhật ký đến mốc neo đã bị viết lại (hoặc mốc neo thuộc cơ sở dữ liệu khác).",
                "No entry of the log has this hash: the log up to the anchor was rewritten (or the anchor belongs to another database).",
            ),
        }
    }
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerdict {
    /// Entries read before the first break, or all of them.
    pub checked: u64,
    /// The last entry read that was intact, and the hash standing for the log up to it.
    pub head: Option<AuditHead>,
    /// The entry whose hash is the anchor given.
    pub anchored: Option<AuditHead>,
    pub broken: Option<ChainBreak>,
}

impl AuditVerdict {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// The SHA-256, in lower-case hex, of the entry `row` linked to `prev`. Every field is
/// length-prefixed and tagged present or absent, so no two different entries encode alike; the
/// time is UTC with microseconds, the precision both databases keep.
pub fn entry_hash(prev: &str, row: &ChainRow) -> String {
    fn text(h: &mut Sha256, s: Option<&str>) {
        match s {
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    let mut h = Sha256::new();
    h.update(b"theodoi-audit-v1");
    text(&mut h, Some(prev));
    text(&mut h, Some(&row.id.to_string()));
    text(&mut h, Some(&canonical_at(row.at)));
    text(&mut h, row.user_id.map(|u| u.to_string()).as_deref());
    text(&mut h, row.username.as_deref());
    text(&mut h, Some(&row.action));
    text(&mut h, row.target.as_deref());
    text(&mut h, row.detail.as_deref());
    text(&mut h, row.ip.as_deref());
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// RFC 3339 in UTC with six decimals: `2026-12-01T06:22:51.123456Z`.
pub fn canonical_at(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    // Only years beyond 9999 fail to format; they still need one fixed spelling.
    at.format(&fmt)
        .unwrap_or_else(|_| at.unix_timestamp_nanos().to_string())
}

/// For people: `2026-12-01 06:22:51 UTC`.
pub fn display_at(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let fmt =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    at.format(&fmt).unwrap_or_else(|_| canonical_at(at))
}

/// An anchor as typed: 64 hex digits, any case, spaces around ignored.
pub fn parse_anchor(s: &str) -> Result<String> {
    let s = s.trim().to_ascii_lowercase();
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s)
    } else {
        Err(StoreError::invalid(
            format!(
                "Mốc neo \"{}\" không hợp lệ: cần đúng 64 chữ số thập lục phân, như `theodoi audit anchor` in ra",
                truncate(&s, 80)
            ),
            format!(
                "The anchor \"{}\" is not valid: it must be exactly 64 hex digits, as `theodoi audit anchor` prints",
                truncate(&s, 80)
            ),
        ))
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

fn quoted(action: &str) -> String {
    format!("\"{}\"", truncate(action, 60))
}

fn ids_vi(from: i64, to: i64) -> String {
    if from == to {
        format!("Mục #{from}")
    } else {
        format!("Các mục #{from}–#{to}")
    }
}

fn ids_en(from: i64, to: i64) -> (String, &'static str) {
    if from == to {
        (format!("Entry #{from}"), "was")
    } else {
        (format!("Entries #{from}–#{to}"), "were")
    }
}

trait LowerFirst {
    fn to_lowercase_first(&self) -> String;
}

impl LowerFirst for String {
    /// "Mục #3 …" inside a sentence reads "mục #3 …".
    fn to_lowercase_first(&self) -> String {
        let mut c = self.chars();
        match c.next() {
            Some(f) => f.to_lowercase().chain(c).collect(),
            None => String::new(),
        }
    }
}

/// What a step of the walk found.
enum Step {
    Ok,
    Broken(ChainBreak),
    /// The link matches neither the entry before nor a gap: whose hash is it? Answered by a query.
    Lookup {
        entry: EntryRef,
        link: String,
    },
}

/// The walk along the log in id order, one entry at a time, holding only the previous entry.
struct Walker {
    anchor: Option<String>,
    running: String,
    prev: Option<(i64, OffsetDateTime)>,
    /// Ids of the entries before the chain began (no hash), while the walk is among them.
    legacy: Option<(i64, i64)>,
    chained: bool,
    checked: u64,
    head: Option<AuditHead>,
    anchored: Option<AuditHead>,
}

impl Walker {
    fn new(anchor: Option<String>) -> Self {
        Self {
            anchor,
            running: GENESIS.to_string(),
            prev: None,
            legacy: None,
            chained: false,
            checked: 0,
            head: None,
            anchored: None,
        }
    }

    fn step(&mut self, row: &ChainRow) -> Step {
        let entry = || EntryRef {
            id: row.id,
            at: row.at,
            action: row.action.clone(),
        };
        let broken = |problem| {
            Step::Broken(ChainBreak {
                entry: Some(entry()),
                problem,
            })
        };
        let hash = match &row.hash {
            Some(h) => h.clone(),
            None if !self.chained => {
                // Written before the chain: covered by the first chained entry's link.
                let h = entry_hash(&self.running, row);
                let first = self.legacy.map_or(row.id, |l| l.0);
                self.legacy = Some((first, row.id));
                self.accept(row, h);
                return Step::Ok;
            }
            None => return broken(Problem::NotChained),
        };
        let link = row.prev_hash.as_deref().unwrap_or("");
        if entry_hash(link, row) != hash {
            return broken(Problem::Edited);
        }
        if link != self.running {
            if !self.chained
                && let Some((from, to)) = self.legacy
            {
                return broken(Problem::EarlierChanged { from, to });
            }
            let expected = self.prev.map_or(1, |p| p.0 + 1);
            if row.id > expected {
                return broken(Problem::Deleted {
                    from: expected,
                    to: row.id - 1,
                });
            }
            return Step::Lookup {
                entry: entry(),
                link: link.to_string(),
            };
        }
        if let Some((previous, at)) = self.prev
            && row.at < at
        {
            return broken(Problem::Backdated { previous });
        }
        self.chained = true;
        self.legacy = None;
        self.accept(row, hash);
        Step::Ok
    }

    fn accept(&mut self, row: &ChainRow, hash: String) {
        self.checked += 1;
        self.prev = Some((row.id, row.at));
        let head = AuditHead {
            id: row.id,
            at: row.at,
            action: row.action.clone(),
            hash: hash.clone(),
        };
        if self.anchor.as_deref() == Some(hash.as_str()) {
            self.anchored = Some(head.clone());
        }
        self.running = hash;
        self.head = Some(head);
    }

    /// The verdict once the link of `entry` was looked up: `owner` is the entry with that hash.
    fn resolve(self, entry: EntryRef, owner: Option<i64>) -> AuditVerdict {
        let previous = self.prev.map(|p| p.0);
        let problem = match owner {
            Some(links_to) if Some(links_to) != previous => Problem::OutOfOrder { links_to },
            _ => Problem::LinkBroken { previous },
        };
        self.verdict(Some(ChainBreak {
            entry: Some(entry),
            problem,
        }))
    }

    fn finish(self) -> AuditVerdict {
        let missing = self.anchor.is_some() && self.anchored.is_none();
        let broken = missing.then_some(ChainBreak {
            entry: None,
            problem: Problem::AnchorNotFound,
        });
        self.verdict(broken)
    }

    fn verdict(self, broken: Option<ChainBreak>) -> AuditVerdict {
        AuditVerdict {
            checked: self.checked,
            head: self.head,
            anchored: self.anchored,
            broken,
        }
    }
}

/// `$begin` opens the append's transaction (`BEGIN IMMEDIATE` takes SQLite's write lock at once);
/// `$lock` then serialises appends on PostgreSQL; `$next_id` and `$insert` differ because an
/// identity column on PostgreSQL takes an explicit id only with `OVERRIDING SYSTEM VALUE`.
macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal, $lock:expr, $next_id:literal, $insert:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

            const PAGE_SQL: &str = "SELECT id, at, user_id, username, action, target, detail, ip, prev_hash, hash \
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2";

            /// Append one entry linked to the newest. The entry's id is drawn inside the
            /// transaction, under the lock, because it is part of what the hash covers.
            pub async fn append(
                pool: &Pool<$db>,
                e: &AuditEntry<'_>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = pool.begin_with($begin).await?;
                let lock: Option<&'static str> = $lock;
                if let Some(lock) = lock {
                    sqlx::query(lock).bind(LOCK_KEY).execute(&mut *tx).await?;
                }
                let newest: Option<(OffsetDateTime, Option<String>)> =
                    sqlx::query_as("SELECT at, hash FROM audit_log ORDER BY id DESC LIMIT 1")
                        .fetch_optional(&mut *tx)
                        .await?;
                let (prev, last_at) = match newest {
                    None => (GENESIS.to_string(), None),
                    Some((at, Some(hash))) => (hash, Some(at)),
                    Some((at, None)) => {
                        let chained: Option<String> = sqlx::query_scalar(
                            "SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
                        )
                        .fetch_optional(&mut *tx)
                        .await?;
                        match chained {
                            // An entry written outside theodoi: verify names it; the log goes on
                            // from the last chained entry rather than vouching for it.
                            Some(hash) => (hash, Some(at)),
                            // The first append since the upgrade: vouch for every earlier entry.
                            None => (legacy_hash(&mut tx).await?, Some(at)),
                        }
                    }
                };
                // Microseconds, as PostgreSQL keeps them; never before the newest entry, so the
                // log's order is its time order even across a clock stepped back.
                let now = now.to_offset(UtcOffset::UTC);
                let mut at = now
                    .replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
                    .unwrap_or(now);
                if let Some(last) = last_at
                    && last > at
                {
                    at = last;
                }
                let id: i64 = sqlx::query_scalar($next_id).fetch_one(&mut *tx).await?;
                let mut row = ChainRow {
                    id,
                    at,
                    user_id: e.user_id,
                    username: e.username.map(str::to_string),
                    action: e.action.to_string(),
                    target: e.target.map(str::to_string),
                    detail: e.detail.map(str::to_string),
                    ip: e.ip.map(str::to_string),
                    prev_hash: None,
                    hash: None,
                };
                let hash = entry_hash(&prev, &row);
                row.prev_hash = Some(prev);
                sqlx::query($insert)
                    .bind(row.id)
                    .bind(row.at)
                    .bind(row.user_id)
                    .bind(&row.username)
                    .bind(&row.action)
                    .bind(&row.target)
                    .bind(&row.detail)
                    .bind(&row.ip)
                    .bind(&row.prev_hash)
                    .bind(&hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            /// The hash standing for every entry written before the chain began, in id order.
            async fn legacy_hash(tx: &mut sqlx::Transaction<'static, $db>) -> Result<String> {
                let mut walker = Walker::new(None);
                let mut after = i64::MIN;
                loop {
                    let rows: Vec<ChainRow> = sqlx::query_as(PAGE_SQL)
                        .bind(after)
                        .bind(PAGE)
                        .fetch_all(&mut **tx)
                        .await?;
                    let Some(last) = rows.last() else { break };
                    after = last.id;
                    for row in &rows {
                        walker.step(row);
                    }
                }
                Ok(walker.running)
            }

            pub async fn verify_audit_chain(
                pool: &Pool<$db>,
                anchor: Option<&str>,
            ) -> Result<AuditVerdict> {
                let anchor = anchor.map(parse_anchor).transpose()?;
                let mut walker = Walker::new(anchor);
                let mut after = i64::MIN;
                loop {
                    let rows: Vec<ChainRow> = sqlx::query_as(PAGE_SQL)
                        .bind(after)
                        .bind(PAGE)
                        .fetch_all(pool)
                        .await?;
                    let Some(last) = rows.last() else { break };
                    after = last.id;
                    for row in &rows {
                        match walker.step(row) {
                            Step::Ok => {}
                            Step::Broken(b) => return Ok(walker.verdict(Some(b))),
                            Step::Lookup { entry, link } => {
                                // Only on a broken chain: one scan to say where the link points.
                                let owner: Option<i64> = sqlx::query_scalar(
                                    "SELECT id FROM audit_log WHERE hash = $1 AND id < $2 ORDER BY id LIMIT 1",
                                )
                                .bind(&link)
                                .bind(entry.id)
                                .fetch_optional(pool)
                                .await?;
                                return Ok(walker.resolve(entry, owner));
                            }
                        }
                    }
                }
                Ok(walker.finish())
            }

            pub async fn audit_head(pool: &Pool<$db>) -> Result<Option<AuditHead>> {
                let newest: Option<ChainRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM audit_log ORDER BY id DESC LIMIT 1"
                )))
                .fetch_optional(pool)
                .await?;
                match newest {
                    None => Ok(None),
                    Some(ChainRow {
                        id,
                        at,
                        action,
                        hash: Some(hash),
                        ..
                    }) => Ok(Some(AuditHead {
                        id,
                        at,
                        action,
                        hash,
                    })),
                    // Not chained yet (no append since the upgrade), or broken: the walk says.
                    Some(_) => Ok(verify_audit_chain(pool, None).await?.head),
                }
            }
        }
    };
}

backend!(
    sqlite,
    sqlx::Sqlite,
    "BEGIN IMMEDIATE",
    None,
    "SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log",
    "INSERT INTO audit_log (id, at, user_id, username, action, target, detail, ip, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
);
backend!(
    postgres,
    sqlx::Postgres,
    "BEGIN",
    Some("SELECT pg_advisory_xact_lock($1)"),
    "SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))",
    "INSERT INTO audit_log (id, at, user_id, username, action, target, detail, ip, prev_hash, hash) \
     OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
);

impl Db {
    /// Walk the audit log in id order and check every link: the verdict names the first entry
    /// that was edited, deleted or put in out of order. With `anchor` (a hash printed by
    /// [`Db::audit_head`] earlier), also proves that the log up to that entry was not rewritten.
    /// Reads only.
    pub async fn verify_audit_chain(&self, anchor: Option<&str>) -> Result<AuditVerdict> {
        crate::dispatch!(self, verify_audit_chain(anchor))
    }

    /// The newest entry and the hash that stands for the log up to it, to keep outside the
    /// database. Reads only.
    pub async fn audit_head(&self) -> Result<Option<AuditHead>> {
        crate::dispatch!(self, audit_head())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, detail: Option<&str>) -> ChainRow {
        ChainRow {
            id,
            at: OffsetDateTime::UNIX_EPOCH,
            user_id: Some(1),
            username: Some("admin".into()),
            action: "login".into(),
            target: None,
            detail: detail.map(str::to_string),
            ip: None,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn fields_cannot_run_into_each_other() {
        let mut a = row(1, Some("ab"));
        a.target = Some(String::new());
        let mut b = row(1, Some("b"));
        b.target = Some("a".into());
        assert_ne!(entry_hash(GENESIS, &a), entry_hash(GENESIS, &b));
        // Absent and empty differ.
        let c = row(1, None);
        let d = row(1, Some(""));
        assert_ne!(entry_hash(GENESIS, &c), entry_hash(GENESIS, &d));
        assert_eq!(entry_hash(GENESIS, &c).len(), 64);
        assert_eq!(entry_hash(GENESIS, &c), entry_hash(GENESIS, &row(1, None)));
    }

    #[test]
    fn time_is_fixed_precision_utc() {
        let at = OffsetDateTime::UNIX_EPOCH
            .to_offset(UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC));
        assert_eq!(canonical_at(at), "1970-01-01T00:00:00.000000Z");
    }

    #[test]
    fn anchors_are_checked() {
        assert!(parse_anchor(&"A".repeat(64)).is_ok());
        assert!(parse_anchor("abc").is_err());
        assert!(parse_anchor(&"g".repeat(64)).is_err());
    }
}
