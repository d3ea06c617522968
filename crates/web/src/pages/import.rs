//! Import review: upload or paste a plan → what was read, beside the source lines it came from →
//! the coordinator corrects it → publishes. The same review corrects a published plan.
//!
//! After the first reading the review form is the plan: its header fields and its task rows (in
//! their order) are what gets published, so tasks can be added, split, merged, reordered and
//! deleted, and a document the reader found no task in can be entered by hand beside its text.
//! The source text travels with the form only to be shown and, for a new plan, to read the parts
//! of the body the form does not edit (purposes, responsibilities, signature). Nothing is stored
//! before "Publish": an abandoned review leaves nothing behind.

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::form::Path;
use crate::pages::cascade::multipart_error;
use crate::pages::plans::{RecSearch, cut};
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use theodoi_domain::recommendation::{RefError, Reference};
use theodoi_domain::{
    AgencyMention, Document, DocumentLink, DocumentNumber, DocumentType, LinkKind, Plan,
    SourceSpan, Task, TaskItem, TaskRef, Timeframe,
};
use theodoi_plandoc::{Diagnostic, ParsedPlan, Part};
use theodoi_store::recommendations::RecRow;
use theodoi_store::{ImportParts, Publication, TaskLinks};

#[derive(Template)]
#[template(path = "import.html")]
struct FormPage {
    ctx: Ctx,
    error: String,
    max_mb: usize,
}

/// The largest plan file, in MB, the page announces: the upload limit or the reader's, the lower.
fn max_mb(state: &AppState) -> usize {
    state
        .config
        .max_upload_bytes
        .min(theodoi_plandoc::input::MAX_INPUT_BYTES)
        / (1024 * 1024)
}

fn coordinator(user: &User) -> AppResult<()> {
    user.require(user.role.coordinates())
}

pub async fn form(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    coordinator(&user)?;
    pages::render(&FormPage {
        ctx: Ctx::new(lang, Some(&user)),
        error: String::new(),
        max_mb: max_mb(&state),
    })
}

/// One source file as the review shows it.
struct Source {
    name: String,
    text: String,
    lines: Vec<(usize, String)>,
}

/// A body from the directory offered for a task after a search.
struct Match {
    id: i64,
    name: String,
    kind: String,
}

/// A recommendation of the register offered for a task after a search.
struct RecMatch {
    id: i64,
    reference: String,
    theme: String,
    text: String,
}

/// A task row of the review form.
#[derive(Default)]
struct TaskForm {
    reference: String,
    title: String,
    /// One item per line.
    items: String,
    /// One body per line, by name; "Đề nghị …" typed by hand also marks a body as requested.
    lead: String,
    coordinating: String,
    /// The bodies of lead and coordinating the issuer can only request (requested_only), one per
    /// line, by name: shown apart as the stored plan keeps them, not as "Đề nghị …" in the names.
    requested: String,
    time: String,
    /// Sản phẩm, as written; empty when none.
    product: String,
    lines: (u32, u32),
    file: usize,
    dropped: bool,
    /// The search typed for this task, and what it found.
    query: String,
    matches: Option<Vec<Match>>,
    /// Names in lead or coordinating that the directory does not hold yet.
    new_bodies: Vec<String>,
    /// The recommendations and Covenant articles the task carries out, one reference per line
    /// ("CCPR/C/VNM/CO/4 đoạn 21(b)", "ICCPR Điều 14").
    recs: String,
    /// The search of the register typed for this task, and what it found.
    rec_query: String,
    rec_matches: Option<Vec<RecMatch>>,
}

impl TaskForm {
    fn from_task(t: &Task, file: usize) -> Self {
        Self {
            reference: t.reference.to_string(),
            title: t.title.clone(),
            items: t
                .items
                .iter()
                .map(|i| i.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            lead: names(&t.lead),
            coordinating: names(&t.coordinating),
            requested: t
                .lead
                .iter()
                .chain(&t.coordinating)
                .filter(|a| a.requested_only)
                .fold(String::new(), |acc, a| union_lines(&acc, &a.name)),
            time: t.time.text.clone(),
            product: t.product.clone().unwrap_or_default(),
            lines: (t.span.start_line, t.span.end_line),
            file,
            ..Self::default()
        }
    }

    fn time_kind(&self) -> &'static str {
        Timeframe::parse(&self.time).kind_name()
    }
}

/// Everything the review form carries.
#[derive(Default)]
struct Review {
    /// A correction of this stored plan (None: a new plan).
    plan_id: Option<i64>,
    sources: Vec<(String, String)>,
    doc_type: String,
    number: String,
    date: String,
    issuer: String,
    title: String,
    /// Numbers of the documents the plan implements, comma-separated.
    implements: String,
    tasks: Vec<TaskForm>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    ctx: Ctx,
    r: Review,
    sources: Vec<Source>,
    doc_types: Vec<(&'static str, &'static str)>,
    responsibilities: usize,
    /// The reader's notes, each with its file.
    diagnostics: Vec<(String, Diagnostic)>,
    /// Problems that stop publishing, each naming its field.
    errors: Vec<String>,
    /// What publishing changes for the plan's rounds; non-empty asks for a confirmation.
    impact: Vec<String>,
    notice: String,
    /// How many recommendations the register holds: with none, a search is not offered.
    register_size: usize,
}

impl ReviewPage {
    fn kind_label(&self, kind: &str) -> &'static str {
        let c = &self.ctx;
        match kind {
            "range" => c.t("giai đoạn nhiều năm", "multi-year period"),
            "recurring" => c.t("định kỳ", "recurring"),
            "quarter" => c.t("theo quý", "by quarter"),
            "date" => c.t("thời hạn cụ thể", "a set date"),
            "continuous" => c.t("thường xuyên", "continuous"),
            "per_guidance" => c.t("theo hướng dẫn", "per guidance"),
            "event" => c.t("theo sự kiện", "on an event"),
            _ => c.t("chưa rõ thời gian", "no time read"),
        }
    }
}

