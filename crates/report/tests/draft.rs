//! Golden tests of the drafted report on a small fixture round: near-identical texts grouped
//! with their bodies, a task whose lead has not reported, the Sở Tư pháp's own task, themes with
//! their counts, the next period's tasks.

use theodoi_domain::indicator::{Aggregation, Dimension};
use theodoi_report::draft::{
    AssignmentFact, BodyFact, CascadeFact, EscalationFact, ImplausibleFact, RoundFacts, draft,
    group_texts, trim_to,
};
use theodoi_report::{
    Consolidation, Figure, IndicatorInfo, Input, Missing, TaskEntry, TaskNarrative,
};

fn entry(agency: &str, role: &str, status: &str, results: &str) -> TaskEntry {
    TaskEntry {
        agency: agency.into(),
        role: theodoi_domain::Role::from_code(role).unwrap_or_else(|| panic!("no role {role}")),
        status: status.into(),
        results: results.into(),
    }
}

fn assign(reference: &str, agency: &str, role: &str, status: &str) -> AssignmentFact {
    AssignmentFact {
        reference: reference.into(),
        agency: agency.into(),
        role: theodoi_domain::Role::from_code(role).unwrap_or_else(|| panic!("no role {role}")),
        status: status.into(),
    }
}

fn body(agency: &str, kind: &str, status: &str, timeliness: &str) -> BodyFact {
    BodyFact {
        agency: agency.into(),
        kind: kind.into(),
        status: status.into(),
        timeliness: timeliness.into(),
    }
}

const SAME: &str = "Đã quán triệt, triển khai Kế hoạch đến toàn thể cán bộ, công chức của đơn vị; lồng ghép nội dung vào hội nghị giao ban tháng.";
const NEARLY: &str = "Đã quán triệt, triển khai kế hoạch đến toàn thể cán bộ, công chức của đơn vị; lồng ghép nội dung vào hội nghị giao ban hằng tháng.";

