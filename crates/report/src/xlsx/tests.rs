//! The annex read back from the XML inside the XLSX: headings, number formats, print settings,
//! repeated header rows, Vietnamese labels.

use super::*;
use crate::{Figure, IndicatorInfo, Input, Missing, consolidate};
use std::io::Read;

fn sample() -> Consolidation {
    let infos = [
        IndicatorInfo {
            id: 1,
            code: "TT_NGUOI".into(),
            name: "Lượt người tham dự tuyên truyền, phổ biến".into(),
            unit: "lượt người".into(),
            aggregation: Aggregation::Sum,
            dimensions: vec![Dimension::Sex, Dimension::VulnerableGroup],
        },
        IndicatorInfo {
            id: 2,
            code: "TG_VU".into(),
            name: "Số vụ việc trợ giúp pháp lý".into(),
            unit: "vụ việc".into(),
            aggregation: Aggregation::Sum,
            dimensions: vec![Dimension::Ethnicity],
        },
    ];
    let fig = |id, dim: &str, cat: &str, sum| Figure {
        indicator_id: id,
        dimension: dim.into(),
        category: cat.into(),
        sum,
        average: 0.0,
        bodies: 3,
    };
    let figures = [
        fig(1, "", "", 12_345),
        fig(1, "sex", "nam", 6_000),
        fig(1, "sex", "nu", 6_000),
        fig(1, "vulnerable_group", "tre_em", 1_200),
        fig(1, "vulnerable_group", "nguoi_cao_tuoi", 900),
        fig(2, "", "", 40),
        fig(2, "ethnicity", "kinh", 30),
        fig(2, "ethnicity", "tay", 10),
    ];
    let mut c = consolidate(Input {
        plan_number: "14/KH-UBND",
        plan_title: "Kế hoạch thực hiện",
        round_label: "6 tháng đầu năm 2026",
        previous_label: Some("Năm 2025"),
        indicators: &infos,
        figures: &figures,
        previous: &[fig(1, "", "", 10_000)],
        expected: 3,
        missing: vec![Missing {
            agency: "UBND phường Ba Đình".into(),
            status: "returned".into(),
        }],
        tasks: Vec::new(),
        difficulties: Vec::new(),
        proposals: Vec::new(),
    });
    c.by_kind = vec![
        ("department".into(), 1, 5_000),
        ("commune".into(), 1, 7_345),
        ("commune".into(), 2, 40),
    ];
    c
}

/// Every XML part of the package by name.
fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("an entry");
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.push((f.name().map(|n| n.into_owned()).unwrap_or_default(), s));
        }
    }
    out
}

fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s.as_str())
        .unwrap_or_else(|| panic!("no part {name}"))
}

