//! The site's pages, one module per area, and what every page shares.

pub mod account;
pub mod admin;
pub mod agencies;
pub mod cascade;
pub mod drafts;
pub mod escalations;
pub mod exports;
pub mod import;
pub mod login;
pub mod misc;
pub mod plans;
pub mod public;
pub mod recommendations;
pub mod regimes;
pub mod rounds;
pub mod settings;

use crate::auth::{Role, User};
use crate::error::AppResult;
use crate::i18n::{Lang, Msg};
use askama::Template;
use axum::http::HeaderValue;
use axum::response::Html;

/// The signed-in account as the page header shows it.
pub struct Bar {
    pub name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    /// Notifications not yet read: the menu's "Thông báo (3)".
    pub unread: i64,
}

tokio::task_local! {
    /// The page being answered (path and query of a GET), set for the whole request by
    /// [`misc::log_and_secure`], so the language link on any page comes back to that page.
    static HERE: String;
}

/// Run a request's handling knowing which page it answers.
pub async fn answering<F: std::future::Future>(here: String, f: F) -> F::Output {
    HERE.scope(here, f).await
}

/// What every page template gets: messages in the chosen language, the account, the CSRF token.
pub struct Ctx {
    pub m: &'static Msg,
    pub lang: Lang,
    pub user: Option<Bar>,
    pub csrf: String,
    pub flash: String,
    /// Where the language link leads back to, URL-encoded; empty when the page cannot be asked
    /// for again (the answer to a form), and then the switch goes back by the referring page.
    pub here: String,
}

impl Ctx {
    pub fn new(lang: Lang, user: Option<&User>) -> Self {
        Self {
            m: crate::i18n::msg(lang),
            lang,
            csrf: user.map(|u| u.csrf.clone()).unwrap_or_default(),
            user: user.map(|u| Bar {
                name: u.row.display_name.clone(),
                role: u.role,
                agency_id: u.row.agency_id,
                unread: u.unread,
            }),
            flash: String::new(),
            here: HERE
                .try_with(|h| form_urlencoded::byte_serialize(h.as_bytes()).collect())
                .unwrap_or_default(),
        }
    }

    pub fn with_flash(mut self, flash: &str) -> Self {
        self.flash = flash.to_string();
        self
    }

    /// A message given in both languages where it is used (pages of the reporting rounds).
    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// Unread notifications of the signed-in account (0 when none or signed out).
    pub fn unread(&self) -> i64 {
        self.user.as_ref().map_or(0, |u| u.unread)
    }

    pub fn role_label(&self) -> &'static str {
        self.user.as_ref().map_or("", |u| u.role.label(self.lang))
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }

    pub fn coordinates(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.coordinates())
    }

    pub fn sees_all(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role.sees_all_agencies())
    }

    /// The agency of an agency account, for the "my agency" link.
    pub fn my_agency(&self) -> Option<i64> {
        self.user
            .as_ref()
            .filter(|u| u.role.is_agency())
            .and_then(|u| u.agency_id)
    }

    /// Where an agency's name links: its directory page for those who edit the directory (the
    /// coordinator, administrators), its home for those who may see that, else nowhere ("").
    pub fn agency_href(&self, id: i64) -> String {
        match &self.user {
            Some(u) if u.role.coordinates() || u.role == Role::Admin => format!("/agencies/{id}"),
            Some(u)
                if u.role.sees_all_agencies()
                    || (u.role.is_agency() && u.agency_id == Some(id)) =>
            {
                format!("/agencies/{id}/home")
            }
            _ => String::new(),
        }
    }

    pub fn role_name(&self, role: &str) -> &'static str {
        match role {
            "lead" => self.m.role_lead,
            "coordinating" => self.m.role_coordinating,
            _ => "",
        }
    }

    pub fn kind_name(&self, kind: &str) -> String {
        match (theodoi_domain::AgencyKind::from_code(kind), self.lang) {
            (Some(k), Lang::Vi) => k.label_vi().to_string(),
            _ => kind.replace('_', " "),
        }
    }

    pub fn status_name(&self, status: &str) -> &'static str {
        match status {
            "open" => self.m.status_open,
            "answered" => self.m.status_answered,
            "forwarded" => self.m.status_forwarded,
            "closed" => self.m.status_closed,
            _ => "",
        }
    }
}

