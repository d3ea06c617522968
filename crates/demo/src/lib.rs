//! Demonstration data for theodoi, the same for the same seed: the seed plan, bodies at city
//! scale (~130) or national scale (~3,400), one focal point and one head per body, and reporting
//! rounds with submitted, returned and accepted reports whose figures and texts look like a real
//! half-year (`figures`, `prose`). Everything is written through the store's API, so the data
//! passes the same checks as data entered by people, into a database in memory that is then
//! copied into the target in one transaction.

pub mod figures;
pub mod prose;

use anyhow::Context as _;
use figures::{Figures, Population, Profile};
use std::collections::HashMap;
use theodoi_domain::DateRange;
use theodoi_domain::report::{Action, Actor, TaskStatus};
use theodoi_store::Db;
use theodoi_store::accounts::NewUser;
use theodoi_store::rounds::{
    BodyProgress, NewRound, ReportAction, ReportForm, SaveReport, TaskEntry, ValueRow,
};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

/// (file name, text) of the seed plan's files, body first: Kế hoạch 14/KH-UBND (09/01/2026),
/// verbatim as extracted from its PDF.
pub const SEED_FILES: &[(&str, &str)] = &[
    (
        "000_b6a757b918caf98d.txt",
        include_str!("../../../seeds/000_b6a757b918caf98d.txt"),
    ),
    (
        "001_5440965c404ba4b8.txt",
        include_str!("../../../seeds/001_5440965c404ba4b8.txt"),
    ),
];

/// The seed's files as a person names them, with their text: what the plan's first version keeps
/// to show beside a later correction.
pub fn seed_sources() -> Vec<(String, String)> {
    const NAMES: [&str; 2] = ["Kế hoạch 14-KH-UBND.txt", "Phụ lục Kế hoạch 14-KH-UBND.txt"];
    SEED_FILES
        .iter()
        .zip(NAMES)
        .map(|((_, text), name)| (name.to_string(), text.to_string()))
        .collect()
}

/// How big.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// One city: 30 departments, 100 communes and wards.
    City,
    /// 34 provinces of 10 departments and 90 communes each: 3,400 bodies.
    National,
}

impl Scale {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "city" => Some(Self::City),
            "national" => Some(Self::National),
            _ => None,
        }
    }
    /// (provinces, departments per province, communes per province)
    fn shape(self) -> (usize, usize, usize) {
        match self {
            Self::City => (1, 30, 100),
            Self::National => (34, 10, 90),
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub scale: Scale,
    pub seed: u64,
    /// Open rounds and fill in reports; without it only the plan, bodies and accounts.
    pub reports: bool,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub plan_id: i64,
    pub bodies: usize,
    pub accounts: usize,
    pub rounds: Vec<i64>,
    /// Bodies expected to report in each round (the coordinating body, which consolidates, is
    /// not counted against itself).
    pub expected: usize,
    pub reports: usize,
    /// Accounts to try first: (user name, body, role).
    pub try_accounts: Vec<(String, String, String)>,
}

/// The password of every demonstration account.
pub const DEMO_PASSWORD: &str = "theodoi-demo-2026";

/// SplitMix64: small, fast, and the same sequence for the same seed on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(xs.len() as u64)).unwrap_or(0);
        &xs[i.min(xs.len().saturating_sub(1))]
    }
}

/// The city the city-scale demonstration stands for, in its report's letterhead and date line.
pub const DEMO_SUPERIOR: &str = "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG";
pub const DEMO_PLACE: &str = "Hải Phòng";

const PROVINCES: &[&str] = &[
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
];

