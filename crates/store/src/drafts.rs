//! The Sở's report of a round as a draft worked on in the browser: sections drafted from the
//! data, edited by the coordinator's specialists (every save a version in an append-only
//! history), approved by the head of the coordinating body, refreshed when more reports arrive
//! without ever overwriting an edit.
//!
//! Two edit checks: each section has its own version, so two specialists editing different
//! sections do not refuse each other while two editing the same one cannot overwrite each other;
//! the draft's version grows with every change of any section or of the formal parts, and the
//! approval holds for one draft version — any change after it voids the approval.

use crate::{Db, Result, StoreError};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Longest text a section may hold, in characters: well beyond a report of fifteen pages.
pub const MAX_SECTION_CHARS: usize = 60_000;
/// Longest value of a formal part (a body's full name, a signer's name), in characters.
pub const MAX_PART_CHARS: usize = 200;
/// The setting naming the body whose head approves report drafts.
pub const COORDINATING_AGENCY: &str = "report.coordinating_agency";
/// The code of the agency that coordinates when the setting is absent: Sở Tư pháp.
pub const DEFAULT_COORDINATING_CODE: &str = "so-tu-phap";
/// The settings a new report's formal parts are proposed from, when the plan's header does not
/// name its city (many plans say only "UBND THÀNH PHỐ").
pub const SUPERIOR: &str = "report.superior";
pub const PLACE: &str = "report.place";
pub const DRAFTING_UNIT: &str = "report.drafting_unit";

/// The report's formal parts set once for every round: the superior body's full name, the place
/// in the date line, the drafting unit after "Lưu: VT,". Empty means not set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportSettings {
    pub superior: String,
    pub place: String,
    pub drafting_unit: String,
}

impl ReportSettings {
    /// Cleaned and checked: each fits in a formal part.
    pub fn checked(&self) -> Result<Self> {
        let s = Self {
            superior: theodoi_text::clean(&self.superior).to_uppercase(),
            place: theodoi_text::clean(&self.place),
            drafting_unit: theodoi_text::clean(&self.drafting_unit),
        };
        for (value, vi, en) in [
            (&s.superior, "Cơ quan cấp trên", "The superior body"),
            (&s.place, "Địa danh", "The place"),
            (&s.drafting_unit, "Đơn vị soạn thảo", "The drafting unit"),
        ] {
            if value.chars().count() > MAX_PART_CHARS {
                return Err(StoreError::invalid(
                    format!("{vi} tối đa {MAX_PART_CHARS} ký tự"),
                    format!("{en} takes at most {MAX_PART_CHARS} characters"),
                ));
            }
        }
        Ok(s)
    }
}

/// The draft's own row, with the names of who approved and who changed it last.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftRow {
    pub id: i64,
    pub round_id: i64,
    pub status: String,
    pub version: i32,
    pub approved_version: Option<i32>,
    pub approved_by: Option<i64>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<OffsetDateTime>,
    pub superior: String,
    pub issuer: String,
    pub place: String,
    pub signer: String,
    pub position: String,
    pub drafting_unit: String,
    pub date_blank: bool,
    pub drafted_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
    pub updated_by_name: Option<String>,
    pub updated_at: OffsetDateTime,
}

impl DraftRow {
    pub fn is_approved(&self) -> bool {
        self.status == "approved" && self.approved_version == Some(self.version)
    }

    /// Approved once and changed since: the approval no longer holds.
    pub fn approval_voided(&self) -> bool {
        !self.is_approved() && self.approved_version.is_some()
    }

    pub fn parts(&self) -> FormalParts {
        FormalParts {
            superior: self.superior.clone(),
            issuer: self.issuer.clone(),
            place: self.place.clone(),
            signer: self.signer.clone(),
            position: self.position.clone(),
            drafting_unit: self.drafting_unit.clone(),
            date_blank: self.date_blank,
        }
    }
}

/// A round's draft as listed on the coordinating body's home: where it stands.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftListing {
    pub round_id: i64,
    pub round_label: String,
    pub plan_number: Option<String>,
    pub approved: bool,
    pub signer: String,
    pub updated_at: OffsetDateTime,
    pub updated_by_name: Option<String>,
}

/// A section as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SectionRow {
    pub key: String,
    pub position: i32,
    pub heading: String,
    pub level: i32,
    /// The drafted text the section stands on.
    pub drafted: String,
    /// A newer drafted text not applied because the section was edited.
    pub fresh: Option<String>,
    pub edited: Option<String>,
    pub edited_by_name: Option<String>,
    pub edited_at: Option<OffsetDateTime>,
    pub version: i32,
}

impl SectionRow {
    /// The text as written: the edit where there is one, else the drafted text.
    pub fn text(&self) -> &str {
        self.edited.as_deref().unwrap_or(&self.drafted)
    }

    pub fn is_edited(&self) -> bool {
        self.edited.is_some()
    }
}

/// A section as the drafting produced it, to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection {
    pub key: String,
    pub heading: String,
    pub level: u8,
    pub text: String,
}

/// The formal parts of the report (Nghị định 30): letterhead, place, signature, "Lưu".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormalParts {
    /// "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG".
    pub superior: String,
    /// "SỞ TƯ PHÁP".
    pub issuer: String,
    pub place: String,
    pub signer: String,
    /// "GIÁM ĐỐC", or "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC".
    pub position: String,
    /// The drafting unit after "Lưu: VT," ("PBGDPL").
    pub drafting_unit: String,
    /// Leave the date line for the clerk: "…, ngày … tháng … năm …".
    pub date_blank: bool,
}

