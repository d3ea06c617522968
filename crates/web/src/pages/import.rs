//! Import review: upload or paste a plan → what was read, beside the source lines it came from →
//! the coordinator corrects tasks, agencies, roles and times → publishes.
//!
//! Nothing is stored before "Publish": the review form carries the source text and the
//! corrections, so a review that is abandoned leaves nothing behind.

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::cascade::multipart_error;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use theodoi_domain::{AgencyMention, DocumentNumber, Plan, Timeframe};
use theodoi_plandoc::{Diagnostic, ParsedPlan, Part};
use theodoi_store::ImportParts;

#[derive(Template)]
#[template(path = "import.html")]
struct FormPage {
    ctx: Ctx,
    error: String,
    max_mb: usize,
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
        max_mb: state.config.max_upload_bytes / (1024 * 1024),
    })
}

/// One source file as the review shows it.
struct Source {
    name: String,
    text: String,
    lines: Vec<(usize, String)>,
}

/// A task row of the review form.
struct TaskForm {
    index: usize,
    reference: String,
    title: String,
    items: Vec<String>,
    lead: String,
    coordinating: String,
    time: String,
    time_kind: &'static str,
    lines: (u32, u32),
    file: usize,
    dropped: bool,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    ctx: Ctx,
    sources: Vec<Source>,
    doc_type: String,
    number: String,
    date: String,
    title: String,
    implements: String,
    tasks: Vec<TaskForm>,
    responsibilities: usize,
    diagnostics: Vec<(usize, Diagnostic)>,
}

