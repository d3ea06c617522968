//! Agencies' own implementation plans (KH 14, III.8–9): who has issued one and who has not. A body
//! has issued its plan when it recorded it here, when the coordinator registered it for the body
//! (sent on paper or through the e-office), or when a plan it issued was imported and implements
//! this one. The coordinator filters the bodies without a plan by kind, exports them and reminds
//! their focal points.

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Path;
use crate::form::Query;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use theodoi_report::csv::Cell;
use theodoi_store::links::{CascadeBody, ImplementingPlan, PlanReminder};
use theodoi_store::views::PlanSummary;
use theodoi_store::workspace::NewCascadePlan;
use time::OffsetDateTime;

/// One expected body and what it has issued under the plan.
pub type BodyRow = CascadeBody;

/// The expected bodies with their plans, and the imported plans whose issuer matches none of them.
async fn bodies(
    state: &AppState,
    plan_id: i64,
) -> AppResult<(Vec<BodyRow>, Vec<ImplementingPlan>)> {
    let c = state.db.cascade(plan_id).await?;
    Ok((c.bodies, c.unmatched))
}

/// The kind asked for in a filter: empty for all, else a kind's code.
fn checked_kind(kind: &str) -> AppResult<&str> {
    let kind = kind.trim();
    if kind.is_empty() || theodoi_domain::AgencyKind::from_code(kind).is_some() {
        Ok(kind)
    } else {
        Err(AppError::refuse(
            format!("Không có loại cơ quan \"{kind}\""),
            format!("No kind of body \"{kind}\""),
        ))
    }
}

fn kind_matches(row: &BodyRow, kind: &str) -> bool {
    kind.is_empty() || row.kind == kind
}

#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    #[serde(default)]
    kind: String,
    /// After a reminder: bodies reminded, messages created, bodies without a focal point.
    #[serde(default)]
    reminded: Option<usize>,
    #[serde(default)]
    created: Option<usize>,
    #[serde(default)]
    no_contact: Option<usize>,
    #[serde(default)]
    saved: Option<i64>,
}

#[derive(Template)]
#[template(path = "cascade.html")]
struct OverviewPage {
    ctx: Ctx,
    plan: PlanSummary,
    rows: Vec<BodyRow>,
    have: usize,
    missing: usize,
    /// An agency account records its own plan here.
    mine: Option<BodyRow>,
    /// Kinds of the bodies without a plan, with their labels and counts, for the filter.
    kinds: Vec<(String, String, usize)>,
    kind: String,
    /// Imported plans implementing this one whose issuer matches no expected body.
    unmatched: Vec<ImplementingPlan>,
    /// The body whose plan the coordinator just registered.
    saved: Option<String>,
    /// A refused registration: what was typed, shown again with why.
    typed: Typed,
    error: String,
}

/// The registration form as typed.
#[derive(Default)]
struct Typed {
    number: String,
    date: String,
    title: String,
    agency_id: String,
    via: String,
}

impl OverviewPage {
    fn missing_rows(&self) -> Vec<&BodyRow> {
        self.rows
            .iter()
            .filter(|r| !r.has_plan() && kind_matches(r, &self.kind))
            .collect()
    }

    fn issued_rows(&self) -> Vec<&BodyRow> {
        self.rows.iter().filter(|r| r.has_plan()).collect()
    }

    fn via_name(&self, via: &str) -> &'static str {
        match via {
            "paper" => self.ctx.t("Nhận bản giấy", "Received on paper"),
            "eoffice" => self.ctx.t(
                "Nhận qua văn phòng điện tử",
                "Received through the e-office",
            ),
            _ => "",
        }
    }

    /// The filter as a query string, kept on the export links.
    fn kind_query(&self) -> String {
        if self.kind.is_empty() {
            String::new()
        } else {
            format!("?kind={}", self.kind)
        }
    }
}

pub async fn overview(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<OverviewQuery>,
) -> AppResult<Html<String>> {
    let page = overview_page(&state, lang, &user, id, q, Typed::default(), String::new()).await?;
    pages::render(&page)
}

