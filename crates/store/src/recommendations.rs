//! Khuyến nghị: the register of recommendations UN mechanisms made to Viet Nam (a treaty body's
//! concluding observations, the UPR), the tasks that carry each out, and coverage: for each
//! recommendation, the tasks and bodies acting on it and the latest status they reported, and the
//! recommendations no task covers. Free-text task tags turn into links here where they name an
//! entry of the register.

use crate::{Db, Result, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use theodoi_domain::Role;
use theodoi_domain::recommendation::{
    Mechanism, RecKey, RecSource, Recommendation, Reference, themes,
};
use theodoi_text::Message;
use time::{Date, OffsetDateTime};

/// A source document of the register.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SourceRow {
    pub id: i64,
    pub symbol: String,
    pub title: String,
    /// The title its Vietnamese translation gives.
    pub title_vi: Option<String>,
    pub issued_on: Option<Date>,
    /// "treaty_body", "upr" or "other"; see [`SourceRow::mechanism`].
    pub mechanism: String,
    pub committee: String,
    pub language: String,
    /// The national plan that accepts its recommendations ("2715/QĐ-TTg"); empty when unknown.
    pub accepted_by: String,
    pub published: bool,
    /// How many recommendations it holds.
    pub count: i64,
}

impl SourceRow {
    /// The title in a page's language: on a Vietnamese page, the translation's title, else a
    /// usual English title in Vietnamese words, else as written.
    pub fn title_in(&self, lang: theodoi_text::Lang) -> std::borrow::Cow<'_, str> {
        match lang {
            theodoi_text::Lang::Vi => match self.title_vi.as_deref().filter(|t| !t.is_empty()) {
                Some(t) => std::borrow::Cow::Borrowed(t),
                None => themes::title_vi(&self.title).map_or(
                    std::borrow::Cow::Borrowed(self.title.as_str()),
                    std::borrow::Cow::Owned,
                ),
            },
            theodoi_text::Lang::En => std::borrow::Cow::Borrowed(&self.title),
        }
    }

    pub fn mechanism(&self) -> Mechanism {
        match self.mechanism.as_str() {
            "treaty_body" => Mechanism::TreatyBody {
                committee: self.committee.clone(),
            },
            "upr" => Mechanism::Upr,
            _ => Mechanism::Other {
                name: self.committee.clone(),
            },
        }
    }
}

/// One recommendation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecRow {
    pub id: i64,
    pub source_id: i64,
    pub symbol: String,
    pub paragraph: u32,
    /// The sub-paragraph ("b", "1"); empty for a whole paragraph.
    pub sub: String,
    pub theme: String,
    pub concern: Option<String>,
    /// In the source's language.
    pub text: String,
    pub text_vi: Option<String>,
    /// The heading in Vietnamese, when a translation gave it.
    pub theme_vi: Option<String>,
    /// Why no task of a plan is needed (a procedural paragraph, or the coordinator's reason);
    /// such a recommendation is not uncovered.
    pub no_task_reason: Option<String>,
    /// Covenant articles, ascending.
    pub articles: Vec<u8>,
    /// The language of its document ("vi", "en").
    pub language: String,
}

impl RecRow {
    fn sub(&self) -> Option<String> {
        Some(self.sub.clone()).filter(|s| !s.is_empty())
    }

    /// The document's order: 5 before 21, 21 before 21(a).
    pub fn key(&self) -> RecKey {
        RecKey {
            paragraph: self.paragraph,
            sub: self.sub(),
        }
    }

    /// As the register's domain type.
    pub fn recommendation(&self) -> Recommendation {
        Recommendation {
            paragraph: self.paragraph,
            sub: self.sub(),
            theme: self.theme.clone(),
            articles: self.articles.clone(),
            concern: self.concern.clone(),
            text: self.text.clone(),
            text_vi: self.text_vi.clone(),
        }
    }

    /// "21", "21(b)", "115.1".
    pub fn number(&self) -> String {
        self.recommendation().number()
    }

    /// "CCPR/C/VNM/CO/4 đoạn 21(b)".
    pub fn reference(&self) -> String {
        self.recommendation().reference(&self.symbol)
    }

    /// The text to show a Vietnamese reader: the translation when there is one.
    pub fn text_for_vi(&self) -> &str {
        self.text_vi.as_deref().unwrap_or(&self.text)
    }

    /// The text for a Vietnamese reader, saying so when it is only in the original language.
    pub fn text_for_vi_marked(&self) -> std::borrow::Cow<'_, str> {
        if self.text_vi.is_none() && self.language != "vi" {
            format!("(Chưa có bản dịch tiếng Việt) {}", self.text).into()
        } else {
            self.text_for_vi().into()
        }
    }

    /// The heading in a page's language: for Vietnamese, the translation's heading, else the
    /// usual Vietnamese of a treaty body's heading, else the heading as written.
    pub fn theme_in(&self, lang: theodoi_text::Lang) -> &str {
        match lang {
            theodoi_text::Lang::Vi => self
                .theme_vi
                .as_deref()
                .filter(|t| !t.is_empty())
                .or_else(|| themes::theme_vi(&self.theme))
                .unwrap_or(&self.theme),
            theodoi_text::Lang::En => &self.theme,
        }
    }

    /// Whether a task should carry it out and none does.
    pub fn needs_task(&self) -> bool {
        self.no_task_reason.is_none()
    }
}

