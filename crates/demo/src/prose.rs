//! What the bodies write: results per task composed from parts (the document the body issued, what
//! it did with its own figures, where the task stands), difficulties and proposals drawn from a
//! dozen themes each phrased several ways, so the demo reads like many offices wrote it.

use crate::Rng;
use crate::figures::{Figures, Profile};
use std::cell::Cell;
use theodoi_domain::report::TaskStatus;
use time::{Date, Duration};

/// What a task is about, read from its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Theme {
    Communication,
    Training,
    Review,
    LegalAid,
    Complaints,
    Inspection,
    Compensation,
    International,
    General,
}

impl Theme {
    pub fn of(title: &str) -> Self {
        let t = theodoi_text::fold(title);
        let has = |s: &str| t.contains(s);
        if has("tro giup phap ly") {
            Self::LegalAid
        } else if has("boi thuong") {
            Self::Compensation
        } else if has("khieu nai") || has("to cao") || has("tiep cong dan") {
            Self::Complaints
        } else if has("thanh tra") || has("kiem tra, giam sat") {
            Self::Inspection
        } else if has("quoc te") || has("bao cao quoc gia") {
            Self::International
        } else if has("truyen thong") || has("tuyen truyen") || has("pho bien") {
            Self::Communication
        } else if has("tap huan") || has("boi duong") || has("dao tao") || has("nang luc") {
            Self::Training
        } else if has("ra soat") || has("van ban") || has("hoan thien") {
            Self::Review
        } else {
            Self::General
        }
    }
}

/// A body's own plan to carry out the city's, as the coordinator records it in the cascade: the
/// texts quote exactly this number and date, or say the body has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPlan {
    /// "45/KH-STP".
    pub number: String,
    pub issued_on: Date,
}

impl OwnPlan {
    /// "Kế hoạch số 45/KH-STP ngày 02/02/2026".
    pub fn cite(&self) -> String {
        format!("Kế hoạch số {} ngày {}", self.number, day(self.issued_on))
    }
}

/// "02/02/2026".
pub fn day(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// The body writing, as its sentences need it.
pub struct Writer<'a> {
    pub name: &'a str,
    pub profile: Profile,
    /// Letters after the document type: "KH-STP", "KH-UBND".
    pub symbol: String,
    pub figures: &'a Figures,
    /// The body's own plan, when it has issued one.
    pub plan: Option<&'a OwnPlan>,
    /// The first and last day a document the body issued in this period may bear: after the
    /// city's plan (or the period's start) and before the report is sent.
    pub period: (Date, Date),
    /// How many tasks of the report have opened so far: the first tells how the body organised
    /// the work, later ones only who carries the task out.
    pub opened: Cell<u32>,
}

impl<'a> Writer<'a> {
    pub fn new(
        name: &'a str,
        profile: Profile,
        figures: &'a Figures,
        plan: Option<&'a OwnPlan>,
        period: (Date, Date),
    ) -> Self {
        Self {
            name,
            profile,
            symbol: symbol(name, profile),
            figures,
            plan,
            period,
            opened: Cell::new(0),
        }
    }

    /// How the body names itself: a commune writes as its people's committee ("UBND xã An
    /// Bình"), any other body by its name.
    pub fn subject(&self) -> String {
        if !self.profile.is_commune() {
            return self.name.to_string();
        }
        let mut chars = self.name.chars();
        match chars.next() {
            Some(c) => format!("UBND {}{}", c.to_lowercase(), chars.as_str()),
            None => "UBND".into(),
        }
    }

    /// "xã" or "phường".
    fn commune_kind(&self) -> &'static str {
        if self.name.starts_with("Phường") {
            "phường"
        } else {
            "xã"
        }
    }

    /// Writing about July to December.
    fn second_half(&self) -> bool {
        u8::from(self.period.0.month()) > 6
    }

    /// The Sở Tư pháp sends its results to the UBND, not to itself.
    fn is_justice(&self) -> bool {
        self.profile == Profile::Justice
    }
}

/// "Sở Tư pháp" → "STP", "Sở Giáo dục và Đào tạo" → "SGDĐT", "Văn phòng UBND" → "VPUBND": the
/// initials of the words (an abbreviation whole, Đ kept); a commune signs as its UBND.
pub fn symbol(name: &str, profile: Profile) -> String {
    if profile.is_commune() {
        return "UBND".into();
    }
    let mut letters = String::new();
    for word in name.split_whitespace() {
        let folded = theodoi_text::fold(word);
        if matches!(folded.as_str(), "va" | "cac" | "nha" | "nuoc") {
            continue;
        }
        let abbreviation = word.chars().count() > 1 && word.chars().all(|c| c.is_uppercase());
        if abbreviation {
            letters.push_str(word);
            continue;
        }
        match word.chars().next() {
            Some('Đ' | 'đ') => letters.push('Đ'),
            // As the office writes it: Sở Ngoại vụ is SNgV, apart from Sở Nội vụ's SNV.
            _ if folded == "ngoai" => letters.push_str("Ng"),
            _ => letters.extend(folded.chars().next().map(|c| c.to_ascii_uppercase())),
        }
    }
    if letters.is_empty() {
        "VP".into()
    } else {
        letters.chars().take(7).collect()
    }
}

fn n(v: i64) -> String {
    theodoi_domain::plausibility::number(v)
}

/// The number an office gives a document of `on`: its registers count from January, so later
/// documents of a kind bear higher numbers (`per_day` of the kind a day, roughly).
pub fn serial(rng: &mut Rng, on: Date, per_day: u64) -> u64 {
    u64::from(on.ordinal()) * per_day * 3 / 4 + 1 + rng.below(8)
}