pub fn fixture() -> Consolidation {
    let infos = [
        IndicatorInfo {
            id: 1,
            code: "HN_TUYEN_TRUYEN".into(),
            name: "Số hội nghị tuyên truyền".into(),
            unit: "cuộc".into(),
            aggregation: Aggregation::Sum,
            dimensions: vec![],
        },
        IndicatorInfo {
            id: 2,
            code: "NGUOI_THAM_DU".into(),
            name: "Số lượt người tham dự".into(),
            unit: "lượt người".into(),
            aggregation: Aggregation::Sum,
            dimensions: vec![Dimension::Sex],
        },
    ];
    let fig = |id, dim: &str, cat: &str, sum| Figure {
        indicator_id: id,
        dimension: dim.into(),
        category: cat.into(),
        sum,
        average: 0.0,
        bodies: 4,
    };
    let figures = [
        fig(1, "", "", 42),
        fig(2, "", "", 3_150),
        fig(2, "sex", "nam", 1_400),
        fig(2, "sex", "nu", 1_750),
    ];
    let previous = [fig(1, "", "", 30), fig(2, "", "", 3_500)];
    let mut c = theodoi_report::consolidate(Input {
        plan_number: "14/KH-UBND",
        plan_title: "Triển khai thực hiện Quyết định số 2715/QĐ-TTg ngày 13/12/2025 của Thủ tướng Chính phủ",
        round_label: "6 tháng đầu năm 2026",
        previous_label: Some("Năm 2025"),
        indicators: &infos,
        figures: &figures,
        previous: &previous,
        expected: 6,
        missing: vec![
            Missing { agency: "Sở Y tế".into(), status: "submitted".into() },
            Missing { agency: "Xã Bắc Hưng".into(), status: "".into() },
        ],
        tasks: vec![
            TaskNarrative {
                reference: "II.1".into(),
                title: "Tuyên truyền, phổ biến nội dung Công ước và các khuyến nghị".into(),
                recommendations: vec![],
                articles: vec![],
                entries: vec![
                    entry("Sở Văn hóa và Thể thao", "lead", "in_progress", "Đã tổ chức 12 hội nghị tuyên truyền với 1.500 lượt người tham dự. Phát hành 3.000 tờ gấp. Đăng 25 tin bài trên cổng thông tin điện tử của Sở. Phối hợp với Đài Phát thanh và Truyền hình thành phố xây dựng chuyên mục."),
                    entry("Sở Nội vụ", "coordinating", "in_progress", SAME),
                    entry("Xã Bình Thuận", "coordinating", "in_progress", NEARLY),
                    entry("Xã Cẩm Giàng", "coordinating", "not_started", SAME),
                    entry("Đoàn Luật sư thành phố", "coordinating", "in_progress", "Tổ chức 2 buổi tư vấn pháp luật miễn phí cho người dân tại xã Cẩm Giàng."),
                ],
            },
            TaskNarrative {
                reference: "II.2".into(),
                title: "Rà soát văn bản quy phạm pháp luật".into(),
                recommendations: vec![],
                articles: vec![],
                entries: vec![entry("Xã Bình Thuận", "coordinating", "in_progress", "Đã rà soát 4 văn bản; chưa phát hiện văn bản trái pháp luật.")],
            },
            TaskNarrative {
                reference: "PL.3".into(),
                title: "Theo dõi, đôn đốc, tổng hợp kết quả thực hiện Kế hoạch".into(),
                recommendations: vec![],
                articles: vec![],
                entries: vec![entry("Sở Tư pháp", "lead", "in_progress", "Đã ban hành văn bản hướng dẫn, đôn đốc các cơ quan báo cáo; tổng hợp báo cáo 6 tháng đầu năm 2026.")],
            },
        ],
        difficulties: vec![
            ("Xã Bình Thuận".into(), "Kinh phí cho công tác tuyên truyền còn hạn chế.\nĐội ngũ báo cáo viên pháp luật còn mỏng.".into()),
            ("Xã Cẩm Giàng".into(), "Kinh phí cho công tác tuyên truyền còn hạn chế".into()),
            ("Sở Nội vụ".into(), "Kinh phí cho công tác tuyên truyền còn rất hạn chế.".into()),
        ],
        proposals: vec![
            ("Xã Bình Thuận".into(), "Đề nghị thành phố bố trí kinh phí tuyên truyền cho cấp xã.".into()),
            ("Xã Cẩm Giàng".into(), "Đề nghị thành phố bố trí kinh phí tuyên truyền cho cấp xã".into()),
        ],
    });
    c.facts = RoundFacts {
        // The Sở Tư pháp's own report (it leads PL.3), accepted, not counted against the round.
        uncounted_accepted: 1,
        plan_date: time::Date::from_calendar_date(2026, time::Month::January, 9).ok(),
        coordinator: "Sở Tư pháp".into(),
        superior: "Ủy ban nhân dân thành phố".into(),
        plan_issuer: String::new(),
        window_end: time::Date::from_calendar_date(2026, time::Month::June, 14).ok(),
        bodies: vec![
            body("Sở Nội vụ", "department", "accepted", "on_time"),
            body("Sở Văn hóa và Thể thao", "department", "accepted", "late"),
            body("Sở Y tế", "department", "submitted", "late"),
            body("Xã Bắc Hưng", "commune", "", "overdue"),
            body("Xã Bình Thuận", "commune", "accepted", "on_time"),
            body("Xã Cẩm Giàng", "commune", "accepted", "on_time"),
        ],
        assignments: vec![
            assign("II.1", "Sở Văn hóa và Thể thao", "lead", "accepted"),
            assign("II.1", "Sở Nội vụ", "coordinating", "accepted"),
            assign("II.1", "Xã Bình Thuận", "coordinating", "accepted"),
            assign("II.1", "Xã Cẩm Giàng", "coordinating", "accepted"),
            assign("II.1", "Đoàn Luật sư thành phố", "coordinating", "accepted"),
            assign("II.1", "Xã Bắc Hưng", "coordinating", ""),
            assign("II.2", "Sở Y tế", "lead", "submitted"),
            assign("II.2", "Xã Bình Thuận", "coordinating", "accepted"),
            assign("PL.3", "Sở Tư pháp", "lead", "accepted"),
        ],
        cascade: vec![
            CascadeFact {
                agency: "Sở Nội vụ".into(),
                kind: "department".into(),
                issued: true,
            },
            CascadeFact {
                agency: "Sở Y tế".into(),
                kind: "department".into(),
                issued: false,
            },
            CascadeFact {
                agency: "Xã Bình Thuận".into(),
                kind: "commune".into(),
                issued: true,
            },
            CascadeFact {
                agency: "Xã Bắc Hưng".into(),
                kind: "commune".into(),
                issued: false,
            },
        ],
        escalations: vec![EscalationFact {
            agency: "Xã Bắc Hưng".into(),
            reference: "II.1".into(),
            subject: "Chưa có tài liệu tuyên truyền bằng tiếng dân tộc thiểu số".into(),
            status: "open".into(),
        }],
        next_label: "6 tháng cuối năm 2026".into(),
        next_due: vec![
            ("II.1".into(), "Hằng năm".into()),
            ("PL.3".into(), "Thường xuyên".into()),
        ],
        implausible: vec![ImplausibleFact {
            agency: "Xã Cẩm Giàng".into(),
            reasons: vec!["Số lượt người tham dự (40) nhỏ hơn số buổi tuyên truyền (42)".into()],
        }],
    };
    c
}

