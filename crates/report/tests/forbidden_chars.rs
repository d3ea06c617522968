//! Characters XML 1.0 forbids (U+FFFE, U+FFFF, C0 controls) typed into any narrative or name must
//! not make the report's DOCX or the annex's XLSX unreadable: every part of both packages stays
//! well-formed text.

use std::io::Read;
use theodoi_domain::indicator::{Aggregation, Dimension};
use theodoi_report::{
    Consolidation, Figure, IndicatorInfo, Input, Missing, TaskEntry, TaskNarrative, consolidate,
    docx, xlsx,
};

const NASTY: &str = "Kết quả\u{FFFE} tốt\u{FFFF}\u{1}\u{B}\u{1F} cuối";

fn sample() -> Consolidation {
    let indicators = [IndicatorInfo {
        id: 1,
        code: format!("HN_{NASTY}"),
        name: format!("Số hội nghị {NASTY}"),
        unit: "buổi\u{FFFF}".into(),
        aggregation: Aggregation::Sum,
        dimensions: vec![Dimension::Sex],
    }];
    let figures = [Figure {
        indicator_id: 1,
        dimension: String::new(),
        category: String::new(),
        sum: 12,
        average: 12.0,
        bodies: 1,
    }];
    consolidate(Input {
        plan_number: "14/KH-UBND",
        plan_title: NASTY,
        round_label: "6 tháng đầu năm 2026",
        previous_label: None,
        indicators: &indicators,
        figures: &figures,
        previous: &[],
        expected: 2,
        missing: vec![Missing {
            agency: format!("Xã {NASTY}"),
            status: "draft".into(),
        }],
        tasks: vec![TaskNarrative {
            reference: "II.1".into(),
            title: format!("Nhiệm vụ {NASTY}"),
            recommendations: vec![theodoi_report::RecLink {
                symbol: "CCPR/C/VNM/CO/4".into(),
                paragraph: 21,
                sub: Some("b".into()),
                title: NASTY.into(),
            }],
            articles: vec![14],
            entries: vec![TaskEntry {
                agency: format!("Sở {NASTY}"),
                role: theodoi_domain::Role::Lead,
                status: "done".into(),
                results: NASTY.repeat(3),
            }],
        }],
        difficulties: vec![(format!("Xã {NASTY}"), NASTY.into())],
        proposals: vec![(format!("Sở {NASTY}"), NASTY.into())],
    })
}

/// Every XML part of a package, as text, with its name.
fn xml_parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("a part");
        let name = file.name().expect("a part name").to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut s = String::new();
            file.read_to_string(&mut s).expect("UTF-8 XML");
            parts.push((name, s));
        }
    }
    parts
}

fn assert_well_formed_text(bytes: &[u8]) {
    let parts = xml_parts(bytes);
    assert!(!parts.is_empty());
    for (name, xml) in parts {
        let bad: Vec<char> = xml
            .chars()
            .filter(|&c| !theodoi_report::is_xml_char(c))
            .collect();
        assert!(
            bad.is_empty(),
            "{name} carries characters XML forbids: {bad:?}"
        );
    }
}

#[test]
fn the_report_docx_drops_characters_xml_forbids() {
    let head = docx::Letterhead {
        superior: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        issuer: "SỞ TƯ PHÁP",
        symbol: "BC-STP",
        place: "Hải Phòng",
        date: Some(time::macros::date!(2026 - 06 - 20)),
        position: "GIÁM ĐỐC",
        position2: None,
        signer: "Nguyễn Văn An",
        recipients: &["UBND thành phố"],
        drafting_unit: "PBGDPL",
        // Grouped, so the recommendation's title is printed too.
        group: theodoi_report::Grouping::Recommendations,
    };
    let bytes = docx::report(&sample(), &head).expect("a DOCX");
    assert_well_formed_text(&bytes);
    let document = xml_parts(&bytes)
        .into_iter()
        .find(|(n, _)| n == "word/document.xml")
        .map(|(_, x)| x)
        .unwrap_or_default();
    assert!(
        document.contains("Kết quả tốt cuối"),
        "the text around them stays"
    );
}

#[test]
fn the_annex_xlsx_drops_characters_xml_forbids() {
    let bytes = xlsx::annex(&sample()).expect("an XLSX");
    assert_well_formed_text(&bytes);
}

#[test]
fn xml_safe_keeps_what_xml_allows() {
    assert_eq!(
        theodoi_report::xml_safe("a\tb\nc\u{10000}đ"),
        "a\tb\nc\u{10000}đ"
    );
    assert_eq!(theodoi_report::xml_safe("a\u{0}b\u{FFFE}c\u{FFFF}"), "abc");
}
