//! Khuyến nghị: the register of the recommendations UN mechanisms made (the Human Rights
//! Committee's concluding observations, a UPR report), for the coordinator to import and for
//! those who see every agency to follow.
//!
//! Import: upload → a review of what the reader found and what storing would change (the store's
//! dry run) → confirm. As with plans, nothing is stored before the confirmation: the review
//! carries what was read (the documents' heads and recommendations) in its form, so the
//! confirmation stores exactly what was shown, and an abandoned review leaves nothing behind.
//!
//! Coverage: per document, each recommendation with the tasks acting on it, their bodies and the
//! latest status each body sent, and the recommendations no task covers; the same as an XLSX.

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::{Form, Path, Query};
use crate::i18n::Lang;
use crate::pages::cascade::multipart_error;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use theodoi_domain::Role as AssignRole;
use theodoi_domain::recommendation::covenant::{self, ARTICLES};
use theodoi_domain::recommendation::{RecSource, Recommendation, themes};
use theodoi_domain::report::TaskStatus;
use theodoi_store::recommendations::{CoverageRow, RecImport, RecRow, SourceRow};
use theodoi_text::Message;

/// The national plan that accepted the Committee's recommendations on Viet Nam's fourth report.
const DEFAULT_ACCEPTED_BY: &str = "2715/QĐ-TTg";

/// Above this many reporting bodies a task's statuses are counted rather than listed (a task of
/// every commune has thousands).
const LISTED_BODIES: usize = 12;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn reader(user: &User) -> AppResult<()> {
    user.require(user.role.sees_all_agencies())
}

fn coordinator(user: &User) -> AppResult<()> {
    user.require(user.role.coordinates())
}

fn get<'a>(f: &'a [(String, String)], key: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// "Quyền sống" for 6; empty past 27.
fn article_title(n: u8, lang: Lang) -> &'static str {
    covenant::article(n).map_or("", |a| match lang {
        Lang::Vi => a.title_vi,
        Lang::En => a.title_en,
    })
}