fn names(v: &[AgencyMention]) -> String {
    v.iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`mentions`], with the bodies named in `requested` (one per line, matched by key) marked as
/// requested_only.
fn mentions_marked(text: &str, requested: &str) -> Vec<AgencyMention> {
    let keys: Vec<String> = mentions(requested)
        .iter()
        .map(AgencyMention::code)
        .collect();
    mentions(text)
        .into_iter()
        .map(|mut m| {
            if !m.requested_only && keys.contains(&m.code()) {
                m.requested_only = true;
            }
            m
        })
        .collect()
}

fn mentions(text: &str) -> Vec<AgencyMention> {
    text.lines()
        .map(theodoi_text::clean)
        .filter(|l| !l.is_empty())
        .map(
            |l| match theodoi_text::fold_chars(&l).strip_prefix("de nghi ") {
                Some(_) => AgencyMention::new(&l.chars().skip(8).collect::<String>(), true),
                None => AgencyMention::new(&l, false),
            },
        )
        .collect()
}

/// What parsing the sources gave: the plan, the file each task came from, and the reader's
/// notes with the file they are about.
struct Reading {
    parsed: ParsedPlan,
    file_of_task: Vec<usize>,
    notes: Vec<(String, Diagnostic)>,
}

/// Parse every source; several files must make one plan (a body and its appendix).
fn parse_sources(sources: &[(String, String)]) -> AppResult<Reading> {
    let mut parsed = Vec::new();
    let mut file_of_task = Vec::new();
    let mut notes = Vec::new();
    for (i, (name, text)) in sources.iter().enumerate() {
        let p = theodoi_plandoc::parse(text).map_err(|e| {
            AppError::refuse(
                format!("{name}: {}", e.message_vi()),
                format!("{name}: {e}"),
            )
        })?;
        file_of_task.extend(p.plan.tasks.iter().map(|_| i));
        notes.extend(p.diagnostics.iter().map(|d| (name.clone(), d.clone())));
        parsed.push(p);
    }
    let mut combined = theodoi_plandoc::combine(parsed);
    if combined.len() != 1 {
        return Err(AppError::refuse(
            "Các tệp không thuộc cùng một kế hoạch: hãy nhập từng kế hoạch một.",
            "The files are not of one plan: import one plan at a time.",
        ));
    }
    Ok(Reading {
        parsed: combined.remove(0),
        file_of_task,
        notes,
    })
}

impl Review {
    fn from_plan(plan: &Plan, sources: Vec<(String, String)>, files: &[usize]) -> Self {
        let d = &plan.document;
        Self {
            plan_id: None,
            doc_type: d.doc_type.abbreviation().to_string(),
            number: d
                .number
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            date: d.date.as_ref().map(pages::date_vn).unwrap_or_default(),
            issuer: d.issuer.clone().unwrap_or_default(),
            title: d.title.clone(),
            implements: d
                .implements()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            tasks: plan
                .tasks
                .iter()
                .enumerate()
                .map(|(i, t)| TaskForm::from_task(t, files.get(i).copied().unwrap_or(0)))
                .collect(),
            sources,
        }
    }

    /// The review as the submitted form states it.
    fn from_form(f: &[(String, String)]) -> AppResult<Self> {
        let sources: Vec<(String, String)> = f
            .iter()
            .filter(|(k, _)| k == "source")
            .zip(f.iter().filter(|(k, _)| k == "source_name"))
            .map(|((_, text), (_, name))| (name.clone(), text.replace("\r\n", "\n")))
            .collect();
        let plan_id = match get(f, "plan_id").trim() {
            "" => None,
            s => Some(s.parse::<i64>().map_err(|_| {
                AppError::refuse(
                    "Biểu mẫu kiểm tra bị hỏng: hãy mở lại trang sửa.",
                    "The review form is damaged: open the editing page again.",
                )
            })?),
        };
        let count: usize = get(f, "task_count").trim().parse().unwrap_or(0);
        if count > MAX_TASKS {
            return Err(AppError::refuse(
                format!("Một kế hoạch có tối đa {MAX_TASKS} nhiệm vụ."),
                format!("A plan has at most {MAX_TASKS} tasks."),
            ));
        }
        let text = |k: String| get(f, &k).replace("\r\n", "\n");
        let tasks = (0..count)
            .map(|i| {
                let lines = get(f, &format!("t{i}_lines"));
                let (a, b) = lines.split_once('-').unwrap_or(("0", "0"));
                TaskForm {
                    reference: theodoi_text::clean(get(f, &format!("t{i}_ref"))),
                    title: text(format!("t{i}_title")),
                    items: text(format!("t{i}_items")),
                    lead: text(format!("t{i}_lead")),
                    coordinating: text(format!("t{i}_coord")),
                    requested: text(format!("t{i}_requested")),
                    time: text(format!("t{i}_time")),
                    product: text(format!("t{i}_product")),
                    lines: (a.trim().parse().unwrap_or(0), b.trim().parse().unwrap_or(0)),
                    file: get(f, &format!("t{i}_file")).parse().unwrap_or(0),
                    dropped: !get(f, &format!("t{i}_drop")).is_empty(),
                    query: get(f, &format!("t{i}_q")).trim().to_string(),
                    recs: text(format!("t{i}_recs")),
                    rec_query: get(f, &format!("t{i}_rq")).trim().to_string(),
                    ..TaskForm::default()
                }
            })
            .collect();
        Ok(Self {
            plan_id,
            sources,
            doc_type: get(f, "doc_type").to_string(),
            number: get(f, "number").trim().to_string(),
            date: get(f, "date").trim().to_string(),
            issuer: theodoi_text::clean(get(f, "issuer")),
            title: theodoi_text::clean(get(f, "title")),
            implements: get(f, "implements").trim().to_string(),
            tasks,
        })
    }