async fn overview_page(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    id: i64,
    q: OverviewQuery,
    typed: Typed,
    error: String,
) -> AppResult<OverviewPage> {
    if !user.role.sees_all_agencies() && !user.role.is_agency() {
        return Err(AppError::Forbidden);
    }
    let kind = checked_kind(&q.kind)?.to_string();
    let plan = state.db.load_plan(id).await?.summary;
    let (all, unmatched) = bodies(state, id).await?;
    let mine = user
        .row
        .agency_id
        .filter(|_| user.role.is_agency())
        .and_then(|a| all.iter().find(|s| s.agency_id == a).cloned());
    let sees_all = user.role.sees_all_agencies();
    let rows: Vec<BodyRow> = if sees_all { all } else { Vec::new() };
    let have = rows.iter().filter(|r| r.has_plan()).count();
    let missing = rows.len() - have;
    let mut ctx = Ctx::new(lang, Some(user));
    let mut kinds: Vec<(String, String, usize)> = Vec::new();
    for r in rows.iter().filter(|r| !r.has_plan()) {
        match kinds.iter_mut().find(|(k, _, _)| *k == r.kind) {
            Some((_, _, n)) => *n += 1,
            None => kinds.push((r.kind.clone(), ctx.kind_name(&r.kind), 1)),
        }
    }
    kinds.sort_by_cached_key(|(_, label, _)| theodoi_text::collate(label));
    // What the coordinator just did (registered a plan, reminded), said back to the coordinator.
    let coordinates = user.role.coordinates();
    let saved = q.saved.filter(|_| coordinates).and_then(|a| {
        rows.iter()
            .find(|r| r.agency_id == a)
            .map(|r| r.agency_name.clone())
    });
    if let Some(name) = &saved {
        let text = format!(
            "{} {name}.",
            ctx.t("Đã đăng ký kế hoạch của", "Registered the plan of")
        );
        ctx = ctx.with_flash(&text);
    }
    if let Some(n) = q.reminded.filter(|_| coordinates) {
        let (created, none) = (q.created.unwrap_or(0), q.no_contact.unwrap_or(0));
        let mut text = if n == 0 {
            ctx.t(
                "Không có đầu mối nào để nhắc.",
                "There was no focal point to remind.",
            )
            .to_string()
        } else if created == 0 {
            format!(
                "{} {n} {}",
                ctx.t("Đầu mối của", "The focal points of"),
                ctx.t(
                    "cơ quan, địa phương đã được nhắc trong hôm nay; không gửi thêm.",
                    "bodies were reminded today already; nothing more was sent."
                )
            )
        } else {
            format!(
                "{} {n} {} ({created} {}).",
                ctx.t("Đã nhắc nhở đầu mối của", "Reminded the focal points of"),
                ctx.t("cơ quan, địa phương", "bodies"),
                ctx.t("thông báo mới", "new messages")
            )
        };
        if none > 0 {
            text.push_str(&format!(
                " {none} {}",
                ctx.t(
                    "cơ quan, địa phương chưa có tài khoản đầu mối nên chưa nhắc được.",
                    "bodies have no focal point account and could not be reminded."
                )
            ));
        }
        ctx = ctx.with_flash(&text);
    }
    Ok(OverviewPage {
        ctx,
        plan,
        rows,
        have,
        missing,
        mine,
        kinds,
        kind,
        unmatched: if sees_all { unmatched } else { Vec::new() },
        saved,
        typed,
        error,
    })
}