fn parse_sources(sources: &[(String, String)]) -> AppResult<(ParsedPlan, Vec<(usize, String)>)> {
    let mut parsed = Vec::new();
    let mut ranges = Vec::new();
    for (i, (name, text)) in sources.iter().enumerate() {
        let p = theodoi_plandoc::parse(text)
            .map_err(|e| AppError::BadRequest(format!("{name}: {} / {e}", e.message_vi())))?;
        ranges.push((
            i,
            p.plan
                .tasks
                .iter()
                .map(|t| t.reference.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ));
        parsed.push(p);
    }
    let mut combined = theodoi_plandoc::combine(parsed);
    if combined.len() != 1 {
        return Err(AppError::BadRequest(
            "Các tệp không thuộc cùng một kế hoạch: hãy nhập từng kế hoạch một / the files are not one plan: import one plan at a time".into(),
        ));
    }
    let plan = combined.remove(0);
    Ok((plan, ranges))
}

fn lines_of(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

fn names(v: &[AgencyMention]) -> String {
    v.iter()
        .map(|a| {
            if a.requested_only {
                format!("Đề nghị {}", a.name)
            } else {
                a.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn review_page(
    ctx: Ctx,
    sources: &[(String, String)],
    p: &ParsedPlan,
    ranges: &[(usize, String)],
) -> ReviewPage {
    let d = &p.plan.document;
    let file_of = |reference: &str| {
        ranges
            .iter()
            .find(|(_, refs)| refs.split(',').any(|r| r == reference))
            .map_or(0, |(i, _)| *i)
    };
    ReviewPage {
        sources: sources
            .iter()
            .map(|(name, text)| Source {
                name: name.clone(),
                text: text.clone(),
                lines: lines_of(text),
            })
            .collect(),
        doc_type: d.doc_type.abbreviation().to_string(),
        number: d
            .number
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        date: d.date.map(|x| x.to_string()).unwrap_or_default(),
        title: d.title.clone(),
        implements: d
            .implements()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        tasks: p
            .plan
            .tasks
            .iter()
            .enumerate()
            .map(|(index, t)| TaskForm {
                index,
                reference: t.reference.to_string(),
                title: t.title.clone(),
                items: t.items.iter().map(|i| i.text.clone()).collect(),
                lead: names(&t.lead),
                coordinating: names(&t.coordinating),
                time: t.time.text.clone(),
                time_kind: t.time.kind_name(),
                lines: (t.span.start_line, t.span.end_line),
                file: file_of(t.reference.as_str()),
                dropped: false,
            })
            .collect(),
        responsibilities: p.plan.responsibilities.len(),
        diagnostics: p.diagnostics.iter().map(|d| (0, d.clone())).collect(),
        ctx,
    }
}

/// The upload (multipart): files and/or pasted text → the review page.
pub async fn review(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut csrf = String::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.map_err(multipart_error)?,
            "file" => {
                let name = field.file_name().unwrap_or("tệp").to_string();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if bytes.is_empty() && name.is_empty() {
                    continue;
                }
                if bytes.is_empty() {
                    continue;
                }
                if bytes.len() > state.config.max_upload_bytes {
                    return Err(AppError::TooLarge);
                }
                // Text, DOCX, PDF with a text layer, XLSX or CSV: the same reader as the CLI's.
                let text = theodoi_plandoc::formats::to_text(&bytes, Some(&name)).map_err(|e| {
                    AppError::BadRequest(format!("{name}: {} / {e}", e.message_vi()))
                })?;
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
    if sources.is_empty() {
        return Err(AppError::BadRequest(
            "Chưa chọn tệp hoặc dán nội dung / choose a file or paste the text".into(),
        ));
    }
    let ctx = Ctx::new(lang, Some(&user));
    match parse_sources(&sources) {
        Ok((p, ranges)) => {
            Ok(pages::render(&review_page(ctx, &sources, &p, &ranges))?.into_response())
        }
        Err(AppError::BadRequest(msg)) => {
            let page = FormPage {
                ctx,
                error: msg,
                max_mb: state.config.max_upload_bytes / (1024 * 1024),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

fn get<'a>(f: &'a [(String, String)], key: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

fn mentions(text: &str) -> Vec<AgencyMention> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(
            |l| match theodoi_text::fold_chars(l).strip_prefix("de nghi ") {
                Some(_) => AgencyMention::new(&l.chars().skip(8).collect::<String>(), true),
                None => AgencyMention::new(l, false),
            },
        )
        .collect()
}

/// Apply the review form's corrections to the plan parsed again from the same sources.
/// Dropped tasks are removed only when publishing; a preview keeps them (ticked) so the form's
/// task indexes stay those of the source.
fn apply(plan: &mut Plan, f: &[(String, String)], remove_dropped: bool) -> AppResult<()> {
    let number = get(f, "number").trim();
    plan.document.number = if number.is_empty() {
        None
    } else {
        Some(
            DocumentNumber::parse(number)
                .map_err(|e| AppError::BadRequest(format!("Số, ký hiệu: {e}")))?,
        )
    };
    let date = get(f, "date").trim();
    plan.document.date = if date.is_empty() {
        None
    } else {
        Some(
            time::Date::parse(
                date,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| {
                AppError::BadRequest(format!(
                    "Ngày \"{date}\" không hợp lệ (năm-tháng-ngày) / not a date"
                ))
            })?,
        )
    };
    let title = theodoi_text::clean(get(f, "title"));
    if !title.is_empty() {
        plan.document.title = title;
    }
    let mut kept = Vec::with_capacity(plan.tasks.len());
    for (i, mut t) in std::mem::take(&mut plan.tasks).into_iter().enumerate() {
        if get(f, &format!("t{i}_ref")) != t.reference.as_str() {
            return Err(AppError::BadRequest(
                "Biểu mẫu kiểm tra không khớp văn bản gốc; hãy nhập lại từ đầu / the review form does not match its source; start the import again".into(),
            ));
        }
        if remove_dropped && !get(f, &format!("t{i}_drop")).is_empty() {
            continue;
        }
        let title = theodoi_text::clean(get(f, &format!("t{i}_title")));
        if title.is_empty() {
            return Err(AppError::BadRequest(format!(
                "Nhiệm vụ {}: tên không được để trống / a task needs a title",
                t.reference
            )));
        }
        t.title = title;
        t.lead = mentions(get(f, &format!("t{i}_lead")));
        t.coordinating = mentions(get(f, &format!("t{i}_coord")));
        t.time = Timeframe::parse(get(f, &format!("t{i}_time")));
        if t.lead
            .iter()
            .chain(&t.coordinating)
            .any(|a| a.code().is_empty())
        {
            return Err(AppError::BadRequest(format!(
                "Nhiệm vụ {}: tên cơ quan không hợp lệ / an agency name has no letters",
                t.reference
            )));
        }
        kept.push(t);
    }
    plan.tasks = kept;
    Ok(())
}

/// Preview (re-render with the corrections) or publish (store in one transaction).
pub async fn publish(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.check_csrf(get(&f, "csrf"))?;
    coordinator(&user)?;
    let sources: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| k == "source")
        .zip(f.iter().filter(|(k, _)| k == "source_name"))
        .map(|((_, text), (_, name))| (name.clone(), text.replace("\r\n", "\n")))
        .collect();
    if sources.is_empty() {
        return Err(AppError::BadRequest(
            "Biểu mẫu kiểm tra thiếu văn bản gốc; hãy nhập lại từ đầu / the review form has no source; start the import again".into(),
        ));
    }
    let (mut parsed, ranges) = parse_sources(&sources)?;
    let publishing = get(&f, "action") == "publish";
    apply(&mut parsed.plan, &f, publishing)?;
    if !publishing {
        let mut page = review_page(Ctx::new(lang, Some(&user)), &sources, &parsed, &ranges);
        for t in &mut page.tasks {
            t.dropped = !get(&f, &format!("t{}_drop", t.index)).is_empty();
        }
        return Ok(pages::render(&page)?.into_response());
    }
    let parts = ImportParts {
        body: parsed.part != Part::Appendix,
        appendix: parsed.part != Part::Body,
    };
    let outcome = state.db.import_plan(&parsed.plan, parts).await?;
    state.cache.invalidate();
    let target = format!("plan:{}", outcome.plan_id);
    let detail = format!(
        "{} tasks, {} assignments",
        outcome.tasks, outcome.assignments
    );
    audit_by(
        &state,
        &user,
        "plan_published",
        Some(&target),
        Some(&detail),
    )
    .await?;
    Ok(Redirect::to(&format!("/plans/{}?published=1", outcome.plan_id)).into_response())
}
