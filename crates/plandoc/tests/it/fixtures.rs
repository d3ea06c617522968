//! One fixture of our own for every layout family of a plan (numbered tasks with label lines,
//! tables, inline prose, assignment by body, fragments and damage, times), pinned whole by a
//! snapshot, with the facts a reviewer checks first stated as assertions.

use theodoi_plandoc::ParsedPlan;

fn read(name: &str) -> ParsedPlan {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    theodoi_plandoc::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn task<'a>(p: &'a ParsedPlan, r: &str) -> &'a theodoi_domain::Task {
    p.plan
        .tasks
        .iter()
        .find(|t| t.reference.as_str() == r)
        .unwrap_or_else(|| {
            let refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
            panic!("no task {r}; tasks are {refs:?}")
        })
}

fn names(v: &[theodoi_domain::AgencyMention]) -> Vec<&str> {
    v.iter().map(|a| a.name.as_str()).collect()
}

fn codes(p: &ParsedPlan) -> Vec<&'static str> {
    p.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn golden() {
    for name in [
        "labels.txt",
        "table_pipes.txt",
        "prose.txt",
        "bodies.txt",
        "fragment.txt",
        "times.txt",
        "body_plan.txt",
        "commune_labelled.txt",
    ] {
        let p = read(name);
        insta::assert_json_snapshot!(name, theodoi_plandoc::json::view(&p));
    }
}

/// A commune's plan as a text export gives it: number and date on one line, tasks numbered
/// "Nhiệm vụ 1." / "Nhiệm vụ 2:" / "Nội dung 3." / "Việc 4.", office names with "và" inside.
#[test]
fn commune_plan_with_labelled_numbers() {
    let p = read("commune_labelled.txt");
    let d = &p.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("25/KH-UBND"));
    assert_eq!(d.place.as_deref(), Some("Phú Mỹ"));
    assert_eq!(d.date, Some(time::macros::date!(2026 - 03 - 05)));
    // The title stops at the heading above the tasks.
    assert_eq!(
        d.title,
        "Tuyên truyền phổ biến pháp luật về quyền con người năm 2026"
    );
    let refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs.len(), 4, "{refs:?}");
    let first = &p.plan.tasks[0];
    // The label word is the marker, not part of the title.
    assert_eq!(
        first.title,
        "Tổ chức hội nghị tuyên truyền pháp luật cho cán bộ, công chức"
    );
    assert_eq!(names(&first.lead), ["Văn phòng HĐND và UBND xã"]);
    assert_eq!(
        p.plan.tasks[1].title,
        "Biên soạn tài liệu hỏi đáp pháp luật bằng tiếng dân tộc"
    );
    assert_eq!(
        names(&p.plan.tasks[1].coordinating),
        [
            "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
            "Sở Văn hóa và Thể thao",
            "Mặt trận Tổ quốc xã"
        ]
    );
    let third = &p.plan.tasks[2];
    assert_eq!(third.title, "Tổ chức ngày hội pháp luật ở các thôn");
    // "và" between two bodies still separates them.
    assert_eq!(
        names(&third.coordinating),
        ["Văn phòng HĐND và UBND xã", "Đoàn Thanh niên xã"]
    );
    assert_eq!(p.plan.tasks[3].title, "Báo cáo kết quả thực hiện");
    // Only the third task has two time lines, and only it is warned about.
    let second_times: Vec<u32> = p
        .diagnostics
        .iter()
        .filter(|d| d.code == "second_time")
        .map(|d| d.line)
        .collect();
    assert_eq!(second_times, [25]);
    assert!(!codes(&p).contains(&"no_tasks"));
}

/// A body's own plan (KH 14, III.9): "Thực hiện Kế hoạch số 14/KH-UBND …" in the first sentence
/// makes it a plan that implements KH 14, and the stacked header names the body under the city.
#[test]
fn body_plan_implements_its_parent() {
    let p = read("body_plan.txt");
    let d = &p.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("25/KH-STP"));
    assert_eq!(
        d.issuer.as_deref(),
        Some("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG SỞ TƯ PHÁP")
    );
    let implements: Vec<&str> = d.implements().map(|n| n.as_str()).collect();
    assert_eq!(implements, ["14/KH-UBND"]);
    let refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["II.1", "II.2"]);
    // Documents named side by side are all implemented.
    let text = BODY_PLAN_SIDE_BY_SIDE;
    let p = theodoi_plandoc::parse(text).unwrap_or_else(|e| panic!("{e}"));
    let implements: Vec<&str> = p.plan.document.implements().map(|n| n.as_str()).collect();
    assert_eq!(implements, ["14/KH-UBND", "20/KH-UBND"]);
}