    /// A reference no row uses yet, near `after`: the next number of its section ("II.3" →
    /// "II.4"), else a sub-number ("II.3.1").
    fn free_reference(&self, after: Option<&str>) -> String {
        let taken = |r: &str| self.tasks.iter().any(|t| t.reference == r);
        let base = after
            .filter(|r| TaskRef::parse(r).is_some())
            .map(str::to_string)
            .or_else(|| {
                self.tasks
                    .iter()
                    .rev()
                    .find(|t| TaskRef::parse(&t.reference).is_some())
                    .map(|t| t.reference.clone())
            });
        let Some(base) = base else {
            return "II.1".into();
        };
        // A body's plan numbered "1", "2": the next number.
        if let Ok(n) = base.parse::<u32>() {
            let next = (n + 1).to_string();
            if !taken(&next) {
                return next;
            }
        }
        if let Some((head, last)) = base.rsplit_once('.')
            && let Ok(n) = last.parse::<u32>()
        {
            let next = format!("{head}.{}", n + 1);
            if !taken(&next) {
                return next;
            }
        }
        (1..)
            .map(|k| format!("{base}.{k}"))
            .find(|r| !taken(r))
            .unwrap_or_default()
    }

    /// Apply an editing action of the form. Returns a notice for the page.
    fn act(
        &mut self,
        action: &str,
        ctx: &Ctx,
        directory: &[theodoi_store::AgencyRow],
        register: &[RecRow],
    ) -> String {
        let (verb, arg) = action.split_once(':').unwrap_or((action, ""));
        let index: Option<usize> = arg.split(':').next().and_then(|s| s.parse().ok());
        let n = self.tasks.len();
        match (verb, index) {
            ("add", _) => {
                if n >= MAX_TASKS {
                    return ctx
                        .t("Đã đủ số nhiệm vụ tối đa.", "The task limit is reached.")
                        .into();
                }
                let reference = self.free_reference(None);
                self.tasks.push(TaskForm {
                    reference,
                    file: 0,
                    ..TaskForm::default()
                });
                ctx.t(
                    "Đã thêm một nhiệm vụ ở cuối danh sách.",
                    "A task was added at the end.",
                )
                .into()
            }
            ("split", Some(i)) if i < n && n < MAX_TASKS => {
                let reference = self.free_reference(Some(&self.tasks[i].reference));
                let t = &self.tasks[i];
                let new = TaskForm {
                    reference,
                    lead: t.lead.clone(),
                    coordinating: t.coordinating.clone(),
                    requested: t.requested.clone(),
                    time: t.time.clone(),
                    recs: t.recs.clone(),
                    lines: t.lines,
                    file: t.file,
                    ..TaskForm::default()
                };
                self.tasks.insert(i + 1, new);
                ctx.t(
                    "Đã tách: nhiệm vụ mới ngay bên dưới có cùng cơ quan và thời gian; hãy chuyển tên và nội dung cần tách sang nó.",
                    "Split: the new task below has the same bodies and time; move the title and items that belong to it.",
                )
                .into()
            }
            ("merge", Some(i)) if i + 1 < n => {
                let next = self.tasks.remove(i + 1);
                let t = &mut self.tasks[i];
                let mut items: Vec<String> = t.items.lines().map(str::to_string).collect();
                if !next.title.trim().is_empty() && next.title.trim() != t.title.trim() {
                    items.push(next.title.trim().to_string());
                }
                items.extend(next.items.lines().map(str::to_string));
                t.items = items
                    .into_iter()
                    .filter(|l| !l.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                t.lead = union_lines(&t.lead, &next.lead);
                t.coordinating = union_lines(&t.coordinating, &next.coordinating);
                t.requested = union_lines(&t.requested, &next.requested);
                t.recs = union_lines(&t.recs, &next.recs);
                // One time for the merged task: this one's; the other's, if different, is said.
                let other_time = next.time.trim().to_string();
                let dropped_time = !other_time.is_empty()
                    && !t.time.trim().is_empty()
                    && theodoi_text::key(&other_time) != theodoi_text::key(&t.time);
                if t.time.trim().is_empty() {
                    t.time = next.time;
                }
                // Both products are kept: a merged task delivers what both did.
                t.product = [t.product.trim(), next.product.trim()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .fold(Vec::new(), |mut kept: Vec<&str>, p| {
                        if !kept
                            .iter()
                            .any(|k| theodoi_text::key(k) == theodoi_text::key(p))
                        {
                            kept.push(p);
                        }
                        kept
                    })
                    .join("; ");
                // Rows entered by hand have no source lines (0–0): the span is the other's.
                t.lines = match (t.lines.0, next.lines.0) {
                    (0, _) => next.lines,
                    (_, 0) => t.lines,
                    (a, b) => (a.min(b), t.lines.1.max(next.lines.1)),
                };
                let mut notice = ctx
                    .t(
                        "Đã gộp nhiệm vụ bên dưới vào nhiệm vụ này (tên của nó thành một nội dung).",
                        "The task below was merged into this one (its title became an item).",
                    )
                    .to_string();
                if dropped_time {
                    notice.push_str(&format!(
                        " {} \u{201C}{other_time}\u{201D}{}",
                        ctx.t(
                            "Thời gian của nhiệm vụ bên dưới",
                            "The time of the task below,"
                        ),
                        ctx.t(
                            " không được giữ: sửa ô Thời gian nếu cần.",
                            ", was not kept: correct the Time field if needed."
                        )
                    ));
                }
                notice
            }
            ("up", Some(i)) if i > 0 && i < n => {
                self.tasks.swap(i, i - 1);
                String::new()
            }
            ("down", Some(i)) if i + 1 < n => {
                self.tasks.swap(i, i + 1);
                String::new()
            }
            ("find", Some(i)) if i < n => {
                let q = theodoi_text::fold(&self.tasks[i].query);
                let found: Vec<Match> = if q.is_empty() {
                    Vec::new()
                } else {
                    directory
                        .iter()
                        .filter(|a| theodoi_text::fold(&a.name).contains(&q) || a.code.contains(&q))
                        .take(12)
                        .map(|a| Match {
                            id: a.id,
                            name: a.name.clone(),
                            kind: a.kind.clone(),
                        })
                        .collect()
                };
                self.tasks[i].matches = Some(found);
                String::new()
            }
            ("pick", Some(i)) if i < n => {
                let mut parts = arg.split(':').skip(1);
                let role = parts.next().unwrap_or_default();
                let id: i64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let Some(a) = directory.iter().find(|a| a.id == id) else {
                    return String::new();
                };
                let t = &mut self.tasks[i];
                let field = if role == "lead" {
                    &mut t.lead
                } else {
                    &mut t.coordinating
                };
                *field = union_lines(field, &a.name);
                String::new()
            }
            ("recfind", Some(i)) if i < n => {
                let search = RecSearch::new(&self.tasks[i].rec_query);
                let found = register
                    .iter()
                    .filter(|r| search.hit(r))
                    .take(20)
                    .map(|r| RecMatch {
                        id: r.id,
                        reference: r.reference(),
                        theme: r.theme_in(ctx.lang).to_string(),
                        text: cut(
                            &match ctx.lang {
                                theodoi_text::Lang::Vi => r.text_for_vi_marked(),
                                theodoi_text::Lang::En => r.text.as_str().into(),
                            },
                            160,
                        ),
                    })
                    .collect();
                self.tasks[i].rec_matches = Some(found);
                String::new()
            }
            ("recpick", Some(i)) if i < n => {
                let id: i64 = arg
                    .split(':')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if let Some(r) = register.iter().find(|r| r.id == id) {
                    let t = &mut self.tasks[i];
                    t.recs = union_lines(&t.recs, &r.reference());
                }
                // The list found stays open, to choose several from one search.
                self.act(&format!("recfind:{i}"), ctx, directory, register)
            }
            _ => String::new(),
        }
    }

    /// The plan the form states, with the problems that stop publishing.
    fn to_plan(&self, base: Option<&Plan>) -> (Plan, Vec<String>) {
        let mut errors = Vec::new();
        let mut plan = base
            .cloned()
            .unwrap_or_else(|| Plan::new(Document::untitled(DocumentType::Plan)));
        let d = &mut plan.document;
        if let Some(t) = DocumentType::from_abbreviation(&self.doc_type) {
            d.doc_type = t;
        }
        d.number = if self.number.is_empty() {
            None
        } else {
            let compact: String = self.number.split_whitespace().collect();
            match DocumentNumber::parse(&compact) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.push(format!("Số, ký hiệu \u{201C}{}\u{201D}: {e}", self.number));
                    None
                }
            }
        };
        d.date = if self.date.is_empty() {
            None
        } else {
            let date = pages::parse_date(&self.date);
            if date.is_none() {
                errors.push(format!(
                    "Ngày ban hành \u{201C}{}\u{201D} không hợp lệ: nhập ngày/tháng/năm, ví dụ 09/01/2026.",
                    self.date
                ));
            }
            date
        };
        d.issuer = (!self.issuer.is_empty()).then(|| self.issuer.clone());
        if self.title.is_empty() {
            errors.push("Trích yếu (tên kế hoạch) không được để trống.".into());
        }
        d.title = self.title.clone();
        let mut links: Vec<DocumentLink> = d
            .links
            .iter()
            .filter(|l| l.kind != LinkKind::Implements)
            .cloned()
            .collect();
        for raw in self
            .implements
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let compact: String = raw.split_whitespace().collect();
            match DocumentNumber::parse(&compact) {
                Ok(number) => {
                    let old = d
                        .links
                        .iter()
                        .find(|l| l.kind == LinkKind::Implements && l.number == number);
                    links.push(old.cloned().unwrap_or(DocumentLink {
                        kind: LinkKind::Implements,
                        doc_type: None,
                        date: None,
                        issuer: None,
                        number,
                    }));
                }
                Err(e) => errors.push(format!(
                    "Văn bản được triển khai \u{201C}{raw}\u{201D}: {e}"
                )),
            }
        }
        d.links = links;
        let mut tasks = Vec::with_capacity(self.tasks.len());
        for (i, t) in self.tasks.iter().enumerate() {
            if t.dropped {
                continue;
            }
            let at = i + 1;
            let Some(reference) = TaskRef::parse(&t.reference) else {
                errors.push(format!(
                    "Nhiệm vụ thứ {at}: số thứ tự \u{201C}{}\u{201D} không dùng được; hãy ghi số như văn bản đánh, ví dụ 1, 1.1, a), II.1 hoặc PL.3 (chữ, số và các dấu . ) - /, không có khoảng trắng, tối đa {} ký tự).",
                    t.reference,
                    TaskRef::MAX_LEN
                ));
                continue;
            };
            if tasks.iter().any(|x: &Task| x.reference == reference) {
                errors.push(format!(
                    "Nhiệm vụ thứ {at}: số thứ tự {reference} đã dùng cho nhiệm vụ khác."
                ));
            }
            let title = theodoi_text::clean(&t.title);
            if title.is_empty() {
                errors.push(format!(
                    "Nhiệm vụ {reference}: tên nhiệm vụ không được để trống."
                ));
            }
            let lead = mentions_marked(&t.lead, &t.requested);
            let coordinating = mentions_marked(&t.coordinating, &t.requested);
            if let Some(bad) = lead
                .iter()
                .chain(&coordinating)
                .find(|a| a.code().is_empty())
            {
                errors.push(format!(
                    "Nhiệm vụ {reference}: \u{201C}{}\u{201D} không phải tên một cơ quan.",
                    bad.name
                ));
            }
            let span = SourceSpan::new(t.lines.0, t.lines.1);
            tasks.push(Task {
                reference,
                title,
                items: t
                    .items
                    .lines()
                    .map(theodoi_text::clean)
                    .filter(|l| !l.is_empty())
                    .map(|text| TaskItem { text, span })
                    .collect(),
                lead,
                coordinating,
                time: Timeframe::parse(&theodoi_text::clean(&t.time)),
                product: Some(theodoi_text::clean(&t.product)).filter(|p| !p.is_empty()),
                span,
            });
        }
        plan.tasks = tasks;
        (plan, errors)
    }

    /// Each kept task's links as the form states them, read against the register; a reference
    /// the register does not hold is a problem that stops publishing.
    fn links(
        &self,
        register: &[RecRow],
        lang: theodoi_text::Lang,
    ) -> (Vec<TaskLinks>, Vec<String>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for t in self.tasks.iter().filter(|t| !t.dropped) {
            let Some(reference) = TaskRef::parse(&t.reference) else {
                continue;
            };
            let mut links = TaskLinks {
                reference: reference.to_string(),
                ..TaskLinks::default()
            };
            for line in t.recs.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let refused = |why: theodoi_text::Message| {
                    format!(
                        "{} {reference}, \u{201C}{line}\u{201D}: {}",
                        match lang {
                            theodoi_text::Lang::Vi => "Nhiệm vụ",
                            theodoi_text::Lang::En => "Task",
                        },
                        why.get(lang)
                    )
                };
                // The field is about the Covenant: "Điều 14" alone is its article.
                let parsed = Reference::parse(line).or_else(|e| {
                    match Reference::parse(&format!("ICCPR {line}")) {
                        Ok(a @ Reference::Article { .. }) => Ok(a),
                        // "Điều 99": the Covenant's reason, not "a form this reader knows".
                        Err(why @ (RefError::ArticleOutOfRange(_) | RefError::SeveralArticles)) => {
                            Err(why)
                        }
                        _ => Err(e),
                    }
                });
                match parsed {
                    Err(RefError::Unknown(_)) => errors.push(refused(theodoi_text::Message::new(
                        "không đọc được; mỗi dòng ghi một khuyến nghị như \u{201C}CCPR/C/VNM/CO/4 đoạn 21(b)\u{201D} hoặc một điều của Công ước như \u{201C}Điều 14\u{201D}.",
                        "cannot be read; write one recommendation per line, such as \u{201C}CCPR/C/VNM/CO/4 para. 21(b)\u{201D}, or an article of the Covenant, such as \u{201C}Article 14\u{201D}.",
                    ))),
                    Err(e) => errors.push(refused(e.message())),
                    Ok(Reference::Article { article }) => {
                        if !links.articles.contains(&article) {
                            links.articles.push(article);
                        }
                    }
                    Ok(Reference::Source { symbol }) => errors.push(refused(theodoi_text::Message::new(
                        format!("chỉ nêu văn bản {symbol}; hãy ghi đoạn khuyến nghị cụ thể, ví dụ {symbol} đoạn 21(b)."),
                        format!("names the document {symbol} only; give the paragraph, e.g. {symbol} para. 21(b)."),
                    ))),
                    Ok(Reference::Paragraph { symbol, paragraph, sub }) => {
                        let of_source: Vec<&RecRow> = register
                            .iter()
                            .filter(|r| r.symbol.eq_ignore_ascii_case(&symbol))
                            .collect();
                        // A paragraph without a sub is every sub of it.
                        let matching: Vec<i64> = of_source
                            .iter()
                            .filter(|r| {
                                r.paragraph == paragraph
                                    && sub.as_deref().is_none_or(|s| s == r.sub)
                            })
                            .map(|r| r.id)
                            .collect();
                        if of_source.is_empty() {
                            errors.push(refused(theodoi_text::Message::new(
                                format!("chưa có văn bản {symbol} trong danh mục khuyến nghị; hãy nhập văn bản đó trước."),
                                format!("{symbol} is not in the register of recommendations; import it first."),
                            )));
                        } else if matching.is_empty() {
                            let has_paragraph = of_source.iter().any(|r| r.paragraph == paragraph);
                            errors.push(refused(match (has_paragraph, &sub) {
                                (true, Some(sub)) => theodoi_text::Message::new(
                                    format!("đoạn {paragraph} của {symbol} không có điểm {sub}; ghi \u{201C}{symbol} đoạn {paragraph}\u{201D} để liên kết cả đoạn."),
                                    format!("paragraph {paragraph} of {symbol} has no point {sub}; write \u{201C}{symbol} para. {paragraph}\u{201D} to link the whole paragraph."),
                                ),
                                _ => theodoi_text::Message::new(
                                    format!("{symbol} không có đoạn {paragraph} trong danh mục."),
                                    format!("{symbol} has no paragraph {paragraph} in the register."),
                                ),
                            }));
                        }
                        for id in matching {
                            if !links.recommendations.contains(&id) {
                                links.recommendations.push(id);
                            }
                        }
                    }
                }
            }
            links.articles.sort_unstable();
            out.push(links);
        }
        (out, errors)
    }

    /// The links a stored plan's tasks have, one reference per line, into the rows of the same
    /// reference.
    fn fill_links(&mut self, stored: &[(String, String)]) {
        for t in &mut self.tasks {
            for (_, reference) in stored.iter().filter(|(task, _)| *task == t.reference) {
                t.recs = union_lines(&t.recs, reference);
            }
        }
    }

    /// Mark the names the directory does not hold yet: they become new bodies on publishing.
    fn mark_new_bodies(&mut self, codes: &std::collections::HashSet<String>) {
        for t in &mut self.tasks {
            t.new_bodies = mentions(&t.lead)
                .into_iter()
                .chain(mentions(&t.coordinating))
                .filter(|m| !m.code().is_empty() && !codes.contains(&m.code()))
                .map(|m| m.name)
                .collect();
        }
    }
}

