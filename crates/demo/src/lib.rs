//! Demonstration data for theodoi, the same for the same seed: the seed plan, bodies at city
//! scale (~130) or national scale (~3,400), one focal point and one head per body, and reporting
//! rounds with submitted, returned and accepted reports. Everything is written through the
//! store's API, so the data passes the same checks as data entered by people.

use anyhow::Context as _;
use theodoi_domain::report::{Action, Actor, TaskStatus};
use theodoi_domain::{DateRange, Dimension};
use theodoi_store::Db;
use theodoi_store::accounts::NewUser;
use theodoi_store::rounds::{NewRound, ReportAction, ReportForm, SaveReport, TaskEntry, ValueRow};
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
    pub reports: usize,
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
    for p in theodoi_plandoc::combine(parsed) {
        let parts = theodoi_store::ImportParts {
            body: p.part != theodoi_plandoc::Part::Appendix,
            appendix: p.part != theodoi_plandoc::Part::Body,
        };
        id = db
            .import_plan(&p.plan, parts)
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
            let name = format!(
                "{kind} {} {}{suffix}",
                rng.pick(SYLLABLES),
                rng.pick(SYLLABLES)
            );
            if seen.insert(name.clone()) {
                out.push((name, "commune"));
                n += 1;
            }
        }
    }
    out
}

/// Generate. `progress(stage, done, total)` is called as work advances.
/// `password_hash` is the hash every demonstration account signs in with (of [`DEMO_PASSWORD`]).
pub async fn generate(
    db: &Db,
    opts: Options,
    password_hash: &str,
    mut progress: impl FnMut(&str, u64, u64),
) -> anyhow::Result<Summary> {
    db.migrate().await?;
    let now = OffsetDateTime::now_utc();
    db.ensure_reporting_defaults(now).await?;
    let plan_id = seed_plan(db).await?;
    let names = body_names(opts.scale, opts.seed);
    let total = names.len() as u64;
    let existing: std::collections::HashMap<String, i64> = db
        .list_agencies()
        .await?
        .into_iter()
        .map(|a| (a.name, a.id))
        .collect();
    let mut bodies = Vec::with_capacity(names.len());
    for (i, (name, kind)) in names.iter().enumerate() {
        let id = match existing.get(name) {
            Some(id) => *id,
            None => db.create_agency(name, kind, false, None).await?,
        };
        bodies.push(id);
        if i % 50 == 0 {
            progress("bodies", i as u64, total);
        }
    }
    progress("bodies", total, total);
    // The plan's groups of "related bodies" name every generated body as a member.
    for g in db
        .list_agencies()
        .await?
        .into_iter()
        .filter(|a| a.is_group && a.kind == "other")
    {
        db.set_group_members(g.id, &bodies).await?;
    }
    let accounts = accounts(db, password_hash, &bodies, &mut progress).await?;
    let mut summary = Summary {
        plan_id,
        bodies: bodies.len(),
        accounts,
        ..Summary::default()
    };
    if !opts.reports {
        return Ok(summary);
    }
    let mut rng = Rng::new(opts.seed ^ 0xA5A5);
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
    for (i, body) in bodies.iter().enumerate() {
        let roll = rng.below(100);
        // 85 % submit (10 % of them late), of which 70 % are accepted and 5 % returned.
        if roll < 85 {
            let late = rng.below(10) == 0;
            let at = deadline
                + Duration::hours(if late {
                    24 * (1 + rng.below(10) as i64)
                } else {
                    -(rng.below(240) as i64)
                });
            let stage = match rng.below(100) {
                0..70 => Action::Accept,
                70..75 => Action::Return,
                _ => Action::Submit,
            };
            if report(db, h1, *body, &mut rng, stage, at).await? {
                summary.reports += 1;
            }
        }
        if rng.below(100) < 30 && report(db, h2, *body, &mut rng, Action::Save, now).await? {
            summary.reports += 1;
        }
        if i % 20 == 0 {
            progress("reports", i as u64, total);
        }
    }
    progress("reports", total, total);
    Ok(summary)
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

/// One focal point and one head per body (`focal-ID`, `head-ID`), a coordinator `coord` and a
/// leader `leader`, all sharing one password hash (hashing 7,000 passwords would take minutes).
async fn accounts(
    db: &Db,
    hash: &str,
    bodies: &[i64],
    progress: &mut impl FnMut(&str, u64, u64),
) -> anyhow::Result<usize> {
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
                db.create_user(&NewUser {
                    username: &username,
                    display_name: &username,
                    password_hash: hash,
                    role,
                    agency_id,
                    must_change_password: false,
                    email: None,
                })
                .await?;
                n += 1;
            }
            Ok(())
        };
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

/// Random but consistent values for every indicator of a form: totals and breakdowns that add up.
pub fn values(form: &ReportForm, rng: &mut Rng) -> Vec<ValueRow> {
    let mut out = Vec::new();
    for ind in &form.indicators {
        if !ind.required && rng.below(3) == 0 {
            continue;
        }
        let total = i64::try_from(rng.below(200)).unwrap_or(0);
        out.push(ValueRow {
            indicator_id: ind.id,
            dimension: String::new(),
            category: String::new(),
            value: total,
        });
        for d in ind.dims() {
            let cats = d.categories();
            let mut left = total;
            for (k, (code, _, _)) in cats.iter().enumerate() {
                let v = if k + 1 == cats.len() || !d.exhaustive() && k > 2 {
                    if d.exhaustive() { left } else { 0 }
                } else {
                    i64::try_from(rng.below(u64::try_from(left).unwrap_or(0) + 1)).unwrap_or(0)
                };
                if d == Dimension::VulnerableGroup {
                    let v = v.min(total);
                    out.push(ValueRow {
                        indicator_id: ind.id,
                        dimension: d.code().into(),
                        category: (*code).into(),
                        value: v,
                    });
                    continue;
                }
                left -= v;
                out.push(ValueRow {
                    indicator_id: ind.id,
                    dimension: d.code().into(),
                    category: (*code).into(),
                    value: v,
                });
            }
        }
    }
    out
}

/// Fill in one body's report and take it to `stage`; false when the body has nothing to report.
async fn report(
    db: &Db,
    round: i64,
    agency: i64,
    rng: &mut Rng,
    stage: Action,
    at: OffsetDateTime,
) -> anyhow::Result<bool> {
    let Some(form) = db.report_form(round, agency).await? else {
        return Ok(false);
    };
    if form.tasks.is_empty() || form.report.is_some() {
        return Ok(false);
    }
    let statuses = [
        TaskStatus::InProgress,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::NotStarted,
    ];
    let save = SaveReport {
        expected_version: 0,
        tasks: form
            .tasks
            .iter()
            .map(|t| TaskEntry {
                task_id: t.task_id,
                status: Some(*rng.pick(&statuses)),
                reason: String::new(),
                results: format!("Đã quán triệt, triển khai nhiệm vụ {} tới cán bộ, công chức và Nhân dân trên địa bàn.", t.reference),
            })
            .collect(),
        values: values(&form, rng),
        difficulties: if rng.below(4) == 0 { "Kinh phí và nhân lực cho công tác tuyên truyền ở vùng sâu, vùng xa còn hạn chế.".into() } else { String::new() },
        proposals: String::new(),
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
            "Đề nghị bổ sung số liệu phân tổ theo giới tính.",
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
            },
            at,
        )
        .await?;
        version += 1;
    }
    Ok(true)
}