fn sheets(parts: &[(String, String)]) -> Vec<&str> {
    let mut v: Vec<(&String, &str)> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/worksheets/sheet"))
        .map(|(n, s)| (n, s.as_str()))
        .collect();
    v.sort_by_key(|(n, _)| {
        n.trim_start_matches("xl/worksheets/sheet")
            .trim_end_matches(".xml")
            .parse::<u32>()
            .unwrap_or(0)
    });
    v.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn every_sheet_is_a_numbered_annex_with_its_heading() {
    let p = parts(&annex(&sample()).expect("an XLSX"));
    let workbook = part(&p, "xl/workbook.xml");
    for name in ["Phụ lục III", "Phụ lục IV", "Phụ lục V", "Phụ lục VI"] {
        assert!(
            workbook.contains(&format!("name=\"{name}\"")),
            "{name}: {workbook}"
        );
    }
    let strings = part(&p, "xl/sharedStrings.xml");
    assert!(strings.contains("(Kèm theo Báo cáo số …/BC-STP ngày … tháng … năm … của Sở Tư pháp)"));
    assert!(strings.contains("TỔNG HỢP SỐ LIỆU"));
    assert!(strings.contains("6 tháng đầu năm 2026 thực hiện Kế hoạch số 14/KH-UBND"));
    let dated = AnnexHeading {
        number: Some("125"),
        date: Some(time::macros::date!(2026 - 07 - 03)),
    };
    let p2 = parts(&annex_with(&sample(), &dated).expect("an XLSX"));
    assert!(
        part(&p2, "xl/sharedStrings.xml")
            .contains("(Kèm theo Báo cáo số 125/BC-STP ngày 03 tháng 07 năm 2026 của Sở Tư pháp)")
    );
}

#[test]
fn indicators_by_name_with_codes_last_and_vietnamese_labels() {
    let p = parts(&annex(&sample()).expect("an XLSX"));
    let strings = part(&p, "xl/sharedStrings.xml");
    for label in [
        "Lượt người tham dự tuyên truyền, phổ biến",
        "Chia theo giới tính",
        ">Nữ<",
        "Xã, phường",
        "Sở, ban, ngành",
        "Bị trả lại, chưa gửi lại",
        "Mã chỉ tiêu",
        "Các dân tộc còn lại",
    ] {
        assert!(strings.contains(label), "{label} missing");
    }
    for code_name in [
        "commune",
        "department",
        "returned",
        ">sex<",
        ">vulnerable_group<",
    ] {
        assert!(
            !strings.contains(code_name),
            "{code_name} shown to a reader"
        );
    }
    // The summary's last column is the code; the name comes first.
    let summary = sheets(&p)[0];
    let name_at = summary.find("r=\"B9\"").expect("B9");
    let code_at = summary.find("r=\"H9\"").expect("H9");
    assert!(name_at < code_at);
    // Overlapping groups carry a note.
    assert!(strings.contains("Một người có thể thuộc nhiều nhóm yếu thế"));
    assert!(strings.contains("Chia theo nhóm yếu thế (*)"));
    // 54 ethnic groups would be pages of zeros: only the ones with a figure.
    assert!(strings.contains(">Tày<") && !strings.contains(">Rơ-măm<"));
    // No label a spreadsheet would take for a formula, so none gets an apostrophe.
    assert!(!strings.contains(">'"), "{strings}");
}

#[test]
fn whole_numbers_grouped_and_print_setup() {
    let p = parts(&annex(&sample()).expect("an XLSX"));
    let styles = part(&p, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"#,##0\""), "{styles}");
    assert!(
        !styles.contains("#,##0.##"),
        "no trailing decimal point on whole numbers"
    );
    let workbook = part(&p, "xl/workbook.xml");
    let all = sheets(&p);
    assert_eq!(all.len(), 4);
    for (i, sheet) in all.iter().enumerate() {
        assert!(sheet.contains("paperSize=\"9\""), "sheet {i}: A4");
        assert!(
            sheet.contains("fitToWidth=\"1\"") || !sheet.contains("fitToWidth"),
            "sheet {i}"
        );
        assert!(
            sheet.contains("fitToHeight=\"0\""),
            "sheet {i}: one page wide, as long as needed"
        );
        assert!(sheet.contains("<oddFooter>&amp;C"), "sheet {i}: footer");
        assert!(
            sheet.contains("Trang &amp;P/&amp;N"),
            "sheet {i}: page numbers"
        );
    }
    assert!(
        all[0].contains("orientation=\"landscape\""),
        "the summary is wide"
    );
    assert!(all[1].contains("orientation=\"portrait\""));
    // Header rows repeated: a print title per sheet, on the header row.
    let titles = workbook.matches("_xlnm.Print_Titles").count();
    assert_eq!(titles, 4, "{workbook}");
    assert!(workbook.contains("'Phụ lục III'!$8:$8"), "{workbook}");
    assert!(workbook.contains("'Phụ lục IV'!$6:$6"), "{workbook}");
    // The number cells of the summary use the whole-number style.
    let whole_style = style_index(styles, "#,##0");
    assert!(
        all[0].contains(&format!("r=\"D9\" s=\"{whole_style}\"")),
        "12,345 as #,##0: {}",
        &all[0][all[0].find("r=\"D9\"").unwrap_or(0)..][..60]
    );
}

/// The index of the first cell style (cellXfs) with the number format `code`.
fn style_index(styles: &str, code: &str) -> usize {
    let id = styles
        .split("<numFmt ")
        .skip(1)
        .find(|s| s.contains(&format!("formatCode=\"{code}\"")))
        .and_then(|s| s.split("numFmtId=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("the format")
        .to_string();
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .and_then(|s| s.split("</cellXfs>").next())
        .expect("cellXfs");
    xfs.split("<xf ")
        .skip(1)
        .position(|x| x.contains(&format!("numFmtId=\"{id}\"")))
        .expect("a style with it")
}

#[test]
fn the_missing_bodies_alone() {
    let p = parts(&missing(&sample(), &AnnexHeading::default()).expect("an XLSX"));
    let strings = part(&p, "xl/sharedStrings.xml");
    assert!(strings.contains("UBND phường Ba Đình"));
    assert!(strings.contains("DANH SÁCH CƠ QUAN, ĐỊA PHƯƠNG CHƯA CÓ BÁO CÁO ĐƯỢC TIẾP NHẬN"));
    let sheet = sheets(&p)[0];
    assert!(sheet.contains("paperSize=\"9\"") && sheet.contains("Trang &amp;P/&amp;N"));
}

#[test]
fn many_groups_go_down_the_page() {
    let mut c = sample();
    c.by_kind.clear();
    c.by_parent = (0..20)
        .map(|i| (format!("Tỉnh số {i}"), 1, i64::from(i) * 10))
        .collect();
    let p = parts(&annex(&c).expect("an XLSX"));
    let all = sheets(&p);
    assert_eq!(all.len(), 4);
    assert!(all[2].contains("orientation=\"portrait\""));
    let strings = part(&p, "xl/sharedStrings.xml");
    assert!(strings.contains("Đơn vị cấp trên") && strings.contains("Tỉnh số 19"));
}