impl FormalParts {
    /// Cleaned and checked: every part fits, and the bodies and the place are named. A draft is
    /// started without them when nothing proposes them (`complete` false); saving the parts or
    /// approving needs them.
    pub fn checked(&self) -> Result<Self> {
        self.checked_as(true)
    }

    fn checked_as(&self, complete: bool) -> Result<Self> {
        let clean = |s: &str| {
            s.lines()
                .map(theodoi_text::clean)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let p = Self {
            superior: clean(&self.superior),
            issuer: clean(&self.issuer),
            place: clean(&self.place),
            signer: clean(&self.signer),
            position: clean(&self.position),
            drafting_unit: clean(&self.drafting_unit),
            date_blank: self.date_blank,
        };
        for (value, vi, en) in [
            (&p.superior, "cơ quan cấp trên", "The superior body"),
            (&p.issuer, "cơ quan ban hành", "The issuing body"),
            (&p.place, "địa danh", "The place"),
        ] {
            if complete && value.is_empty() {
                return Err(StoreError::invalid(
                    format!("Cần ghi {vi}"),
                    format!("{en} is needed"),
                ));
            }
        }
        for value in [
            &p.superior,
            &p.issuer,
            &p.place,
            &p.signer,
            &p.position,
            &p.drafting_unit,
        ] {
            if value.chars().count() > MAX_PART_CHARS {
                return Err(StoreError::invalid(
                    format!("Mỗi phần thể thức tối đa {MAX_PART_CHARS} ký tự"),
                    format!("Each formal part takes at most {MAX_PART_CHARS} characters"),
                ));
            }
        }
        Ok(p)
    }

    /// What to propose for a new draft: the plan's previous draft where there is one; else the
    /// report settings where set, then the plan's header (its issuer, in full, is the superior
    /// body; its place, else the city the superior names), the coordinating body's name as issuer,
    /// and the given defaults for the rest.
    pub fn propose(h: &DraftHeader, issuer: &str, signer: &str, place: &str) -> Self {
        if let Some(p) = &h.previous {
            return p.clone();
        }
        let set = |s: &str| Some(theodoi_text::clean(s)).filter(|s| !s.is_empty());
        let superior = set(&h.settings.superior)
            .or_else(|| h.plan_issuer.as_deref().map(full_body_name))
            .unwrap_or_default();
        let place = set(&h.settings.place)
            .or_else(|| h.plan_place.as_deref().and_then(set))
            .or_else(|| place_named_in(&superior))
            .or_else(|| set(place))
            .unwrap_or_default();
        Self {
            superior,
            issuer: theodoi_text::clean(issuer).to_uppercase(),
            place,
            signer: theodoi_text::clean(signer),
            position: "GIÁM ĐỐC".into(),
            drafting_unit: set(&h.settings.drafting_unit).unwrap_or_default(),
            date_blank: true,
        }
    }
}

/// "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" → "Hải Phòng": the place a superior body's name gives
/// for the date line; none when it names no city or province.
pub fn place_named_in(superior: &str) -> Option<String> {
    let upper = theodoi_text::clean(superior).to_uppercase();
    let rest = ["THÀNH PHỐ ", "TỈNH "]
        .iter()
        .find_map(|k| upper.find(k).map(|i| &upper[i + k.len()..]))?;
    let words: Vec<String> = rest
        .split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut cs = lower.chars();
            cs.next()
                .map(|f| f.to_uppercase().collect::<String>() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A body's name in full capitals, as a letterhead prints it: "UBND thành phố Hải Phòng" →
/// "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG".
pub fn full_body_name(name: &str) -> String {
    let name = theodoi_text::clean(name);
    let mut words: Vec<String> = Vec::new();
    for w in name.split(' ') {
        match w.to_uppercase().as_str() {
            "UBND" => words.push("ỦY BAN NHÂN DÂN".into()),
            "HĐND" => words.push("HỘI ĐỒNG NHÂN DÂN".into()),
            "TP" | "TP." => words.push("THÀNH PHỐ".into()),
            u => words.push(u.to_string()),
        }
    }
    words.join(" ")
}

/// What a new draft's formal parts are proposed from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftHeader {
    /// The formal parts of the plan's most recently changed draft of another round.
    pub previous: Option<FormalParts>,
    /// The plan document's issuer and place, as imported.
    pub plan_issuer: Option<String>,
    pub plan_place: Option<String>,
    /// The report settings (empty where not set).
    pub settings: ReportSettings,
}

/// One text a section has had.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i32,
    /// "drafted" (first draft), "edited", "refreshed" (new drafted text applied), "taken" (the
    /// newer drafted text taken instead of the edit).
    pub kind: String,
    pub text: String,
    pub user_name: Option<String>,
    pub at: OffsetDateTime,
}

/// A section's text as a page posted it, with the section version the page was loaded at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionEdit {
    pub key: String,
    pub expected_version: i32,
    pub text: String,
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A new version of the section, with its number.
    Version(i32),
    /// The text was the same as before: nothing written.
    Unchanged,
}

/// What a refresh did, section by section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Refreshed {
    /// Sections never edited that took a new drafted text.
    pub updated: usize,
    /// Edited sections kept as edited, with a new drafted text beside them.
    pub pending: usize,
    /// Sections new in the drafting (a task that now has reports).
    pub added: usize,
    /// Sections never edited that the drafting no longer produces.
    pub removed: usize,
}

/// Line endings as one "\n", no spaces at the end of lines, no blank lines at the ends.
pub fn normalize_text(text: &str) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.trim_end_matches('\r').trim_end())
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

