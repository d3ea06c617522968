//! The two seed files of Kế hoạch 14/KH-UBND, checked by hand against the text.
//!
//! The snapshots (tests/it/snapshots/) pin every field of the `plan parse` JSON; the assertions
//! below state the facts a reader checks first, so a snapshot change that breaks one of them fails
//! with a readable message rather than a diff.

use crate::{APPENDIX, BODY};
use theodoi_domain::{AgencyKind, Role, TimeframeKind};
use theodoi_plandoc::{Part, parse};

fn names(v: &[theodoi_domain::AgencyMention]) -> Vec<&str> {
    v.iter().map(|a| a.name.as_str()).collect()
}

#[test]
fn body_golden() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_json_snapshot!("body", theodoi_plandoc::json::view(&p));
}

#[test]
fn appendix_golden() {
    let p = parse(APPENDIX).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_json_snapshot!("appendix", theodoi_plandoc::json::view(&p));
}

#[test]
fn body_document() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}"));
    let d = &p.plan.document;
    assert_eq!(p.part, Part::Body);
    assert_eq!(d.doc_type.abbreviation(), "KH");
    assert_eq!(
        d.number, None,
        "the body carries no number; its appendix does"
    );
    assert_eq!(d.date, None);
    assert_eq!(d.issuer.as_deref(), Some("Ủy ban nhân dân thành phố"));
    assert!(d.title.starts_with(
        "Triển khai thực hiện Quyết định số 2715/QĐ-TTg ngày 13/12/2025 của Thủ tướng Chính phủ"
    ));
    assert!(
        d.title
            .ends_with("Công ước quốc tế về các quyền dân sự và chính trị")
    );
    let implements: Vec<&str> = d.implements().map(|n| n.as_str()).collect();
    assert_eq!(implements, ["2715/QĐ-TTg"]);
    let link = &d.links[0];
    assert_eq!(
        link.date.map(|x| x.to_string()).as_deref(),
        Some("2025-12-13")
    );
    assert_eq!(link.issuer.as_deref(), Some("Thủ tướng Chính phủ"));
    assert!(
        p.preamble
            .starts_with("Thực hiện Quyết định số 2715/QĐ-TTg")
    );
}

#[test]
fn body_purposes_and_requirements() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}")).plan;
    assert_eq!(p.purposes.len(), 3);
    assert!(p.purposes[0].starts_with("Tổ chức tuyên truyền sâu rộng"));
    assert!(p.purposes[2].starts_with("Chủ động hợp tác quốc tế"));
    assert_eq!(p.requirements.len(), 2);
    assert!(p.requirements[0].starts_with("Bám sát quan điểm"));
    // "năm 2013", "năm 2016" and "thường xuyên" inside a requirement are not deadlines.
    assert!(p.requirements[0].contains("giám sát thường xuyên"));
    assert!(
        p.tasks
            .iter()
            .all(|t| !t.reference.as_str().starts_with("I."))
    );
    let sections: Vec<(&str, &str)> = p
        .sections
        .iter()
        .map(|s| (s.number.as_str(), s.heading.as_str()))
        .collect();
    assert_eq!(
        sections,
        [
            ("I", "MỤC ĐÍCH, YÊU CẦU"),
            ("II", "NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU"),
            ("III", "TỔ CHỨC THỰC HIỆN")
        ]
    );
}