const BODY_PLAN_SIDE_BY_SIDE: &str = "ỦY BAN NHÂN DÂN\nXÃ BẮC HƯNG\nSố: 3/KH-UBND\n\
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nBắc Hưng, ngày 02 tháng 02 năm 2026\n\
KẾ HOẠCH\nThực hiện các khuyến nghị về quyền dân sự và chính trị trên địa bàn xã năm 2026\n\
Thực hiện Kế hoạch số 14/KH-UBND ngày 09/01/2026 và Kế hoạch số 20/KH-UBND ngày 15/01/2026 của \
Ủy ban nhân dân thành phố, Ủy ban nhân dân xã ban hành Kế hoạch như sau:\n\
II. NHIỆM VỤ CỤ THỂ\n1. Tuyên truyền tại các thôn\nĐơn vị chủ trì: Công chức Tư pháp - Hộ tịch.\n";

#[test]
fn label_lines_in_their_variants() {
    let p = read("labels.txt");
    let t = task(&p, "II.1");
    assert_eq!(names(&t.lead), ["Sở Y tế"]);
    assert_eq!(
        names(&t.coordinating),
        ["Sở Tư pháp", "UBND các xã, phường"]
    );
    assert_eq!(t.time.kind_name(), "recurring");
    assert_eq!(t.items.len(), 4, "two bullets and their two + sub-items");
    let t = task(&p, "II.2");
    assert_eq!(names(&t.lead), ["Sở Tư pháp"], "bold label");
    assert_eq!(t.time.kind_name(), "date", "italic label");
    // Sub-numbered points with labels of their own are tasks; the parent is their group.
    assert_eq!(names(&task(&p, "II.3.1").lead), ["Sở Xây dựng"]);
    let t = task(&p, "II.3.2");
    assert_eq!(names(&t.lead), ["Sở Khoa học và Công nghệ"]);
    assert_eq!(names(&t.coordinating), ["UBND các xã, phường"]);
    assert_eq!(t.time.kind_name(), "quarter", "three labels on one line");
    assert_eq!(
        names(&task(&p, "II.3.3").lead),
        ["Sở Xây dựng"],
        "label cut over two lines"
    );
    let t = task(&p, "II.4");
    assert_eq!(
        names(&t.lead),
        ["Đồng chí Phó Chủ tịch Thường trực UBND tỉnh"]
    );
    assert_eq!(
        t.items[0].text,
        "Kiểm tra việc chi trả trợ cấp hằng tháng cho người khuyết tật."
    );
    assert_eq!(t.time.kind_name(), "date");
    let t = task(&p, "II.5");
    assert_eq!(names(&t.lead), ["Báo và Phát thanh, Truyền hình tỉnh"]);
    assert_eq!(t.time.kind_name(), "event");
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.code == "old_body_name" && d.message.contains("Sở Khoa học và Công nghệ"))
    );
    // Kept labels: Sản phẩm, Kinh phí.
    let kept: Vec<(&str, &str)> = p
        .fields
        .iter()
        .flat_map(|(r, f)| f.iter().map(move |k| (r.as_str(), k.label.as_str())))
        .collect();
    assert_eq!(kept, [("II.1", "Sản phẩm"), ("II.2", "Kinh phí")]);
    // The product is the task's own; a cost is not a product.
    assert_eq!(
        task(&p, "II.1").product.as_deref(),
        Some("Báo cáo kết quả.")
    );
    assert_eq!(task(&p, "II.2").product, None);
    assert_eq!(
        p.plan.responsibilities.len(),
        2,
        "section III stays beside the tasks"
    );
}