const DEPARTMENTS: &[&str] = &[
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hoá và Thể thao",
    "Sở Du lịch",
    "Ban Quản lý các khu công nghiệp",
    "Văn phòng UBND",
    "Đài Phát thanh và Truyền hình",
    "Ban Dân tộc",
    "Bảo hiểm xã hội",
    "Cục Thuế",
    "Kho bạc Nhà nước",
    "Ngân hàng Chính sách xã hội",
    "Liên đoàn Lao động",
    "Hội Liên hiệp Phụ nữ",
    "Đoàn Thanh niên",
    "Hội Nông dân",
    "Hội Cựu chiến binh",
    "Ủy ban Mặt trận Tổ quốc",
    "Trường Chính trị",
    "Ban Quản lý dự án",
    "Trung tâm Trợ giúp pháp lý nhà nước",
    "Trung tâm Phục vụ hành chính công",
];

const SYLLABLES: &[&str] = &[
    "An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc", "Hưng",
    "Thịnh", "Phước", "Lộc", "Hiệp", "Thuận", "Quang", "Minh", "Trung", "Hải", "Sơn", "Lâm",
    "Xuân", "Yên", "Thái", "Vĩnh", "Khánh", "Cẩm", "Ngọc", "Kim", "Hồng", "Đức", "Tiến",
];