/// The registration as typed, checked: (body, how received, number, date, title), or a
/// refusal saying what to correct.
#[allow(clippy::too_many_arguments)]
async fn check_record(
    state: &AppState,
    user: &User,
    plan_id: i64,
    on_behalf: bool,
    for_agency: &str,
    via: &str,
    number: &str,
    date: &str,
    title: &str,
) -> AppResult<(i64, Option<String>, String, time::Date, String)> {
    let agency_id = match (user.role.is_agency(), user.row.agency_id) {
        (true, Some(a)) => a,
        _ if on_behalf => for_agency.trim().parse::<i64>().map_err(|_| {
            AppError::refuse(
                "Chọn cơ quan, địa phương đã gửi kế hoạch.",
                "Choose the body that sent the plan.",
            )
        })?,
        _ => return Err(AppError::Forbidden),
    };
    let received_via = if on_behalf {
        let v = via.trim();
        if !theodoi_store::links::RECEIVED_VIA.contains(&v) {
            return Err(AppError::refuse(
                "Chọn cách nhận kế hoạch: bản giấy hoặc văn phòng điện tử.",
                "Choose how the plan was received: on paper or through the e-office.",
            ));
        }
        Some(v.to_string())
    } else {
        None
    };
    let number: String = theodoi_text::clean(number)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    theodoi_domain::DocumentNumber::parse(&number).map_err(|_| {
        AppError::refuse(
            format!(
                "Số, ký hiệu \u{201C}{number}\u{201D} không đúng dạng số, ký hiệu văn bản, ví dụ 12/KH-UBND."
            ),
            format!(
                "The number \u{201C}{number}\u{201D} is not a document number such as 12/KH-UBND."
            ),
        )
    })?;
    let issued_on = pages::parse_date(date).ok_or_else(|| {
        AppError::refuse(
            format!(
                "Ngày ban hành \"{}\" không hợp lệ: ghi ngày/tháng/năm, ví dụ 09/01/2026",
                date.trim()
            ),
            format!(
                "The date of issue \"{}\" is not valid: write day/month/year, such as 09/01/2026",
                date.trim()
            ),
        )
    })?;
    let title = theodoi_text::clean(title);
    if title.is_empty() {
        return Err(AppError::refuse(
            "Trích yếu không được để trống.",
            "The title cannot be empty.",
        ));
    }
    state.db.load_plan(plan_id).await?;
    if on_behalf
        && !state
            .db
            .cascade_status(plan_id)
            .await?
            .iter()
            .any(|s| s.agency_id == agency_id)
    {
        return Err(AppError::refuse(
            "Cơ quan được chọn không thuộc diện phải ban hành kế hoạch triển khai.",
            "The body chosen is not one that must issue a plan of its own.",
        ));
    }
    Ok((agency_id, received_via, number, issued_on, title))
}

/// An agency records its own plan, or the coordinator registers a plan a body sent on paper or
/// through the e-office: number, date, title and optionally the file (multipart).
pub async fn record(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(plan_id): Path<i64>,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut csrf = String::new();
    let mut number = String::new();
    let mut date = String::new();
    let mut title = String::new();
    let mut for_agency = String::new();
    let mut via = String::new();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                crate::form::check_field("file", &file_name)?;
                let kind = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if !bytes.is_empty() {
                    file = Some((pages::safe_file_name(&file_name), kind, bytes.to_vec()));
                }
            }
            _ => {
                let value = field.text().await.map_err(multipart_error)?;
                crate::form::check_field(&name, &value)?;
                match name.as_str() {
                    "csrf" => csrf = value,
                    "number" => number = value,
                    "date" => date = value,
                    "title" => title = value,
                    "agency_id" => for_agency = value,
                    "via" => via = value,
                    _ => {}
                }
            }
        }
    }
    user.check_csrf(&csrf)?;
    // An agency records its own plan; the coordinator registers one for a body it names.
    let on_behalf = user.role.coordinates();
    if !user.role.is_agency() && !on_behalf {
        return Err(AppError::Forbidden);
    }
    let checked = check_record(
        &state,
        &user,
        plan_id,
        on_behalf,
        &for_agency,
        &via,
        &number,
        &date,
        &title,
    )
    .await;
    let (agency_id, received_via, number, issued_on, title) = match checked {
        Ok(v) => v,
        Err(AppError::BadRequest(error)) => {
            // Refused: the page again with what was typed and why, nothing lost.
            let typed = Typed {
                number,
                date,
                title,
                agency_id: for_agency,
                via,
            };
            let q = OverviewQuery::default();
            let page = overview_page(
                &state,
                lang,
                &user,
                plan_id,
                q,
                typed,
                error.get(lang).to_string(),
            )
            .await?;
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                pages::render(&page)?,
            )
                .into_response());
        }
        Err(e) => return Err(e),
    };
    let c = NewCascadePlan {
        plan_id,
        agency_id,
        number: &number,
        issued_on,
        title: &title,
        file: file
            .as_ref()
            .map(|(n, k, b)| (n.as_str(), k.as_str(), b.as_slice())),
        recorded_by: user.id(),
    };
    let id = state
        .db
        .record_cascade_plan_via(&c, received_via.as_deref(), OffsetDateTime::now_utc())
        .await?;
    if let Some(via) = &received_via {
        audit_by(
            &state,
            &user,
            "cascade_plan_registered",
            Some(&format!("cascade:{id}")),
            Some(&format!("plan:{plan_id}; agency:{agency_id}; via:{via}")),
        )
        .await?;
        return Ok(
            Redirect::to(&format!("/plans/{plan_id}/cascade?saved={agency_id}")).into_response(),
        );
    }
    audit_by(
        &state,
        &user,
        "cascade_plan_recorded",
        Some(&format!("cascade:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/agencies/{agency_id}/home")).into_response())
}

