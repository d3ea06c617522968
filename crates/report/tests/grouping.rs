//! Part II of the report grouped by the recommendations or Covenant articles the tasks are linked
//! to: the document's order (5 before 21, 21(b) before 30), each task once under its first link
//! with a line naming the others, every linked recommendation or article with its heading (one
//! whose tasks all stand earlier says where), unlinked tasks last under "Nhiệm vụ khác".

use std::io::Read;
use theodoi_report::docx::{self, Letterhead, Written};
use theodoi_report::{Consolidation, Grouping, Input, RecLink, TaskNarrative, consolidate};

const CO4: &str = "CCPR/C/VNM/CO/4";

fn rec(paragraph: u32, sub: Option<&str>, title: &str) -> RecLink {
    RecLink {
        symbol: CO4.into(),
        paragraph,
        sub: sub.map(str::to_string),
        title: title.into(),
    }
}

fn task(reference: &str, title: &str, recs: Vec<RecLink>, articles: Vec<u8>) -> TaskNarrative {
    TaskNarrative {
        reference: reference.into(),
        title: title.into(),
        recommendations: recs,
        articles,
        entries: Vec::new(),
    }
}

fn sample() -> Consolidation {
    consolidate(Input {
        plan_number: "14/KH-UBND",
        plan_title: "Triển khai Quyết định số 2715/QĐ-TTg",
        round_label: "6 tháng đầu năm 2026",
        previous_label: None,
        indicators: &[],
        figures: &[],
        previous: &[],
        expected: 1,
        missing: Vec::new(),
        tasks: vec![
            // Serves two recommendations, listed out of the document's order.
            task(
                "II.1",
                "Nhiệm vụ Alpha",
                vec![
                    rec(30, Some("a"), "Quyền tự do ngôn luận"),
                    rec(21, Some("b"), "Trợ giúp pháp lý"),
                ],
                vec![19, 14],
            ),
            task("II.2", "Nhiệm vụ Beta", Vec::new(), Vec::new()),
            task(
                "II.3",
                "Nhiệm vụ Gamma",
                vec![rec(21, Some("b"), "Trợ giúp pháp lý")],
                vec![14],
            ),
            task(
                "II.4",
                "Nhiệm vụ Delta",
                vec![rec(5, None, "Khung pháp lý")],
                vec![2],
            ),
            task("II.5", "Nhiệm vụ Epsilon", Vec::new(), vec![19]),
        ],
        difficulties: Vec::new(),
        proposals: Vec::new(),
    })
}

fn sections() -> Vec<Written<'static>> {
    let mut out = vec![Written {
        key: "intro",
        heading: "",
        level: 0,
        text: "Mở đầu.",
    }];
    for (key, heading) in [
        ("II.II.1", "1. Nhiệm vụ Alpha"),
        ("II.II.2", "2. Nhiệm vụ Beta"),
        ("II.II.3", "3. Nhiệm vụ Gamma"),
        ("II.II.4", "4. Nhiệm vụ Delta"),
        ("II.II.5", "5. Nhiệm vụ Epsilon"),
    ] {
        out.push(Written {
            key,
            heading,
            level: 2,
            text: "Kết quả.",
        });
    }
    out.push(Written {
        key: "closing",
        heading: "",
        level: 0,
        text: "Trên đây là báo cáo./.",
    });
    out
}

fn head(group: Grouping) -> Letterhead<'static> {
    Letterhead {
        superior: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        issuer: "SỞ TƯ PHÁP",
        symbol: "BC-STP",
        place: "Hải Phòng",
        date: None,
        position: "GIÁM ĐỐC",
        position2: None,
        signer: "Nguyễn Văn An",
        recipients: &["UBND thành phố"],
        drafting_unit: "PBGDPL",
        group,
    }
}

fn document_xml(group: Grouping) -> String {
    let bytes =
        docx::report_from_draft(&sample(), &sections(), &head(group), true).expect("a DOCX");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut s)
        .expect("UTF-8");
    s
}

/// Where each needle first occurs; panics naming a missing one.
fn positions(xml: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| xml.find(n).unwrap_or_else(|| panic!("missing {n}")))
        .collect()
}

#[test]
fn by_recommendation_in_the_documents_order_each_task_once() {
    let xml = document_xml(Grouping::Recommendations);
    // Numbered again in print order; the plan's numbers no longer hold.
    let order = positions(
        &xml,
        &[
            // Section II opens before its first group.
            ">II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ<",
            ">Khuyến nghị đoạn 5. Khung pháp lý<",
            ">1. Nhiệm vụ Delta<",
            ">Khuyến nghị đoạn 21(b). Trợ giúp pháp lý<",
            ">2. Nhiệm vụ Alpha<",
            "(đồng thời thực hiện khuyến nghị đoạn 30(a))",
            ">3. Nhiệm vụ Gamma<",
            // 30(a) is served only by Alpha, printed under 21(b): its heading in its place says so.
            ">Khuyến nghị đoạn 30(a). Quyền tự do ngôn luận<",
            "Kết quả thực hiện khuyến nghị này được báo cáo tại \u{201C}2. Nhiệm vụ Alpha\u{201D} (thuộc mục Khuyến nghị đoạn 21(b)).",
            ">Nhiệm vụ khác<",
            ">4. Nhiệm vụ Beta<",
            ">5. Nhiệm vụ Epsilon<",
            "Trên đây là báo cáo./.",
        ],
    );
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "out of order: {order:?}"
    );
    for t in ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"] {
        assert_eq!(
            xml.matches(&format!(". Nhiệm vụ {t}<")).count(),
            1,
            "task {t} printed once"
        );
    }
    // Each recommendation heads once.
    for h in ["đoạn 5.", "đoạn 21(b).", "đoạn 30(a)."] {
        assert_eq!(xml.matches(&format!(">Khuyến nghị {h}")).count(), 1, "{h}");
    }
    // One source: headings and references need no symbol.
    assert!(!xml.contains(CO4));
}

#[test]
fn by_article_with_the_covenants_titles() {
    let xml = document_xml(Grouping::Articles);
    let order = positions(
        &xml,
        &[
            ">II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ<",
            ">Điều 2. ",
            ">1. Nhiệm vụ Delta<",
            ">Điều 14. Quyền được xét xử công bằng<",
            ">2. Nhiệm vụ Alpha<",
            "(đồng thời liên quan Điều 19 của Công ước)",
            ">3. Nhiệm vụ Gamma<",
            ">Điều 19. ",
            ">4. Nhiệm vụ Epsilon<",
            // Alpha serves 19 too, printed under 14: said after 19's own tasks.
            "Kết quả liên quan điều này còn được báo cáo tại \u{201C}2. Nhiệm vụ Alpha\u{201D} (thuộc mục Điều 14).",
            ">Nhiệm vụ khác<",
            ">5. Nhiệm vụ Beta<",
        ],
    );
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "out of order: {order:?}"
    );
    assert_eq!(xml.matches(">Điều 19. ").count(), 1, "19 heads once");
}

#[test]
fn the_plans_order_when_not_grouped() {
    let xml = document_xml(Grouping::Plan);
    let order = positions(
        &xml,
        &[
            "1. Nhiệm vụ Alpha",
            "2. Nhiệm vụ Beta",
            "3. Nhiệm vụ Gamma",
            "4. Nhiệm vụ Delta",
        ],
    );
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert!(!xml.contains("Nhiệm vụ khác") && !xml.contains("đồng thời"));
}