/// The lines of `a` followed by those of `b` it does not have (compared by matching key).
fn union_lines(a: &str, b: &str) -> String {
    let mut out: Vec<String> = a
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    for l in b.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out
            .iter()
            .any(|o| theodoi_text::key(o) == theodoi_text::key(l))
        {
            out.push(l.to_string());
        }
    }
    out.join("\n")
}

/// More tasks than any plan has: a form claiming more is not the review's.
const MAX_TASKS: usize = 2000;

/// The kinds of document a plan to follow arrives as, with their names for the select.
const DOC_TYPES: [(DocumentType, &str); 4] = [
    (DocumentType::Plan, "Kế hoạch"),
    (DocumentType::Programme, "Chương trình"),
    (DocumentType::Decision, "Quyết định"),
    (DocumentType::Directive, "Chỉ thị"),
];

fn get<'a>(f: &'a [(String, String)], key: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// Render the review. `parsed` gives the reader's diagnostics and the body's size for a new plan.
async fn page(
    state: &AppState,
    ctx: Ctx,
    mut r: Review,
    parsed: Option<&Reading>,
    errors: Vec<String>,
    impact: Vec<String>,
    notice: String,
) -> AppResult<ReviewPage> {
    let codes = state.db.agency_codes().await?;
    r.mark_new_bodies(&codes);
    let register_size = state.db.recommendations(None).await?.len();
    let sources = r
        .sources
        .iter()
        .map(|(name, text)| Source {
            name: name.clone(),
            text: text.clone(),
            lines: text
                .lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l.to_string()))
                .collect(),
        })
        .collect();
    Ok(ReviewPage {
        doc_types: DOC_TYPES
            .iter()
            .map(|(t, name)| (t.abbreviation(), *name))
            .collect(),
        sources,
        responsibilities: parsed.map_or(0, |p| p.parsed.plan.responsibilities.len()),
        diagnostics: parsed.map(|p| p.notes.clone()).unwrap_or_default(),
        errors,
        impact,
        notice,
        register_size,
        r,
        ctx,
    })
}