fn section_stale(version: i32) -> StoreError {
    StoreError::conflict(
        format!(
            "Phần này đã được người khác lưu (phiên bản {version}); hãy tải lại trang, xem thay đổi rồi sửa lại"
        ),
        format!(
            "Someone else saved this section (version {version}); reload the page, review the changes and edit again"
        ),
    )
}

fn draft_stale(version: i32) -> StoreError {
    StoreError::conflict(
        format!(
            "Dự thảo đã thay đổi (phiên bản {version}); hãy tải lại trang và xem lại trước khi thực hiện"
        ),
        format!("The draft has changed (version {version}); reload the page and review it first"),
    )
}

fn no_section(key: &str) -> StoreError {
    StoreError::NotFound(format!("draft section {key}"))
}

const DRAFT_SQL: &str = "SELECT d.id, d.round_id, d.status, d.version, d.approved_version, d.approved_by, \
     a.display_name AS approved_by_name, d.approved_at, d.superior, d.issuer, d.place, d.signer, d.position, \
     d.drafting_unit, d.date_blank, d.drafted_at, d.created_at, u.display_name AS updated_by_name, d.updated_at \
     FROM report_drafts d LEFT JOIN users a ON a.id = d.approved_by LEFT JOIN users u ON u.id = d.updated_by \
     WHERE d.round_id = $1";

const SECTIONS_SQL: &str = "SELECT s.key, s.position, s.heading, s.level, s.drafted, s.fresh, s.edited, \
     u.display_name AS edited_by_name, s.edited_at, s.version \
     FROM report_draft_sections s LEFT JOIN users u ON u.id = s.edited_by \
     WHERE s.draft_id = $1 ORDER BY s.position, s.key";

macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, Transaction};

            pub async fn draft(pool: &Pool<$db>, round_id: i64) -> Result<Option<DraftRow>> {
                Ok(sqlx::query_as(DRAFT_SQL).bind(round_id).fetch_optional(pool).await?)
            }

            pub async fn last_accepted(pool: &Pool<$db>, round_id: i64) -> Result<Option<OffsetDateTime>> {
                Ok(sqlx::query_scalar("SELECT MAX(accepted_at) FROM reports WHERE round_id = $1 AND status = 'accepted'")
                    .bind(round_id)
                    .fetch_one(pool)
                    .await?)
            }

            pub async fn draft_sections(pool: &Pool<$db>, draft_id: i64) -> Result<Vec<SectionRow>> {
                Ok(sqlx::query_as(SECTIONS_SQL).bind(draft_id).fetch_all(pool).await?)
            }

            pub async fn draft_header(pool: &Pool<$db>, round_id: i64) -> Result<DraftHeader> {
                let previous: Option<(String, String, String, String, String, String, bool)> = sqlx::query_as(
                    "SELECT d.superior, d.issuer, d.place, d.signer, d.position, d.drafting_unit, d.date_blank \
                     FROM report_drafts d JOIN rounds r ON r.id = d.round_id \
                     WHERE r.plan_id = (SELECT plan_id FROM rounds WHERE id = $1) AND d.round_id <> $1 \
                     ORDER BY d.updated_at DESC, d.id DESC LIMIT 1",
                )
                .bind(round_id)
                .fetch_optional(pool)
                .await?;
                let plan: Option<(Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT doc.issuer, doc.place FROM rounds r JOIN plans p ON p.id = r.plan_id \
                     JOIN documents doc ON doc.id = p.document_id WHERE r.id = $1",
                )
                .bind(round_id)
                .fetch_optional(pool)
                .await?;
                let (plan_issuer, plan_place) = plan.unwrap_or_default();
                let settings = report_settings(pool).await?;
                Ok(DraftHeader {
                    previous: previous.map(|(superior, issuer, place, signer, position, drafting_unit, date_blank)| FormalParts {
                        superior,
                        issuer,
                        place,
                        signer,
                        position,
                        drafting_unit,
                        date_blank,
                    }),
                    plan_issuer,
                    plan_place,
                    settings,
                })
            }

            // The columns of one row of the append-only history, named where they are bound.
            #[allow(clippy::too_many_arguments)]
            async fn add_version(
                tx: &mut Transaction<'_, $db>,
                draft_id: i64,
                key: &str,
                version: i32,
                kind: &str,
                text: &str,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO report_draft_versions (draft_id, key, version, kind, text, user_id, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(draft_id)
                .bind(key)
                .bind(version)
                .bind(kind)
                .bind(text)
                .bind(user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            async fn insert_section(
                tx: &mut Transaction<'_, $db>,
                draft_id: i64,
                position: i32,
                s: &NewSection,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let text = normalize_text(&s.text);
                sqlx::query(
                    "INSERT INTO report_draft_sections (draft_id, key, position, heading, level, drafted, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1)",
                )
                .bind(draft_id)
                .bind(&s.key)
                .bind(position)
                .bind(&s.heading)
                .bind(i32::from(s.level))
                .bind(&text)
                .execute(&mut **tx)
                .await?;
                add_version(tx, draft_id, &s.key, 1, "drafted", &text, user_id, now).await
            }

            /// Mark the draft changed: a new version, and any approval void.
            async fn touch(
                tx: &mut Transaction<'_, $db>,
                draft_id: i64,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                sqlx::query(
                    "UPDATE report_drafts SET version = version + 1, status = 'draft', updated_by = $2, updated_at = $3 \
                     WHERE id = $1",
                )
                .bind(draft_id)
                .bind(user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            pub async fn create_draft(
                pool: &Pool<$db>,
                round_id: i64,
                parts: &FormalParts,
                sections: &[NewSection],
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<i64> {
                let parts = parts.checked_as(false)?;
                check_sections(sections)?;
                let mut tx = pool.begin_with($begin).await?;
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO report_drafts (round_id, status, version, superior, issuer, place, signer, position, \
                     drafting_unit, date_blank, drafted_at, created_by, created_at, updated_by, updated_at) \
                     VALUES ($1, 'draft', 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10, $9) \
                     ON CONFLICT (round_id) DO NOTHING RETURNING id",
                )
                .bind(round_id)
                .bind(&parts.superior)
                .bind(&parts.issuer)
                .bind(&parts.place)
                .bind(&parts.signer)
                .bind(&parts.position)
                .bind(&parts.drafting_unit)
                .bind(parts.date_blank)
                .bind(now)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = id else {
                    // Someone opened the draft first: theirs stands.
                    drop(tx);
                    let existing: i64 = sqlx::query_scalar("SELECT id FROM report_drafts WHERE round_id = $1")
                        .bind(round_id)
                        .fetch_one(pool)
                        .await?;
                    return Ok(existing);
                };
                for (i, s) in sections.iter().enumerate() {
                    insert_section(&mut tx, id, position(i), s, user_id, now).await?;
                }
                tx.commit().await?;
                Ok(id)
            }

            pub async fn save_draft_sections(
                pool: &Pool<$db>,
                draft_id: i64,
                edits: &[SectionEdit],
                resolve: Option<(&str, i32, bool)>,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<Vec<(String, i32)>> {
                let edits: Vec<(&SectionEdit, String)> = edits
                    .iter()
                    .filter(|e| resolve.is_none_or(|(k, _, take)| !take || k != e.key))
                    .map(|e| (e, normalize_text(&e.text)))
                    .collect();
                if edits.iter().any(|(_, t)| t.chars().count() > MAX_SECTION_CHARS) {
                    return Err(StoreError::invalid(
                        format!("Một phần tối đa {MAX_SECTION_CHARS} ký tự"),
                        format!("A section takes at most {MAX_SECTION_CHARS} characters"),
                    ));
                }
                let mut tx = pool.begin_with($begin).await?;
                let mut saved = Vec::new();
                for (e, text) in &edits {
                    let current: Option<(String, Option<String>, i32)> = sqlx::query_as(
                        "SELECT drafted, edited, version FROM report_draft_sections WHERE draft_id = $1 AND key = $2",
                    )
                    .bind(draft_id)
                    .bind(&e.key)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((drafted, edited, version)) = current else {
                        return Err(no_section(&e.key));
                    };
                    if edited.as_deref().unwrap_or(&drafted) == text {
                        // Unchanged: nothing to write, and nothing to check.
                        continue;
                    }
                    if version != e.expected_version {
                        return Err(section_stale(version));
                    }
                    let next = version + 1;
                    sqlx::query(
                        "UPDATE report_draft_sections SET edited = $3, edited_by = $4, edited_at = $5, version = $6 \
                         WHERE draft_id = $1 AND key = $2",
                    )
                    .bind(draft_id)
                    .bind(&e.key)
                    .bind(text)
                    .bind(user_id)
                    .bind(now)
                    .bind(next)
                    .execute(&mut *tx)
                    .await?;
                    add_version(&mut tx, draft_id, &e.key, next, "edited", text, user_id, now).await?;
                    saved.push((e.key.clone(), next));
                }
                // Keeping an edit changes no text, so it leaves an approval standing.
                let mut changed = !saved.is_empty();
                if let Some((key, expected, take)) = resolve {
                    let next = resolve_in(&mut tx, draft_id, key, expected, take, user_id, now).await?;
                    saved.push((key.to_string(), next));
                    changed |= take;
                }
                if changed {
                    touch(&mut tx, draft_id, user_id, now).await?;
                }
                tx.commit().await?;
                Ok(saved)
            }

            async fn resolve_in(
                tx: &mut Transaction<'_, $db>,
                draft_id: i64,
                key: &str,
                expected_version: i32,
                take: bool,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<i32> {
                let current: Option<(Option<String>, i32)> = sqlx::query_as(
                    "SELECT fresh, version FROM report_draft_sections WHERE draft_id = $1 AND key = $2",
                )
                .bind(draft_id)
                .bind(key)
                .fetch_optional(&mut **tx)
                .await?;
                let Some((fresh, version)) = current else {
                    return Err(no_section(key));
                };
                if version != expected_version {
                    return Err(section_stale(version));
                }
                let Some(fresh) = fresh else {
                    return Err(StoreError::invalid(
                        "Phần này không có bản dự thảo mới",
                        "This section has no newer draft",
                    ));
                };
                let next = version + 1;
                if take {
                    sqlx::query(
                        "UPDATE report_draft_sections SET drafted = fresh, fresh = NULL, edited = NULL, edited_by = $3, \
                         edited_at = $4, version = $5 WHERE draft_id = $1 AND key = $2",
                    )
                    .bind(draft_id)
                    .bind(key)
                    .bind(user_id)
                    .bind(now)
                    .bind(next)
                    .execute(&mut **tx)
                    .await?;
                    add_version(tx, draft_id, key, next, "taken", &fresh, user_id, now).await?;
                } else {
                    // The edit stays as it is; the newer drafted text becomes the one it stands on.
                    sqlx::query(
                        "UPDATE report_draft_sections SET drafted = fresh, fresh = NULL, version = $3 \
                         WHERE draft_id = $1 AND key = $2",
                    )
                    .bind(draft_id)
                    .bind(key)
                    .bind(next)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(next)
            }

            pub async fn refresh_draft(
                pool: &Pool<$db>,
                draft_id: i64,
                sections: &[NewSection],
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<Refreshed> {
                check_sections(sections)?;
                let mut tx = pool.begin_with($begin).await?;
                let existing: Vec<(String, String, Option<String>, Option<String>, i32)> = sqlx::query_as(
                    "SELECT key, drafted, fresh, edited, version FROM report_draft_sections WHERE draft_id = $1",
                )
                .bind(draft_id)
                .fetch_all(&mut *tx)
                .await?;
                let draft_exists: Option<i64> = sqlx::query_scalar("SELECT id FROM report_drafts WHERE id = $1")
                    .bind(draft_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if draft_exists.is_none() {
                    return Err(StoreError::NotFound(format!("draft {draft_id}")));
                }
                let mut by_key: HashMap<String, (String, Option<String>, Option<String>, i32)> = existing
                    .into_iter()
                    .map(|(k, d, f, e, v)| (k, (d, f, e, v)))
                    .collect();
                let mut out = Refreshed::default();
                for (i, s) in sections.iter().enumerate() {
                    let text = normalize_text(&s.text);
                    let Some((drafted, fresh, edited, version)) = by_key.remove(&s.key) else {
                        insert_section(&mut tx, draft_id, position(i), s, user_id, now).await?;
                        out.added += 1;
                        continue;
                    };
                    sqlx::query(
                        "UPDATE report_draft_sections SET position = $3, heading = $4, level = $5 \
                         WHERE draft_id = $1 AND key = $2",
                    )
                    .bind(draft_id)
                    .bind(&s.key)
                    .bind(position(i))
                    .bind(&s.heading)
                    .bind(i32::from(s.level))
                    .execute(&mut *tx)
                    .await?;
                    if edited.is_none() {
                        if drafted != text {
                            sqlx::query(
                                "UPDATE report_draft_sections SET drafted = $3, fresh = NULL, version = $4 \
                                 WHERE draft_id = $1 AND key = $2",
                            )
                            .bind(draft_id)
                            .bind(&s.key)
                            .bind(&text)
                            .bind(version + 1)
                            .execute(&mut *tx)
                            .await?;
                            add_version(&mut tx, draft_id, &s.key, version + 1, "refreshed", &text, user_id, now).await?;
                            out.updated += 1;
                        }
                    } else {
                        let new_fresh = (drafted != text).then_some(text);
                        if new_fresh.is_some() {
                            out.pending += 1;
                        }
                        if new_fresh != fresh {
                            sqlx::query(
                                "UPDATE report_draft_sections SET fresh = $3, version = $4 WHERE draft_id = $1 AND key = $2",
                            )
                            .bind(draft_id)
                            .bind(&s.key)
                            .bind(&new_fresh)
                            .bind(version + 1)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
                for (key, (_, _, edited, _)) in by_key {
                    // An edited section the drafting no longer produces stays: it is someone's work.
                    if edited.is_none() {
                        sqlx::query("DELETE FROM report_draft_sections WHERE draft_id = $1 AND key = $2")
                            .bind(draft_id)
                            .bind(&key)
                            .execute(&mut *tx)
                            .await?;
                        out.removed += 1;
                    }
                }
                if out.updated + out.added + out.removed > 0 {
                    touch(&mut tx, draft_id, user_id, now).await?;
                }
                sqlx::query("UPDATE report_drafts SET drafted_at = $2 WHERE id = $1")
                    .bind(draft_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(out)
            }

            /// Write checked parts in the open transaction when they differ from the stored
            /// ones, refused when the draft moved past `expected_version`. Returns whether they
            /// changed (a new draft version, any approval void).
            async fn write_parts(
                tx: &mut Transaction<'_, $db>,
                draft_id: i64,
                expected_version: i32,
                p: &FormalParts,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<bool> {
                let current: Option<(String, String, String, String, String, String, bool, i32)> = sqlx::query_as(
                    "SELECT superior, issuer, place, signer, position, drafting_unit, date_blank, version \
                     FROM report_drafts WHERE id = $1",
                )
                .bind(draft_id)
                .fetch_optional(&mut **tx)
                .await?;
                let Some((superior, issuer, place, signer, position, drafting_unit, date_blank, version)) = current else {
                    return Err(StoreError::NotFound(format!("draft {draft_id}")));
                };
                if version != expected_version {
                    return Err(draft_stale(version));
                }
                let old = FormalParts { superior, issuer, place, signer, position, drafting_unit, date_blank };
                if old == *p {
                    return Ok(false);
                }
                sqlx::query(
                    "UPDATE report_drafts SET superior = $2, issuer = $3, place = $4, signer = $5, position = $6, \
                     drafting_unit = $7, date_blank = $8 WHERE id = $1",
                )
                .bind(draft_id)
                .bind(&p.superior)
                .bind(&p.issuer)
                .bind(&p.place)
                .bind(&p.signer)
                .bind(&p.position)
                .bind(&p.drafting_unit)
                .bind(p.date_blank)
                .execute(&mut **tx)
                .await?;
                touch(tx, draft_id, user_id, now).await?;
                Ok(true)
            }

            pub async fn save_formal_parts(
                pool: &Pool<$db>,
                draft_id: i64,
                expected_version: i32,
                parts: &FormalParts,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<bool> {
                let p = parts.checked()?;
                let mut tx = pool.begin_with($begin).await?;
                let changed = write_parts(&mut tx, draft_id, expected_version, &p, user_id, now).await?;
                tx.commit().await?;
                Ok(changed)
            }

            pub async fn approve_draft_with_parts(
                pool: &Pool<$db>,
                draft_id: i64,
                expected_version: i32,
                parts: Option<&FormalParts>,
                user_id: i64,
                now: OffsetDateTime,
            ) -> Result<bool> {
                let parts = parts.map(FormalParts::checked).transpose()?;
                let mut tx = pool.begin_with($begin).await?;
                let changed = match &parts {
                    Some(p) => write_parts(&mut tx, draft_id, expected_version, p, Some(user_id), now).await?,
                    None => false,
                };
                // Changed parts are a new version: the approval is of that one.
                let expected_version = expected_version + i32::from(changed);
                let current: Option<(String, i32, String, String, String)> = sqlx::query_as(
                    "SELECT status, version, signer, superior, place FROM report_drafts WHERE id = $1",
                )
                .bind(draft_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((status, version, signer, superior, place)) = current else {
                    return Err(StoreError::NotFound(format!("draft {draft_id}")));
                };
                if version != expected_version {
                    return Err(draft_stale(version));
                }
                if status == "approved" {
                    return Err(StoreError::invalid(
                        "Dự thảo đã được phê duyệt",
                        "The draft is already approved",
                    ));
                }
                if signer.trim().is_empty() {
                    return Err(StoreError::invalid(
                        "Cần ghi họ tên người ký trước khi phê duyệt",
                        "Name the signer before approving",
                    ));
                }
                if superior.trim().is_empty() || place.trim().is_empty() {
                    return Err(StoreError::invalid(
                        "Cần ghi cơ quan cấp trên và địa danh trước khi phê duyệt",
                        "Name the superior body and the place before approving",
                    ));
                }
                sqlx::query(
                    "UPDATE report_drafts SET status = 'approved', approved_version = version, approved_by = $2, \
                     approved_at = $3 WHERE id = $1",
                )
                .bind(draft_id)
                .bind(user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(changed)
            }

            pub async fn draft_versions(pool: &Pool<$db>, draft_id: i64, key: &str) -> Result<Vec<VersionRow>> {
                Ok(sqlx::query_as(
                    "SELECT v.version, v.kind, v.text, u.display_name AS user_name, v.at \
                     FROM report_draft_versions v LEFT JOIN users u ON u.id = v.user_id \
                     WHERE v.draft_id = $1 AND v.key = $2 ORDER BY v.id DESC",
                )
                .bind(draft_id)
                .bind(key)
                .fetch_all(pool)
                .await?)
            }

            pub async fn coordinating_agency(pool: &Pool<$db>) -> Result<Option<(i64, String)>> {
                let set: Option<String> = sqlx::query_scalar("SELECT value FROM app_settings WHERE key = $1")
                    .bind(COORDINATING_AGENCY)
                    .fetch_optional(pool)
                    .await?;
                let row: Option<(i64, String)> = match set.and_then(|v| v.parse::<i64>().ok()) {
                    Some(id) => sqlx::query_as("SELECT id, name FROM agencies WHERE id = $1")
                        .bind(id)
                        .fetch_optional(pool)
                        .await?,
                    None => sqlx::query_as("SELECT id, name FROM agencies WHERE code = $1")
                        .bind(DEFAULT_COORDINATING_CODE)
                        .fetch_optional(pool)
                        .await?,
                };
                Ok(row)
            }

            pub async fn set_coordinating_agency(
                pool: &Pool<$db>,
                agency_id: i64,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = pool.begin_with($begin).await?;
                let found: Option<bool> = sqlx::query_scalar("SELECT is_group FROM agencies WHERE id = $1")
                    .bind(agency_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match found {
                    None => return Err(StoreError::NotFound(format!("agency {agency_id}"))),
                    Some(true) => {
                        return Err(StoreError::invalid(
                            "Cơ quan điều phối phải là một cơ quan, không phải một nhóm",
                            "The coordinating body must be one body, not a group",
                        ));
                    }
                    Some(false) => {}
                }
                sqlx::query(
                    "INSERT INTO app_settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, \
                     updated_at = excluded.updated_at",
                )
                .bind(COORDINATING_AGENCY)
                .bind(agency_id.to_string())
                .bind(user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn draft_listings(pool: &Pool<$db>) -> Result<Vec<DraftListing>> {
                Ok(sqlx::query_as(
                    "SELECT d.round_id, r.label AS round_label, doc.number AS plan_number, \
                     COALESCE(d.status = 'approved' AND d.approved_version = d.version, FALSE) AS approved, d.signer, \
                     d.updated_at, u.display_name AS updated_by_name \
                     FROM report_drafts d JOIN rounds r ON r.id = d.round_id JOIN plans p ON p.id = r.plan_id \
                     JOIN documents doc ON doc.id = p.document_id LEFT JOIN users u ON u.id = d.updated_by \
                     ORDER BY d.updated_at DESC, d.id DESC",
                )
                .fetch_all(pool)
                .await?)
            }

            pub async fn report_settings(pool: &Pool<$db>) -> Result<ReportSettings> {
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT key, value FROM app_settings WHERE key IN ($1, $2, $3)")
                        .bind(SUPERIOR)
                        .bind(PLACE)
                        .bind(DRAFTING_UNIT)
                        .fetch_all(pool)
                        .await?;
                let mut s = ReportSettings::default();
                for (key, value) in rows {
                    match key.as_str() {
                        SUPERIOR => s.superior = value,
                        PLACE => s.place = value,
                        _ => s.drafting_unit = value,
                    }
                }
                Ok(s)
            }

            pub async fn set_report_settings(
                pool: &Pool<$db>,
                coordinating: Option<i64>,
                settings: &ReportSettings,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let s = settings.checked()?;
                let mut tx = pool.begin_with($begin).await?;
                let mut values = vec![
                    (SUPERIOR, s.superior),
                    (PLACE, s.place),
                    (DRAFTING_UNIT, s.drafting_unit),
                ];
                if let Some(agency_id) = coordinating {
                    let found: Option<bool> = sqlx::query_scalar("SELECT is_group FROM agencies WHERE id = $1")
                        .bind(agency_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    match found {
                        None => return Err(StoreError::NotFound(format!("agency {agency_id}"))),
                        Some(true) => {
                            return Err(StoreError::invalid(
                                "Cơ quan điều phối phải là một cơ quan, không phải một nhóm",
                                "The coordinating body must be one body, not a group",
                            ));
                        }
                        Some(false) => values.push((COORDINATING_AGENCY, agency_id.to_string())),
                    }
                }
                for (key, value) in values {
                    sqlx::query(
                        "INSERT INTO app_settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, \
                         updated_at = excluded.updated_at",
                    )
                    .bind(key)
                    .bind(value)
                    .bind(user_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

fn position(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

fn check_sections(sections: &[NewSection]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for s in sections {
        if s.key.is_empty() || !seen.insert(s.key.as_str()) {
            return Err(StoreError::invalid(
                format!("Các phần của dự thảo cần mã khác nhau (\"{}\")", s.key),
                format!("Draft sections need distinct keys (\"{}\")", s.key),
            ));
        }
        if s.level > 2 {
            return Err(StoreError::invalid(
                format!("Phần {} có cấp {}; cấp chỉ từ 0 đến 2", s.key, s.level),
                format!("Section {} has level {}; levels are 0 to 2", s.key, s.level),
            ));
        }
    }
    Ok(())
}

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
backend!(postgres, sqlx::Postgres, "BEGIN");

impl Db {
    /// The round's report draft, if one was started.
    pub async fn draft(&self, round_id: i64) -> Result<Option<DraftRow>> {
        crate::dispatch!(self, draft(round_id))
    }

    /// When the round's latest accepted report was accepted: a draft drafted before it can be
    /// refreshed.
    pub async fn last_accepted(&self, round_id: i64) -> Result<Option<OffsetDateTime>> {
        crate::dispatch!(self, last_accepted(round_id))
    }

    /// The draft's sections in report order.
    pub async fn draft_sections(&self, draft_id: i64) -> Result<Vec<SectionRow>> {
        crate::dispatch!(self, draft_sections(draft_id))
    }

    /// What a new draft of this round proposes its formal parts from.
    pub async fn draft_header(&self, round_id: i64) -> Result<DraftHeader> {
        crate::dispatch!(self, draft_header(round_id))
    }

    /// Start the round's draft with these sections, in one transaction. When someone started it
    /// first, theirs stands and its id is returned.
    pub async fn create_draft(
        &self,
        round_id: i64,
        parts: &FormalParts,
        sections: &[NewSection],
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<i64> {
        crate::dispatch!(self, create_draft(round_id, parts, sections, user_id, now))
    }

    /// Save a section's text, naming the section version it was loaded at: refused when someone
    /// saved since. A change is a new version in the history and voids an approval.
    pub async fn save_draft_section(
        &self,
        draft_id: i64,
        key: &str,
        expected_version: i32,
        text: &str,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Saved> {
        let edit = SectionEdit {
            key: key.to_string(),
            expected_version,
            text: text.to_string(),
        };
        let saved = self
            .save_draft_sections(draft_id, &[edit], None, user_id, now)
            .await?;
        Ok(saved
            .first()
            .map_or(Saved::Unchanged, |s| Saved::Version(s.1)))
    }

    /// Save every changed section of a page in one transaction, each naming the version it was
    /// loaded at (one stale section refuses them all, so nothing is half-saved); sections whose
    /// text did not change are skipped. `resolve` then settles one edited section's newer drafted
    /// text: `take` replaces the edit with it ("Lấy bản mới", a version), otherwise the edit is
    /// kept and the newer text set aside. Any change voids an approval. Returns the sections
    /// changed with their new versions.
    pub async fn save_draft_sections(
        &self,
        draft_id: i64,
        edits: &[SectionEdit],
        resolve: Option<(&str, i32, bool)>,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Vec<(String, i32)>> {
        crate::dispatch!(
            self,
            save_draft_sections(draft_id, edits, resolve, user_id, now)
        )
    }

    /// [`Db::save_draft_sections`] for one section's newer drafted text alone.
    pub async fn resolve_fresh(
        &self,
        draft_id: i64,
        key: &str,
        expected_version: i32,
        take: bool,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<i32> {
        let saved = self
            .save_draft_sections(
                draft_id,
                &[],
                Some((key, expected_version, take)),
                user_id,
                now,
            )
            .await?;
        Ok(saved.last().map_or(expected_version, |s| s.1))
    }

    /// Draft again from newer data, section by section: a section never edited takes the new
    /// text; an edited one keeps its edit and gets the new text beside it.
    pub async fn refresh_draft(
        &self,
        draft_id: i64,
        sections: &[NewSection],
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Refreshed> {
        crate::dispatch!(self, refresh_draft(draft_id, sections, user_id, now))
    }

    /// Change the formal parts, naming the draft version they were loaded at. Returns whether
    /// anything changed; a change voids an approval.
    pub async fn save_formal_parts(
        &self,
        draft_id: i64,
        expected_version: i32,
        parts: &FormalParts,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<bool> {
        crate::dispatch!(
            self,
            save_formal_parts(draft_id, expected_version, parts, user_id, now)
        )
    }

    /// Approve the draft as it stands at `expected_version`. Who may approve is the caller's
    /// check (the head of the coordinating body).
    pub async fn approve_draft(
        &self,
        draft_id: i64,
        expected_version: i32,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.approve_draft_with_parts(draft_id, expected_version, None, user_id, now)
            .await
            .map(|_| ())
    }

    /// Approve the draft at `expected_version`, first writing `parts` (the signer's name or the
    /// place the approver completed) in the same transaction: changed parts are a new version, as
    /// [`Db::save_formal_parts`] makes, and the approval holds for it. A refusal of either leaves
    /// both undone. Returns whether the parts changed.
    pub async fn approve_draft_with_parts(
        &self,
        draft_id: i64,
        expected_version: i32,
        parts: Option<&FormalParts>,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<bool> {
        crate::dispatch!(
            self,
            approve_draft_with_parts(draft_id, expected_version, parts, user_id, now)
        )
    }

    /// Every text a section has had, newest first.
    pub async fn draft_versions(&self, draft_id: i64, key: &str) -> Result<Vec<VersionRow>> {
        crate::dispatch!(self, draft_versions(draft_id, key))
    }

    /// The body whose head approves report drafts: the stored setting, else the agency coded
    /// "so-tu-phap".
    pub async fn coordinating_agency(&self) -> Result<Option<(i64, String)>> {
        crate::dispatch!(self, coordinating_agency())
    }

    pub async fn set_coordinating_agency(
        &self,
        agency_id: i64,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<()> {
        crate::dispatch!(self, set_coordinating_agency(agency_id, user_id, now))
    }

    /// Every round's draft, latest change first, with whether it is approved as it stands.
    pub async fn draft_listings(&self) -> Result<Vec<DraftListing>> {
        crate::dispatch!(self, draft_listings())
    }

    /// The report settings (superior body, place, drafting unit); empty where not set.
    pub async fn report_settings(&self) -> Result<ReportSettings> {
        crate::dispatch!(self, report_settings())
    }

    /// Store the report settings and, when given, the coordinating body, in one transaction.
    pub async fn set_report_settings(
        &self,
        coordinating: Option<i64>,
        settings: &ReportSettings,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<()> {
        crate::dispatch!(
            self,
            set_report_settings(coordinating, settings, user_id, now)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_names_of_bodies() {
        assert_eq!(
            full_body_name("UBND thành phố Hải Phòng"),
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
        );
        assert_eq!(full_body_name("Bộ Tư pháp"), "BỘ TƯ PHÁP");
    }

    #[test]
    fn texts_are_normalised() {
        assert_eq!(
            normalize_text("\r\nMột.  \r\n\r\n- Hai\n\n"),
            "Một.\n\n- Hai"
        );
    }

    #[test]
    fn formal_parts_are_checked() {
        let ok = FormalParts {
            superior: "ỦY BAN NHÂN DÂN  THÀNH PHỐ HẢI PHÒNG".into(),
            issuer: "SỞ TƯ PHÁP".into(),
            place: "Hải Phòng".into(),
            ..FormalParts::default()
        };
        assert_eq!(
            ok.checked().map(|p| p.superior).ok().as_deref(),
            Some("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG")
        );
        let no_place = FormalParts {
            place: " ".into(),
            ..ok.clone()
        };
        assert!(
            matches!(no_place.checked(), Err(StoreError::Invalid(m)) if m.vi == "Cần ghi địa danh" && m.en == "The place is needed")
        );
        let long = FormalParts {
            signer: "x".repeat(MAX_PART_CHARS + 1),
            ..ok
        };
        assert!(long.checked().is_err());
    }

    #[test]
    fn proposal_prefers_the_previous_draft() {
        let h = DraftHeader {
            previous: None,
            plan_issuer: Some("UBND thành phố Hải Phòng".into()),
            plan_place: Some("Hải Phòng".into()),
            settings: ReportSettings::default(),
        };
        let p = FormalParts::propose(&h, "Sở Tư pháp", "Nguyễn Văn A", "Hà Nội");
        assert_eq!(p.superior, "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG");
        assert_eq!(p.issuer, "SỞ TƯ PHÁP");
        assert_eq!(p.place, "Hải Phòng");
        assert_eq!(p.signer, "Nguyễn Văn A");
        let before = FormalParts {
            drafting_unit: "PBGDPL".into(),
            ..p.clone()
        };
        let h2 = DraftHeader {
            previous: Some(before.clone()),
            ..h
        };
        assert_eq!(FormalParts::propose(&h2, "x", "y", "z"), before);
    }

    #[test]
    fn settings_name_the_city_a_plan_leaves_out() {
        let h = DraftHeader {
            previous: None,
            plan_issuer: Some("UBND THÀNH PHỐ".into()),
            plan_place: None,
            settings: ReportSettings {
                superior: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG".into(),
                place: String::new(),
                drafting_unit: "PBGDPL".into(),
            },
        };
        let p = FormalParts::propose(&h, "Sở Tư pháp", "", "");
        assert_eq!(p.superior, "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG");
        assert_eq!(p.place, "Hải Phòng", "the place the superior names");
        assert_eq!(p.drafting_unit, "PBGDPL");
        // Without settings, the plan's own header; no city anywhere leaves the place to fill.
        let bare = DraftHeader {
            settings: ReportSettings::default(),
            ..h
        };
        let p = FormalParts::propose(&bare, "Sở Tư pháp", "", "");
        assert_eq!(p.superior, "ỦY BAN NHÂN DÂN THÀNH PHỐ");
        assert_eq!(p.place, "");
    }

    #[test]
    fn places_named_in_superiors() {
        assert_eq!(
            place_named_in("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG").as_deref(),
            Some("Hải Phòng")
        );
        assert_eq!(
            place_named_in("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK").as_deref(),
            Some("Đắk Lắk")
        );
        assert_eq!(place_named_in("ỦY BAN NHÂN DÂN THÀNH PHỐ"), None);
    }
}
