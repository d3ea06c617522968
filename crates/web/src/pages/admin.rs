//! Administration: accounts (create, reset a password, disable), sign-in policies per role, and
//! the audit log with filters. Administrators only.

use crate::auth::{self, ALL_ROLES, Role, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::form::Path;
use crate::form::Query;
use crate::pages::{self, Ctx};
use crate::{AppState, audit, audit_by};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use theodoi_store::accounts::{AuditFilter, AuditRow, NewUser, UserRow};
use theodoi_store::views::AgencyRow;

fn admin_only(user: &User) -> AppResult<()> {
    user.require(user.role == Role::Admin)
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: Ctx,
    users: Vec<UserRow>,
    agencies: Vec<AgencyRow>,
    roles: Vec<(&'static str, &'static str)>,
    /// Shown once after creating an account or resetting a password.
    issued: Option<(String, String)>,
}

impl UsersPage {
    fn agency_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.agencies.iter().find(|a| a.id == id))
            .map_or_else(String::new, |a| a.name.clone())
    }

    fn role_label(&self, code: &str) -> &'static str {
        Role::parse(code).map_or("", |r| r.label(self.ctx.lang))
    }
}

async fn users_page(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    issued: Option<(String, String)>,
    flash: &str,
) -> AppResult<Html<String>> {
    let users = state.db.list_users().await?;
    let agencies = state
        .db
        .list_agencies()
        .await?
        .into_iter()
        .filter(|a| !a.is_group)
        .collect();
    let roles = ALL_ROLES
        .iter()
        .map(|r| (r.code(), r.label(lang)))
        .collect();
    pages::render(&UsersPage {
        ctx: Ctx::new(lang, Some(user)).with_flash(flash),
        users,
        agencies,
        roles,
        issued,
    })
}

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    done: String,
}

pub async fn users(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Query(q): Query<UsersQuery>,
) -> AppResult<Html<String>> {
    admin_only(&user)?;
    let flash = match (q.done.as_str(), lang) {
        ("second_factor_reset", crate::i18n::Lang::Vi) => {
            "Đã đặt lại xác thực hai lớp; tài khoản đã được đăng xuất khỏi mọi phiên."
        }
        ("second_factor_reset", crate::i18n::Lang::En) => {
            "The second factor was reset; the account was signed out everywhere."
        }
        _ => "",
    };
    users_page(&state, lang, &user, None, flash).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    csrf: String,
    username: String,
    display_name: String,
    role: String,
    #[serde(default)]
    agency_id: String,
    /// Where reminders go by e-mail; optional.
    #[serde(default)]
    email: String,
}

/// A plausible e-mail address or none: one @, something on each side, no spaces, a dot after
/// the @. The mail server has the last word.
pub(crate) fn email(raw: &str) -> AppResult<Option<String>> {
    let e = raw.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let ok = e.len() <= 254
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
        });
    if ok {
        Ok(Some(e.to_string()))
    } else {
        Err(AppError::refuse(
            format!("\"{e}\" không phải địa chỉ thư điện tử"),
            format!("\"{e}\" is not an e-mail address"),
        ))
    }
}