fn date_of(d: Option<time::Date>) -> String {
    d.as_ref().map(pages::date_vn).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The register's documents and the import form

/// A document of the register as the list shows it.
struct SourceLine {
    id: i64,
    symbol: String,
    title: String,
    mechanism: String,
    date: String,
    count: i64,
    covered: usize,
    published: bool,
}

#[derive(Template)]
#[template(path = "rec_list.html")]
struct ListPage {
    ctx: Ctx,
    sources: Vec<SourceLine>,
    error: String,
    max_mb: usize,
    symbol: String,
    accepted_by: String,
}

/// The largest file, in MB, the page announces: the upload limit or the reader's, the lower.
fn max_mb(state: &AppState) -> usize {
    state
        .config
        .max_upload_bytes
        .min(theodoi_plandoc::input::MAX_INPUT_BYTES)
        / (1024 * 1024)
}

async fn list_page(
    state: &AppState,
    ctx: Ctx,
    error: String,
    symbol: String,
    accepted_by: String,
) -> AppResult<ListPage> {
    let mut sources = Vec::new();
    for s in state.db.rec_sources().await? {
        let covered = state
            .db
            .coverage(s.id)
            .await?
            .iter()
            .filter(|r| !r.tasks.is_empty())
            .count();
        sources.push(SourceLine {
            title: s.title_in(ctx.lang).into_owned(),
            mechanism: s.mechanism().label().get(ctx.lang).to_string(),
            date: date_of(s.issued_on),
            id: s.id,
            symbol: s.symbol,
            count: s.count,
            covered,
            published: s.published,
        });
    }
    Ok(ListPage {
        ctx,
        sources,
        error,
        max_mb: max_mb(state),
        symbol,
        accepted_by,
    })
}

pub async fn list(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    reader(&user)?;
    let ctx = Ctx::new(lang, Some(&user));
    let page = list_page(
        &state,
        ctx,
        String::new(),
        String::new(),
        DEFAULT_ACCEPTED_BY.to_string(),
    )
    .await?;
    pages::render(&page)
}

/// The list and the import form again with what went wrong, as typed.
async fn refuse(
    state: &AppState,
    lang: Lang,
    user: &User,
    why: &Message,
    symbol: String,
    accepted_by: String,
) -> AppResult<Response> {
    let page = list_page(
        state,
        Ctx::new(lang, Some(user)),
        why.get(lang).to_string(),
        symbol,
        accepted_by,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response())
}

// ---------------------------------------------------------------------------------------------
// The review

/// What the review carries to the confirmation: one read document.
#[derive(Debug, Serialize, Deserialize)]
struct Carried {
    source: RecSource,
    recommendations: Vec<Recommendation>,
}

/// One recommendation as the review shows it.
struct ReviewRec {
    number: String,
    /// In the page's language.
    theme: String,
    /// The heading as the document writes it, when the page shows it in other words.
    theme_original: String,
    /// A procedural paragraph: stored as needing no task.
    procedural: bool,
    /// What the register holds now, when storing would change it: (theme, articles, text).
    before: Option<(String, String, String)>,
    /// How many tasks are linked to the stored recommendation.
    linked: usize,
    articles: Vec<(u8, &'static str)>,
    concern: String,
    text: String,
    text_vi: String,
    /// "new", "changed" or "unchanged", against the register.
    change: &'static str,
}

/// One read document as the review shows it.
struct ReviewDoc {
    file: String,
    symbol: String,
    title: String,
    mechanism: String,
    date: String,
    language: String,
    /// Already in the register (a re-import or a translation).
    known: bool,
    recs: Vec<ReviewRec>,
    /// The reader's notes: (line, message in the page's language).
    notes: Vec<(u32, String)>,
    /// What storing would do, from the store's dry run.
    counts: RecImport,
    /// Why the store would refuse it (no symbol …); empty when it would take it.
    error: String,
}

#[derive(Template)]
#[template(path = "rec_review.html")]
struct ReviewPage {
    ctx: Ctx,
    docs: Vec<ReviewDoc>,
    /// The JSON of what is carried to the confirmation.
    payload: String,
    accepted_by: String,
    can_store: bool,
}

impl ReviewPage {
    fn change_label(&self, change: &str) -> &'static str {
        match change {
            "new" => self.ctx.t("mới", "new"),
            "changed" => self.ctx.t("thay đổi", "changed"),
            "unmatched" => self.ctx.t(
                "bản gốc không có đoạn này: bỏ qua",
                "not in the original: left out",
            ),
            "mismatched" => self.ctx.t(
                "khác điều của Công ước với đoạn cùng số trong bản gốc (có thể đánh số khác): bỏ qua",
                "names other Covenant articles than the original's paragraph of that number (numbered differently?): left out",
            ),
            _ => self.ctx.t("không đổi", "unchanged"),
        }
    }
}

/// Whether storing `r` would add it, change the stored one, or leave it: the store's own
/// comparison, per recommendation (the dry run gives only the counts). A Vietnamese text over a
/// stored original in another language fills only the Vietnamese text.
fn change_of(r: &Recommendation, stored: Option<&RecRow>, translation: bool) -> &'static str {
    let Some(s) = stored else {
        // A translation only fills the original's paragraphs (the store leaves the rest out).
        return if translation { "unmatched" } else { "new" };
    };
    if translation && !r.articles.is_empty() && !s.articles.is_empty() && r.articles != s.articles {
        return "mismatched";
    }
    let same = if translation {
        s.text_vi.as_deref() == Some(r.text.as_str())
            && (r.theme.is_empty() || s.theme_vi.as_deref() == Some(r.theme.as_str()))
    } else {
        s.text == r.text
            && s.theme == r.theme
            && s.concern == r.concern
            && s.articles == r.articles
            && (r.text_vi.is_none() || s.text_vi == r.text_vi)
    };
    if same { "unchanged" } else { "changed" }
}