/// Render a template to an HTML response.
pub fn render<T: Template>(t: &T) -> AppResult<Html<String>> {
    Ok(Html(t.render()?))
}

/// A cookie that scripts cannot read, sent only to this site's pages.
pub fn cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Format a UTC timestamp for people, in Vietnam's time (UTC+7).
pub fn when(t: &time::OffsetDateTime) -> String {
    let local = t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        local.day(),
        u8::from(local.month()),
        local.year(),
        local.hour(),
        local.minute()
    )
}

/// A date as a person types it: "09/01/2026" (day first, as everywhere in Vietnam, whatever the
/// browser's language) or "2026-01-09"; None for anything else or a year outside 1945–2200.
pub fn parse_date(s: &str) -> Option<time::Date> {
    let s = s.trim();
    let (y, m, d) = if let Some((y, rest)) = s.split_once('-').filter(|(y, _)| y.len() == 4) {
        let (m, d) = rest.split_once('-')?;
        (y, m, d)
    } else {
        let mut parts = s.split(['/', '.', '-']);
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 {
            return None;
        }
        (y, m, d)
    };
    let year: i32 = y.trim().parse().ok()?;
    let month = time::Month::try_from(m.trim().parse::<u8>().ok()?).ok()?;
    let day: u8 = d.trim().parse().ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    (1945..=2200).contains(&year).then_some(date)
}

/// Format a civil date the Vietnamese way: 09/01/2026.
pub fn date_vn(d: &time::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// A report's workflow status in the page's language.
pub fn rounds_status(ctx: &Ctx, code: &str) -> &'static str {
    match theodoi_domain::ReportStatus::parse(code) {
        Some(s) => ctx.t(s.label_vi(), s.label_en()),
        None => "",
    }
}

/// Where a body's report stands, said plainly ("Chưa gửi báo cáo", "Đã gửi, chờ Sở Tư pháp tiếp
/// nhận", "Bị trả lại, chưa gửi lại"), in the page's language.
pub fn standing(ctx: &Ctx, status: &Option<String>) -> &'static str {
    let s = status
        .as_deref()
        .and_then(theodoi_domain::ReportStatus::parse);
    ctx.t(
        theodoi_domain::report::standing_vi(s),
        theodoi_domain::report::standing_en(s),
    )
}

/// Whether a report came on time, in the page's language.
pub fn timeliness_name(ctx: &Ctx, t: &theodoi_domain::Timeliness) -> &'static str {
    use theodoi_domain::Timeliness as T;
    match *t {
        T::OnTime => ctx.t("Đúng hạn", "On time"),
        T::Late => ctx.t("Trễ hạn", "Late"),
        T::Pending => ctx.t("Chưa đến hạn", "Not yet due"),
        T::Overdue => ctx.t("Quá hạn, chưa gửi", "Overdue"),
    }
}

/// A redirect target from the request, kept only when it is a path on this site that parses as
/// one: "/plans/1?x=2". Anything a browser could read as another site ("//evil", "/\\evil",
/// "/\t/evil" — browsers drop tabs and line breaks from URLs) or that cannot go in a header goes
/// nowhere.
pub fn same_site_path(next: &str) -> Option<String> {
    let mut chars = next.chars();
    if chars.next() != Some('/') || matches!(chars.next(), Some('/' | '\\')) {
        return None;
    }
    if next
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let parsed: axum::http::uri::PathAndQuery = next.parse().ok()?;
    Some(parsed.as_str().to_string())
}