/// The upload (multipart): files and/or pasted text → the review page. No file and no text
/// opens an empty review, to enter a plan by hand.
pub async fn review(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut csrf = String::new();
    let mut manual = false;
    let mut sources: Vec<(String, String)> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.map_err(multipart_error)?,
            "manual" => manual = true,
            "file" => {
                // A browser sends an unnamed, empty part when no file was chosen.
                let chosen = field.file_name().is_some_and(|n| !n.is_empty());
                let name = field.file_name().unwrap_or("tệp").to_string();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if bytes.is_empty() && !chosen {
                    continue;
                }
                if bytes.len() > state.config.max_upload_bytes {
                    return Err(AppError::TooLarge);
                }
                // Text, DOCX, PDF with a text layer, XLSX or CSV: the same reader as the CLI's. A
                // chosen file of 0 bytes is refused there too, as empty.
                let text = match upload_text(&name, &bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        let why = unreadable(&name, &e);
                        return refuse(&state, lang, &user, why.get(lang).to_string());
                    }
                };
                sources.push((
                    crate::form::document_text(&name),
                    crate::form::document_text(&text),
                ));
            }
            "text" => {
                let text = field.text().await.map_err(multipart_error)?;
                if !text.trim().is_empty() {
                    sources.push((
                        "văn bản dán vào".to_string(),
                        crate::form::document_text(&text),
                    ));
                }
            }
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    coordinator(&user)?;
    let ctx = Ctx::new(lang, Some(&user));
    if sources.is_empty() {
        if !manual {
            let why = ctx.t(
                "Chưa chọn tệp hoặc dán nội dung. Để nhập kế hoạch bằng tay, bấm \u{201C}Nhập bằng tay\u{201D}.",
                "No file chosen and no text pasted. To enter a plan by hand, press \u{201C}Enter by hand\u{201D}.",
            );
            return refuse(&state, lang, &user, why.to_string());
        }
        let mut r = Review {
            doc_type: DocumentType::Plan.abbreviation().into(),
            ..Review::default()
        };
        r.act("add", &ctx, &[], &[]);
        let p = page(&state, ctx, r, None, Vec::new(), Vec::new(), String::new()).await?;
        return Ok(pages::render(&p)?.into_response());
    }
    match parse_sources(&sources) {
        Ok(reading) => {
            let mut r = Review::from_plan(&reading.parsed.plan, sources, &reading.file_of_task);
            // A document read again over its stored plan keeps the links its tasks have.
            if let Some(id) = state
                .db
                .find_same_plan(&reading.parsed.plan.document)
                .await?
            {
                r.fill_links(&state.db.plan_link_references(id).await?);
            }
            let p = page(
                &state,
                ctx,
                r,
                Some(&reading),
                Vec::new(),
                Vec::new(),
                String::new(),
            )
            .await?;
            Ok(pages::render(&p)?.into_response())
        }
        Err(AppError::BadRequest(msg)) => refuse(&state, lang, &user, msg.get(lang).to_string()),
        Err(e) => Err(e),
    }
}