/// The upload (multipart): files, a symbol for files that show none, the accepting plan → the
/// review. Refusals come back on the list page, above the form as it was filled in.
pub async fn review(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut csrf = String::new();
    let mut symbol = String::new();
    let mut accepted_by = String::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            // A browser sends an unnamed, empty part when no file was chosen.
            let chosen = field.file_name().is_some_and(|n| !n.is_empty());
            let file_name = field.file_name().unwrap_or("tệp").to_string();
            crate::form::check_field("file", &file_name)?;
            let bytes = field.bytes().await.map_err(multipart_error)?;
            if bytes.is_empty() && !chosen {
                continue;
            }
            if bytes.len() > state.config.max_upload_bytes {
                return Err(AppError::TooLarge);
            }
            files.push((file_name, bytes.to_vec()));
            continue;
        }
        let value = field.text().await.map_err(multipart_error)?;
        crate::form::check_field(&name, &value)?;
        match name.as_str() {
            "csrf" => csrf = value,
            "symbol" => symbol = theodoi_text::clean(&value),
            "accepted_by" => accepted_by = theodoi_text::clean(&value),
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    coordinator(&user)?;
    crate::form::check_len("Số hiệu", "Symbol", &symbol, crate::form::MAX_LINE)?;
    crate::form::check_len(
        "Văn bản chấp nhận",
        "Accepted by",
        &accepted_by,
        crate::form::MAX_LINE,
    )?;
    if files.is_empty() {
        let why = Message::new(
            "Chưa chọn tệp: hãy chọn một hoặc nhiều tệp khuyến nghị (txt, docx, pdf, xlsx, csv).",
            "No file chosen: choose one or more files of recommendations (txt, docx, pdf, xlsx, csv).",
        );
        return refuse(&state, lang, &user, &why, symbol, accepted_by).await;
    }
    let options = theodoi_plandoc::recommendations::Options {
        symbol: Some(symbol.clone()).filter(|s| !s.is_empty()),
        language: None,
    };
    let mut read: Vec<(
        String,
        theodoi_plandoc::recommendations::ParsedRecommendations,
    )> = Vec::new();
    for (name, bytes) in &files {
        match theodoi_plandoc::recommendations::read_file(Some(name), bytes, &options) {
            Ok(docs) => {
                let before = read.len();
                read.extend(docs.into_iter().map(|d| (name.clone(), d)));
                let found = read[before..]
                    .iter()
                    .any(|(_, d)| !d.recommendations.is_empty());
                if !found {
                    let why = Message::new(
                        format!(
                            "{name}: không tìm thấy khuyến nghị nào (các đoạn đánh số như \u{201C}21. The State party should…\u{201D}, hoặc bảng có cột đoạn và nội dung)."
                        ),
                        format!(
                            "{name}: no recommendation found (numbered paragraphs such as \u{201C}21. The State party should…\u{201D}, or a table with paragraph and text columns)."
                        ),
                    );
                    return refuse(&state, lang, &user, &why, symbol, accepted_by).await;
                }
            }
            Err(e) => {
                let m = e.message();
                let why = Message::new(format!("{name}: {}", m.vi), format!("{name}: {}", m.en));
                return refuse(&state, lang, &user, &why, symbol, accepted_by).await;
            }
        }
    }
    let ctx = Ctx::new(lang, Some(&user));
    let accepted = Some(accepted_by.as_str()).filter(|s| !s.is_empty());
    let stored_sources = state.db.rec_sources().await?;
    let now = time::OffsetDateTime::now_utc();
    let mut docs = Vec::new();
    let mut carried = Vec::new();
    for (file, p) in read {
        if p.recommendations.is_empty() {
            continue;
        }
        let known = stored_sources
            .iter()
            .find(|s| s.symbol == p.source.symbol.trim());
        // Tasks linked to each stored recommendation: a change to one of them is shown with them.
        let linked: BTreeMap<i64, usize> = match known {
            Some(s) => state
                .db
                .coverage(s.id)
                .await?
                .into_iter()
                .map(|c| (c.rec.id, c.tasks.len()))
                .collect(),
            None => BTreeMap::new(),
        };
        let stored: BTreeMap<(u32, String), RecRow> = match known {
            Some(s) => state
                .db
                .recommendations(Some(s.id))
                .await?
                .into_iter()
                .map(|r| ((r.paragraph, r.sub.clone()), r))
                .collect(),
            None => BTreeMap::new(),
        };
        let translation = known.is_some_and(|s| p.source.language == "vi" && s.language != "vi");
        let (counts, error) = match state
            .db
            .import_recommendations(&p.source, &p.recommendations, accepted, true, now)
            .await
        {
            Ok(c) => (c, String::new()),
            Err(theodoi_store::StoreError::Invalid(m)) => {
                (RecImport::default(), m.get(lang).to_string())
            }
            Err(e) => return Err(e.into()),
        };
        let recs = p
            .recommendations
            .iter()
            .map(|r| {
                let key = (r.paragraph, r.sub.clone().unwrap_or_default());
                let before = stored.get(&key);
                let change = change_of(r, before, translation);
                let shown = match lang {
                    Lang::Vi => themes::theme_vi(&r.theme).unwrap_or(&r.theme),
                    Lang::En => &r.theme,
                };
                ReviewRec {
                    number: r.number(),
                    theme: shown.to_string(),
                    theme_original: if shown == r.theme {
                        String::new()
                    } else {
                        r.theme.clone()
                    },
                    procedural: before.is_none() && !translation && themes::is_procedural(&r.theme),
                    before: before
                        .filter(|_| matches!(change, "changed" | "mismatched"))
                        .map(|b| {
                            (
                                b.theme_in(lang).to_string(),
                                b.articles
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                // A translation is checked against the original's own words.
                                b.text.clone(),
                            )
                        }),
                    linked: before.and_then(|b| linked.get(&b.id)).copied().unwrap_or(0),
                    articles: r
                        .articles
                        .iter()
                        .map(|a| (*a, article_title(*a, lang)))
                        .collect(),
                    concern: r.concern.clone().unwrap_or_default(),
                    text: r.text.clone(),
                    // A Vietnamese document's text is its Vietnamese text: shown once.
                    text_vi: r
                        .text_vi
                        .clone()
                        .filter(|v| *v != r.text)
                        .unwrap_or_default(),
                    change,
                }
            })
            .collect();
        let notes = p
            .diagnostics
            .iter()
            .map(|d| {
                let m = match lang {
                    Lang::En => d.message_en.clone().unwrap_or_else(|| d.message.clone()),
                    Lang::Vi => d.message.clone(),
                };
                (d.line, m)
            })
            .collect();
        docs.push(ReviewDoc {
            file,
            symbol: p.source.symbol.clone(),
            title: p.source.title.clone(),
            mechanism: p.source.mechanism.label().get(lang).to_string(),
            date: date_of(p.source.date),
            language: match p.source.language.as_str() {
                "vi" => ctx.t("tiếng Việt", "Vietnamese"),
                "en" => ctx.t("tiếng Anh", "English"),
                "fr" => ctx.t("tiếng Pháp", "French"),
                other => other,
            }
            .to_string(),
            known: known.is_some(),
            recs,
            notes,
            counts,
            error,
        });
        carried.push(Carried {
            source: p.source,
            recommendations: p.recommendations,
        });
    }
    let payload = serde_json::to_string(&carried)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("review payload: {e}")))?;
    let can_store = docs.iter().all(|d| d.error.is_empty());
    let page = ReviewPage {
        ctx,
        docs,
        payload,
        accepted_by,
        can_store,
    };
    Ok(pages::render(&page)?.into_response())
}