/// A file to download, named, never sniffed as another type: every download of the site goes
/// through here.
pub fn download(
    name: &str,
    content_type: &'static str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse as _;
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A file name fit to offer: the last part of a path, without control characters, quotes or
/// separators, without leading dots, at most 120 characters (the extension kept), "tep" when
/// nothing is left. Vietnamese letters stay.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = theodoi_text::clean(base)
        .chars()
        .map(|c| match c {
            '"' | '\'' | ':' | '*' | '?' | '<' | '>' | '|' | ';' | '%' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    const MAX: usize = 120;
    let short = if cleaned.chars().count() > MAX {
        let (stem, ext) = match cleaned.rsplit_once('.') {
            Some((s, e)) if !e.is_empty() && e.chars().count() <= 10 => (s, Some(e)),
            _ => (cleaned, None),
        };
        let keep = MAX - ext.map_or(0, |e| e.chars().count() + 1);
        let stem: String = stem.chars().take(keep).collect();
        match ext {
            Some(e) => format!("{stem}.{e}"),
            None => stem,
        }
    } else {
        cleaned.to_string()
    };
    if short.is_empty() {
        "tep".to_string()
    } else {
        short
    }
}

/// `Content-Disposition` for a download that keeps its Vietnamese name (RFC 6266): an ASCII
/// fallback for old clients — tone marks dropped, đ as d, anything else but letters, digits, '.',
/// '-' and '_' as '_' — and the name itself as `filename*=UTF-8''…`, percent-encoded (RFC 5987).
/// Nothing of the name can end the header value or the quoted string.
pub fn content_disposition(name: &str) -> String {
    let name = safe_file_name(name);
    let ascii: String = theodoi_text::strip_marks(&name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        // RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
        {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    if ascii == name {
        format!("attachment; filename=\"{ascii}\"")
    } else {
        format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
    }
}

#[cfg(test)]
mod download_tests {
    use super::{content_disposition, safe_file_name};

    #[test]
    fn vietnamese_names_kept_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition("Kế hoạch số 25 Sở Tư pháp.pdf"),
            "attachment; filename=\"Ke_hoach_so_25_So_Tu_phap.pdf\"; \
             filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2025%20S%E1%BB%9F%20T%C6%B0%20ph%C3%A1p.pdf"
        );
        assert_eq!(
            content_disposition("phu-luc-so-lieu-dot-3.xlsx"),
            "attachment; filename=\"phu-luc-so-lieu-dot-3.xlsx\""
        );
        assert!(
            content_disposition("Đề án.docx").starts_with("attachment; filename=\"De_an.docx\"")
        );
    }

    #[test]
    fn nothing_ends_the_header_or_leaves_the_folder() {
        for hostile in [
            "a\"; filename=evil.html",
            "../../etc/passwd",
            "..\\..\\boot.ini",
            "x\r\nSet-Cookie: a=b",
            "tab\there.pdf",
            "100%.pdf",
            "",
            "...",
        ] {
            let h = content_disposition(hostile);
            assert!(
                axum::http::HeaderValue::from_str(&h).is_ok(),
                "{hostile:?} → {h}"
            );
            let quoted = h
                .split('"')
                .nth(1)
                .unwrap_or_else(|| panic!("no quoted name in {h}"));
            assert!(
                quoted
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')),
                "{hostile:?} → {h}"
            );
            assert_eq!(h.matches('"').count(), 2, "{h}");
            assert!(!quoted.starts_with('.'), "{h}");
            assert!(!h.contains('/') && !h.contains('\\'), "{h}");
        }
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\x\\Báo cáo.docx"), "Báo cáo.docx");
        assert_eq!(safe_file_name("..."), "tep");
        let long = format!("{}.pdf", "ạ".repeat(300));
        let s = safe_file_name(&long);
        assert_eq!(s.chars().count(), 120);
        assert!(s.ends_with(".pdf"));
    }
}

#[cfg(test)]
mod redirect_tests {
    use super::same_site_path;

    #[test]
    fn only_paths_of_this_site() {
        assert_eq!(
            same_site_path("/plans/1?x=2").as_deref(),
            Some("/plans/1?x=2")
        );
        assert_eq!(same_site_path("/").as_deref(), Some("/"));
        for bad in [
            "",
            "plans",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\r\nSet-Cookie: x",
            "https://evil.example",
            "/ /evil",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }
}

#[cfg(test)]
mod date_tests {
    use super::parse_date;
    use time::macros::date;

    #[test]
    fn dates_are_read_day_first_or_iso() {
        assert_eq!(parse_date("09/01/2026"), Some(date!(2026 - 01 - 09)));
        assert_eq!(parse_date(" 9/1/2026 "), Some(date!(2026 - 01 - 09)));
        assert_eq!(parse_date("09.01.2026"), Some(date!(2026 - 01 - 09)));
        assert_eq!(parse_date("2026-01-09"), Some(date!(2026 - 01 - 09)));
        for bad in [
            "",
            "01/13/2026",
            "31/02/2026",
            "09/01/26",
            "1/1/1900",
            "1/1/9999",
            "x",
            "2026-1",
            "-2026-01-01",
            "0000-01-01",
            "1/2/3/2026",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