/// The text of an uploaded file, read as `plan parse` reads it. A conversion from a legacy
/// Vietnamese font encoding is logged, as the CLI notes what it repaired: what was converted,
/// never the text nor the file's name (either may name people).
fn upload_text(name: &str, bytes: &[u8]) -> Result<String, theodoi_plandoc::ParseError> {
    let (text, converted) = theodoi_plandoc::formats::to_text_noted(bytes, Some(name))?;
    if let Some(converted) = converted {
        tracing::info!(
            format = ?theodoi_plandoc::formats::detect(bytes, Some(name)),
            bytes = bytes.len(),
            "plan upload {converted}"
        );
    }
    Ok(text)
}

/// Why a file could not be read, naming it, in both languages.
fn unreadable(name: &str, e: &theodoi_plandoc::ParseError) -> theodoi_text::Message {
    theodoi_text::Message::new(
        format!("{name}: {}", e.message_vi()),
        format!("{name}: {e}"),
    )
}

/// The upload form again with what went wrong.
fn refuse(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    msg: String,
) -> AppResult<Response> {
    let page = FormPage {
        ctx: Ctx::new(lang, Some(user)),
        error: msg,
        max_mb: max_mb(state),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response())
}

/// A published plan opened in the review, beside the text it was last published from.
pub async fn edit(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(plan_id): Path<i64>,
) -> AppResult<Html<String>> {
    coordinator(&user)?;
    let plan = state.db.plan_for_review(plan_id).await?;
    let sources = state.db.plan_sources(plan_id).await?;
    let mut r = Review::from_plan(&plan, sources, &[]);
    r.plan_id = Some(plan_id);
    r.fill_links(&state.db.plan_link_references(plan_id).await?);
    let ctx = Ctx::new(lang, Some(&user));
    let notice = ctx
        .t(
            "Sửa kế hoạch đã công bố: mỗi lần công bố là một phiên bản mới, ghi người sửa và thời điểm. Các đợt báo cáo đang mở giữ phân công như lúc mở.",
            "Correcting a published plan: each publication is a new version recording who and when. Open rounds keep the assignments they were opened with.",
        )
        .to_string();
    pages::render(&page(&state, ctx, r, None, Vec::new(), Vec::new(), notice).await?)
}