fn rendered(c: &Consolidation) -> String {
    draft(c)
        .iter()
        .map(|s| format!("[{}] {}\n{}\n", s.key, s.heading, s.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn drafted_sections_of_the_fixture_round() {
    let c = fixture();
    insta::assert_snapshot!(rendered(&c));
}

#[test]
fn sections_in_order_with_one_per_task() {
    let keys: Vec<String> = draft(&fixture()).into_iter().map(|s| s.key).collect();
    assert_eq!(
        keys,
        [
            "intro",
            "I",
            "II.II.1",
            "II.II.2",
            "II.PL.3",
            "II.figures",
            "III",
            "IV",
            "V",
            "VI",
            "closing"
        ]
    );
}

#[test]
fn near_identical_texts_are_one_group_with_their_bodies() {
    let items = [
        ("Xã Cẩm Giàng", SAME),
        ("Sở Nội vụ", SAME),
        ("Xã Bình Thuận", NEARLY),
        (
            "Đoàn Luật sư thành phố",
            "Tổ chức 2 buổi tư vấn pháp luật miễn phí.",
        ),
    ];
    let groups = group_texts(&items);
    assert_eq!(groups.len(), 2);
    // Bodies in Vietnamese order: Sở < Xã B… < Xã C….
    assert_eq!(
        groups[0].bodies,
        ["Sở Nội vụ", "Xã Bình Thuận", "Xã Cẩm Giàng"]
    );
    assert_eq!(groups[1].bodies, ["Đoàn Luật sư thành phố"]);
    // The printed text is Sở Nội vụ's and Xã Cẩm Giàng's; Xã Bình Thuận only wrote one near it.
    assert_eq!(groups[0].text, SAME.trim());
    assert_eq!(groups[0].similar, ["Xã Bình Thuận"]);
}

#[test]
fn a_text_near_the_printed_one_stays_similar_for_everyone_who_sends_it() {
    // Xã A's text is printed; Xã B wrote a near one; Xã C sent Xã B's words exactly. Xã C must
    // not be credited with Xã A's text.
    let items = [("Xã A", SAME), ("Xã B", NEARLY), ("Xã C", NEARLY)];
    let groups = group_texts(&items);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].text, SAME.trim());
    assert_eq!(groups[0].bodies, ["Xã A", "Xã B", "Xã C"]);
    assert_eq!(groups[0].similar, ["Xã B", "Xã C"]);
}

#[test]
fn the_missing_lead_is_said_outright_and_the_sos_own_task_is_reported() {
    let d = draft(&fixture());
    let text = |k: &str| {
        d.iter()
            .find(|s| s.key == k)
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    assert!(text("II.II.2").contains(
        "Cơ quan chủ trì chưa báo cáo kết quả (Sở Y tế — đã gửi, chờ Sở Tư pháp tiếp nhận)"
    ));
    assert!(text("II.PL.3").starts_with(
        "Sở Tư pháp (cơ quan chủ trì, đang triển khai): Đã ban hành văn bản hướng dẫn"
    ));
    assert!(text("II.II.1").contains("4/5 cơ quan phối hợp đã báo cáo (3 đã triển khai, 1 chưa triển khai); 1 cơ quan chưa có báo cáo được tiếp nhận (Xã Bắc Hưng)"));
}

#[test]
fn no_paragraph_repeats_even_when_every_task_says_the_same() {
    let mut c = fixture();
    // Every body writes the same sentence on every task.
    for t in &mut c.tasks {
        for e in &mut t.entries {
            e.results = SAME.into();
        }
    }
    let d = draft(&c);
    let mut seen = std::collections::HashSet::new();
    for s in &d {
        for p in s.text.split("\n\n") {
            assert!(seen.insert(p.to_string()), "repeated: {p}");
        }
    }
}

#[test]
fn trimming_keeps_whole_sentences() {
    let t = "Câu thứ nhất khá dài. Câu thứ hai. Câu thứ ba rất rất dài không vừa.";
    assert_eq!(trim_to(t, 40), "Câu thứ nhất khá dài. Câu thứ hai.");
    assert!(trim_to(&"chữ ".repeat(200), 50).ends_with('…'));
}

#[test]
fn implausible_figures_are_noted_with_their_bodies() {
    let mut c = fixture();
    let text = |c: &Consolidation| {
        draft(c)
            .into_iter()
            .find(|s| s.key == "III")
            .map(|s| s.text)
            .unwrap_or_default()
    };
    assert!(text(&c).contains(
        "Số liệu báo cáo của 1 cơ quan, đơn vị chưa hợp lý (Xã Cẩm Giàng: số lượt người tham dự (40) nhỏ hơn số buổi tuyên truyền (42)); Sở Tư pháp đề nghị các cơ quan, đơn vị rà soát, điều chỉnh."
    ));
    // Past three bodies the rest are counted, not named.
    c.facts.implausible = (1..=5)
        .map(|i| ImplausibleFact {
            agency: format!("Xã Số {i}"),
            reasons: vec![format!(
                "Số vụ việc đã giải quyết ({}) lớn hơn số đã thụ lý (1)",
                i + 1
            )],
        })
        .collect();
    let t = text(&c);
    assert!(t.contains("Số liệu báo cáo của 5 cơ quan, đơn vị chưa hợp lý (Xã Số 1: số vụ việc đã giải quyết (2) lớn hơn số đã thụ lý (1); Xã Số 2:"));
    assert!(t.contains("; 2 cơ quan, địa phương khác); Sở Tư pháp đề nghị"));
    assert!(!t.contains("Xã Số 4"));
    // None noted when every figure holds together.
    c.facts.implausible.clear();
    assert!(!text(&c).contains("chưa hợp lý"));
}