pub async fn create_user(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<NewUserForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    admin_only(&user)?;
    let username = f.username.trim().to_lowercase();
    let valid = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(AppError::refuse(
            "Tên đăng nhập chỉ gồm chữ không dấu, số, '.', '_', '-'",
            "Usernames use a-z, 0-9, '.', '_', '-'",
        ));
    }
    let role = Role::parse(&f.role).ok_or_else(|| {
        AppError::refuse(
            format!("Vai trò \"{}\" không có", f.role),
            format!("There is no role \"{}\"", f.role),
        )
    })?;
    let agency_id: Option<i64> =
        if f.agency_id.trim().is_empty() {
            None
        } else {
            Some(f.agency_id.trim().parse().map_err(|_| {
                AppError::refuse("Đơn vị không tồn tại", "The agency does not exist")
            })?)
        };
    if role.is_agency() != agency_id.is_some() {
        return Err(AppError::refuse(
            "Đầu mối và lãnh đạo đơn vị cần một đơn vị; các vai trò khác thì không",
            "Agency roles need an agency, others none",
        ));
    }
    if let Some(a) = agency_id {
        state
            .db
            .agency(a)
            .await?
            .ok_or_else(|| AppError::refuse("Đơn vị không tồn tại", "The agency does not exist"))?;
    }
    let display = theodoi_text::clean(&f.display_name);
    if display.is_empty() || display.chars().count() > 120 {
        return Err(AppError::refuse(
            "Họ tên: 1–120 ký tự",
            "Full name: 1 to 120 characters",
        ));
    }
    let email = email(&f.email)?;
    let password = auth::one_time_password()?;
    let hash = auth::hash_password(&password)?;
    let id = state
        .db
        .create_user(&NewUser {
            username: &username,
            display_name: &display,
            password_hash: &hash,
            role: role.code(),
            agency_id,
            must_change_password: true,
            email: email.as_deref(),
        })
        .await?;
    audit_by(
        &state,
        &user,
        "user_created",
        Some(&format!("user:{id}")),
        Some(role.code()),
    )
    .await?;
    users_page(&state, lang, &user, Some((username, password)), "").await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    admin_only(&user)?;
    let target = state.db.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    // A random one-time password, which meets the password policy by construction.
    let password = auth::one_time_password()?;
    // A reset password ends the account's sessions everywhere, in the same transaction.
    let ended = state
        .db
        .change_password(id, &auth::hash_password(&password)?, true, None)
        .await?;
    audit_by(
        &state,
        &user,
        "password_reset",
        Some(&format!("user:{id}")),
        Some(&format!("{ended} sessions ended")),
    )
    .await?;
    users_page(&state, lang, &user, Some((target.username, password)), "").await
}

/// Reset an account's second factor (a lost phone, no recovery code left): the secret and the
/// recovery codes are removed and every session of the account ends. Signing in again, the
/// account sets the factor up anew if its role requires one.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    admin_only(&user)?;
    let target = state.db.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let ended = state.db.reset_second_factor(id).await?;
    audit_by(
        &state,
        &user,
        "second_factor_reset",
        Some(&format!("user:{id}")),
        Some(&format!(
            "was {}; {ended} sessions ended",
            if target.totp_enabled { "on" } else { "off" }
        )),
    )
    .await?;
    Ok(Redirect::to("/admin/users?done=second_factor_reset").into_response())
}

pub async fn toggle_disabled(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    admin_only(&user)?;
    if id == user.id() {
        return Err(AppError::refuse(
            "Không thể tự khóa tài khoản của mình",
            "You cannot disable yourself",
        ));
    }
    let target = state.db.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    state.db.set_disabled(id, !target.disabled).await?;
    if !target.disabled {
        state.db.delete_user_sessions(id).await?;
    }
    let action = if target.disabled {
        "user_enabled"
    } else {
        "user_disabled"
    };
    audit_by(&state, &user, action, Some(&format!("user:{id}")), None).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Template)]
#[template(path = "policies.html")]
struct PoliciesPage {
    ctx: Ctx,
    /// (role code, label, TOTP required)
    roles: Vec<(&'static str, &'static str, bool)>,
}

pub async fn policies(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    admin_only(&user)?;
    let mut roles = Vec::new();
    for r in ALL_ROLES {
        roles.push((
            r.code(),
            r.label(lang),
            state.db.totp_required(r.code()).await?,
        ));
    }
    pages::render(&PoliciesPage {
        ctx: Ctx::new(lang, Some(&user)),
        roles,
    })
}

pub async fn set_policies(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let csrf = f
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    user.check_csrf(csrf)?;
    admin_only(&user)?;
    for r in ALL_ROLES {
        let required = f.iter().any(|(k, v)| k == "totp" && v == r.code());
        state.db.set_totp_required(r.code(), required).await?;
    }
    let detail: Vec<&str> = f
        .iter()
        .filter(|(k, _)| k == "totp")
        .map(|(_, v)| v.as_str())
        .collect();
    audit(
        &state,
        Some(user.id()),
        Some(&user.row.username),
        "policy_changed",
        None,
        Some(&format!("totp required: {}", detail.join(","))),
        None,
    )
    .await?;
    Ok(Redirect::to("/admin/policies").into_response())
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    user: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: Ctx,
    rows: Vec<AuditRow>,
    q: AuditQuery,
}

pub async fn audit_log(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Query(q): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    admin_only(&user)?;
    let rows = state
        .db
        .audit_log(&AuditFilter {
            action: q.action.trim().to_string(),
            username: q.user.trim().to_lowercase(),
            limit: 500,
        })
        .await?;
    pages::render(&AuditPage {
        ctx: Ctx::new(lang, Some(&user)),
        rows,
        q,
    })
}