/// A day in lo..=hi (lo when the range is empty).
fn day_in(rng: &mut Rng, lo: Date, hi: Date) -> Date {
    let span = u64::try_from((hi - lo).whole_days()).unwrap_or(0);
    lo + Duration::days(i64::try_from(rng.below(span + 1)).unwrap_or(0))
}

const TOPICS: &[&str] = &[
    "Luật Tiếp cận thông tin",
    "Luật Khiếu nại, Luật Tố cáo",
    "quyền tự do tín ngưỡng, tôn giáo",
    "phòng, chống bạo lực gia đình",
    "Luật Trợ giúp pháp lý",
    "Luật Bảo vệ dữ liệu cá nhân",
    "quyền được bảo đảm an toàn thân thể, danh dự, nhân phẩm",
    "Luật Thực hiện dân chủ ở cơ sở",
    "Bộ luật Tố tụng hình sự về quyền của người bị buộc tội",
    "quyền bầu cử, ứng cử",
];

/// Where a commune spreads the word.
const CHANNELS_COMMUNE: &[&str] = &[
    "lồng ghép vào sinh hoạt chi bộ, tổ dân phố, thôn",
    "qua hệ thống loa truyền thanh cơ sở",
    "qua trang thông tin điện tử và mạng xã hội Zalo của đơn vị",
    "bằng hình thức sân khấu hóa, thi tìm hiểu pháp luật",
    "tại các buổi tiếp công dân định kỳ",
    "qua tờ gấp, sổ tay hỏi đáp pháp luật phát tại bộ phận một cửa",
];

/// Where a department, a mass organisation or a judicial body spreads the word.
const CHANNELS_DEPT: &[&str] = &[
    "qua trang thông tin điện tử của đơn vị",
    "lồng ghép trong hội nghị cán bộ, công chức, viên chức và sinh hoạt chi bộ",
    "qua chuyên mục pháp luật trên báo, đài địa phương",
    "qua nhóm Zalo và bản tin nội bộ của cơ quan",
    "bằng hình thức thi tìm hiểu pháp luật trực tuyến",
];

/// Who attended a body's sessions: always people, counted in "lượt".
fn audiences(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Commune => &[
            "người dân trên địa bàn",
            "hội viên Hội Phụ nữ, Hội Nông dân",
            "người cao tuổi, người có uy tín trong đồng bào dân tộc thiểu số",
            "học sinh các trường trung học cơ sở",
            "người lao động tại các cơ sở sản xuất, kinh doanh",
        ],
        Profile::Mass => &[
            "đoàn viên, hội viên",
            "cán bộ, đoàn viên, hội viên cơ sở",
            "đoàn viên, hội viên và người dân",
        ],
        Profile::Police => &[
            "cán bộ, chiến sĩ",
            "cán bộ, chiến sĩ và người dân",
            "người dân tại các khu dân cư",
        ],
        Profile::Justice | Profile::LegalAid => &[
            "cán bộ, công chức, viên chức và người lao động",
            "người dân",
            "hòa giải viên, tuyên truyền viên pháp luật ở cơ sở",
        ],
        Profile::Bar => &["luật sư, người tập sự hành nghề luật sư", "người dân"],
        Profile::Inspectorate | Profile::Judicial | Profile::Department => &[
            "cán bộ, công chức, viên chức và người lao động",
            "người dân và đại diện doanh nghiệp",
            "người lao động tại các doanh nghiệp trong lĩnh vực quản lý",
        ],
    }
}