/// The confirmation: store what the review showed, each document in its own transaction.
pub async fn confirm(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.check_csrf(get(&f, "csrf"))?;
    coordinator(&user)?;
    let damaged = || {
        AppError::refuse(
            "Biểu mẫu xác nhận bị hỏng hoặc trống: hãy tải tệp lên lại.",
            "The confirmation form is damaged or empty: upload the file again.",
        )
    };
    let docs: Vec<Carried> = serde_json::from_str(get(&f, "payload")).map_err(|_| damaged())?;
    if docs.is_empty() || docs.iter().all(|d| d.recommendations.is_empty()) {
        return Err(damaged());
    }
    let accepted_by = theodoi_text::clean(get(&f, "accepted_by"));
    crate::form::check_len(
        "Văn bản chấp nhận",
        "Accepted by",
        &accepted_by,
        crate::form::MAX_LINE,
    )?;
    let accepted = Some(accepted_by.as_str()).filter(|s| !s.is_empty());
    let now = time::OffsetDateTime::now_utc();
    // Every document is checked before any is stored, so a refusal stores none.
    for d in &docs {
        state
            .db
            .import_recommendations(&d.source, &d.recommendations, accepted, true, now)
            .await?;
    }
    let mut first = None;
    for d in &docs {
        let o = state
            .db
            .import_recommendations(&d.source, &d.recommendations, accepted, false, now)
            .await?;
        first.get_or_insert(o.source_id);
        let detail = format!(
            "{}: {} new, {} changed, {} unchanged",
            d.source.symbol, o.created, o.updated, o.unchanged
        );
        audit_by(
            &state,
            &user,
            "recommendations_imported",
            Some(&format!("rec_source:{}", o.source_id)),
            Some(&detail),
        )
        .await?;
    }
    state.cache.invalidate();
    Ok(match first {
        Some(id) => Redirect::to(&format!("/recommendations/{id}?imported=1")),
        None => Redirect::to("/recommendations"),
    }
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Coverage

/// The coverage page's filters, as the GET form sends them; a value that does not read is no
/// filter.
#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    article: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    uncovered: String,
    #[serde(default)]
    imported: String,
}

/// The filters read.
struct Chosen {
    article: Option<u8>,
    theme: String,
    body: Option<i64>,
    uncovered: bool,
}

impl Chosen {
    fn of(f: &Filter) -> Self {
        Self {
            article: f
                .article
                .trim()
                .parse()
                .ok()
                .filter(|a| (1..=covenant::LAST_ARTICLE).contains(a)),
            theme: f.theme.trim().to_string(),
            body: f.body.trim().parse().ok(),
            // The checkbox sends "1"; "0" or nothing is off.
            uncovered: !matches!(f.uncovered.trim(), "" | "0"),
        }
    }

    fn keeps(&self, row: &CoverageRow) -> bool {
        self.article.is_none_or(|a| row.rec.articles.contains(&a))
            && (self.theme.is_empty() || row.rec.theme == self.theme)
            && self.body.is_none_or(|b| {
                row.tasks
                    .iter()
                    .any(|t| t.assigned.iter().any(|(id, ..)| *id == b))
            })
            && (!self.uncovered || (row.tasks.is_empty() && row.rec.needs_task()))
    }

    /// A row as the filters show it: with a body chosen, only the tasks it takes part in, with
    /// its own latest word rather than every body's.
    fn narrowed(&self, row: &CoverageRow) -> CoverageRow {
        let Some(b) = self.body else {
            return row.clone();
        };
        let tasks = row
            .tasks
            .iter()
            .filter(|t| t.assigned.iter().any(|(id, ..)| *id == b))
            .map(|t| {
                let own: Vec<_> = t
                    .statuses
                    .iter()
                    .filter(|s| s.agency_id == b)
                    .cloned()
                    .collect();
                let tally = own.iter().map(|s| (s.status.clone(), 1)).collect();
                theodoi_store::recommendations::CoveredTask {
                    statuses: std::sync::Arc::new(own),
                    tally: std::sync::Arc::new(tally),
                    ..t.clone()
                }
            })
            .collect();
        CoverageRow {
            rec: row.rec.clone(),
            tasks,
        }
    }

    /// The filters in words, for a workbook that holds only what they keep; None for none.
    async fn described_vi(&self, state: &AppState) -> AppResult<Option<String>> {
        let mut parts = Vec::new();
        if let Some(a) = self.article {
            parts.push(crate::pages::plans::article_title(Lang::Vi, a));
        }
        if !self.theme.is_empty() {
            let theme = theodoi_domain::recommendation::themes::theme_vi(&self.theme)
                .unwrap_or(&self.theme);
            parts.push(format!("chủ đề \u{201C}{theme}\u{201D}"));
        }
        if let Some(b) = self.body {
            let name = state
                .db
                .agency(b)
                .await?
                .map(|a| a.name)
                .unwrap_or_default();
            parts.push(format!("cơ quan {name}"));
        }
        if self.uncovered {
            parts.push("chỉ các khuyến nghị chưa có nhiệm vụ thực hiện".into());
        }
        Ok((!parts.is_empty()).then(|| format!("Lọc theo: {}", parts.join("; "))))
    }

    /// The query string that gives these filters again ("" for none).
    fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(a) = self.article {
            q.append_pair("article", &a.to_string());
        }
        if !self.theme.is_empty() {
            q.append_pair("theme", &self.theme);
        }
        if let Some(b) = self.body {
            q.append_pair("body", &b.to_string());
        }
        if self.uncovered {
            q.append_pair("uncovered", "1");
        }
        let q = q.finish();
        if q.is_empty() { q } else { format!("?{q}") }
    }
}

