//! One round: completeness and timeliness, per kind of body and per body.

use super::*;

/// A body's row: its progress and timeliness (also the overview's late bodies).
pub(super) struct BodyLine {
    pub(super) p: BodyProgress,
    pub(super) timeliness: Timeliness,
}

/// Counts for one group of bodies (a kind) or the whole round.
#[derive(Default, Clone)]
struct Tally {
    name: String,
    expected: i64,
    submitted: i64,
    on_time: i64,
    late: i64,
    overdue: i64,
    accepted: i64,
    returned: i64,
}

impl Tally {
    fn add(&mut self, status: Option<&str>, timeliness: Option<Timeliness>, n: i64) {
        self.expected += n;
        match timeliness {
            Some(Timeliness::OnTime) => self.on_time += n,
            Some(Timeliness::Late) => self.late += n,
            Some(Timeliness::Overdue) => self.overdue += n,
            _ => {}
        }
        match status {
            Some("submitted") => self.submitted += n,
            Some("accepted") => {
                self.submitted += n;
                self.accepted += n;
            }
            Some("returned") => self.returned += n,
            _ => {}
        }
    }
    /// Per cent, rounded down, of `n` over expected.
    fn pct(&self, n: &i64) -> i64 {
        (n * 100).checked_div(self.expected).unwrap_or(0)
    }
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    ctx: Ctx,
    round: RoundRow,
    total: Tally,
    groups: Vec<Tally>,
    lines: Vec<BodyLine>,
    /// The coordinating body's own report: listed apart, not counted.
    own: Vec<BodyLine>,
    show: String,
    shown: i64,
    page: i64,
    pages: i64,
    /// Some task of the plan is linked to a recommendation of the register: the report can be
    /// grouped by recommendation or by article.
    has_links: bool,
    /// The plan's latest version, when it was published after the round opened.
    plan_changed: Option<theodoi_store::PlanVersion>,
}

#[derive(Deserialize)]
pub struct RoundQuery {
    #[serde(default)]
    show: String,
    #[serde(default)]
    page: i64,
}

const PAGE_ROWS: i64 = 200;
/// Far beyond any round's bodies (a million pages of 200).
const MAX_PAGE: i64 = 1_000_000;

pub async fn detail(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    let round = state.db.round(id).await?.ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let end = Timeliness::deadline_end(round.agency_deadline);
    let ctx = Ctx::new(lang, Some(&user));
    // Counted in the database: the page never fetches every body of a national round.
    let mut total = Tally {
        name: ctx.t("Tất cả", "All").into(),
        ..Tally::default()
    };
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for t in state.db.round_tally(id, end, now).await? {
        let timeliness = Timeliness::parse(&t.timeliness);
        total.add(t.status.as_deref(), timeliness, t.n);
        groups
            .entry(t.kind.clone())
            .or_insert_with(|| Tally {
                name: ctx.kind_name(&t.kind),
                ..Tally::default()
            })
            .add(t.status.as_deref(), timeliness, t.n);
    }
    let show = match q.show.as_str() {
        "all" | "late" | "missing" | "submitted" => q.show.clone(),
        _ => "missing".to_string(),
    };
    // Bounded before it is multiplied: a huge page number must not wrap into a negative OFFSET.
    let page = q.page.clamp(0, MAX_PAGE);
    let (rows, shown) = state
        .db
        .round_bodies(
            id,
            &show,
            end,
            now,
            PAGE_ROWS,
            page.saturating_mul(PAGE_ROWS),
        )
        .await?;
    let pages = ((shown + PAGE_ROWS - 1) / PAGE_ROWS).max(1);
    let line = |p: BodyProgress| BodyLine {
        timeliness: Timeliness::of(round.agency_deadline, p.first_submitted_at, now),
        p,
    };
    let lines = rows.into_iter().map(line).collect();
    let own = state
        .db
        .uncounted_bodies(id)
        .await?
        .into_iter()
        .map(line)
        .collect();
    let plan_changed = state
        .db
        .plan_versions(round.plan_id)
        .await?
        .into_iter()
        .next()
        .filter(|v| v.at > round.opened_at);
    pages::render(&RoundPage {
        plan_changed,
        has_links: !state
            .db
            .plan_recommendation_links(round.plan_id)
            .await?
            .is_empty(),
        ctx,
        round,
        total,
        groups: groups.into_values().collect(),
        lines,
        own,
        show,
        shown,
        page: page.min(pages - 1),
        pages,
    })
}