/// How the body organised the work. The first task of a report tells it: the body's own plan,
/// with the number and date the cascade records, or, without one, the tasks taken into its work
/// programme; later tasks say only who carries the task out.
fn opening(w: &Writer<'_>, rng: &mut Rng, lead: bool) -> String {
    let who = w.subject();
    let commune = w.profile.is_commune();
    let kind = w.commune_kind();
    // A mass organisation works through its boards, a department through its offices.
    let (unit, office) = match w.profile {
        Profile::Commune => ("công chức chuyên môn", "công chức chuyên môn"),
        Profile::Mass => ("ban, đơn vị", "ban chuyên môn"),
        _ => ("phòng, đơn vị", "phòng chuyên môn"),
    };
    let second_half = w.second_half();
    let told = w.opened.get();
    w.opened.set(told + 1);
    if told > 0 {
        // Taken in turn from where the body's name puts it, so one report does not repeat itself.
        let mut later: Vec<String> = if commune {
            vec![
                "Giao công chức Tư pháp - Hộ tịch chủ trì tham mưu thực hiện nhiệm vụ.".into(),
                "Giao công chức Văn hóa - Xã hội phối hợp với công chức Tư pháp - Hộ tịch tham mưu thực hiện nhiệm vụ.".into(),
                format!("UBND {kind} phân công lãnh đạo phụ trách, giao các thôn, tổ dân phố phối hợp thực hiện."),
            ]
        } else {
            vec![
                format!(
                    "Giao {office} chủ trì tham mưu, phối hợp với các {unit} liên quan thực hiện nhiệm vụ."
                ),
                if w.is_justice() {
                    "Nhiệm vụ được giao Phòng Xây dựng và theo dõi thi hành pháp luật theo dõi, đôn đốc thực hiện.".into()
                } else {
                    "Nhiệm vụ được phân công cho bộ phận pháp chế theo dõi, đôn đốc thực hiện."
                        .into()
                },
                "Đơn vị bố trí công chức theo dõi riêng nhiệm vụ này, định kỳ báo cáo lãnh đạo."
                    .into(),
            ]
        };
        if let Some(p) = w.plan {
            later.push(format!(
                "Nhiệm vụ được triển khai theo {} của {who}.",
                p.cite()
            ));
        }
        let at = (told as usize + w.name.chars().count()) % later.len();
        return later.swap_remove(at);
    }
    // A letter guiding the units, after the body's plan and within the period.
    let letter = |rng: &mut Rng| {
        let after = w
            .plan
            .map_or(w.period.0, |p| p.issued_on + Duration::days(1))
            .max(w.period.0);
        let on = day_in(rng, after, (after + Duration::days(45)).min(w.period.1));
        format!(
            "Công văn số {}/{}-VP ngày {}",
            serial(rng, on, 2),
            w.symbol,
            day(on)
        )
    };
    // A meeting of the period's first months; in the first half, no later than the body's plan
    // it led to.
    let month = {
        let first = u8::from(w.period.0.month());
        let mut last = u8::from(w.period.1.month()).min(first + 2);
        if let (Some(p), false) = (w.plan, second_half) {
            last = last.min(u8::from(p.issued_on.month()));
        }
        u64::from(first) + rng.below(u64::from(last.saturating_sub(first)) + 1)
    };
    let share_out = if lead {
        " và phân công đơn vị chủ trì từng nội dung"
    } else {
        ""
    };
    let choices: u64 = if commune { 4 } else { 5 };
    match (w.plan, rng.below(choices)) {
        (_, 3) if second_half => format!(
            "Tại cuộc họp giao ban tháng {month}/2026, {who} đã quán triệt, đôn đốc việc triển khai các nhiệm vụ còn lại của Kế hoạch."
        ),
        (Some(p), 0) => format!(
            "Thực hiện Kế hoạch số 14/KH-UBND ngày 09/01/2026 của UBND thành phố, {who} đã ban hành {} để triển khai{share_out}.",
            p.cite()
        ),
        (Some(p), 1) => format!(
            "{who} đã ban hành {} triển khai nhiệm vụ, giao trách nhiệm cụ thể cho từng {unit}.",
            p.cite()
        ),
        (Some(p), 2) if commune => format!(
            "UBND {kind} giao công chức Tư pháp - Hộ tịch chủ trì, phối hợp với Công an {kind} và các đoàn thể triển khai nhiệm vụ theo {}.",
            p.cite()
        ),
        (Some(p), 2) => format!(
            "{who} đã ban hành {} hướng dẫn các {unit} trực thuộc triển khai {}.",
            letter(rng),
            p.cite()
        ),
        (Some(p), 3) => format!(
            "{who} đã quán triệt nội dung Kế hoạch của UBND thành phố tại cuộc họp giao ban tháng {month}/2026 và triển khai theo {}.",
            p.cite()
        ),
        (Some(p), _) => format!(
            "Nhiệm vụ được cụ thể hóa tại {} của {who}, lồng ghép với Kế hoạch công tác pháp chế năm 2026.",
            p.cite()
        ),
        (None, 0) => format!(
            "Thực hiện Kế hoạch số 14/KH-UBND ngày 09/01/2026 của UBND thành phố, {who} chưa ban hành kế hoạch riêng mà đưa các nhiệm vụ vào chương trình công tác năm 2026{share_out}."
        ),
        (None, 1) => format!(
            "{who} đã đưa các nhiệm vụ của Kế hoạch vào chương trình công tác năm 2026, giao trách nhiệm cụ thể cho từng {unit}."
        ),
        (None, 2) if commune => format!(
            "UBND {kind} giao công chức Tư pháp - Hộ tịch chủ trì, phối hợp với Công an {kind} và các đoàn thể triển khai nhiệm vụ, lồng ghép trong chương trình công tác năm 2026."
        ),
        (None, 2) => format!(
            "{who} đã ban hành {} hướng dẫn các {unit} trực thuộc triển khai nhiệm vụ.",
            letter(rng)
        ),
        (None, 3) => format!(
            "Ngay sau khi nhận được Kế hoạch của UBND thành phố, {who} đã quán triệt nội dung tại cuộc họp giao ban tháng {month}/2026 và đưa nhiệm vụ vào chương trình công tác năm."
        ),
        (None, _) => {
            format!("Nhiệm vụ được lồng ghép trong Kế hoạch công tác pháp chế năm 2026 của {who}.")
        }
    }
}