struct BodyView {
    name: String,
    href: String,
}

struct StatusView {
    /// The body's name; empty on a count.
    body: String,
    label: &'static str,
    colour: &'static str,
    /// The round it was reported in, or how many bodies gave it.
    note: String,
}

struct TaskView {
    task_id: i64,
    plan: String,
    reference: String,
    title: String,
    lead: Vec<BodyView>,
    coordinating: Vec<BodyView>,
    statuses: Vec<StatusView>,
    /// The statuses are counted, not listed.
    counted: bool,
}

struct RecView {
    id: i64,
    number: String,
    /// In the page's language.
    theme: String,
    /// Why it needs no task; empty when it does.
    no_task_reason: String,
    articles: Vec<(u8, &'static str)>,
    text: String,
    /// The text in the other language, when there is one.
    other: String,
    concern: String,
    tasks: Vec<TaskView>,
}

#[derive(Template)]
#[template(path = "rec_coverage.html")]
struct CoveragePage {
    ctx: Ctx,
    source: SourceRow,
    /// The source's title in the page's language.
    title: String,
    mechanism: String,
    date: String,
    recs: Vec<RecView>,
    total: usize,
    covered: usize,
    /// (id, number) of the recommendations no task covers that need one.
    uncovered: Vec<(i64, String)>,
    /// How many need no task (procedural paragraphs, or the coordinator's word).
    no_task: usize,
    article_options: Vec<(u8, &'static str)>,
    /// (the stored heading, as the page's language shows it).
    themes: Vec<(String, String)>,
    bodies: Vec<(i64, String)>,
    chosen_article: u8,
    chosen_theme: String,
    chosen_body: i64,
    chosen_uncovered: bool,
    filtered: bool,
    query: String,
}

fn status_view(ctx: &Ctx, code: &str) -> (&'static str, &'static str) {
    match TaskStatus::parse(code) {
        Some(s) => (
            ctx.t(s.label_vi(), s.label_en()),
            crate::charts::task_status_colour(s),
        ),
        None => (
            ctx.t("Chưa có báo cáo", "Not yet reported"),
            crate::charts::NOT_REPORTED,
        ),
    }
}

async fn source_of(state: &AppState, id: i64) -> AppResult<SourceRow> {
    state
        .db
        .rec_sources()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)
}

pub async fn coverage(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(f): Query<Filter>,
) -> AppResult<Html<String>> {
    reader(&user)?;
    let source = source_of(&state, id).await?;
    let mut ctx = Ctx::new(lang, Some(&user));
    if f.imported == "1" {
        let flash = ctx.t(
            "Đã lưu các khuyến nghị vào sổ.",
            "The recommendations were stored in the register.",
        );
        ctx = ctx.with_flash(flash);
    }
    let mut rows = state.db.coverage(id).await?;
    rows.sort_by_key(|r| r.rec.key());
    let chosen = Chosen::of(&f);
    let themes: Vec<(String, String)> = {
        let mut seen = BTreeSet::new();
        rows.iter()
            .filter(|r| !r.rec.theme.is_empty() && seen.insert(r.rec.theme.clone()))
            .map(|r| (r.rec.theme.clone(), r.rec.theme_in(lang).to_string()))
            .collect()
    };
    let mut bodies: Vec<(i64, String)> = rows
        .iter()
        .flat_map(|r| r.tasks.iter())
        .flat_map(|t| t.assigned.iter().map(|(id, name, _)| (*id, name.clone())))
        .collect::<BTreeMap<i64, String>>()
        .into_iter()
        .collect();
    bodies.sort_by_cached_key(|(_, n)| theodoi_text::collate(n));
    let total = rows.len();
    let covered = rows.iter().filter(|r| !r.tasks.is_empty()).count();
    let no_task = rows
        .iter()
        .filter(|r| r.tasks.is_empty() && !r.rec.needs_task())
        .count();
    let uncovered = rows
        .iter()
        .filter(|r| r.tasks.is_empty() && r.rec.needs_task())
        .map(|r| (r.rec.id, r.rec.number()))
        .collect();
    let recs = rows
        .iter()
        .filter(|r| chosen.keeps(r))
        .map(|r| rec_view(&ctx, &chosen.narrowed(r)))
        .collect();
    let page = CoveragePage {
        mechanism: source.mechanism().label().get(lang).to_string(),
        date: date_of(source.issued_on),
        title: source.title_in(lang).into_owned(),
        source,
        recs,
        total,
        covered,
        uncovered,
        no_task,
        article_options: ARTICLES
            .iter()
            .map(|a| (a.number, article_title(a.number, lang)))
            .collect(),
        themes,
        bodies,
        chosen_article: chosen.article.unwrap_or(0),
        chosen_theme: chosen.theme.clone(),
        chosen_body: chosen.body.unwrap_or(0),
        chosen_uncovered: chosen.uncovered,
        filtered: chosen.article.is_some()
            || !chosen.theme.is_empty()
            || chosen.body.is_some()
            || chosen.uncovered,
        query: chosen.query(),
        ctx,
    };
    pages::render(&page)
}

fn rec_view(ctx: &Ctx, r: &CoverageRow) -> RecView {
    let rec = &r.rec;
    let (text, other) = match (ctx.lang, &rec.text_vi) {
        (Lang::Vi, Some(vi)) => (vi.clone(), rec.text.clone()),
        (Lang::En, Some(vi)) => (rec.text.clone(), vi.clone()),
        (Lang::Vi, None) => (rec.text_for_vi_marked().into_owned(), String::new()),
        (Lang::En, None) => (rec.text.clone(), String::new()),
    };
    let tasks = r
        .tasks
        .iter()
        .map(|t| {
            let bodies = |role: AssignRole| {
                t.assigned
                    .iter()
                    .filter(|(_, _, r)| *r == role)
                    .map(|(id, name, _)| BodyView {
                        name: name.clone(),
                        href: ctx.agency_href(*id),
                    })
                    .collect()
            };
            let counted = t.statuses.len() > LISTED_BODIES;
            let statuses = if counted {
                t.tally
                    .iter()
                    .map(|(code, n)| {
                        let (label, colour) = status_view(ctx, code);
                        StatusView {
                            body: String::new(),
                            label,
                            colour,
                            note: format!("{n} {}", ctx.t("cơ quan", "bodies")),
                        }
                    })
                    .collect()
            } else {
                t.statuses
                    .iter()
                    .map(|s| {
                        let (label, colour) = status_view(ctx, &s.status);
                        StatusView {
                            body: s.agency_name.clone(),
                            label,
                            colour,
                            note: s.round_label.clone(),
                        }
                    })
                    .collect()
            };
            TaskView {
                task_id: t.task_id,
                plan: t.plan_number.clone().unwrap_or_default(),
                reference: t.reference.clone(),
                title: t.title.clone(),
                lead: bodies(AssignRole::Lead),
                coordinating: bodies(AssignRole::Coordinating),
                statuses,
                counted,
            }
        })
        .collect();
    RecView {
        id: rec.id,
        number: rec.number(),
        theme: rec.theme_in(ctx.lang).to_string(),
        no_task_reason: match rec.no_task_reason.as_deref() {
            Some(themes::PROCEDURAL_REASON) if ctx.lang == Lang::En => {
                themes::PROCEDURAL_REASON_EN.to_string()
            }
            other => other.unwrap_or_default().to_string(),
        },
        articles: rec
            .articles
            .iter()
            .map(|a| (*a, article_title(*a, ctx.lang)))
            .collect(),
        text,
        other,
        concern: rec.concern.clone().unwrap_or_default(),
        tasks,
    }
}

/// Show the document's recommendations and their progress on the public page, or stop.
pub async fn publish(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.check_csrf(get(&f, "csrf"))?;
    coordinator(&user)?;
    let published = match get(&f, "published") {
        "1" => true,
        "0" => false,
        _ => {
            return Err(AppError::refuse(
                "Biểu mẫu không nói công bố hay thôi công bố: hãy tải lại trang rồi bấm lại.",
                "The form says neither publish nor withdraw: reload the page and press again.",
            ));
        }
    };
    state.db.set_source_published(id, published).await?;
    state.cache.invalidate();
    let action = if published {
        "rec_source_published"
    } else {
        "rec_source_withdrawn"
    };
    audit_by(
        &state,
        &user,
        action,
        Some(&format!("rec_source:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/recommendations/{id}")).into_response())
}

/// Says a recommendation needs no task of the plans, and why, or takes that back (`clear`).
pub async fn set_no_task(
    State(state): State<AppState>,
    user: User,
    Path((source_id, rec_id)): Path<(i64, i64)>,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.check_csrf(get(&f, "csrf"))?;
    coordinator(&user)?;
    let belongs = state
        .db
        .recommendations(Some(source_id))
        .await?
        .iter()
        .any(|r| r.id == rec_id);
    if !belongs {
        return Err(AppError::NotFound);
    }
    let reason = (get(&f, "clear") != "1").then(|| get(&f, "reason"));
    state.db.set_no_task_reason(rec_id, reason).await?;
    state.cache.invalidate();
    let action = if reason.is_some() {
        "recommendation_no_task"
    } else {
        "recommendation_needs_task"
    };
    audit_by(
        &state,
        &user,
        action,
        Some(&format!("recommendation:{rec_id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/recommendations/{source_id}#r{rec_id}")).into_response())
}

/// The names of a task's bodies of one role, one a line.
fn names(t: &theodoi_store::recommendations::CoveredTask, role: AssignRole) -> String {
    t.assigned
        .iter()
        .filter(|(_, _, r)| *r == role)
        .map(|(_, n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the bodies last reported on a task, in Vietnamese: each body's status and round, or the
/// counts when there are many.
fn latest_vi(t: &theodoi_store::recommendations::CoveredTask) -> String {
    let label =
        |code: &str| TaskStatus::parse(code).map_or("Chưa có báo cáo", |s| s.label_vi());
    if t.statuses.is_empty() {
        return "Chưa có báo cáo".into();
    }
    if t.statuses.len() > LISTED_BODIES {
        return t
            .tally
            .iter()
            .map(|(code, n)| format!("{}: {n} cơ quan", label(code)))
            .collect::<Vec<_>>()
            .join("\n");
    }
    t.statuses
        .iter()
        .map(|s| {
            format!(
                "{}: {} ({})",
                s.agency_name,
                label(&s.status),
                s.round_label
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The coverage page as a workbook, with the page's filters; in Vietnamese, as the city's
/// documents are.
pub async fn coverage_xlsx(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    reader(&user)?;
    let source = source_of(&state, id).await?;
    let chosen = Chosen::of(&f);
    let mut rows = state.db.coverage(id).await?;
    rows.sort_by_key(|r| r.rec.key());
    let mut lines = Vec::new();
    for r in rows
        .iter()
        .filter(|r| chosen.keeps(r))
        .map(|r| chosen.narrowed(r))
    {
        let rec = &r.rec;
        let head = theodoi_report::coverage_book::CoverageLine {
            symbol: rec.symbol.clone(),
            number: rec.number(),
            theme: rec.theme_in(Lang::Vi).to_string(),
            articles: if rec.articles.is_empty() {
                String::new()
            } else {
                format!(
                    "Điều {}",
                    rec.articles
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            text: rec.text_for_vi_marked().into_owned(),
            ..Default::default()
        };
        if r.tasks.is_empty() {
            lines.push(theodoi_report::coverage_book::CoverageLine {
                latest: match &rec.no_task_reason {
                    Some(why) => format!("Không cần nhiệm vụ riêng: {why}"),
                    None => "Chưa có nhiệm vụ thực hiện".into(),
                },
                ..head
            });
            continue;
        }
        for t in &r.tasks {
            lines.push(theodoi_report::coverage_book::CoverageLine {
                plan: t.plan_number.clone().unwrap_or_default(),
                task: format!("{}. {}", t.reference, t.title),
                lead: names(t, AssignRole::Lead),
                coordinating: names(t, AssignRole::Coordinating),
                latest: latest_vi(t),
                ..head.clone()
            });
        }
    }
    let book = theodoi_report::coverage_book::CoverageBook {
        title: "Tình hình thực hiện khuyến nghị".into(),
        subtitle: {
            let of = if source.title.is_empty() {
                source.symbol.clone()
            } else {
                format!("{} ({})", source.title_in(Lang::Vi), source.symbol)
            };
            let today = pages::date_vn(
                &time::OffsetDateTime::now_utc()
                    .to_offset(theodoi_domain::report::VIETNAM)
                    .date(),
            );
            let of = format!("{of}. Tính đến ngày {today}");
            match chosen.described_vi(&state).await? {
                Some(filter) => format!("{of}. {filter}"),
                None => of,
            }
        },
        lines,
    };
    let bytes = theodoi_report::coverage_book::coverage_book(&book)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    audit_by(
        &state,
        &user,
        "rec_coverage_exported",
        Some(&format!("rec_source:{id}")),
        None,
    )
    .await?;
    let name = format!(
        "Thực hiện khuyến nghị {}.xlsx",
        source.symbol.replace('/', "-")
    );
    Ok(pages::download(&name, XLSX, bytes))
}