#[derive(sqlx::FromRow)]
struct RecRecord {
    id: i64,
    source_id: i64,
    symbol: String,
    paragraph: i64,
    sub: String,
    theme: String,
    concern: Option<String>,
    text: String,
    text_vi: Option<String>,
    theme_vi: Option<String>,
    no_task_reason: Option<String>,
    language: String,
}

impl RecRecord {
    fn row(self, articles: &HashMap<i64, Vec<u8>>) -> RecRow {
        RecRow {
            articles: articles.get(&self.id).cloned().unwrap_or_default(),
            id: self.id,
            source_id: self.source_id,
            symbol: self.symbol,
            paragraph: u32::try_from(self.paragraph).unwrap_or(0),
            sub: self.sub,
            theme: self.theme,
            concern: self.concern,
            text: self.text,
            text_vi: self.text_vi,
            theme_vi: self.theme_vi,
            no_task_reason: self.no_task_reason,
            language: self.language,
        }
    }
}

/// What an import did, or would do (a dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecImport {
    pub source_id: i64,
    pub source_created: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Numbers of a translation the original does not have: left out, never added.
    pub unmatched: Vec<String>,
    /// Numbers of a translation whose Covenant articles differ from the original's: the
    /// paragraphs are likely numbered differently, so the translation is left out there.
    pub mismatched: Vec<String>,
}

/// A task linked to a recommendation, with the bodies assigned to it and what they last
/// reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveredTask {
    pub task_id: i64,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    pub reference: String,
    pub title: String,
    /// (agency id, name, role) as the plan assigns them; a group stays a group.
    pub assigned: Vec<(i64, String, Role)>,
    /// The latest status each reporting body gave in a sent or accepted report, in the bodies'
    /// order. Shared by every recommendation the task serves: a task of all communes has
    /// thousands.
    pub statuses: Arc<Vec<BodyStatus>>,
    /// The same counted by status code, most frequent first.
    pub tally: Arc<Vec<(String, usize)>>,
}

/// One body's latest word on a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyStatus {
    pub agency_id: i64,
    pub agency_name: String,
    /// A task status code ("done", "in_progress" …).
    pub status: String,
    pub round_id: i64,
    pub round_label: String,
}

/// A recommendation with the tasks acting on it (none: not covered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    pub rec: RecRow,
    pub tasks: Vec<CoveredTask>,
}

/// What turning a plan's free-text tags into links did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagResolution {
    pub linked: usize,
    pub articles: usize,
    /// Tags left as they were: (task id, task reference, tag, why).
    pub unresolved: Vec<(i64, String, String, Message)>,
}

/// Mechanism as stored: (mechanism, committee).
fn mechanism_columns(m: &Mechanism) -> (&'static str, String) {
    match m {
        Mechanism::TreatyBody { committee } => ("treaty_body", committee.clone()),
        Mechanism::Upr => ("upr", String::new()),
        Mechanism::Other { name } => ("other", name.clone()),
    }
}

/// The Vietnamese heading an import gives: a Vietnamese document's own.
fn vi_theme(source: &RecSource, r: &Recommendation) -> Option<String> {
    (source.language == "vi" && !r.theme.trim().is_empty()).then(|| r.theme.clone())
}

fn check_import(source: &RecSource, recs: &[Recommendation]) -> Result<()> {
    if source.symbol.trim().is_empty() {
        return Err(StoreError::invalid(
            "Văn bản chưa có số hiệu (ví dụ CCPR/C/VNM/CO/4): hãy ghi số hiệu rồi nhập lại.",
            "The document has no symbol (such as CCPR/C/VNM/CO/4): give one and import again.",
        ));
    }
    if let Some(r) = recs.iter().find(|r| r.paragraph == 0) {
        return Err(StoreError::invalid(
            format!("Khuyến nghị \"{}\" không có số đoạn.", r.text),
            format!("The recommendation \"{}\" has no paragraph number.", r.text),
        ));
    }
    if let Some(a) = recs
        .iter()
        .flat_map(|r| r.articles.iter())
        .find(|a| !(1..=27).contains(*a))
    {
        return Err(StoreError::invalid(
            format!("Công ước chỉ có các điều 1–27, không có điều {a}."),
            format!("The Covenant has articles 1–27; there is no article {a}."),
        ));
    }
    Ok(())
}

/// The newest status per (task, body): rows are (task, agency, name, status, round, label, window
/// end), in the bodies' order (the query sorts on the directory's collation key), which each
/// task's list keeps.
type StatusRecord = (i64, i64, String, String, i64, String, Date);

type Statuses = (Arc<Vec<BodyStatus>>, Arc<Vec<(String, usize)>>);