/// What the body did on a task of this theme, with its own figures.
fn action(w: &Writer<'_>, theme: Theme, status: TaskStatus, rng: &mut Rng, first: bool) -> String {
    let f = w.figures;
    let topic = *rng.pick(TOPICS);
    match theme {
        Theme::Communication => {
            let sessions = f.get("TT_BUOI").unwrap_or(0);
            let people = f.get("TT_NGUOI").unwrap_or(0);
            let audience = *rng.pick(audiences(w.profile));
            if first && sessions > 0 {
                let mut s = format!(
                    "Trong kỳ, đã tổ chức {} hội nghị, buổi tuyên truyền với {} lượt {audience} tham dự, tập trung vào {topic}",
                    n(sessions),
                    n(people)
                );
                match f.get("TT_BUOI_DTTS") {
                    Some(d) if d > 0 => s.push_str(&format!(
                        "; trong đó {} buổi tại địa bàn vùng đồng bào dân tộc thiểu số với {} người dân tộc thiểu số tham dự.",
                        n(d),
                        n(f.get("TT_NGUOI_DTTS").unwrap_or(0))
                    )),
                    _ => s.push('.'),
                }
                s
            } else {
                format!(
                    "Tuyên truyền {} {}, với {} tin, bài về {topic}.",
                    "nội dung Công ước",
                    rng.pick(if w.profile.is_commune() {
                        CHANNELS_COMMUNE
                    } else {
                        CHANNELS_DEPT
                    }),
                    n(3 + i64::try_from(rng.below(40)).unwrap_or(0))
                )
            }
        }
        Theme::Training => {
            let classes = f.get("TH_LOP").unwrap_or(0);
            let trainees = f.get("TH_CAN_BO").unwrap_or(0);
            if first && classes > 0 {
                format!(
                    "Tổ chức {} lớp tập huấn, bồi dưỡng cho {} lượt cán bộ, công chức về {topic} và kỹ năng áp dụng Công ước trong thực thi công vụ.",
                    n(classes),
                    n(trainees)
                )
            } else {
                format!(
                    "Cử {} lượt cán bộ tham dự hội nghị tập huấn do {} tổ chức về {topic}.",
                    n(2 + i64::try_from(rng.below(12)).unwrap_or(0)),
                    if w.is_justice() {
                        "Bộ Tư pháp"
                    } else {
                        "Bộ Tư pháp, Sở Tư pháp"
                    }
                )
            }
        }
        Theme::Review => {
            let k = if w.profile.is_commune() { 2 + rng.below(8) } else { 8 + rng.below(30) };
            let k = i64::try_from(k).unwrap_or(0);
            match rng.below(3) {
                0 => format!(
                    "Rà soát {} văn bản quy phạm pháp luật, văn bản hành chính thuộc lĩnh vực quản lý; chưa phát hiện nội dung trái với các quyền dân sự, chính trị.",
                    n(k)
                ),
                1 => format!(
                    "Qua rà soát {} văn bản, đã kiến nghị sửa đổi, bổ sung {} văn bản cho phù hợp với Công ước.",
                    n(k),
                    n(1 + k / 10)
                ),
                _ => format!(
                    "Hoàn thành rà soát {} văn bản liên quan đến quyền dân sự, chính trị và {}.",
                    n(k),
                    if w.is_justice() {
                        "tổng hợp kết quả rà soát của các cơ quan, địa phương, báo cáo UBND thành phố"
                    } else {
                        "gửi kết quả về Sở Tư pháp tổng hợp"
                    }
                ),
            }
        }
        Theme::LegalAid => match f.get("TGPL_VU_VIEC") {
            Some(c) if c > 0 && !w.profile.is_commune() => format!(
                "Thực hiện {} vụ việc trợ giúp pháp lý cho {} người, trong đó {} vụ việc tham gia tố tụng; đội ngũ {} người thực hiện trợ giúp pháp lý.",
                n(c),
                n(f.get("TGPL_NGUOI").unwrap_or(c)),
                n(c / 3),
                n(f.get("TGPL_CAN_BO").unwrap_or(0))
            ),
            Some(c) if c > 0 => format!(
                "Giới thiệu {} người thuộc diện được trợ giúp pháp lý đến Trung tâm Trợ giúp pháp lý nhà nước; niêm yết danh sách người thực hiện trợ giúp pháp lý tại trụ sở.",
                n(c)
            ),
            _ if w.is_justice() => format!(
                "Chỉ đạo Trung tâm Trợ giúp pháp lý nhà nước rà soát, kiện toàn đội ngũ trợ giúp viên pháp lý; lựa chọn, ký hợp đồng thực hiện trợ giúp pháp lý với {} luật sư.",
                n(2 + i64::try_from(rng.below(9)).unwrap_or(0))
            ),
            _ => "Niêm yết thông tin về trợ giúp pháp lý tại trụ sở và phối hợp với Trung tâm Trợ giúp pháp lý nhà nước khi có yêu cầu.".into(),
        },
        Theme::Complaints => {
            // A figure of 0 is left unsaid: an officer writes "không phát sinh", not "0 đơn".
            let got = |code: &str| f.get(code).unwrap_or(0);
            let (complaints, denunciations) = (got("KN_NHAN"), got("TC_NHAN"));
            let (carried, resolved, visits) = (got("KN_KY_TRUOC"), got("KN_GIAI_QUYET"), got("TCD_LUOT"));
            let mut received = Vec::new();
            if complaints > 0 {
                received.push(format!("{} đơn khiếu nại", n(complaints)));
            }
            if denunciations > 0 {
                received.push(format!("{} đơn tố cáo", n(denunciations)));
            }
            let none = "trong kỳ không phát sinh đơn khiếu nại, tố cáo liên quan đến quyền dân sự, chính trị thuộc thẩm quyền";
            match (visits > 0, received.is_empty()) {
                (false, true) => format!("Duy trì lịch tiếp công dân định kỳ; {none}."),
                (true, true) => format!("Tiếp {} lượt công dân; {none}.", n(visits)),
                (_, false) => {
                    let visits = if visits > 0 {
                        format!("Tiếp {} lượt công dân; tiếp nhận", n(visits))
                    } else {
                        "Tiếp nhận".into()
                    };
                    let all = complaints + carried;
                    let carried = if carried > 0 {
                        format!(" (kể cả {} đơn kỳ trước chuyển sang)", n(carried))
                    } else {
                        String::new()
                    };
                    let outcome = match (all > 0, resolved > 0) {
                        (true, true) => format!(
                            "; đã giải quyết {} vụ việc khiếu nại, đạt {}%{carried}",
                            n(resolved),
                            resolved * 100 / all
                        ),
                        (true, false) => "; các vụ việc đang được xem xét, giải quyết theo quy định".into(),
                        (false, _) => String::new(),
                    };
                    format!("{visits} {}{outcome}.", received.join(", "))
                }
            }
        }
        Theme::Inspection => match f.get("TTR_CUOC") {
            Some(c) if c > 0 => format!(
                "Tiến hành {} cuộc thanh tra, kiểm tra việc thực hiện thủ tục hành chính liên quan đến quyền dân sự, chính trị; {}.",
                n(c),
                match f.get("TTR_KIEN_NGHI").filter(|k| *k > 0) {
                    Some(k) => format!("kiến nghị xử lý {} nội dung", n(k)),
                    None => "chưa phát hiện sai phạm phải kiến nghị xử lý".into(),
                }
            ),
            // A task done without inspections of its own was done through the internal checks.
            _ if matches!(status, TaskStatus::Done | TaskStatus::DoneLate) => "Lồng ghép nội dung vào đợt kiểm tra nội bộ của đơn vị; qua kiểm tra, chưa phát hiện vi phạm trong thực hiện thủ tục hành chính liên quan đến quyền dân sự, chính trị.".into(),
            _ if w.second_half() => "Đã lồng ghép nội dung vào kế hoạch kiểm tra nội bộ năm 2026; các cuộc kiểm tra được bố trí trong quý IV/2026.".into(),
            _ => "Đã lồng ghép nội dung vào kế hoạch kiểm tra nội bộ năm 2026; các cuộc kiểm tra được bố trí trong 6 tháng cuối năm.".into(),
        },
        Theme::Compensation => match (f.get("BT_THU_LY"), f.get("BT_GIAI_QUYET")) {
            (Some(t), Some(g)) if t > 0 && g > 0 => format!(
                "Thụ lý {} vụ việc yêu cầu bồi thường nhà nước, đã giải quyết {} vụ việc với số tiền bồi thường {} triệu đồng.",
                n(t),
                n(g),
                n(f.get("BT_SO_TIEN").unwrap_or(0))
            ),
            (Some(t), _) if t > 0 => format!(
                "Thụ lý {} vụ việc yêu cầu bồi thường nhà nước; các vụ việc đang được xác minh, thương lượng theo quy định.",
                n(t)
            ),
            _ => "Trong kỳ không phát sinh yêu cầu bồi thường nhà nước; đơn vị tiếp tục phổ biến Luật Trách nhiệm bồi thường của Nhà nước.".into(),
        },
        Theme::International => match rng.below(3) {
            0 if w.is_justice() => "Tổng hợp thông tin, số liệu của các cơ quan, địa phương phục vụ xây dựng Báo cáo quốc gia thực hiện Công ước ICCPR theo đề nghị của Bộ Tư pháp.".into(),
            0 => "Cung cấp thông tin, số liệu phục vụ xây dựng Báo cáo quốc gia thực hiện Công ước ICCPR theo đề nghị của Sở Tư pháp.".into(),
            1 => "Phối hợp đón tiếp, làm việc với đoàn công tác của tổ chức quốc tế về bảo đảm quyền con người khi có yêu cầu.".into(),
            _ => "Theo dõi, tổng hợp khuyến nghị của Ủy ban Nhân quyền liên quan đến lĩnh vực quản lý để đề xuất giải pháp thực hiện.".into(),
        },
        Theme::General => match rng.below(3) {
            0 => format!(
                "Lồng ghép nội dung nhiệm vụ vào chương trình công tác năm 2026, gắn với {topic}."
            ),
            1 if w.is_justice() => "Phân công lãnh đạo phụ trách, theo dõi, đôn đốc việc thực hiện; định kỳ tổng hợp, báo cáo UBND thành phố.".into(),
            1 => "Phân công lãnh đạo phụ trách, theo dõi, đôn đốc việc thực hiện; định kỳ báo cáo kết quả về Sở Tư pháp.".into(),
            _ => format!(
                "Triển khai {} cuộc họp, làm việc với các đơn vị liên quan để thống nhất cách thức thực hiện.",
                n(1 + i64::try_from(rng.below(4)).unwrap_or(0))
            ),
        },
    }
}