pub fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        // The parser's words name fields and boundaries: logged, not shown.
        tracing::warn!(error.message = %e.body_text(), "form refused: unreadable multipart");
        AppError::refuse(
            "Biểu mẫu gửi lên không đọc được. Hãy tải lại trang rồi gửi lại.",
            "The form could not be read. Reload the page and send it again.",
        )
    }
}

pub async fn file(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (agency_id, (name, kind, bytes)) =
        state.db.cascade_file(id).await?.ok_or(AppError::NotFound)?;
    user.require(user.may_see_agency(agency_id))?;
    // Served as an attachment under its own name, never rendered inline.
    let kind = match kind.as_str() {
        "application/pdf" => "application/pdf",
        "application/msword" => "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        _ => "application/octet-stream",
    };
    Ok(pages::download(&name, kind, bytes))
}

#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

/// The bodies without a plan (of one kind, when filtered) as CSV or XLSX.
pub async fn export_missing(
    State(state): State<AppState>,
    user: User,
    Path((id, format)): Path<(i64, String)>,
    Query(q): Query<KindQuery>,
) -> AppResult<Response> {
    user.require(user.role.sees_all_agencies())?;
    let kind = checked_kind(&q.kind)?;
    let plan = state.db.load_plan(id).await?.summary;
    let (rows, _) = bodies(&state, id).await?;
    let contacts = state.db.contacts().await?;
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .filter(|r| !r.has_plan() && kind_matches(r, kind))
        .enumerate()
        .map(|(i, r)| {
            let focal = contacts
                .iter()
                .any(|c| c.role == "focal_point" && c.agency_id == Some(r.agency_id));
            vec![
                Cell::Number((i + 1) as f64),
                Cell::Text(r.agency_name.clone()),
                Cell::Text(
                    theodoi_domain::AgencyKind::from_code(&r.kind)
                        .map_or(r.kind.clone(), |k| k.label_vi().to_string()),
                ),
                Cell::Text(if focal { "Có" } else { "Chưa có" }.into()),
            ]
        })
        .collect();
    audit_by(
        &state,
        &user,
        "list_exported",
        Some(&format!("plan:{id}/cascade-missing")),
        Some(&if kind.is_empty() {
            format.clone()
        } else {
            format!("{format}; kind:{kind}")
        }),
    )
    .await?;
    let number = plan
        .number
        .as_deref()
        .map(|n| n.replace('/', "-"))
        .unwrap_or_else(|| format!("{}", plan.id));
    let name = match theodoi_domain::AgencyKind::from_code(kind) {
        Some(k) => format!(
            "Chưa ban hành kế hoạch thực hiện {} {number} - {}",
            plan.doc_type,
            k.label_vi()
        ),
        None => format!(
            "Chưa ban hành kế hoạch thực hiện {} {number}",
            plan.doc_type
        ),
    };
    crate::pages::exports::export(
        &name,
        &format,
        &["STT", "Cơ quan, địa phương", "Loại", "Tài khoản đầu mối"],
        &cells,
    )
}

#[derive(Deserialize)]
pub struct RemindForm {
    csrf: String,
    #[serde(default)]
    kind: String,
}