fn latest_statuses(rows: Vec<StatusRecord>) -> HashMap<i64, Statuses> {
    let mut lists: HashMap<i64, Vec<(Date, BodyStatus)>> = HashMap::new();
    let mut at: HashMap<(i64, i64), usize> = HashMap::new();
    for (task, agency, name, status, round, label, end) in rows {
        let list = lists.entry(task).or_default();
        let s = BodyStatus {
            agency_id: agency,
            agency_name: name,
            status,
            round_id: round,
            round_label: label,
        };
        match at.get(&(task, agency)) {
            Some(&i) => {
                let (e, old) = &list[i];
                if (end, round) > (*e, old.round_id) {
                    list[i] = (end, s);
                }
            }
            None => {
                at.insert((task, agency), list.len());
                list.push((end, s));
            }
        }
    }
    lists
        .into_iter()
        .map(|(task, list)| {
            let v: Vec<BodyStatus> = list.into_iter().map(|(_, s)| s).collect();
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for s in &v {
                *counts.entry(s.status.as_str()).or_default() += 1;
            }
            let mut tally: Vec<(String, usize)> = counts
                .into_iter()
                .map(|(k, n)| (k.to_string(), n))
                .collect();
            tally.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            (task, (Arc::new(v), Arc::new(tally)))
        })
        .collect()
}

const REC_SELECT: &str = "SELECT r.id, r.source_id, s.symbol, r.paragraph, r.sub, r.theme, r.concern, r.text, r.text_vi, \
     r.theme_vi, r.no_task_reason, s.language \
     FROM recommendations r JOIN rec_sources s ON s.id = r.source_id";

macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, Transaction};

            async fn begin(pool: &Pool<$db>) -> Result<Transaction<'static, $db>> {
                Ok(pool.begin_with($begin).await?)
            }

            pub async fn import_recommendations(
                pool: &Pool<$db>,
                source: &RecSource,
                recs: &[Recommendation],
                accepted_by: Option<&str>,
                dry_run: bool,
                now: OffsetDateTime,
            ) -> Result<RecImport> {
                check_import(source, recs)?;
                let mut tx = begin(pool).await?;
                let (mechanism, committee) = mechanism_columns(&source.mechanism);
                let symbol = source.symbol.trim();
                let found: Option<(i64, String)> =
                    sqlx::query_as("SELECT id, language FROM rec_sources WHERE symbol = $1")
                        .bind(symbol)
                        .fetch_optional(&mut *tx)
                        .await?;
                let mut out = RecImport::default();
                // A translation (Vietnamese over an English original) fills the Vietnamese text
                // and leaves the original as it was.
                let (source_id, translation) = match found {
                    Some((id, language)) => {
                        let translation = source.language == "vi" && language != "vi";
                        if translation && !source.title.trim().is_empty() {
                            sqlx::query("UPDATE rec_sources SET title_vi = $2 WHERE id = $1")
                                .bind(id)
                                .bind(source.title.trim())
                                .execute(&mut *tx)
                                .await?;
                        }
                        if !translation {
                            sqlx::query(
                                "UPDATE rec_sources SET \
                                 title = CASE WHEN $2 = '' THEN title ELSE $2 END, \
                                 issued_on = COALESCE($3, issued_on), mechanism = $4, committee = $5, \
                                 language = $6, accepted_by = COALESCE($7, accepted_by), updated_at = $8 \
                                 WHERE id = $1",
                            )
                            .bind(id)
                            .bind(&source.title)
                            .bind(source.date)
                            .bind(mechanism)
                            .bind(&committee)
                            .bind(&source.language)
                            .bind(accepted_by)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        }
                        (id, translation)
                    }
                    None => {
                        out.source_created = true;
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO rec_sources (symbol, title, issued_on, mechanism, committee, language, \
                             accepted_by, published, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $8) RETURNING id",
                        )
                        .bind(symbol)
                        .bind(&source.title)
                        .bind(source.date)
                        .bind(mechanism)
                        .bind(&committee)
                        .bind(&source.language)
                        .bind(accepted_by.unwrap_or(""))
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        (id, false)
                    }
                };
                out.source_id = source_id;
                for r in recs {
                    let sub = r.sub.clone().unwrap_or_default();
                    let paragraph = i64::from(r.paragraph);
                    let stored: Option<(i64, String, Option<String>, String, Option<String>, Option<String>)> = sqlx::query_as(
                        "SELECT id, text, text_vi, theme, concern, theme_vi FROM recommendations \
                         WHERE source_id = $1 AND paragraph = $2 AND sub = $3",
                    )
                    .bind(source_id)
                    .bind(paragraph)
                    .bind(&sub)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let id = match stored {
                        Some((id, text, text_vi, theme, concern, theme_vi)) => {
                            let (new_text, new_vi, new_theme, new_concern, new_theme_vi) = if translation {
                                (
                                    text.clone(),
                                    Some(r.text.clone()),
                                    theme.clone(),
                                    concern.clone(),
                                    Some(r.theme.clone()).filter(|t| !t.is_empty()).or_else(|| theme_vi.clone()),
                                )
                            } else {
                                (
                                    r.text.clone(),
                                    r.text_vi.clone().or_else(|| text_vi.clone()),
                                    r.theme.clone(),
                                    r.concern.clone(),
                                    vi_theme(source, r).or_else(|| theme_vi.clone()),
                                )
                            };
                            let stored_articles: Vec<i64> = sqlx::query_scalar(
                                "SELECT article FROM recommendation_articles WHERE recommendation_id = $1 ORDER BY article",
                            )
                            .bind(id)
                            .fetch_all(&mut *tx)
                            .await?;
                            let read_articles: Vec<i64> = r.articles.iter().map(|a| i64::from(*a)).collect();
                            if translation
                                && !read_articles.is_empty()
                                && !stored_articles.is_empty()
                                && read_articles != stored_articles
                            {
                                out.mismatched.push(r.number());
                                continue;
                            }
                            let articles_same = translation
                                || stored_articles
                                    == r.articles.iter().map(|a| i64::from(*a)).collect::<Vec<_>>();
                            if (new_text.as_str(), new_vi.as_deref(), new_theme.as_str(), new_concern.as_deref(), new_theme_vi.as_deref())
                                == (text.as_str(), text_vi.as_deref(), theme.as_str(), concern.as_deref(), theme_vi.as_deref())
                                && articles_same
                            {
                                out.unchanged += 1;
                                continue;
                            }
                            sqlx::query(
                                "UPDATE recommendations SET text = $2, text_vi = $3, theme = $4, concern = $5, theme_vi = $6 \
                                 WHERE id = $1",
                            )
                            .bind(id)
                            .bind(&new_text)
                            .bind(&new_vi)
                            .bind(&new_theme)
                            .bind(&new_concern)
                            .bind(&new_theme_vi)
                            .execute(&mut *tx)
                            .await?;
                            out.updated += 1;
                            if articles_same {
                                continue;
                            }
                            id
                        }
                        // A translation names the original's paragraphs; one the original
                        // lacks is a misnumbered or different document, not a new
                        // recommendation.
                        None if translation => {
                            out.unmatched.push(r.number());
                            continue;
                        }
                        None => {
                            out.created += 1;
                            let vi = if source.language == "vi" {
                                Some(r.text.clone())
                            } else {
                                r.text_vi.clone()
                            };
                            sqlx::query_scalar(
                                "INSERT INTO recommendations (source_id, paragraph, sub, theme, concern, text, text_vi, \
                                 theme_vi, no_task_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                            )
                            .bind(source_id)
                            .bind(paragraph)
                            .bind(&sub)
                            .bind(&r.theme)
                            .bind(&r.concern)
                            .bind(&r.text)
                            .bind(vi)
                            .bind(vi_theme(source, r))
                            // The coordinator may say otherwise; a re-import keeps their word.
                            .bind(themes::is_procedural(&r.theme).then_some(themes::PROCEDURAL_REASON))
                            .fetch_one(&mut *tx)
                            .await?
                        }
                    };
                    sqlx::query("DELETE FROM recommendation_articles WHERE recommendation_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    for a in &r.articles {
                        sqlx::query(
                            "INSERT INTO recommendation_articles (recommendation_id, article) VALUES ($1, $2)",
                        )
                        .bind(id)
                        .bind(i64::from(*a))
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                if dry_run {
                    tx.rollback().await?;
                } else {
                    tx.commit().await?;
                }
                Ok(out)
            }

            pub async fn rec_sources(pool: &Pool<$db>) -> Result<Vec<SourceRow>> {
                Ok(sqlx::query_as(
                    "SELECT s.id, s.symbol, s.title, s.title_vi, s.issued_on, s.mechanism, s.committee, s.language, \
                     s.accepted_by, s.published, (SELECT COUNT(*) FROM recommendations r WHERE r.source_id = s.id) AS count \
                     FROM rec_sources s ORDER BY s.issued_on DESC, s.symbol",
                )
                .fetch_all(pool)
                .await?)
            }

            pub async fn set_source_published(pool: &Pool<$db>, source_id: i64, published: bool) -> Result<()> {
                let done = sqlx::query("UPDATE rec_sources SET published = $2 WHERE id = $1")
                    .bind(source_id)
                    .bind(published)
                    .execute(pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound(format!("recommendation source {source_id}")));
                }
                Ok(())
            }

            pub async fn set_no_task_reason(pool: &Pool<$db>, rec_id: i64, reason: Option<&str>) -> Result<()> {
                let done = sqlx::query("UPDATE recommendations SET no_task_reason = $2 WHERE id = $1")
                    .bind(rec_id)
                    .bind(reason)
                    .execute(pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound(format!("recommendation {rec_id}")));
                }
                Ok(())
            }

            async fn articles_of(pool: &Pool<$db>, source_id: Option<i64>) -> Result<HashMap<i64, Vec<u8>>> {
                let rows: Vec<(i64, i64)> = match source_id {
                    Some(s) => sqlx::query_as(
                        "SELECT ra.recommendation_id, ra.article FROM recommendation_articles ra \
                         JOIN recommendations r ON r.id = ra.recommendation_id WHERE r.source_id = $1 \
                         ORDER BY ra.recommendation_id, ra.article",
                    )
                    .bind(s)
                    .fetch_all(pool)
                    .await?,
                    None => sqlx::query_as(
                        "SELECT recommendation_id, article FROM recommendation_articles ORDER BY recommendation_id, article",
                    )
                    .fetch_all(pool)
                    .await?,
                };
                let mut out: HashMap<i64, Vec<u8>> = HashMap::new();
                for (id, a) in rows {
                    out.entry(id).or_default().push(u8::try_from(a).unwrap_or(0));
                }
                Ok(out)
            }

            pub async fn recommendations(pool: &Pool<$db>, source_id: Option<i64>) -> Result<Vec<RecRow>> {
                let records: Vec<RecRecord> = match source_id {
                    Some(s) => sqlx::query_as(sqlx::AssertSqlSafe(format!("{REC_SELECT} WHERE r.source_id = $1")))
                        .bind(s)
                        .fetch_all(pool)
                        .await?,
                    None => sqlx::query_as(REC_SELECT).fetch_all(pool).await?,
                };
                let articles = articles_of(pool, source_id).await?;
                let mut rows: Vec<RecRow> = records.into_iter().map(|r| r.row(&articles)).collect();
                rows.sort_by(|a, b| a.symbol.cmp(&b.symbol).then_with(|| a.key().cmp(&b.key())));
                Ok(rows)
            }

            pub async fn task_recommendations(pool: &Pool<$db>, task_id: i64) -> Result<Vec<RecRow>> {
                let records: Vec<RecRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{REC_SELECT} JOIN task_recommendations tr ON tr.recommendation_id = r.id WHERE tr.task_id = $1"
                )))
                .bind(task_id)
                .fetch_all(pool)
                .await?;
                let articles = articles_of(pool, None).await?;
                let mut rows: Vec<RecRow> = records.into_iter().map(|r| r.row(&articles)).collect();
                rows.sort_by(|a, b| a.symbol.cmp(&b.symbol).then_with(|| a.key().cmp(&b.key())));
                Ok(rows)
            }

            pub async fn plan_recommendation_links(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<(i64, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT tr.task_id, tr.recommendation_id FROM task_recommendations tr \
                     JOIN tasks t ON t.id = tr.task_id WHERE t.plan_id = $1 ORDER BY tr.task_id, tr.recommendation_id",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?)
            }

            pub async fn plan_link_references(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<(String, String)>> {
                let recs: Vec<(String, i32, String, i64, String)> = sqlx::query_as(
                    "SELECT t.ref, t.position, s.symbol, r.paragraph, r.sub FROM task_recommendations tr \
                     JOIN tasks t ON t.id = tr.task_id JOIN recommendations r ON r.id = tr.recommendation_id \
                     JOIN rec_sources s ON s.id = r.source_id WHERE t.plan_id = $1",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                let articles: Vec<(String, i32, i64)> = sqlx::query_as(
                    "SELECT t.ref, t.position, a.article FROM task_articles a JOIN tasks t ON t.id = a.task_id \
                     WHERE t.plan_id = $1",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                // (task's place, 0 for a recommendation and 1 for an article, the document's
                // order) → the reference as a tag reads.
                let mut out: Vec<((i32, u8, String, RecKey), String, String)> = recs
                    .into_iter()
                    .map(|(task, position, symbol, paragraph, sub)| {
                        let paragraph = u32::try_from(paragraph).unwrap_or(0);
                        let sub = Some(sub).filter(|s| !s.is_empty());
                        let key = RecKey { paragraph, sub: sub.clone() };
                        let reference = Reference::Paragraph { symbol: symbol.clone(), paragraph, sub }.to_string();
                        ((position, 0, symbol, key), task, reference)
                    })
                    .collect();
                out.extend(articles.into_iter().map(|(task, position, article)| {
                    let article = u8::try_from(article).unwrap_or(0);
                    let key = RecKey { paragraph: u32::from(article), sub: None };
                    let reference = Reference::Article { article }.to_string();
                    ((position, 1, String::new(), key), task, reference)
                }));
                out.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(out.into_iter().map(|(_, task, reference)| (task, reference)).collect())
            }

            pub async fn set_task_recommendations(
                pool: &Pool<$db>,
                task_id: i64,
                rec_ids: &[i64],
                articles: &[u8],
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = begin(pool).await?;
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE id = $1")
                    .bind(task_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound(format!("task {task_id}")));
                }
                write_task_links(&mut tx, task_id, rec_ids, articles, user_id, now).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Replace a task's links inside `tx`: from its page, or from the plan review with
            /// the plan it publishes. A recommendation no longer in the register is refused.
            pub(crate) async fn write_task_links(
                tx: &mut Transaction<'_, $db>,
                task_id: i64,
                rec_ids: &[i64],
                articles: &[u8],
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                if let Some(a) = articles.iter().find(|a| !(1..=27).contains(*a)) {
                    return Err(StoreError::invalid(
                        format!("Công ước chỉ có các điều 1–27, không có điều {a}."),
                        format!("The Covenant has articles 1–27; there is no article {a}."),
                    ));
                }
                sqlx::query("DELETE FROM task_recommendations WHERE task_id = $1")
                    .bind(task_id)
                    .execute(&mut **tx)
                    .await?;
                for id in rec_ids {
                    let known: Option<i64> = sqlx::query_scalar("SELECT id FROM recommendations WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    if known.is_none() {
                        return Err(StoreError::invalid(
                            "Một khuyến nghị đã chọn không còn trong danh mục: hãy tải lại trang rồi chọn lại.",
                            "A recommendation chosen is no longer in the register: reload the page and choose again.",
                        ));
                    }
                    sqlx::query(
                        "INSERT INTO task_recommendations (task_id, recommendation_id, linked_by, linked_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    )
                    .bind(task_id)
                    .bind(id)
                    .bind(user_id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                sqlx::query("DELETE FROM task_articles WHERE task_id = $1")
                    .bind(task_id)
                    .execute(&mut **tx)
                    .await?;
                for a in articles {
                    sqlx::query("INSERT INTO task_articles (task_id, article) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(task_id)
                        .bind(i64::from(*a))
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            pub async fn task_articles(pool: &Pool<$db>, task_id: i64) -> Result<Vec<u8>> {
                let rows: Vec<i64> = sqlx::query_scalar("SELECT article FROM task_articles WHERE task_id = $1 ORDER BY article")
                    .bind(task_id)
                    .fetch_all(pool)
                    .await?;
                Ok(rows.into_iter().filter_map(|a| u8::try_from(a).ok()).collect())
            }

            pub async fn coverage(pool: &Pool<$db>, source_id: i64, accepted_only: bool) -> Result<Vec<CoverageRow>> {
                let recs = recommendations(pool, Some(source_id)).await?;
                let links: Vec<(i64, i64, i64, Option<String>, String, String)> = sqlx::query_as(
                    "SELECT tr.recommendation_id, t.id, t.plan_id, d.number, t.ref, t.title \
                     FROM task_recommendations tr JOIN recommendations r ON r.id = tr.recommendation_id \
                     JOIN tasks t ON t.id = tr.task_id JOIN plans p ON p.id = t.plan_id \
                     JOIN documents d ON d.id = p.document_id \
                     WHERE r.source_id = $1 ORDER BY t.plan_id, t.position",
                )
                .bind(source_id)
                .fetch_all(pool)
                .await?;
                const LINKED: &str = "SELECT tr.task_id FROM task_recommendations tr \
                     JOIN recommendations r ON r.id = tr.recommendation_id WHERE r.source_id = $1";
                let assigned: Vec<(i64, i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT a.task_id, a.agency_id, g.name, a.role FROM assignments a \
                     JOIN agencies g ON g.id = a.agency_id WHERE a.task_id IN ({LINKED}) \
                     ORDER BY a.task_id, a.role DESC, a.position"
                )))
                .bind(source_id)
                .fetch_all(pool)
                .await?;
                let heard = if accepted_only { "'accepted'" } else { "'submitted', 'accepted'" };
                let statuses: Vec<StatusRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT rt.task_id, rep.agency_id, g.name, rt.status, rd.id, rd.label, rd.window_end \
                     FROM report_tasks rt JOIN reports rep ON rep.id = rt.report_id \
                     JOIN rounds rd ON rd.id = rep.round_id JOIN agencies g ON g.id = rep.agency_id \
                     WHERE rt.task_id IN ({LINKED}) AND rt.status IS NOT NULL \
                     AND rep.status IN ({heard}) ORDER BY g.sort_key, g.id"
                )))
                .bind(source_id)
                .fetch_all(pool)
                .await?;
                let statuses = latest_statuses(statuses);
                let mut by_task: HashMap<i64, Vec<(i64, String, Role)>> = HashMap::new();
                for (task, agency, name, role) in assigned {
                    if let Some(role) = Role::from_code(&role) {
                        by_task.entry(task).or_default().push((agency, name, role));
                    }
                }
                let mut tasks_of: HashMap<i64, Vec<CoveredTask>> = HashMap::new();
                for (rec, task_id, plan_id, plan_number, reference, title) in links {
                    let (statuses, tally) = statuses.get(&task_id).cloned().unwrap_or_default();
                    tasks_of.entry(rec).or_default().push(CoveredTask {
                        task_id,
                        plan_id,
                        plan_number,
                        reference,
                        title,
                        assigned: by_task.get(&task_id).cloned().unwrap_or_default(),
                        statuses,
                        tally,
                    });
                }
                Ok(recs
                    .into_iter()
                    .map(|rec| CoverageRow {
                        tasks: tasks_of.remove(&rec.id).unwrap_or_default(),
                        rec,
                    })
                    .collect())
            }

            pub async fn resolve_tags(
                pool: &Pool<$db>,
                plan_id: i64,
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<TagResolution> {
                let mut tx = begin(pool).await?;
                let tags: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT t.id, t.ref, g.tag FROM task_tags g JOIN tasks t ON t.id = g.task_id \
                     WHERE t.plan_id = $1 ORDER BY t.position, g.tag",
                )
                .bind(plan_id)
                .fetch_all(&mut *tx)
                .await?;
                let sources: Vec<(i64, String)> = sqlx::query_as("SELECT id, symbol FROM rec_sources")
                    .fetch_all(&mut *tx)
                    .await?;
                let recs: Vec<(i64, i64, i64, String)> =
                    sqlx::query_as("SELECT id, source_id, paragraph, sub FROM recommendations")
                        .fetch_all(&mut *tx)
                        .await?;
                let mut out = TagResolution::default();
                for (task_id, reference, tag) in tags {
                    let parsed = match Reference::parse(&tag) {
                        Ok(r) => r,
                        Err(e) => {
                            out.unresolved.push((task_id, reference, tag, e.message()));
                            continue;
                        }
                    };
                    match &parsed {
                        Reference::Article { article } => {
                            sqlx::query("INSERT INTO task_articles (task_id, article) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                                .bind(task_id)
                                .bind(i64::from(*article))
                                .execute(&mut *tx)
                                .await?;
                            out.articles += 1;
                        }
                        Reference::Paragraph { symbol, paragraph, sub } => {
                            let source = sources
                                .iter()
                                .find(|(_, s)| s.eq_ignore_ascii_case(symbol))
                                .map(|(id, _)| *id);
                            let Some(source) = source else {
                                out.unresolved.push((task_id, reference, tag, Message::new(
                                    format!("Chưa có văn bản {symbol} trong danh mục khuyến nghị."),
                                    format!("{symbol} is not in the register of recommendations yet."),
                                )));
                                continue;
                            };
                            // A paragraph without a sub links all its subs.
                            let matching: Vec<i64> = recs
                                .iter()
                                .filter(|(_, s, p, b)| {
                                    *s == source
                                        && *p == i64::from(*paragraph)
                                        && sub.as_deref().is_none_or(|x| x == b)
                                })
                                .map(|(id, ..)| *id)
                                .collect();
                            if matching.is_empty() {
                                let number = Recommendation {
                                    paragraph: *paragraph,
                                    sub: sub.clone(),
                                    theme: String::new(),
                                    articles: Vec::new(),
                                    concern: None,
                                    text: String::new(),
                                    text_vi: None,
                                }
                                .number();
                                out.unresolved.push((task_id, reference, tag, Message::new(
                                    format!("{symbol} không có đoạn {number}."),
                                    format!("{symbol} has no paragraph {number}."),
                                )));
                                continue;
                            }
                            for id in matching {
                                sqlx::query(
                                    "INSERT INTO task_recommendations (task_id, recommendation_id, linked_by, linked_at) \
                                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                                )
                                .bind(task_id)
                                .bind(id)
                                .bind(user_id)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                            }
                            out.linked += 1;
                        }
                        Reference::Source { symbol } => {
                            out.unresolved.push((task_id, reference, tag, Message::new(
                                format!("Nhãn chỉ nêu văn bản {symbol}: hãy chọn các đoạn khuyến nghị cụ thể."),
                                format!("The tag names the document {symbol} only: choose the paragraphs."),
                            )));
                            continue;
                        }
                    }
                    sqlx::query("DELETE FROM task_tags WHERE task_id = $1 AND tag = $2")
                        .bind(task_id)
                        .bind(&tag)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(out)
            }

            pub async fn rec_task_references(pool: &Pool<$db>) -> Result<Vec<(i64, Option<String>, String)>> {
                Ok(sqlx::query_as(
                    "SELECT tr.recommendation_id, d.number, t.ref FROM task_recommendations tr \
                     JOIN tasks t ON t.id = tr.task_id JOIN plans p ON p.id = t.plan_id \
                     JOIN documents d ON d.id = p.document_id ORDER BY tr.recommendation_id, t.plan_id, t.position",
                )
                .fetch_all(pool)
                .await?)
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
backend!(postgres, sqlx::Postgres, "BEGIN");

impl Db {
    /// Store a document's recommendations, by symbol and number: new ones are added, changed ones
    /// updated; a Vietnamese translation of a stored original fills its Vietnamese text. One
    /// transaction; `dry_run` counts what would change and writes nothing.
    pub async fn import_recommendations(
        &self,
        source: &RecSource,
        recs: &[Recommendation],
        accepted_by: Option<&str>,
        dry_run: bool,
        now: OffsetDateTime,
    ) -> Result<RecImport> {
        crate::dispatch!(
            self,
            import_recommendations(source, recs, accepted_by, dry_run, now)
        )
    }

    /// The register's documents, newest first.
    pub async fn rec_sources(&self) -> Result<Vec<SourceRow>> {
        crate::dispatch!(self, rec_sources())
    }

    /// Show a document's recommendations and their progress on the public page, or stop.
    pub async fn set_source_published(&self, source_id: i64, published: bool) -> Result<()> {
        crate::dispatch!(self, set_source_published(source_id, published))
    }

    /// Recommendations of one document (or all), in each document's order.
    /// Says a recommendation needs no task of a plan, and why (a blank reason is refused), or,
    /// with `None`, that it does.
    pub async fn set_no_task_reason(&self, rec_id: i64, reason: Option<&str>) -> Result<()> {
        let reason = reason.map(str::trim);
        if reason == Some("") {
            return Err(StoreError::Invalid(Message::new(
                "Hãy ghi lý do khuyến nghị không cần nhiệm vụ.",
                "Give the reason the recommendation needs no task.",
            )));
        }
        crate::dispatch!(self, set_no_task_reason(rec_id, reason))
    }

    pub async fn recommendations(&self, source_id: Option<i64>) -> Result<Vec<RecRow>> {
        crate::dispatch!(self, recommendations(source_id))
    }

    /// The recommendations a task carries out.
    pub async fn task_recommendations(&self, task_id: i64) -> Result<Vec<RecRow>> {
        crate::dispatch!(self, task_recommendations(task_id))
    }

    /// (task, recommendation) links of a plan's tasks.
    pub async fn plan_recommendation_links(&self, plan_id: i64) -> Result<Vec<(i64, i64)>> {
        crate::dispatch!(self, plan_recommendation_links(plan_id))
    }

    /// Each link of a plan's tasks as (task reference, the reference a tag would read:
    /// "CCPR/C/VNM/CO/4 đoạn 21(b)", "ICCPR Điều 14"), in the plan's and the document's order.
    pub async fn plan_link_references(&self, plan_id: i64) -> Result<Vec<(String, String)>> {
        crate::dispatch!(self, plan_link_references(plan_id))
    }

    /// Replace the recommendations and Covenant articles a task is linked to, in one transaction.
    pub async fn set_task_recommendations(
        &self,
        task_id: i64,
        rec_ids: &[i64],
        articles: &[u8],
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<()> {
        crate::dispatch!(
            self,
            set_task_recommendations(task_id, rec_ids, articles, user_id, now)
        )
    }

    /// The Covenant articles a task serves directly.
    pub async fn task_articles(&self, task_id: i64) -> Result<Vec<u8>> {
        crate::dispatch!(self, task_articles(task_id))
    }

    /// Each recommendation of a document with the tasks acting on it, their bodies and the latest
    /// status each body sent; a recommendation without tasks is not covered.
    pub async fn coverage(&self, source_id: i64) -> Result<Vec<CoverageRow>> {
        crate::dispatch!(self, coverage(source_id, false))
    }

    /// [`Db::coverage`] as the public page may show it: statuses from accepted reports only,
    /// as every other figure there.
    pub async fn public_coverage(&self, source_id: i64) -> Result<Vec<CoverageRow>> {
        crate::dispatch!(self, coverage(source_id, true))
    }

    /// Turn a plan's free-text tags into links where they name an article or a recommendation of
    /// the register; the others stay, listed with the reason.
    pub async fn resolve_tags(
        &self,
        plan_id: i64,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<TagResolution> {
        crate::dispatch!(self, resolve_tags(plan_id, user_id, now))
    }

    /// (recommendation, plan number, task reference) of every link, for listings.
    pub async fn rec_task_references(&self) -> Result<Vec<(i64, Option<String>, String)>> {
        crate::dispatch!(self, rec_task_references())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_newest_round_gives_each_bodys_status_in_the_bodies_order_and_the_tally_counts_them() {
        let row = |agency: i64, name: &str, status: &str, round: i64, end: Date| {
            (
                7,
                agency,
                name.to_string(),
                status.to_string(),
                round,
                format!("Kỳ {round}"),
                end,
            )
        };
        // As the query gives them: in the bodies' order, rounds in any order.
        let rows = vec![
            row(1, "Phường An Biên", "done", 2, date!(2026 - 12 - 14)),
            row(1, "Phường An Biên", "in_progress", 1, date!(2026 - 06 - 14)),
            row(3, "Xã Bắc", "not_started", 1, date!(2026 - 06 - 14)),
            row(2, "Xã Đông", "in_progress", 1, date!(2026 - 06 - 14)),
            row(2, "Xã Đông", "done", 2, date!(2026 - 12 - 14)),
        ];
        let by_task = latest_statuses(rows);
        let (statuses, tally) = by_task.get(&7).cloned().unwrap_or_default();
        let seen: Vec<(&str, &str, i64)> = statuses
            .iter()
            .map(|s| (s.agency_name.as_str(), s.status.as_str(), s.round_id))
            .collect();
        // The bodies in the order given; for each, its newest round.
        assert_eq!(
            seen,
            [
                ("Phường An Biên", "done", 2),
                ("Xã Bắc", "not_started", 1),
                ("Xã Đông", "done", 2)
            ]
        );
        assert_eq!(
            tally.as_slice(),
            [("done".to_string(), 2), ("not_started".to_string(), 1)]
        );
    }
}