/// Where the task stands, in the body's words.
fn closing(w: &Writer<'_>, status: TaskStatus, rng: &mut Rng) -> String {
    match status {
        TaskStatus::Done | TaskStatus::DoneLate => match rng.below(3) {
            0 => "Nhiệm vụ đã hoàn thành trong kỳ.".into(),
            1 => {
                // A report of the body's own, sent before this one and within the period.
                let last = w.period.1;
                let on = day_in(rng, (last - Duration::days(75)).max(w.period.0), last);
                format!(
                    "Kết quả đã được báo cáo tại Báo cáo số {}/BC-{} ngày {}.",
                    serial(rng, on, 1),
                    w.symbol,
                    day(on)
                )
            }
            _ => "Đã hoàn thành; đơn vị tiếp tục duy trì các hoạt động thường xuyên.".into(),
        },
        TaskStatus::InProgress => match rng.below(4) {
            0 => "Nhiệm vụ đang tiếp tục triển khai theo lộ trình của Kế hoạch.".into(),
            1 if w.second_half() => "Dự kiến hoàn thành trong quý IV/2026.".into(),
            1 => "Dự kiến hoàn thành trong quý III/2026.".into(),
            2 if w.second_half() => {
                "Thời gian tới, đơn vị tiếp tục triển khai và báo cáo kết quả theo quy định.".into()
            }
            2 => "6 tháng cuối năm, đơn vị tiếp tục triển khai và báo cáo kết quả theo quy định."
                .into(),
            _ => String::new(),
        },
        TaskStatus::NotStarted | TaskStatus::NotDone => String::new(),
    }
}