#[test]
fn tables_with_columns_in_another_order() {
    let p = read("table_pipes.txt");
    let refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["II.1", "II.2", "II.3", "II.4", "II.5"]);
    // The Sản phẩm column, last in this table, is each task's product.
    let products: Vec<Option<&str>> = p.plan.tasks.iter().map(|t| t.product.as_deref()).collect();
    assert_eq!(
        products,
        [
            Some("Báo cáo rà soát"),
            Some("Báo cáo kiểm tra"),
            Some("Hệ thống được nâng cấp"),
            Some("Dữ liệu số"),
            Some("Báo cáo khảo sát")
        ]
    );
    let t = task(&p, "II.1");
    assert_eq!(
        t.title,
        "Rà soát quy định về thủ tục hành chính thuộc thẩm quyền của tỉnh"
    );
    assert_eq!(names(&t.lead), ["Sở Tư pháp"]);
    assert_eq!(names(&t.coordinating), ["Các sở, ban, ngành"]);
    assert_eq!(t.time.kind_name(), "quarter");
    let t = task(&p, "II.4");
    assert_eq!(names(&t.lead), ["Văn phòng UBND tỉnh"]);
    assert_eq!(names(&t.coordinating), ["Sở Khoa học và Công nghệ"]);
    assert_eq!(task(&p, "II.5").time.kind_name(), "date");
    assert!(codes(&p).contains(&"repeated_header"));
    assert!(codes(&p).contains(&"page_number"));
}

#[test]
fn inline_prose() {
    let p = read("prose.txt");
    let t = task(&p, "II.1");
    assert_eq!(names(&t.lead), ["Sở Tư pháp"]);
    assert_eq!(names(&t.coordinating), ["Sở Nội vụ", "UBND các xã, phường"]);
    assert_eq!(t.time.kind_name(), "quarter");
    assert_eq!(names(&task(&p, "II.2").lead), ["Công an tỉnh"]);
    let t = task(&p, "II.3");
    assert_eq!(names(&t.lead), ["Sở Văn hóa, Thể thao và Du lịch"]);
    assert_eq!(
        names(&t.coordinating),
        ["Báo và Phát thanh, Truyền hình tỉnh"]
    );
    let t = task(&p, "II.4");
    assert!(t.lead.iter().all(|a| a.requested_only) && !t.lead.is_empty());
    let t = task(&p, "II.5.1");
    assert_eq!(names(&t.lead), ["Sở Giáo dục và Đào tạo"]);
    assert_eq!(names(&t.coordinating), ["Tỉnh đoàn"]);
    assert_eq!(t.time.kind_name(), "date");
    assert_eq!(task(&p, "II.5.2").time.kind_name(), "continuous");
    assert!(codes(&p).contains(&"lead_from_text"));
}

#[test]
fn assignment_by_body_without_a_task_list() {
    let p = read("bodies.txt");
    let refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["II.1", "II.2", "II.3", "II.4"]);
    let t = task(&p, "II.1");
    assert_eq!(names(&t.lead), ["Sở Giáo dục và Đào tạo"]);
    assert_eq!(names(&t.coordinating), ["Sở Y tế", "UBND các xã, phường"]);
    assert_eq!(t.items.len(), 2);
    assert_eq!(names(&task(&p, "II.2").lead), ["Sở Văn hóa và Thể thao"]);
    assert_eq!(names(&task(&p, "II.3").lead), ["Công an tỉnh"]);
    assert!(task(&p, "II.4").lead[0].requested_only);
    assert!(codes(&p).contains(&"tasks_from_bodies"));
}

#[test]
fn fragment_without_header_and_damage() {
    let p = read("fragment.txt");
    assert!(codes(&p).contains(&"no_header"));
    let refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["II.1", "II.2", "II.3", "II.4"]);
    let t = task(&p, "II.1");
    assert_eq!(t.title, "Rà soát văn bản quy phạm pháp luật");
    assert_eq!(t.time.kind_name(), "per_guidance");
    let t = task(&p, "II.2");
    assert_eq!(t.items.len(), 1, "a hard-wrapped bullet is one item");
    assert_eq!(t.time.kind_name(), "range");
    assert_eq!(names(&task(&p, "II.3").lead), ["Sở Tư pháp", "Sở Nội vụ"]);
    assert_eq!(task(&p, "II.3").time.kind_name(), "quarter");
    assert!(task(&p, "II.4").lead.is_empty());
    assert!(codes(&p).contains(&"page_number"));
}