fn reminder_text(plan: &PlanSummary, agency: &str, public_url: &str) -> (String, String) {
    let number = plan.number.as_deref().unwrap_or("");
    let date = plan
        .issued_on
        .as_ref()
        .map(|d| format!(" ngày {}", pages::date_vn(d)))
        .unwrap_or_default();
    // A header's issuer is printed in capitals: said in a sentence only when it is not.
    let issuer = plan
        .issuer
        .as_deref()
        .map(theodoi_text::clean)
        .filter(|i| i.chars().any(char::is_lowercase))
        .map(|i| format!(" của {i}"))
        .unwrap_or_default();
    let title = theodoi_text::clean(&plan.title);
    let mut chars = title.chars();
    let about = match chars.next() {
        Some(first) => format!(" về {}{}", first.to_lowercase(), chars.as_str()),
        None => String::new(),
    };
    let subject = format!("[theodoi] Đề nghị ban hành kế hoạch thực hiện Kế hoạch số {number}");
    let body = format!(
        "Kính gửi: {agency}.\n\n\
         Thực hiện Kế hoạch số {number}{date}{issuer}{about}, các sở, ban, ngành và Ủy ban nhân \
         dân các xã, phường ban hành kế hoạch triển khai của cơ quan, địa phương mình. Đến nay, \
         Sở Tư pháp chưa nhận được kế hoạch triển khai của {agency}. Đề nghị {agency} khẩn trương \
         ban hành kế hoạch và cập nhật số, ký hiệu, ngày ban hành, trích yếu (kèm tệp văn bản) \
         tại:\n{url}/plans/{plan_id}/cascade\n\n\
         Reminder: {agency} has not yet issued its own plan implementing plan {number}.\n\n\
         Sở Tư pháp — theodoi",
        url = public_url.trim_end_matches('/'),
        plan_id = plan.id,
    );
    (subject, body)
}

/// Remind the focal points of the bodies without a plan (of one kind, when filtered): in the app,
/// and by e-mail where they have an address and mail is configured. A body, person and channel
/// is reminded at most once a day.
pub async fn remind(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    crate::form::Form(f): crate::form::Form<RemindForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    let kind = checked_kind(&f.kind)?.to_string();
    let plan = state.db.load_plan(id).await?.summary;
    let (rows, _) = bodies(&state, id).await?;
    let contacts = state.db.contacts().await?;
    let now = OffsetDateTime::now_utc();
    let today = now.to_offset(theodoi_domain::report::VIETNAM).date();
    let email = state.config.smtp_url.is_some();
    let mut texts: Vec<(i64, i64, &'static str, String, String)> = Vec::new();
    let (mut bodies_reminded, mut no_contact) = (0, 0);
    for r in rows
        .iter()
        .filter(|r| !r.has_plan() && kind_matches(r, &kind))
    {
        let focal: Vec<_> = contacts
            .iter()
            .filter(|c| c.role == "focal_point" && c.agency_id == Some(r.agency_id))
            .collect();
        if focal.is_empty() {
            no_contact += 1;
            continue;
        }
        bodies_reminded += 1;
        let (subject, body) = reminder_text(&plan, &r.agency_name, &state.config.public_url);
        for c in focal {
            texts.push((r.agency_id, c.user_id, "app", subject.clone(), body.clone()));
            if email && c.email.as_deref().is_some_and(|e| !e.is_empty()) {
                texts.push((
                    r.agency_id,
                    c.user_id,
                    "email",
                    subject.clone(),
                    body.clone(),
                ));
            }
        }
    }
    let list: Vec<PlanReminder<'_>> = texts
        .iter()
        .map(
            |(agency_id, user_id, channel, subject, body)| PlanReminder {
                plan_id: id,
                agency_id: *agency_id,
                user_id: *user_id,
                channel,
                subject,
                body,
                remind_on: today,
            },
        )
        .collect();
    let created = state.db.add_plan_reminders(&list, now).await?;
    audit_by(
        &state,
        &user,
        "cascade_reminded",
        Some(&format!("plan:{id}")),
        Some(&format!(
            "kind:{}; bodies:{bodies_reminded}; without focal point:{no_contact}; messages:{created}",
            if kind.is_empty() { "all" } else { &kind }
        )),
    )
    .await?;
    if email && created > 0 {
        // Sent now rather than at the scheduler's next run; a failure is kept for the next run.
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = crate::reminders::send_now(&state).await {
                tracing::warn!(error = %e, "plan reminder e-mails not sent");
            }
        });
    }
    let kind_part = if kind.is_empty() {
        String::new()
    } else {
        format!("kind={kind}&")
    };
    Ok(Redirect::to(&format!(
        "/plans/{id}/cascade?{kind_part}reminded={bodies_reminded}&created={created}&no_contact={no_contact}#missing"
    ))
    .into_response())
}