#[test]
fn body_task_groups() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}")).plan;
    let refs: Vec<&str> = p.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["II.1", "II.2", "II.3", "II.4"]);
    let t = &p.tasks;
    assert_eq!(
        t[0].title,
        "Nghiên cứu hoàn thiện văn bản quy phạm pháp luật nhằm thực hiện có hiệu quả quyền dân sự và chính trị"
    );
    assert_eq!(
        t[1].title,
        "Thực hiện hiệu quả các quy định pháp luật về quyền dân sự và chính trị"
    );
    assert_eq!(
        t[2].title,
        "Công tác tuyên truyền, giáo dục, phổ biến, đào tạo và nâng cao nhận thức về các quyền dân sự và chính trị"
    );
    assert!(
        t[3].title
            .ends_with("theo quy định của Công ước ICCPR và khuyến nghị của Ủy ban Nhân quyền")
    );
    let items: Vec<usize> = t.iter().map(|t| t.items.len()).collect();
    assert_eq!(items, [2, 6, 5, 4]);
    // "- song tính - chuyển giới - liên giới)." continues the item before it.
    assert!(
        t[1].items[0]
            .text
            .ends_with("người đồng tính - song tính - chuyển giới - liên giới).")
    );
    // A sentence broken after "2030;" stays one item.
    assert!(
        t[1].items[1]
            .text
            .contains("ma túy đến năm 2030; Chiến lược quốc gia về nghiên cứu")
    );

    assert_eq!(names(&t[0].lead), ["Sở Tư pháp"]);
    assert_eq!(
        names(&t[0].coordinating),
        ["Các Sở, cơ quan, đoàn thể liên quan"]
    );
    assert_eq!(
        names(&t[1].lead),
        ["Sở Nội vụ", "Sở Y tế", "Thanh tra thành phố", "Sở Tư pháp"]
    );
    assert_eq!(
        names(&t[1].coordinating),
        [
            "TAND thành phố",
            "Viện Kiểm sát nhân dân thành phố",
            "Thi hành án dân sự thành phố",
            "các cơ quan liên quan"
        ]
    );
    assert!(
        t[1].coordinating.iter().all(|a| a.requested_only),
        "\"Đề nghị …\" requests the whole list"
    );
    assert_eq!(names(&t[2].lead), ["Sở Tư pháp"]);
    assert_eq!(
        names(&t[2].coordinating),
        [
            "Sở Văn hoá và Thể thao",
            "Sở Khoa học và Công nghệ",
            "Sở Nội vụ",
            "các cơ quan liên quan"
        ]
    );
    assert_eq!(names(&t[3].lead), ["Sở Tư pháp"]);
    assert_eq!(
        names(&t[3].coordinating),
        ["Sở Nội vụ", "các cơ quan liên quan"]
    );

    for task in &t[..3] {
        assert_eq!(task.time.text, "Theo hướng dẫn Bộ, Ban ngành Trung ương");
        assert_eq!(
            task.time.kind,
            TimeframeKind::PerGuidance {
                authority: Some("Bộ, Ban ngành Trung ương".into())
            }
        );
    }
    assert_eq!(
        t[3].time.kind,
        TimeframeKind::Unspecified,
        "group 4 has no Thời gian line"
    );
    assert_eq!(t[3].time.text, "");

    let roles: Vec<(String, Role)> = t[1]
        .assignments()
        .map(|a| (a.agency.code(), a.role))
        .collect();
    assert_eq!(roles.len(), 8);
    assert_eq!(roles[0], ("so-noi-vu".to_string(), Role::Lead));
    assert_eq!(
        roles[4],
        ("toa-an-nhan-dan-thanh-pho".to_string(), Role::Coordinating)
    );
}

#[test]
fn body_responsibilities() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}")).plan;
    let r = &p.responsibilities;
    let heads: Vec<&str> = r.iter().map(|r| r.heading.as_str()).collect();
    assert_eq!(
        heads,
        [
            "Sở Tài chính",
            "Sở Nội vụ",
            "Công an thành phố",
            "Sở Văn hóa và Thể thao",
            "Thanh tra thành phố",
            "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố và các tổ chức chính trị - xã hội, TAND thành phố, Viện Kiểm sát nhân dân thành phố",
            "Đoàn Luật sư thành phố",
            "Ủy ban nhân dân các xã, phường",
            "Các Sở, ngành, cơ quan liên quan",
            "Sở Tư pháp",
        ]
    );
    let requested: Vec<bool> = r.iter().map(|r| r.requested_only).collect();
    assert_eq!(
        requested,
        [
            false, false, false, false, false, true, false, false, false, false
        ]
    );
    assert_eq!(
        names(&r[5].agencies),
        [
            "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
            "các tổ chức chính trị - xã hội",
            "TAND thành phố",
            "Viện Kiểm sát nhân dân thành phố"
        ]
    );
    let kinds: Vec<AgencyKind> = r[5].agencies.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AgencyKind::FatherlandFront,
            AgencyKind::MassOrganisation,
            AgencyKind::Court,
            AgencyKind::Procuracy
        ]
    );
    let duties: Vec<usize> = r.iter().map(|r| r.duties.len()).collect();
    assert_eq!(duties, [1, 1, 3, 1, 1, 1, 1, 3, 1, 5]);
    assert!(r[7].agencies[0].group);
    assert_eq!(r[7].agencies[0].kind, AgencyKind::Commune);
    assert!(r[9].duties[4].starts_with("Chịu trách nhiệm theo dõi, kiểm tra, tổng hợp"));
    assert!(r[9].duties[4].ends_with("báo cáo Ủy ban nhân dân thành phố;"));
    let closing = p.closing.as_deref().unwrap_or_default();
    assert!(closing.starts_with("Trong quá trình triển khai thực hiện, nếu phát sinh vướng mắc"));
    assert!(closing.ends_with("giải quyết theo thẩm quyền./."));
}