/// Why a task has not started.
pub const NOT_STARTED_REASONS: &[&str] = &[
    "Đang chờ hướng dẫn chuyên môn của Bộ Tư pháp",
    "Nhiệm vụ có lộ trình thực hiện từ năm 2027",
    "Chưa được bố trí kinh phí trong dự toán năm 2026",
    "Đơn vị mới được kiện toàn sau sắp xếp tổ chức bộ máy",
    "Lồng ghép thực hiện trong 6 tháng cuối năm",
];

/// Why a task has not started, as the period allows.
pub fn not_started_reason(w: &Writer<'_>, rng: &mut Rng) -> String {
    let reason = *rng.pick(NOT_STARTED_REASONS);
    if w.second_half() && reason.ends_with("6 tháng cuối năm") {
        "Lồng ghép thực hiện trong quý IV/2026".into()
    } else {
        reason.into()
    }
}

/// The results a body writes on one task: lead bodies write more than coordinating ones.
pub fn results(
    w: &Writer<'_>,
    title: &str,
    lead: bool,
    status: TaskStatus,
    first_of_theme: bool,
    rng: &mut Rng,
) -> String {
    if matches!(status, TaskStatus::NotStarted | TaskStatus::NotDone) {
        return "Chưa triển khai trong kỳ báo cáo.".into();
    }
    let theme = Theme::of(title);
    let mut parts = Vec::new();
    if lead || rng.below(3) == 0 {
        parts.push(opening(w, rng, lead));
    }
    parts.push(action(w, theme, status, rng, first_of_theme));
    if lead && rng.below(2) == 0 {
        parts.push(action(w, Theme::General, status, rng, false));
    }
    let end = closing(w, status, rng);
    if !end.is_empty() {
        parts.push(end);
    }
    parts.join(" ")
}

/// A dozen difficulties, each phrased several ways; the weights say which kinds of body raise it.
const DIFFICULTIES: &[(&[&str], u64, u64)] = &[
    (
        &[
            "Kinh phí cho công tác tuyên truyền ở vùng sâu, vùng xa, vùng đồng bào dân tộc thiểu số còn hạn chế.",
            "Kinh phí bố trí cho hoạt động truyền thông về quyền dân sự, chính trị chưa đáp ứng yêu cầu, nhất là ở địa bàn khó khăn.",
            "Nguồn kinh phí thực hiện Kế hoạch chưa được bố trí riêng, phải lồng ghép với kinh phí phổ biến, giáo dục pháp luật.",
        ],
        3,
        1,
    ),
    (
        &[
            "Công chức làm công tác tư pháp phải kiêm nhiệm nhiều việc, thiếu thời gian đầu tư cho nhiệm vụ.",
            "Đội ngũ cán bộ thực hiện nhiệm vụ còn mỏng, chủ yếu kiêm nhiệm.",
            "Số lượng công chức chuyên môn ít trong khi khối lượng công việc sau sắp xếp tăng nhiều.",
        ],
        3,
        1,
    ),
    (
        &[
            "Sau sắp xếp đơn vị hành chính, việc bàn giao hồ sơ, số liệu còn chậm nên việc thống kê chưa đầy đủ.",
            "Tổ chức bộ máy mới được kiện toàn, một số nhiệm vụ chưa được phân công rõ đầu mối.",
        ],
        2,
        2,
    ),
    (
        &[
            "Chưa có hướng dẫn cụ thể của bộ, ngành trung ương về một số nội dung của Kế hoạch.",
            "Một số nhiệm vụ có nội dung rộng, chưa có hướng dẫn chuyên môn nên khó xác định kết quả đầu ra.",
            "Các văn bản hướng dẫn về chỉ tiêu thống kê quyền dân sự, chính trị chưa được ban hành.",
        ],
        1,
        3,
    ),
    (
        &[
            "Nhận thức của một bộ phận người dân về quyền và nghĩa vụ công dân còn hạn chế.",
            "Một bộ phận Nhân dân, nhất là người cao tuổi, chưa quan tâm tìm hiểu pháp luật.",
            "Rào cản ngôn ngữ khiến việc tuyên truyền cho đồng bào dân tộc thiểu số chưa đạt hiệu quả cao.",
        ],
        3,
        0,
    ),
    (
        &[
            "Nội dung Công ước mang tính chuyên sâu, tài liệu tuyên truyền phù hợp với từng đối tượng còn thiếu.",
            "Thiếu tài liệu hỏi đáp, tờ gấp về quyền dân sự, chính trị bằng tiếng dân tộc thiểu số.",
        ],
        2,
        2,
    ),
    (
        &[
            "Việc thống kê số liệu phân tổ theo giới tính, dân tộc còn khó khăn do chưa có phần mềm hỗ trợ.",
            "Số liệu phân tổ theo nhóm yếu thế chưa được theo dõi thường xuyên nên khó tổng hợp.",
        ],
        1,
        2,
    ),
    (
        &[
            "Một số vụ việc khiếu nại liên quan đến đất đai phức tạp, kéo dài, khó giải quyết dứt điểm.",
            "Đơn thư khiếu nại, tố cáo vượt cấp, trùng lặp còn nhiều, mất nhiều thời gian phân loại.",
        ],
        2,
        1,
    ),
    (
        &[
            "Số lượng trợ giúp viên pháp lý còn ít so với nhu cầu; luật sư tham gia trợ giúp pháp lý chưa nhiều.",
            "Thù lao cho người thực hiện trợ giúp pháp lý còn thấp, chưa khuyến khích luật sư tham gia.",
        ],
        0,
        1,
    ),
    (
        &[
            "Sự phối hợp giữa các cơ quan, đơn vị trong cung cấp thông tin, số liệu có lúc chưa kịp thời.",
            "Việc chia sẻ thông tin giữa các cơ quan phối hợp còn chậm, ảnh hưởng đến tiến độ tổng hợp.",
        ],
        1,
        3,
    ),
    (
        &[
            "Thời điểm báo cáo trùng với nhiều báo cáo định kỳ khác nên việc tổng hợp gặp áp lực về thời gian.",
            "Đơn vị phải thực hiện nhiều chế độ báo cáo trong cùng thời điểm, số liệu có nội dung trùng lặp.",
        ],
        2,
        2,
    ),
    (
        &[
            "Hệ thống loa truyền thanh cơ sở xuống cấp, nhiều cụm loa hỏng chưa được thay thế.",
            "Cơ sở vật chất phục vụ hội nghị, tuyên truyền ở thôn, tổ dân phố còn thiếu.",
        ],
        3,
        0,
    ),
];

