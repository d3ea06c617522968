//! What the bodies write: results per task composed from parts (the document the body issued, what
//! it did with its own figures, where the task stands), difficulties and proposals drawn from a
//! dozen themes each phrased several ways, so the demo reads like many offices wrote it.

use crate::Rng;
use crate::figures::{Figures, Profile};
use theodoi_domain::report::TaskStatus;

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

/// The body writing, as its sentences need it.
pub struct Writer<'a> {
    pub name: &'a str,
    pub profile: Profile,
    /// Letters after the document type: "KH-STP", "KH-UBND".
    pub symbol: String,
    pub figures: &'a Figures,
}

/// "Sở Tư pháp" → "STP"; a commune signs as its UBND.
pub fn symbol(name: &str, profile: Profile) -> String {
    if profile.is_commune() {
        return "UBND".into();
    }
    let folded = theodoi_text::fold(name);
    let letters: String = folded
        .split_whitespace()
        .filter(|w| !matches!(*w, "va" | "cac" | "nha" | "nuoc"))
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if letters.is_empty() {
        "VP".into()
    } else {
        letters.chars().take(5).collect()
    }
}

fn n(v: i64) -> String {
    theodoi_domain::plausibility::number(v)
}

fn date(rng: &mut Rng, months: (u64, u64)) -> String {
    let m = months.0 + rng.below(months.1 - months.0 + 1);
    let d = 1 + rng.below(if m == 2 { 28 } else { 30 });
    format!("{d:02}/{m:02}/2026")
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

const CHANNELS: &[&str] = &[
    "lồng ghép vào sinh hoạt chi bộ, tổ dân phố, thôn",
    "qua hệ thống loa truyền thanh cơ sở",
    "qua trang thông tin điện tử và mạng xã hội Zalo của đơn vị",
    "bằng hình thức sân khấu hóa, thi tìm hiểu pháp luật",
    "tại các buổi tiếp công dân định kỳ",
    "qua tờ gấp, sổ tay hỏi đáp pháp luật phát tại bộ phận một cửa",
];

const AUDIENCES_COMMUNE: &[&str] = &[
    "Nhân dân trên địa bàn",
    "hội viên Hội Phụ nữ, Hội Nông dân",
    "người cao tuổi, người có uy tín trong đồng bào dân tộc thiểu số",
    "học sinh các trường trung học cơ sở",
    "người lao động tại các cơ sở sản xuất, kinh doanh",
];

const AUDIENCES_DEPT: &[&str] = &[
    "cán bộ, công chức, viên chức và người lao động",
    "đoàn viên, hội viên",
    "các đơn vị trực thuộc",
    "doanh nghiệp và người lao động trong lĩnh vực quản lý",
];

/// The opening: the document the body issued or the way it organised the task.
fn opening(w: &Writer<'_>, rng: &mut Rng, lead: bool) -> String {
    let num = 10 + rng.below(240);
    let at = date(rng, (1, 3));
    let choices: u64 = if w.profile.is_commune() { 4 } else { 5 };
    match rng.below(choices) {
        0 => format!(
            "Thực hiện Kế hoạch số 14/KH-UBND ngày 09/01/2026 của UBND thành phố, {} đã ban hành Kế hoạch số {num}/KH-{} ngày {at} để triển khai{}.",
            w.name,
            w.symbol,
            if lead {
                " và phân công đơn vị chủ trì từng nội dung"
            } else {
                ""
            }
        ),
        1 => format!(
            "{} đã ban hành Kế hoạch số {num}/KH-{} ngày {at} triển khai nhiệm vụ, giao trách nhiệm cụ thể cho từng {}.",
            w.name,
            w.symbol,
            if w.profile.is_commune() {
                "công chức chuyên môn"
            } else {
                "phòng, đơn vị"
            }
        ),
        2 if w.profile.is_commune() => format!(
            "UBND xã giao công chức Tư pháp - Hộ tịch chủ trì, phối hợp với Công an xã và các đoàn thể triển khai nhiệm vụ theo Kế hoạch số {num}/KH-UBND ngày {at}."
        ),
        2 => format!(
            "{} đã ban hành Công văn số {num}/{}-VP ngày {at} hướng dẫn các đơn vị trực thuộc triển khai nhiệm vụ.",
            w.name, w.symbol
        ),
        3 => format!(
            "Ngay sau khi nhận được Kế hoạch của UBND thành phố, {} đã quán triệt nội dung tại cuộc họp giao ban tháng {}/2026 và đưa nhiệm vụ vào chương trình công tác năm.",
            w.name,
            1 + rng.below(3)
        ),
        _ => format!(
            "Nhiệm vụ được lồng ghép trong Kế hoạch công tác pháp chế năm 2026 của {} (Kế hoạch số {num}/KH-{} ngày {at}).",
            w.name, w.symbol
        ),
    }
}

/// What the body did on a task of this theme, with its own figures.
fn action(w: &Writer<'_>, theme: Theme, rng: &mut Rng, first: bool) -> String {
    let f = w.figures;
    let topic = *rng.pick(TOPICS);
    match theme {
        Theme::Communication => {
            let sessions = f.get("TT_BUOI").unwrap_or(0);
            let people = f.get("TT_NGUOI").unwrap_or(0);
            let audience = if w.profile.is_commune() {
                *rng.pick(AUDIENCES_COMMUNE)
            } else {
                *rng.pick(AUDIENCES_DEPT)
            };
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
                    rng.pick(CHANNELS),
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
                    "Cử {} lượt cán bộ tham dự hội nghị tập huấn do Bộ Tư pháp, Sở Tư pháp tổ chức về {topic}.",
                    n(2 + i64::try_from(rng.below(12)).unwrap_or(0))
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
                    "Hoàn thành rà soát {} văn bản liên quan đến quyền dân sự, chính trị và gửi kết quả về Sở Tư pháp tổng hợp.",
                    n(k)
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
            _ => "Niêm yết thông tin về trợ giúp pháp lý tại trụ sở và phối hợp với Trung tâm Trợ giúp pháp lý nhà nước khi có yêu cầu.".into(),
        },
        Theme::Complaints => match (f.get("KN_NHAN"), f.get("KN_GIAI_QUYET")) {
            (Some(r), Some(g)) => {
                let all = r + f.get("KN_KY_TRUOC").unwrap_or(0);
                let pct = if all > 0 { g * 100 / all } else { 100 };
                // A figure of 0 is left unsaid: an officer writes "không phát sinh", not "0 đơn".
                let mut received = vec![format!("{} đơn khiếu nại", n(r))];
                if let Some(t) = f.get("TC_NHAN").filter(|t| *t > 0) {
                    received.push(format!("{} đơn tố cáo", n(t)));
                }
                let visits = match f.get("TCD_LUOT").filter(|v| *v > 0) {
                    Some(v) => format!("Tiếp {} lượt công dân; tiếp nhận", n(v)),
                    None => "Tiếp nhận".into(),
                };
                let carried = match f.get("KN_KY_TRUOC").filter(|k| *k > 0) {
                    Some(k) => format!(" (kể cả {} đơn kỳ trước chuyển sang)", n(k)),
                    None => String::new(),
                };
                format!(
                    "{visits} {}; đã giải quyết {} vụ việc khiếu nại, đạt {}%{carried}.",
                    received.join(", "),
                    n(g),
                    pct,
                )
            }
            _ => "Duy trì lịch tiếp công dân định kỳ; trong kỳ không phát sinh đơn khiếu nại, tố cáo liên quan đến quyền dân sự, chính trị thuộc thẩm quyền.".into(),
        },
        Theme::Inspection => match f.get("TTR_CUOC") {
            Some(c) if c > 0 => format!(
                "Tiến hành {} cuộc thanh tra, kiểm tra việc thực hiện thủ tục hành chính liên quan đến quyền dân sự, chính trị; kiến nghị xử lý {} nội dung.",
                n(c),
                n(f.get("TTR_KIEN_NGHI").unwrap_or(0))
            ),
            _ => "Lồng ghép nội dung vào kế hoạch kiểm tra nội bộ năm 2026; dự kiến triển khai trong 6 tháng cuối năm.".into(),
        },
        Theme::Compensation => match (f.get("BT_THU_LY"), f.get("BT_GIAI_QUYET")) {
            (Some(t), Some(g)) if t > 0 => format!(
                "Thụ lý {} vụ việc yêu cầu bồi thường nhà nước, đã giải quyết {} vụ việc với số tiền bồi thường {} triệu đồng.",
                n(t),
                n(g),
                n(f.get("BT_SO_TIEN").unwrap_or(0))
            ),
            _ => "Trong kỳ không phát sinh yêu cầu bồi thường nhà nước; đơn vị tiếp tục phổ biến Luật Trách nhiệm bồi thường của Nhà nước.".into(),
        },
        Theme::International => match rng.below(3) {
            0 => "Cung cấp thông tin, số liệu phục vụ xây dựng Báo cáo quốc gia thực hiện Công ước ICCPR theo đề nghị của Sở Tư pháp.".into(),
            1 => "Phối hợp đón tiếp, làm việc với đoàn công tác của tổ chức quốc tế về bảo đảm quyền con người khi có yêu cầu.".into(),
            _ => "Theo dõi, tổng hợp khuyến nghị của Ủy ban Nhân quyền liên quan đến lĩnh vực quản lý để đề xuất giải pháp thực hiện.".into(),
        },
        Theme::General => match rng.below(3) {
            0 => format!(
                "Lồng ghép nội dung nhiệm vụ vào chương trình công tác năm 2026, gắn với {topic}."
            ),
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
            1 => format!(
                "Kết quả đã được báo cáo tại Báo cáo số {}/BC-{} ngày {}.",
                20 + rng.below(200),
                w.symbol,
                date(rng, (5, 6))
            ),
            _ => "Đã hoàn thành; đơn vị tiếp tục duy trì các hoạt động thường xuyên.".into(),
        },
        TaskStatus::InProgress => match rng.below(4) {
            0 => "Nhiệm vụ đang tiếp tục triển khai theo lộ trình của Kế hoạch.".into(),
            1 => "Dự kiến hoàn thành trong quý III/2026.".into(),
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
    parts.push(action(w, theme, rng, first_of_theme));
    if lead && rng.below(2) == 0 {
        parts.push(action(w, Theme::General, rng, false));
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

fn draw(themes: &[(&[&str], u64, u64)], commune: bool, count: usize, rng: &mut Rng) -> String {
    let weight = |t: &(&[&str], u64, u64)| if commune { t.1 } else { t.2 };
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
pub fn difficulties(profile: Profile, rng: &mut Rng) -> String {
    match rng.below(10) {
        0..3 => String::new(),
        3..8 => draw(DIFFICULTIES, profile.is_commune(), 1, rng),
        _ => draw(DIFFICULTIES, profile.is_commune(), 2, rng),
    }
}

/// Proposals: fewer bodies make them than name difficulties.
pub fn proposals(profile: Profile, rng: &mut Rng) -> String {
    match rng.below(10) {
        0..5 => String::new(),
        5..9 => draw(PROPOSALS, profile.is_commune(), 1, rng),
        _ => draw(PROPOSALS, profile.is_commune(), 2, rng),
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
            let w = Writer {
                name: "UBND xã",
                profile: Profile::Commune,
                symbol: "UBND".into(),
                figures: &f,
            };
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