#[test]
fn every_time_form_has_its_kind() {
    let p = read("times.txt");
    let kinds: Vec<&str> = p.plan.tasks.iter().map(|t| t.time.kind_name()).collect();
    assert_eq!(
        kinds,
        [
            "range",
            "recurring",
            "recurring",
            "range",
            "range",
            "continuous",
            "date",
            "event",
            "quarter",
            "unspecified"
        ]
    );
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.code == "no_time" && d.line == 31)
    );
}

#[test]
fn every_diagnostic_names_a_source_line() {
    for name in [
        "labels.txt",
        "table_pipes.txt",
        "prose.txt",
        "bodies.txt",
        "fragment.txt",
        "times.txt",
    ] {
        let p = read(name);
        for d in &p.diagnostics {
            assert!(d.line >= 1, "{name}: {d:?}");
        }
    }
}

/// A DOCX made by LibreOffice from `numbered_table.html`: automatic numbering (the numbers are not
/// in the text but in numbering.xml), a real table with a merged group row and a lead cell merged
/// over two rows.
#[test]
fn docx_with_automatic_numbering_and_merged_cells() {
    let path = format!(
        "{}/tests/fixtures/numbered_table.docx",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = theodoi_plandoc::formats::to_text(&bytes, Some("numbered_table.docx"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains("\nII. NHIỆM VỤ\n1. Tổ chức hội nghị"),
        "{text}"
    );
    assert!(
        text.contains("\na) Hội nghị tại các xã vùng cao;"),
        "{text}"
    );
    let p = theodoi_plandoc::parse_file(
        Some("numbered_table.docx"),
        &bytes,
        theodoi_plandoc::Lexicon::builtin(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    insta::assert_json_snapshot!("numbered_table.docx", theodoi_plandoc::json::view(&p));
    let d = &p.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("61/KH-UBND"));
    let t = task(&p, "II.1");
    assert_eq!(names(&t.lead), ["Sở Y tế"]);
    assert_eq!(t.items.len(), 2);
    assert_eq!(t.time.kind_name(), "quarter");
    assert_eq!(names(&task(&p, "II.2").lead), ["Sở Tư pháp"]);
    // The lead cell merged over rows 3 and 4 leads both.
    assert_eq!(
        names(&task(&p, "II.3").lead),
        ["Báo và Phát thanh, Truyền hình tỉnh"]
    );
    assert_eq!(
        names(&task(&p, "II.4").lead),
        ["Báo và Phát thanh, Truyền hình tỉnh"]
    );
    assert_eq!(names(&task(&p, "II.4").coordinating), ["Sở Y tế"]);
    assert_eq!(task(&p, "II.5").time.kind_name(), "date");
}

#[test]
fn csv_task_table_in_any_column_order() {
    let csv = "Thời hạn;Cơ quan chủ trì;STT;Nhiệm vụ;Cơ quan phối hợp\nQuý I/2026;Sở Tư pháp;1;\"Rà soát văn bản; báo cáo\";Sở Nội vụ\nHằng năm;Công an tỉnh;2;Tuyên truyền phòng, chống ma túy;\n";
    let p = theodoi_plandoc::parse_file(
        Some("tasks.csv"),
        csv.as_bytes(),
        theodoi_plandoc::Lexicon::builtin(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.plan.tasks.len(), 2);
    let t = task(&p, "PL.1");
    assert_eq!(t.title, "Rà soát văn bản; báo cáo");
    assert_eq!(names(&t.lead), ["Sở Tư pháp"]);
    assert_eq!(names(&t.coordinating), ["Sở Nội vụ"]);
    assert_eq!(t.time.kind_name(), "quarter");
    assert_eq!(task(&p, "PL.2").time.kind_name(), "recurring");
    assert!(codes(&p).contains(&"no_header"));
    let refused = theodoi_plandoc::parse_file(
        Some("people.csv"),
        b"Ten,Tuoi\nAn,30\n",
        theodoi_plandoc::Lexicon::builtin(),
    );
    assert!(matches!(
        refused,
        Err(theodoi_plandoc::ParseError::NoHeaderRow)
    ));
}