/// A dozen proposals, each phrased several ways: (phrasings, weight for communes, for departments).
const PROPOSALS: &[(&[&str], u64, u64)] = &[
    (
        &[
            "Đề nghị UBND thành phố quan tâm bố trí kinh phí riêng để thực hiện Kế hoạch.",
            "Đề nghị UBND thành phố bổ sung kinh phí cho công tác tuyên truyền ở vùng đồng bào dân tộc thiểu số.",
        ],
        3,
        1,
    ),
    (
        &[
            "Đề nghị Sở Tư pháp biên soạn, cung cấp tài liệu tuyên truyền về Công ước phù hợp với từng đối tượng.",
            "Đề nghị Sở Tư pháp phát hành tờ gấp, sổ tay hỏi đáp về quyền dân sự, chính trị để cấp phát cho cơ sở.",
        ],
        3,
        1,
    ),
    (
        &[
            "Đề nghị Sở Tư pháp tổ chức tập huấn chuyên sâu về Công ước cho công chức làm công tác tư pháp.",
            "Đề nghị Sở Tư pháp mở lớp bồi dưỡng kỹ năng tuyên truyền về quyền con người cho báo cáo viên, tuyên truyền viên.",
        ],
        3,
        1,
    ),
    (
        &[
            "Kiến nghị Bộ Tư pháp sớm ban hành hướng dẫn về bộ chỉ tiêu thống kê thực hiện Công ước.",
            "Kiến nghị Bộ Tư pháp hướng dẫn thống nhất mẫu đề cương, biểu số liệu báo cáo.",
        ],
        1,
        3,
    ),
    (
        &[
            "Đề nghị Sở Tài chính tham mưu bố trí kinh phí thực hiện Kế hoạch trong dự toán năm 2027.",
        ],
        1,
        2,
    ),
    (
        &[
            "Đề nghị Sở Nội vụ quan tâm bổ sung biên chế công chức tư pháp cho các xã có địa bàn rộng.",
            "Đề nghị bố trí đủ công chức chuyên trách công tác tư pháp ở cấp xã sau sắp xếp.",
        ],
        2,
        0,
    ),
    (
        &[
            "Đề nghị Sở Dân tộc và Tôn giáo phối hợp dịch tài liệu tuyên truyền sang tiếng dân tộc thiểu số.",
        ],
        2,
        1,
    ),
    (
        &[
            "Đề nghị Đài Phát thanh và Truyền hình thành phố tăng thời lượng chuyên mục pháp luật về quyền dân sự, chính trị.",
        ],
        1,
        1,
    ),
    (
        &[
            "Đề nghị xây dựng phần mềm thống kê, báo cáo dùng chung để giảm số liệu trùng lặp.",
            "Đề nghị tích hợp việc báo cáo kết quả thực hiện Kế hoạch vào hệ thống báo cáo của thành phố.",
        ],
        1,
        2,
    ),
    (
        &[
            "Đề nghị tổ chức hội nghị sơ kết, trao đổi kinh nghiệm giữa các địa phương trong thực hiện Kế hoạch.",
        ],
        2,
        2,
    ),
    (
        &["Đề nghị UBND thành phố chỉ đạo đầu tư nâng cấp hệ thống loa truyền thanh cơ sở."],
        2,
        0,
    ),
    (
        &[
            "Đề nghị có hình thức khen thưởng kịp thời các tập thể, cá nhân có thành tích trong thực hiện Kế hoạch.",
        ],
        1,
        1,
    ),
];

/// Bodies a proposal may be addressed to: a body does not address a proposal to itself.
const ADDRESSEES: &[&str] = &[
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Dân tộc và Tôn giáo",
    "Đài Phát thanh và Truyền hình",
];