/// Import the seed plan if it is not there; returns its id.
pub async fn seed_plan(db: &Db) -> anyhow::Result<i64> {
    if let Some(p) = db.list_plans().await?.first() {
        return Ok(p.id);
    }
    let parsed = SEED_FILES
        .iter()
        .map(|(name, text)| {
            theodoi_plandoc::parse(text).map_err(|e| anyhow::anyhow!("seed {name}: {e}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut id = 0;
    // The seed's text is kept with its first version, so a correction is made beside it.
    let sources = seed_sources();
    let publication = theodoi_store::Publication {
        by: None,
        sources: &sources,
        links: None,
    };
    for p in theodoi_plandoc::combine(parsed) {
        let parts = theodoi_store::ImportParts {
            body: p.part != theodoi_plandoc::Part::Appendix,
            appendix: p.part != theodoi_plandoc::Part::Body,
        };
        id = db
            .publish_plan(&p.plan, parts, &publication)
            .await
            .context("loading the seed plan")?
            .plan_id;
    }
    Ok(id)
}

/// Names of the bodies at a scale, each with its kind; the same for the same seed.
pub fn body_names(scale: Scale, seed: u64) -> Vec<(String, &'static str)> {
    let (provinces, departments, communes) = scale.shape();
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in 0..provinces {
        let province = PROVINCES[p % PROVINCES.len()];
        let suffix = if scale == Scale::City {
            String::new()
        } else {
            format!(" {province}")
        };
        for d in DEPARTMENTS.iter().take(departments) {
            out.push((format!("{d}{suffix}"), "department"));
        }
        let mut n = 0;
        while n < communes {
            let kind = if rng.below(3) == 0 {
                "Phường"
            } else {
                "Xã"
            };
            let (a, b) = (rng.pick(SYLLABLES), rng.pick(SYLLABLES));
            let name = format!("{kind} {a} {b}{suffix}");
            if a != b && seen.insert(name.clone()) {
                out.push((name, "commune"));
                n += 1;
            }
        }
    }
    out
}

/// Generate into an empty database, in one transaction: everything is built in a SQLite database
/// in memory through the store's own API (so the data passes the same checks as data entered by
/// people), then copied into `db` at once. A run stopped midway leaves `db` as it was; a second
/// run on the same database is refused with the reason, so nothing is counted twice.
/// `progress(stage, done, total)` is called as work advances. `password_hash` is the hash every
/// demonstration account signs in with (of [`DEMO_PASSWORD`]).
pub async fn generate(
    db: &Db,
    opts: Options,
    password_hash: &str,
    mut progress: impl FnMut(&str, u64, u64),
) -> anyhow::Result<Summary> {
    db.migrate().await?;
    let (users, plans) = (db.count_users().await?, db.list_plans().await?.len());
    if users > 0 || plans > 0 {
        anyhow::bail!(
            "cơ sở dữ liệu đã có {plans} kế hoạch và {users} tài khoản: dữ liệu mẫu chỉ được tạo trên cơ sở dữ liệu trống \
             (dùng tệp SQLite mới hoặc cơ sở dữ liệu PostgreSQL trống) / the database already has {plans} plans and \
             {users} accounts: demonstration data goes only into an empty database (a new SQLite file or an empty \
             PostgreSQL database)"
        );
    }
    let mem = Db::connect("sqlite::memory:").await?;
    mem.migrate().await?;
    let summary = build(&mem, opts, password_hash, &mut progress).await?;
    db.copy_from(&mem, &mut |done, total| progress("copy", done, total))
        .await?;
    mem.close().await;
    Ok(summary)
}

/// "Các cơ quan, địa phương có liên quan" means different bodies for different tasks, as the
/// coordinator would name them: the communes and a dozen departments where the work is done on
/// the ground (communication, complaints, legal aid), departments only for reviews and training,
/// a handful for international cooperation.
async fn name_related_bodies(
    db: &Db,
    plan_id: i64,
    bodies: &[(i64, &str)],
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0x5EED);
    let departments: Vec<i64> = bodies
        .iter()
        .filter(|(_, k)| *k == "department")
        .map(|(id, _)| *id)
        .collect();
    let communes: Vec<i64> = bodies
        .iter()
        .filter(|(_, k)| *k == "commune")
        .map(|(id, _)| *id)
        .collect();
    for g in db.unnamed_groups(Some(plan_id)).await? {
        let (share, with_communes) = match prose::Theme::of(&g.title) {
            prose::Theme::International => (15, false),
            prose::Theme::Review | prose::Theme::Training => (40, false),
            _ => (35, true),
        };
        let mut members: Vec<i64> = departments
            .iter()
            .copied()
            .filter(|_| rng.below(100) < share)
            .collect();
        if with_communes {
            members.extend(&communes);
        }
        if members.is_empty() {
            members.extend(departments.first());
        }
        db.set_task_group_members(g.task_id, g.group_id, &members)
            .await?;
    }
    Ok(())
}

/// The share of ethnic minorities a body serves: the province's share, higher in some
/// mountainous communes.
fn population(profile: Profile, province_share: f64, rng: &mut Rng) -> Population {
    let t = f64::from(u32::try_from(rng.below(1001)).unwrap_or(0)) / 1000.0;
    let minority = if profile.is_commune() && rng.below(5) == 0 {
        (province_share * 3.0).clamp(0.2, 0.7) * (0.7 + 0.6 * t)
    } else {
        province_share * (0.3 + 1.2 * t)
    };
    Population {
        minority: minority.min(0.95),
    }
}

async fn build(
    db: &Db,
    opts: Options,
    password_hash: &str,
    progress: &mut impl FnMut(&str, u64, u64),
) -> anyhow::Result<Summary> {
    let now = OffsetDateTime::now_utc();
    db.ensure_reporting_defaults(now).await?;
    let plan_id = seed_plan(db).await?;
    if opts.scale == Scale::City {
        // The seed plan's header says only "UBND THÀNH PHỐ": the demonstration city is named
        // once, in the report settings, as a coordinator would.
        db.set_report_settings(
            None,
            &theodoi_store::drafts::ReportSettings {
                superior: DEMO_SUPERIOR.into(),
                place: DEMO_PLACE.into(),
                drafting_unit: "PBGDPL".into(),
            },
            None,
            now,
        )
        .await?;
    }
    let names = body_names(opts.scale, opts.seed);
    let total = names.len() as u64;
    let (_, departments, communes) = opts.scale.shape();
    let mut bodies = Vec::with_capacity(names.len());
    let mut province_of: HashMap<i64, usize> = HashMap::new();
    // The plan names some of these bodies already (Sở Nội vụ, …): they are the same bodies.
    let existing: HashMap<String, i64> = db
        .list_agencies()
        .await?
        .into_iter()
        .map(|a| (a.name, a.id))
        .collect();
    for (i, (name, kind)) in names.iter().enumerate() {
        let id = match existing.get(name) {
            Some(id) => *id,
            None => db.create_agency(name, kind, false, None).await?,
        };
        bodies.push((id, *kind));
        province_of.insert(id, i / (departments + communes));
        if i % 50 == 0 {
            progress("bodies", i as u64, total);
        }
    }
    progress("bodies", total, total);
    name_related_bodies(db, plan_id, &bodies, opts.seed).await?;
    // Every body reports, the plan's own (Sở Tư pháp, Công an thành phố, …) as well.
    let ids: Vec<i64> = db
        .list_agencies()
        .await?
        .into_iter()
        .filter(|a| !a.is_group)
        .map(|a| a.id)
        .collect();
    let accounts = accounts(db, password_hash, &ids, opts.seed, progress).await?;
    let own_plans = body_plans(db, plan_id, opts.seed).await?;
    record_body_plans(db, plan_id, &own_plans, now).await?;
    let mut summary = Summary {
        plan_id,
        // The plan's own bodies (Công an thành phố, …) with the generated ones: every body that
        // reports.
        bodies: ids.len(),
        accounts,
        ..Summary::default()
    };
    let mut rng = Rng::new(opts.seed ^ 0xA5A5);
    // Each province's ethnic-minority share: 2–40 % nationally; a city of the delta, 3–12 %.
    let provinces = opts.scale.shape().0;
    let shares: Vec<f64> = (0..provinces)
        .map(|_| {
            let t = f64::from(u32::try_from(rng.below(1001)).unwrap_or(0)) / 1000.0;
            match opts.scale {
                Scale::City => 0.03 + 0.09 * t,
                Scale::National => 0.02 + 0.38 * t * t,
            }
        })
        .collect();
    if opts.reports {
        fill_rounds(
            db,
            plan_id,
            &shares,
            &province_of,
            &own_plans,
            &mut rng,
            now,
            &mut summary,
            progress,
        )
        .await?;
    }
    summary.try_accounts = try_accounts(db).await?;
    Ok(summary)
}

/// Most bodies have issued their own plan to carry out the city's (as the plan's III.9 asks),
/// in the weeks after it (Kế hoạch 14/KH-UBND of 09/01/2026): a department by its own symbol, a
/// commune as "KH-UBND", numbered as their registers run; a few have not yet. The Sở Tư pháp,
/// which coordinates, always has, and first.
/// Drawn once per body: the cascade records it and the body's texts quote it.
async fn body_plans(
    db: &Db,
    plan_id: i64,
    seed: u64,
) -> anyhow::Result<HashMap<i64, prose::OwnPlan>> {
    let mut rng = Rng::new(seed ^ 0xCA5C);
    // A commune's plan is "KH-UBND" like the city's: never under the city's own number.
    let city_number = db
        .list_plans()
        .await?
        .into_iter()
        .find(|p| p.id == plan_id)
        .and_then(|p| p.number);
    let mut out = HashMap::new();
    for body in db.cascade_status(plan_id).await? {
        let profile = Profile::of(&body.agency_name, &body.kind);
        let issued = if profile.is_commune() { 86 } else { 94 };
        if rng.below(100) >= issued && profile != Profile::Justice {
            continue;
        }
        let symbol = prose::symbol(&body.agency_name, profile);
        // The coordinating body issues its plan first, within two weeks.
        let spread = if profile == Profile::Justice { 14 } else { 60 };
        let day = i64::try_from(rng.below(spread)).unwrap_or(0);
        let issued_on = date!(2026 - 01 - 19) + Duration::days(day);
        let mut n = prose::serial(&mut rng, issued_on, 1);
        let mut number = format!("{n}/KH-{symbol}");
        while city_number.as_deref() == Some(number.as_str()) {
            n += 1;
            number = format!("{n}/KH-{symbol}");
        }
        out.insert(body.agency_id, prose::OwnPlan { number, issued_on });
    }
    Ok(out)
}

/// The bodies' own plans recorded by the coordinator, as plans sent on paper or through the
/// e-office are.
async fn record_body_plans(
    db: &Db,
    plan_id: i64,
    plans: &HashMap<i64, prose::OwnPlan>,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let coordinator = db
        .user_by_username("coord")
        .await?
        .context("the coordinator's account")?
        .id;
    let parent = db
        .list_plans()
        .await?
        .into_iter()
        .find(|p| p.id == plan_id)
        .context("the seed plan")?;
    let parent_ref = match (&parent.number, parent.issued_on) {
        (Some(n), Some(d)) => format!(
            "Kế hoạch số {n} ngày {} của Ủy ban nhân dân thành phố",
            prose::day(d)
        ),
        _ => "Kế hoạch của Ủy ban nhân dân thành phố".into(),
    };
    let title = format!(
        "Kế hoạch thực hiện {parent_ref} triển khai các khuyến nghị của Ủy ban Nhân quyền Liên hợp quốc"
    );
    let mut ids: Vec<&i64> = plans.keys().collect();
    ids.sort_unstable();
    for id in ids {
        let Some(p) = plans.get(id) else { continue };
        db.record_cascade_plan(
            &theodoi_store::workspace::NewCascadePlan {
                plan_id,
                agency_id: *id,
                number: &p.number,
                issued_on: p.issued_on,
                title: &title,
                file: None,
                recorded_by: coordinator,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn fill_rounds(
    db: &Db,
    plan_id: i64,
    shares: &[f64],
    province_of: &HashMap<i64, usize>,
    own_plans: &HashMap<i64, prose::OwnPlan>,
    rng: &mut Rng,
    now: OffsetDateTime,
    summary: &mut Summary,
    progress: &mut impl FnMut(&str, u64, u64),
) -> anyhow::Result<()> {
    // First half of 2026: most bodies have reported; second half: drafts under way.
    let h1 = open(
        db,
        plan_id,
        "6 tháng đầu năm 2026",
        date!(2026 - 01 - 01),
        (date!(2025 - 12 - 15), date!(2026 - 06 - 14)),
        date!(2026 - 06 - 15),
    )
    .await?;
    let h2 = open(
        db,
        plan_id,
        "6 tháng cuối năm 2026",
        date!(2026 - 07 - 01),
        (date!(2026 - 06 - 15), date!(2026 - 12 - 14)),
        date!(2026 - 12 - 15),
    )
    .await?;
    summary.rounds = vec![h1, h2];
    let deadline = datetime!(2026-06-15 10:00 UTC);
    let owing = db.round_progress(h1).await?;
    summary.expected = owing.iter().filter(|b| b.counted).count();
    let total = owing.len() as u64;
    for (i, body) in owing.iter().enumerate() {
        let profile = Profile::of(&body.agency_name, &body.agency_kind);
        let share = shares[province_of.get(&body.agency_id).copied().unwrap_or(0)];
        let pop = population(profile, share, rng);
        let own_plan = own_plans.get(&body.agency_id);
        let roll = rng.below(100);
        // The Sở Tư pháp's own report and the legal aid centre's (most of the city's legal-aid
        // cases) are always in; of the others 85 % submit (10 % of them late), of which 70 % are
        // accepted and 5 % returned.
        let own = !body.counted || matches!(profile, Profile::Justice | Profile::LegalAid);
        if own || roll < 85 {
            let late = !own && rng.below(10) == 0;
            let at = deadline
                + Duration::hours(if late {
                    24 * (1 + rng.below(10) as i64)
                } else {
                    -(rng.below(240) as i64)
                });
            let stage = if own {
                Action::Accept
            } else {
                match rng.below(100) {
                    0..70 => Action::Accept,
                    70..75 => Action::Return,
                    _ => Action::Submit,
                }
            };
            // Documents it quotes: after the city's plan, up to the day before it sends the
            // report and no later than the period's end.
            let last = (at.date() - Duration::days(1)).min(date!(2026 - 06 - 14));
            let text = Text {
                profile,
                pop,
                plan: own_plan,
                period: (date!(2026 - 01 - 10), last),
            };
            if report(db, h1, body, text, rng, stage, at).await? {
                summary.reports += 1;
            }
        }
        // The second half's drafts quote documents of July to September: fixed days, so the same
        // seed writes the same texts whenever it runs.
        let text = Text {
            profile,
            pop,
            plan: own_plan,
            period: (date!(2026 - 07 - 01), date!(2026 - 09 - 30)),
        };
        if rng.below(100) < 30 && report(db, h2, body, text, rng, Action::Save, now).await? {
            summary.reports += 1;
        }
        if i % 20 == 0 {
            progress("reports", i as u64, total);
        }
    }
    progress("reports", total, total);
    Ok(())
}

async fn open(
    db: &Db,
    plan_id: i64,
    label: &str,
    start: time::Date,
    window: (time::Date, time::Date),
    deadline: time::Date,
) -> anyhow::Result<i64> {
    if let Some(r) = db
        .rounds(Some(plan_id))
        .await?
        .into_iter()
        .find(|r| r.round.label == label)
    {
        return Ok(r.round.id);
    }
    Ok(db
        .open_round(
            &NewRound {
                plan_id,
                regime_id: db.regimes().await?.first().map(|r| r.id),
                kind: "periodic",
                title: &format!("Báo cáo kết quả thực hiện kế hoạch {label}"),
                label,
                period: Some((start, 6)),
                window: DateRange {
                    start: window.0,
                    end: window.1,
                },
                agency_deadline: deadline,
                coordinator_deadline: None,
                committee_deadline: None,
                reminder_offsets: "-7,-1,1,3",
                opened_by: None,
            },
            OffsetDateTime::now_utc(),
        )
        .await?
        .id)
}

const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Phan", "Võ", "Đinh", "Trịnh", "Lương", "Mai",
];
const MIDDLE_NAMES_MEN: &[&str] = &[
    "Văn", "Văn", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Công", "Xuân", "Mạnh", "Tiến", "Ngọc",
];
const MIDDLE_NAMES_WOMEN: &[&str] = &[
    "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Thùy", "Phương", "Hồng", "Kim", "Bích", "Mai",
];
const GIVEN_NAMES_MEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Kiên", "Long",
    "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
    "Lâm",
];
const GIVEN_NAMES_WOMEN: &[&str] = &[
    "Anh", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan", "Nga",
    "Ngân", "Nhung", "Oanh", "Quyên", "Thảo", "Trang", "Vân", "Yến", "Tâm", "Dung", "Giang",
    "Thủy",
];

/// Full names of the demonstration's people ("Nguyễn Thị Thu", "Trần Đức Hùng"), the same for
/// the same seed, no two alike.
struct PersonNames {
    rng: Rng,
    seen: std::collections::HashSet<String>,
}

impl PersonNames {
    fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed ^ 0x0A4E_5EED),
            seen: std::collections::HashSet::new(),
        }
    }

    fn next(&mut self) -> String {
        let mut name = String::new();
        // 24 × 12 × 22 names of each sex: a repeat is redrawn, and after a few tries a fourth
        // word keeps the name apart.
        for attempt in 0..20 {
            let woman = self.rng.below(2) == 0;
            let (middles, givens) = if woman {
                (MIDDLE_NAMES_WOMEN, GIVEN_NAMES_WOMEN)
            } else {
                (MIDDLE_NAMES_MEN, GIVEN_NAMES_MEN)
            };
            let family = *self.rng.pick(FAMILY_NAMES);
            let middle = *self.rng.pick(middles);
            let given = *self.rng.pick(givens);
            if middle == given {
                continue;
            }
            name = if attempt < 10 {
                format!("{family} {middle} {given}")
            } else {
                let second = *self.rng.pick(middles);
                format!("{family} {middle} {second} {given}")
            };
            if self.seen.insert(name.clone()) {
                return name;
            }
        }
        name
    }
}

/// An administrator `admin`, a coordinator `coord`, a leader `leader`, and one focal point and one
/// head per body (`focal-ID`, `head-ID`), each shown by a person's full name, all sharing one
/// password hash (hashing 7,000 passwords would take minutes).
async fn accounts(
    db: &Db,
    hash: &str,
    bodies: &[i64],
    seed: u64,
    progress: &mut impl FnMut(&str, u64, u64),
) -> anyhow::Result<usize> {
    let mut names = PersonNames::new(seed);
    let mut have: std::collections::HashSet<String> = db
        .list_users()
        .await?
        .into_iter()
        .map(|u| u.username)
        .collect();
    let mut n = 0;
    let mut add =
        async |username: String, role: &str, agency_id: Option<i64>| -> anyhow::Result<()> {
            if have.insert(username.clone()) {
                let display_name = names.next();
                db.create_user(&NewUser {
                    username: &username,
                    display_name: &display_name,
                    password_hash: hash,
                    role,
                    agency_id,
                    // The administrator chooses a password of its own at first sign-in.
                    must_change_password: role == "admin",
                    email: None,
                })
                .await?;
                n += 1;
            }
            Ok(())
        };
    add("admin".into(), "admin", None).await?;
    add("coord".into(), "coordinator", None).await?;
    add("leader".into(), "leader", None).await?;
    let total = bodies.len() as u64;
    for (i, b) in bodies.iter().enumerate() {
        add(format!("focal-{b}"), "focal_point", Some(*b)).await?;
        add(format!("head-{b}"), "agency_head", Some(*b)).await?;
        if i % 100 == 0 {
            progress("accounts", i as u64, total);
        }
    }
    progress("accounts", total, total);
    Ok(n)
}

/// Consistent values for every indicator of a form, as a department of the city would enter them.
pub fn values(form: &ReportForm, rng: &mut Rng) -> Vec<ValueRow> {
    let f = figures::generate(Profile::Department, Population { minority: 0.08 }, rng);
    value_rows(form, &f, rng)
}

/// A body's figures as the rows of its form; an indicator the starter set does not know gets a
/// small count when it is required, nothing otherwise.
fn value_rows(form: &ReportForm, f: &Figures, rng: &mut Rng) -> Vec<ValueRow> {
    let mut out = Vec::new();
    for ind in &form.indicators {
        let total = match f.get(&ind.code) {
            Some(v) => v,
            None if ind.required => i64::try_from(1 + rng.below(5)).unwrap_or(1),
            None => continue,
        };
        out.push(ValueRow {
            indicator_id: ind.id,
            dimension: String::new(),
            category: String::new(),
            value: total,
        });
        let dims = ind.dims();
        for (_, d, c, v) in f.cells.iter().filter(|c| c.0 == ind.code) {
            if dims.contains(d) {
                out.push(ValueRow {
                    indicator_id: ind.id,
                    dimension: d.code().into(),
                    category: (*c).into(),
                    value: *v,
                });
            }
        }
    }
    out
}

const RETURN_COMMENTS: &[&str] = &[
    "Đề nghị bổ sung số liệu phân tổ theo giới tính và dân tộc.",
    "Đề nghị làm rõ kết quả thực hiện các nhiệm vụ chủ trì, nêu số liệu cụ thể.",
    "Số liệu tiếp nhận đơn chưa khớp với báo cáo công tác tiếp công dân; đề nghị rà soát lại.",
];

/// What a body's report is written from besides its figures.
#[derive(Clone, Copy)]
struct Text<'a> {
    profile: Profile,
    pop: Population,
    /// The body's own plan as the cascade records it.
    plan: Option<&'a prose::OwnPlan>,
    /// The days the documents it quotes may bear.
    period: (time::Date, time::Date),
}

/// Fill in one body's report and take it to `stage`; false when the body has nothing to report.
async fn report(
    db: &Db,
    round: i64,
    body: &BodyProgress,
    text: Text<'_>,
    rng: &mut Rng,
    stage: Action,
    at: OffsetDateTime,
) -> anyhow::Result<bool> {
    let Text {
        profile,
        pop,
        plan,
        period,
    } = text;
    let agency = body.agency_id;
    let Some(form) = db.report_form(round, agency).await? else {
        return Ok(false);
    };
    if form.tasks.is_empty() || form.report.is_some() {
        return Ok(false);
    }
    let f = figures::generate(profile, pop, rng);
    let writer = prose::Writer::new(&body.agency_name, profile, &f, plan, period);
    let mut themes_seen = std::collections::HashSet::new();
    let tasks = form
        .tasks
        .iter()
        .map(|t| {
            let lead = t.role == theodoi_domain::Role::Lead;
            let roll = rng.below(100);
            let status = match (lead, roll) {
                (true, 0..25) | (false, 0..20) => TaskStatus::Done,
                (true, 25..88) | (false, 20..82) => TaskStatus::InProgress,
                _ => TaskStatus::NotStarted,
            };
            let first = themes_seen.insert(prose::Theme::of(&t.title));
            let results = prose::results(&writer, &t.title, lead, status, first, rng);
            let reason = if status == TaskStatus::NotStarted {
                prose::not_started_reason(&writer, rng)
            } else {
                String::new()
            };
            TaskEntry {
                task_id: t.task_id,
                status: Some(status),
                reason,
                results,
            }
        })
        .collect();
    let save = SaveReport {
        expected_version: 0,
        tasks,
        values: value_rows(&form, &f, rng),
        difficulties: prose::difficulties(&writer, rng),
        proposals: prose::proposals(&writer, rng),
    };
    let mut version = db
        .save_report(round, agency, &save, None, Actor::FocalPoint, at)
        .await?;
    if stage == Action::Save {
        return Ok(true);
    }
    let mut steps = vec![
        (Action::Approve, Actor::AgencyHead, ""),
        (Action::Submit, Actor::FocalPoint, ""),
    ];
    match stage {
        Action::Accept => steps.push((Action::Accept, Actor::Coordinator, "")),
        Action::Return => steps.push((
            Action::Return,
            Actor::Coordinator,
            *rng.pick(RETURN_COMMENTS),
        )),
        _ => {}
    }
    for (action, actor, comment) in steps {
        db.act_on_report(
            round,
            agency,
            &ReportAction {
                action,
                actor,
                expected_version: version,
                comment,
                user_id: None,
                email: false,
            },
            at,
        )
        .await?;
        version += 1;
    }
    Ok(true)
}

/// The accounts worth trying first: (user name, body, role in Vietnamese).
async fn try_accounts(db: &Db) -> anyhow::Result<Vec<(String, String, String)>> {
    let agencies = db.list_agencies().await?;
    let find = |pred: &dyn Fn(&theodoi_store::AgencyRow) -> bool| {
        agencies
            .iter()
            .find(|a| !a.is_group && pred(a))
            .map(|a| (a.id, a.name.clone()))
    };
    let mut out = vec![
        (
            "admin".to_string(),
            "—".to_string(),
            "Quản trị hệ thống (đổi mật khẩu khi đăng nhập lần đầu)".to_string(),
        ),
        (
            "coord".into(),
            "Sở Tư pháp".into(),
            "Chuyên viên đầu mối tổng hợp (điều phối)".into(),
        ),
        (
            "leader".into(),
            "UBND thành phố".into(),
            "Lãnh đạo (xem toàn bộ)".into(),
        ),
    ];
    for (label, body) in [
        ("Sở Tư pháp", find(&|a| a.name == "Sở Tư pháp")),
        (
            "sở, ngành",
            find(&|a| a.kind == "department" && a.name.starts_with("Sở Nội vụ")),
        ),
        ("xã, phường", find(&|a| a.kind == "commune")),
    ] {
        let Some((id, name)) = body else { continue };
        let _ = label;
        out.push((
            format!("focal-{id}"),
            name.clone(),
            "Đầu mối báo cáo của đơn vị".into(),
        ));
        out.push((
            format!("head-{id}"),
            name,
            "Lãnh đạo đơn vị (duyệt báo cáo)".into(),
        ));
    }
    Ok(out)
}