#[test]
fn body_recipients_and_signer() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}")).plan;
    assert_eq!(
        p.recipients,
        [
            "Bộ Tư pháp",
            "CT, các PCT UBND thành phố",
            "UBMTTQ Việt Nam thành phố",
            "Các đơn vị có tên tại mục III",
            "CVP và các PCVP UBND TP",
            "Lưu: VT, CCHC."
        ]
    );
    let s = p.signer.unwrap_or_default();
    assert_eq!(s.on_behalf.as_deref(), Some("TM. ỦY BAN NHÂN DÂN"));
    assert_eq!(s.authority.as_deref(), Some("KT. CHỦ TỊCH"));
    assert_eq!(s.title.as_deref(), Some("PHÓ CHỦ TỊCH"));
    assert_eq!(s.name.as_deref(), Some("Trần Hữu Thuỳ Giang"));
}

#[test]
fn appendix_rows() {
    let p = parse(APPENDIX).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.part, Part::Appendix);
    let d = &p.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("14/KH-UBND"));
    assert_eq!(d.date.map(|x| x.to_string()).as_deref(), Some("2026-01-09"));
    assert_eq!(d.issuer.as_deref(), Some("UBND thành phố"));
    let implements: Vec<&str> = d.implements().map(|n| n.as_str()).collect();
    assert_eq!(implements, ["2715/QĐ-TTg"]);
    let t = &p.plan.tasks;
    let refs: Vec<&str> = t.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["PL.1", "PL.2", "PL.3", "PL.4", "PL.5", "PL.6"]);
    let leads: Vec<Vec<&str>> = t.iter().map(|t| names(&t.lead)).collect();
    assert_eq!(
        leads,
        [
            vec!["Công an thành phố"],
            vec!["Thanh tra thành phố"],
            vec!["Sở Tư pháp"],
            vec!["Sở Văn hoá và Thể thao", "Sở Khoa học và Công nghệ"],
            vec!["Sở Tư pháp"],
            vec!["Thanh tra thành phố"],
        ]
    );
    let coord: Vec<Vec<&str>> = t.iter().map(|t| names(&t.coordinating)).collect();
    let related = vec!["Các cơ quan, địa phương có liên quan"];
    assert_eq!(
        coord,
        [
            related.clone(),
            related.clone(),
            vec!["Đoàn Luật sư thành phố"],
            related.clone(),
            related.clone(),
            related
        ]
    );
    let times: Vec<(&str, &str)> = t
        .iter()
        .map(|t| (t.time.text.as_str(), t.time.kind_name()))
        .collect();
    assert_eq!(
        times,
        [
            ("2025-2030", "range"),
            ("Hàng năm", "recurring"),
            ("2025-2030", "range"),
            ("Hàng năm", "recurring"),
            ("Hàng năm", "recurring"),
            ("Hàng năm", "recurring"),
        ]
    );
    assert!(
        t[0].title
            .starts_with("Phối hợp với các Sở, ngành, cơ quan liên quan thực hiện")
    );
    assert!(
        t[0].title
            .ends_with("theo chỉ đạo của Bộ Công an và các sở, ngành trên địa bàn thành phố")
    );
    // Row 4 continues after the page break (the lone "2").
    assert!(t[3].title.ends_with("vi phạm các quyền dân sự và chính trị nhằm nâng cao nhận thức, trách nhiệm, kiến thức và kỹ năng thực hiện quyền dân sự và chính trị"));
    // Row 6 is written "6.".
    assert!(
        t[5].title
            .starts_with("Tăng cường chất lượng, hiệu quả của các hoạt động thanh tra")
    );
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.code == "page_break" && d.line == 123)
    );
}

#[test]
fn body_and_appendix_combine() {
    let parsed = vec![
        parse(APPENDIX).unwrap_or_else(|e| panic!("{e}")),
        parse(BODY).unwrap_or_else(|e| panic!("{e}")),
    ];
    let combined = theodoi_plandoc::combine(parsed);
    assert_eq!(combined.len(), 1);
    let p = &combined[0];
    assert_eq!(p.part, Part::BodyAndAppendix);
    assert_eq!(
        p.plan.document.number.as_ref().map(|n| n.as_str()),
        Some("14/KH-UBND")
    );
    assert_eq!(p.plan.tasks.len(), 10);
    assert_eq!(p.plan.assignments().count(), 31);
    // One agency for both spellings of the culture department.
    let culture: Vec<_> = p
        .plan
        .agencies()
        .into_iter()
        .filter(|a| a.code() == "so-van-hoa-va-the-thao")
        .collect();
    assert_eq!(culture.len(), 1);
    assert_eq!(p.plan.agencies().len(), 19);
}

#[test]
fn one_file_with_body_and_appendix() {
    let text = format!("{BODY}\n{APPENDIX}");
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.part, Part::BodyAndAppendix);
    assert_eq!(p.plan.tasks.len(), 10);
    assert_eq!(
        p.plan.document.number.as_ref().map(|n| n.as_str()),
        Some("14/KH-UBND")
    );
    assert_eq!(p.plan.responsibilities.len(), 10);
}