/// The stored plan a publication replaces: the one being corrected, or the same document (its
/// number from the same issuer and year; another province's plan of that number is another).
async fn replaced(state: &AppState, r: &Review, plan: &Plan) -> AppResult<Option<i64>> {
    Ok(match r.plan_id {
        Some(id) => Some(id),
        None => state.db.find_same_plan(&plan.document).await?,
    })
}

/// What publishing changes in the stored plan it replaces, and for that plan's rounds: tasks
/// added, removed, given other bodies or retitled. `correcting`: the coordinator opened the plan to
/// correct it (a plan without rounds then publishes at once); a new import over a stored plan of
/// the same number always says so first. The flag is true when something in it stops publishing.
async fn impact(
    state: &AppState,
    plan_id: i64,
    new: &Plan,
    correcting: bool,
) -> AppResult<(Vec<String>, bool)> {
    let used = state.db.tasks_in_rounds(plan_id).await?;
    if used.is_empty() && correcting {
        return Ok((Vec::new(), false));
    }
    let old = state.db.plan_for_review(plan_id).await?;
    let mut out = Vec::new();
    if !correcting {
        let number = old
            .document
            .number
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let version = state.db.plan_versions(plan_id).await?.into_iter().next();
        out.push(match version {
            Some(v) => format!(
                "Kế hoạch số {number} đã có trong hệ thống (phiên bản {}, {}). Công bố bản này sẽ thay nội dung của kế hoạch đã có bằng nội dung đang xem.",
                v.version,
                pages::when(&v.at)
            ),
            None => format!(
                "Kế hoạch số {number} đã có trong hệ thống. Công bố bản này sẽ thay nội dung của kế hoạch đã có bằng nội dung đang xem."
            ),
        });
    }
    let mut rounds: Vec<&str> = used.iter().map(|u| u.round_title.as_str()).collect();
    rounds.sort_unstable();
    rounds.dedup();
    if !rounds.is_empty() {
        out.push(format!(
            "Kế hoạch này đã có {} đợt báo cáo ({}). Các đợt đang mở giữ phân công như lúc mở; thay đổi áp dụng cho các đợt mở sau.",
            rounds.len(),
            rounds.join("; ")
        ));
    }
    let list = |v: &[&AgencyMention]| {
        v.iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let diff = |old: &[AgencyMention], new: &[AgencyMention]| {
        let added: Vec<&AgencyMention> = new
            .iter()
            .filter(|n| !old.iter().any(|o| o.code() == n.code()))
            .collect();
        let removed: Vec<&AgencyMention> = old
            .iter()
            .filter(|o| !new.iter().any(|n| n.code() == o.code()))
            .collect();
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("thêm {}", list(&added)));
        }
        if !removed.is_empty() {
            parts.push(format!("bỏ {}", list(&removed)));
        }
        parts.join("; ")
    };
    let mut blocking = false;
    for t in &new.tasks {
        match old.tasks.iter().find(|o| o.reference == t.reference) {
            None if rounds.is_empty() => out.push(format!("Thêm nhiệm vụ {}.", t.reference)),
            None => out.push(format!(
                "Nhiệm vụ mới {}: chưa có trong các đợt đã mở.",
                t.reference
            )),
            Some(o) => {
                let lead = diff(&o.lead, &t.lead);
                let coordinating = diff(&o.coordinating, &t.coordinating);
                let mut changes = Vec::new();
                if !lead.is_empty() {
                    changes.push(format!("chủ trì: {lead}"));
                }
                if !coordinating.is_empty() {
                    changes.push(format!("phối hợp: {coordinating}"));
                }
                if o.title != t.title {
                    changes.push("sửa tên nhiệm vụ".to_string());
                }
                if o.time.text != t.time.text {
                    changes.push(format!(
                        "thời gian \u{201C}{}\u{201D} → \u{201C}{}\u{201D}",
                        o.time.text, t.time.text
                    ));
                }
                if o.items
                    .iter()
                    .map(|i| &i.text)
                    .ne(t.items.iter().map(|i| &i.text))
                {
                    changes.push("sửa nội dung".to_string());
                }
                if !changes.is_empty() {
                    out.push(format!("Nhiệm vụ {}: {}.", t.reference, changes.join("; ")));
                }
            }
        }
    }
    for o in &old.tasks {
        if !new.tasks.iter().any(|t| t.reference == o.reference) {
            let in_round = used.iter().any(|u| u.reference == o.reference.as_str());
            blocking |= in_round;
            out.push(if in_round {
                format!(
                    "Nhiệm vụ {} bị bỏ nhưng đã được giao trong đợt báo cáo: không thể công bố khi còn bỏ nhiệm vụ này. Hãy giữ nhiệm vụ và sửa nội dung của nó.",
                    o.reference
                )
            } else {
                format!("Bỏ nhiệm vụ {}.", o.reference)
            });
        }
    }
    Ok((out, blocking))
}