fn draw(
    themes: &[(&[&str], u64, u64)],
    writer: &str,
    commune: bool,
    count: usize,
    rng: &mut Rng,
) -> String {
    let own = |t: &(&[&str], u64, u64)| {
        ADDRESSEES
            .iter()
            .any(|a| writer.starts_with(a) && t.0.iter().any(|p| p.contains(a)))
    };
    let weight = |t: &(&[&str], u64, u64)| match (own(t), commune) {
        (true, _) => 0,
        (false, true) => t.1,
        (false, false) => t.2,
    };
    let total: u64 = themes.iter().map(weight).sum();
    let mut chosen: Vec<usize> = Vec::new();
    for _ in 0..count * 4 {
        if chosen.len() == count {
            break;
        }
        let mut roll = rng.below(total);
        for (i, t) in themes.iter().enumerate() {
            let w = weight(t);
            if roll < w {
                if !chosen.contains(&i) {
                    chosen.push(i);
                }
                break;
            }
            roll -= w;
        }
    }
    chosen.sort_unstable();
    chosen
        .iter()
        .map(|i| *rng.pick(themes[*i].0))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Difficulties: most bodies name one or two; some none.
pub fn difficulties(w: &Writer<'_>, rng: &mut Rng) -> String {
    let commune = w.profile.is_commune();
    match rng.below(10) {
        0..3 => String::new(),
        3..8 => draw(DIFFICULTIES, w.name, commune, 1, rng),
        _ => draw(DIFFICULTIES, w.name, commune, 2, rng),
    }
}

/// Proposals: fewer bodies make them than name difficulties, and none to itself.
pub fn proposals(w: &Writer<'_>, rng: &mut Rng) -> String {
    let commune = w.profile.is_commune();
    match rng.below(10) {
        0..5 => String::new(),
        5..9 => draw(PROPOSALS, w.name, commune, 1, rng),
        _ => draw(PROPOSALS, w.name, commune, 2, rng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_from_titles() {
        assert_eq!(
            Theme::of("Đẩy mạnh công tác truyền thông, giáo dục, vận động xã hội"),
            Theme::Communication
        );
        assert_eq!(
            Theme::of("Giải quyết các vụ việc bồi thường đúng quy định pháp luật"),
            Theme::Compensation
        );
        assert_eq!(
            Theme::of("Nâng cao hiệu quả tiếp nhận khiếu nại, tố cáo"),
            Theme::Complaints
        );
        assert_eq!(
            Theme::of("Tăng số lượng và nâng cao năng lực cho người thực hiện trợ giúp pháp lý"),
            Theme::LegalAid
        );
    }

    #[test]
    fn symbols() {
        assert_eq!(symbol("Sở Tư pháp", Profile::Justice), "STP");
        assert_eq!(symbol("Xã Bình Hưng", Profile::Commune), "UBND");
        assert_eq!(
            symbol("Sở Nông nghiệp và Môi trường", Profile::Department),
            "SNNMT"
        );
        assert_eq!(
            symbol("Sở Giáo dục và Đào tạo", Profile::Department),
            "SGDĐT"
        );
        assert_eq!(symbol("Văn phòng UBND", Profile::Department), "VPUBND");
        assert_eq!(symbol("Sở Ngoại vụ", Profile::Department), "SNgV");
        assert_eq!(symbol("Sở Nội vụ", Profile::Department), "SNV");
        assert_eq!(
            symbol("Ban Quản lý các khu công nghiệp", Profile::Department),
            "BQLKCN"
        );
    }

    /// A body with its own plan quotes it, number and date, on the first task it reports and
    /// says it issued it no more than once; a body without one never says it issued a plan.
    #[test]
    fn own_plan_quoted_as_recorded() {
        let f = crate::figures::generate(
            Profile::Department,
            crate::figures::Population { minority: 0.1 },
            &mut Rng::new(1),
        );
        let plan = OwnPlan {
            number: "21/KH-STC".into(),
            issued_on: time::macros::date!(2026 - 02 - 03),
        };
        let period = (
            time::macros::date!(2026 - 01 - 10),
            time::macros::date!(2026 - 06 - 10),
        );
        for seed in 0..200 {
            let mut rng = Rng::new(seed);
            for own in [Some(&plan), None] {
                let w = Writer::new("Sở Tài chính", Profile::Department, &f, own, period);
                let texts: Vec<String> = (0..4)
                    .map(|_| {
                        results(
                            &w,
                            "Nghiên cứu hoàn thiện văn bản quy phạm pháp luật",
                            true,
                            TaskStatus::Done,
                            true,
                            &mut rng,
                        )
                    })
                    .collect();
                let all = texts.join(" ");
                let issued = all.matches("đã ban hành Kế hoạch").count();
                for (i, _) in all.match_indices("Kế hoạch số ") {
                    let quoted = &all[i..];
                    assert!(
                        quoted.starts_with("Kế hoạch số 14/KH-UBND ngày 09/01/2026")
                            || (own.is_some()
                                && quoted.starts_with("Kế hoạch số 21/KH-STC ngày 03/02/2026")),
                        "{all}"
                    );
                }
                assert!(issued <= 1, "{all}");
                assert!(own.is_some() || issued == 0, "{all}");
            }
        }
    }

    /// Many bodies writing on the same task give many different texts.
    #[test]
    fn texts_vary() {
        let f = crate::figures::generate(
            Profile::Commune,
            crate::figures::Population { minority: 0.1 },
            &mut Rng::new(1),
        );
        let mut seen = std::collections::HashSet::new();
        for seed in 0..100 {
            let mut rng = Rng::new(seed);
            let w = Writer::new(
                "Xã Bình Hưng",
                Profile::Commune,
                &f,
                None,
                (
                    time::macros::date!(2026 - 01 - 10),
                    time::macros::date!(2026 - 06 - 10),
                ),
            );
            seen.insert(results(
                &w,
                "Đẩy mạnh công tác truyền thông",
                false,
                TaskStatus::InProgress,
                false,
                &mut rng,
            ));
        }
        assert!(seen.len() > 60, "{} distinct texts of 100", seen.len());
    }
}