/// Every action of the review form: editing (add, split, merge, move, search, pick), preview,
/// publish and the confirmation that follows a publish over a plan with rounds.
pub async fn publish(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.check_csrf(get(&f, "csrf"))?;
    coordinator(&user)?;
    let ctx = Ctx::new(lang, Some(&user));
    let mut r = Review::from_form(&f)?;
    let action = get(&f, "action").to_string();
    // The body a new plan was read with (purposes, responsibilities, signature): read again from
    // its text, since the form edits only the header and the tasks.
    let parsed = match (r.plan_id, r.sources.is_empty()) {
        (None, false) => Some(parse_sources(&r.sources)?),
        _ => None,
    };
    let publishing = action == "publish" || action == "confirm";
    let register = state.db.recommendations(None).await?;
    if !publishing {
        let directory = if action.starts_with("find:") || action.starts_with("pick:") {
            state.db.list_agencies().await?
        } else {
            Vec::new()
        };
        let notice = r.act(&action, &ctx, &directory, &register);
        let (plan, mut errors) = r.to_plan(parsed.as_ref().map(|p| &p.parsed.plan));
        errors.extend(r.links(&register, lang).1);
        // A preview also says what publishing would change in a plan already stored.
        let (errors, impact) = if action == "preview" {
            let impact = match replaced(&state, &r, &plan).await? {
                Some(id) if errors.is_empty() => {
                    impact(&state, id, &plan, r.plan_id.is_some()).await?.0
                }
                _ => Vec::new(),
            };
            (errors, impact)
        } else {
            (Vec::new(), Vec::new())
        };
        let p = page(&state, ctx, r, parsed.as_ref(), errors, impact, notice).await?;
        return Ok(pages::render(&p)?.into_response());
    }
    let (plan, mut errors) = r.to_plan(parsed.as_ref().map(|p| &p.parsed.plan));
    let (links, link_errors) = r.links(&register, lang);
    errors.extend(link_errors);
    let parts = match (&parsed, r.plan_id) {
        (Some(p), None) => ImportParts {
            body: p.parsed.part != Part::Appendix,
            appendix: p.parsed.part != Part::Body,
        },
        _ => ImportParts {
            body: true,
            appendix: true,
        },
    };
    if !parts.body
        && let Some(t) = plan.tasks.iter().find(|t| !t.reference.is_appendix())
    {
        errors.push(format!(
            "Nhiệm vụ {}: văn bản này là phụ lục, số thứ tự nhiệm vụ phải có dạng PL.1, PL.2…",
            t.reference
        ));
    }
    let (impact, blocking) = match replaced(&state, &r, &plan).await? {
        Some(id) if errors.is_empty() => impact(&state, id, &plan, r.plan_id.is_some()).await?,
        _ => (Vec::new(), false),
    };
    if blocking {
        errors.push(
            "Không thể bỏ nhiệm vụ đã giao trong đợt báo cáo (xem danh sách thay đổi). Hãy giữ nhiệm vụ và sửa nội dung của nó.".into(),
        );
    }
    if !errors.is_empty() || (!impact.is_empty() && (action != "confirm" || blocking)) {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let p = page(
            &state,
            ctx,
            r,
            parsed.as_ref(),
            errors,
            impact,
            String::new(),
        )
        .await?;
        return Ok((status, pages::render(&p)?).into_response());
    }
    let publication = Publication {
        by: Some(user.id()),
        sources: &r.sources,
        links: Some(&links),
    };
    let stored = match r.plan_id {
        Some(id) => state.db.correct_plan(id, &plan, &publication).await,
        None => state.db.publish_plan(&plan, parts, &publication).await,
    };
    let outcome = match stored {
        Ok(o) => o,
        Err(theodoi_store::StoreError::Conflict(msg)) => {
            let msg = msg.get(ctx.lang).to_string();
            let p = page(
                &state,
                ctx,
                r,
                parsed.as_ref(),
                vec![msg],
                Vec::new(),
                String::new(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&p)?).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    state.cache.invalidate();
    let target = format!("plan:{}", outcome.plan_id);
    let detail = format!(
        "{} tasks, {} assignments",
        outcome.tasks, outcome.assignments
    );
    let event = if r.plan_id.is_some() {
        "plan_corrected"
    } else {
        "plan_published"
    };
    audit_by(&state, &user, event, Some(&target), Some(&detail)).await?;
    Ok(Redirect::to(&format!("/plans/{}?published=1", outcome.plan_id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::upload_text;
    use std::fmt::Write as _;
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata};

    /// The events logged while it is the default subscriber, each as its fields.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<String>>>);

    struct Fields(String);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, "{}={value:?} ", field.name());
        }
    }

    impl tracing::Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            if let Ok(mut events) = self.0.lock() {
                events.push(fields.0);
            }
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    fn logged(name: &str, bytes: &[u8]) -> (String, Vec<String>) {
        let capture = Capture::default();
        let text = tracing::subscriber::with_default(capture.clone(), || upload_text(name, bytes))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let events = capture.0.lock().map(|e| e.clone()).unwrap_or_default();
        (text, events)
    }

    #[test]
    fn a_legacy_encoding_converted_is_logged_without_the_text_or_name() {
        // A plan saved as text from a .VnTime document: TCVN3 in UTF-8.
        let tcvn3 = "Uû ban nh©n d©n tØnh Lµo Cai\nSè: 58/KH-UBND\nkÕ ho¹ch\n\
                     1. Tæ chøc tuyªn truyÒn ph¸p luËt cho ng\u{AD}êi d©n\n\
                     C¬ quan chñ tr×: Së T\u{AD} ph¸p.\n";
        let (text, events) = logged("Nguyễn Văn A.txt", tcvn3.as_bytes());
        assert!(text.contains("Cơ quan chủ trì: Sở Tư pháp."), "{text}");
        assert_eq!(events.len(), 1, "{events:?}");
        let event = &events[0];
        assert!(event.contains("TCVN3"), "says what was converted: {event}");
        assert!(event.contains("format=Text"), "{event}");
        assert!(!event.contains("Nguy"), "no file name: {event}");
        assert!(
            !event.contains("Lào Cai") && !event.contains("Lµo"),
            "no document text: {event}"
        );
        // Unicode text needs no conversion and logs nothing.
        let (_, events) = logged("kh.txt", "KẾ HOẠCH\n1. Việc\n".as_bytes());
        assert!(events.is_empty(), "{events:?}");
    }
}
