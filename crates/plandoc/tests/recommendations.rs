//! The recommendations reader on fixtures written in the shape of the documents it reads (see
//! fixtures/recommendations/README.md): concluding observations as PDF text in English and as a
//! Vietnamese translation (also as a DOCX), a UPR report, a spreadsheet.

use proptest::prelude::*;
use std::io::Write;
use theodoi_domain::recommendation::{Mechanism, Recommendation};
use theodoi_plandoc::recommendations::{Options, ParsedRecommendations, RecError, read, read_file};
use time::{Date, Month};

const CO_EN: &str = include_str!("fixtures/recommendations/co_en_pdf.txt");
const CO_VI: &str = include_str!("fixtures/recommendations/co_vi.txt");
const UPR: &str = include_str!("fixtures/recommendations/upr_en.txt");
const CSV: &str = include_str!("fixtures/recommendations/recs.csv");

/// Each recommendation as "number | theme | articles | has a concern".
fn outline(p: &ParsedRecommendations) -> Vec<String> {
    p.recommendations
        .iter()
        .map(|r| {
            format!(
                "{} | {} | {:?} | {}",
                r.number(),
                r.theme,
                r.articles,
                if r.concern.is_some() { "concern" } else { "-" }
            )
        })
        .collect()
}

fn find<'a>(p: &'a ParsedRecommendations, number: &str) -> &'a Recommendation {
    p.recommendations
        .iter()
        .find(|r| r.number() == number)
        .unwrap_or_else(|| panic!("no recommendation {number}"))
}

fn codes(p: &ParsedRecommendations) -> Vec<(u32, &'static str)> {
    p.diagnostics.iter().map(|d| (d.line, d.code)).collect()
}

#[test]
fn english_concluding_observations_from_pdf_text() {
    let p = read(CO_EN, &Options::default());
    assert_eq!(p.source.symbol, "CCPR/C/VNM/CO/4");
    assert_eq!(
        p.source.title,
        "Concluding observations on the fourth periodic report of Viet Nam"
    );
    assert_eq!(
        p.source.date,
        Date::from_calendar_date(2025, Month::May, 12).ok()
    );
    assert_eq!(
        p.source.mechanism,
        Mechanism::TreatyBody {
            committee: "CCPR".into()
        }
    );
    assert_eq!(p.source.language, "en");
    let frame = "Constitutional and legal framework within which the Covenant is implemented";
    assert_eq!(
        outline(&p),
        [
            format!("4(a) | {frame} | [2] | concern"),
            format!("4(b) | {frame} | [2] | concern"),
            format!("4(c) | {frame} | [2] | concern"),
            "6 | National human rights institution | [2] | concern".into(),
            "8 | Non-discrimination | [2, 3, 26] | concern".into(),
            "10(a) | Right to life | [6] | concern".into(),
            "10(b) | Right to life | [6] | concern".into(),
            "10(c) | Right to life | [6] | concern".into(),
            "11 | Prohibition of torture and ill-treatment | [7, 10] | concern".into(),
            "13 | Liberty and security of person | [9] | concern".into(),
            "15(a) | Right to a fair trial | [14] | concern".into(),
            "15(b) | Right to a fair trial | [14] | concern".into(),
            "15(c) | Right to a fair trial | [14] | concern".into(),
            "17 | Freedom of expression | [19] | concern".into(),
            "19 | Participation in public affairs | [] | concern".into(),
            "21 | Rights of minorities | [27] | concern".into(),
            "22 | Dissemination and follow-up | [] | -".into(),
            "23 | Dissemination and follow-up | [] | -".into(),
        ]
    );
    // Sub-paragraphs stand alone, wrapped lines joined, the closing "; and" gone.
    assert_eq!(
        find(&p, "4(a)").text,
        "Ensure that the rights recognized in the Covenant can be invoked before, and applied by, the domestic courts"
    );
    assert_eq!(
        find(&p, "4(b)").text,
        "Train judges, prosecutors and lawyers on the Covenant"
    );
    assert_eq!(
        find(&p, "10(c)").text,
        "Consider acceding to the Second Optional Protocol to the Covenant."
    );
    // The concern is kept apart from what is recommended, and shared by a paragraph's subs.
    let concern = "The Committee notes with concern that the courts seldom apply the provisions of the Covenant and that judges and lawyers know little of them.";
    for n in ["4(a)", "4(b)", "4(c)"] {
        assert_eq!(find(&p, n).concern.as_deref(), Some(concern));
        assert!(!find(&p, n).text.contains("concern"));
    }
    // One paragraph stating a concern and then recommending: cut in two.
    let torture = find(&p, "11");
    assert_eq!(
        torture.concern.as_deref(),
        Some(
            "While noting the steps taken to prevent ill-treatment in places of detention, the Committee is concerned about allegations of confessions obtained under duress."
        )
    );
    assert_eq!(
        torture.text,
        "The State party should ensure that such confessions are never admitted as evidence and that every allegation is investigated promptly and impartially."
    );
    // Page furniture and the footnote at the page's foot are dropped, not read into paragraphs.
    assert_eq!(
        find(&p, "15(a)").concern.as_deref(),
        Some(
            "The Committee is concerned about limits on access to a lawyer from the outset of detention.1"
        )
    );
    assert_eq!(
        find(&p, "10(a)").text,
        "Consider reducing further the number of offences punishable by death, with a view to abolition"
    );
    assert!(
        p.recommendations
            .iter()
            .all(|r| !r.text.contains("GE.25") && !r.text.contains("CCPR/C/VNM/CO/4"))
    );
    assert!(
        find(&p, "23")
            .text
            .starts_with("In accordance with rule 75")
    );
    assert_eq!(find(&p, "4(a)").text_vi, None);
    assert_eq!(
        codes(&p),
        [
            (41, "page_furniture"),
            (42, "page_furniture"),
            (43, "page_furniture"),
            (44, "page_furniture"),
            (63, "page_furniture"),
            (64, "page_furniture"),
            (65, "page_furniture"),
            (76, "theme_without_articles"),
            (81, "article_out_of_range"),
            (92, "paragraph_unclassified"),
        ]
    );
    let minorities = &p.diagnostics[8];
    assert!(minorities.message.contains("41") && minorities.message_in(true).contains("41"));
}

#[test]
fn vietnamese_concluding_observations() {
    let p = read(CO_VI, &Options::default());
    assert_eq!(p.source.symbol, "CCPR/C/VNM/CO/4");
    assert_eq!(
        p.source.title,
        "Nhận xét kết luận về báo cáo định kỳ lần thứ tư của Việt Nam"
    );
    assert_eq!(
        p.source.date,
        Date::from_calendar_date(2025, Month::May, 12).ok()
    );
    assert_eq!(p.source.language, "vi");
    assert_eq!(
        outline(&p),
        [
            "4(a) | Không phân biệt đối xử | [2, 3, 26] | concern",
            "4(b) | Không phân biệt đối xử | [2, 3, 26] | concern",
            "4(c) | Không phân biệt đối xử | [2, 3, 26] | concern",
            "6 | Quyền sống | [6] | concern",
            "8 | Quyền được xét xử công bằng | [14] | concern",
            "9 | Phổ biến và theo dõi | [] | -",
        ]
    );
    let b = find(&p, "4(b)");
    assert_eq!(
        b.text,
        "Bảo đảm nạn nhân được tiếp cận biện pháp khắc phục hiệu quả"
    );
    assert_eq!(b.text_vi.as_deref(), Some(b.text.as_str()));
    assert_eq!(
        b.concern.as_deref(),
        Some(
            "Ủy ban quan ngại về các báo cáo phân biệt đối xử với người khuyết tật trong tiếp cận dịch vụ công."
        )
    );
    assert_eq!(
        find(&p, "6").text,
        "Quốc gia thành viên cần công bố số liệu về án tử hình và cân nhắc gia nhập Nghị định thư không bắt buộc thứ hai của Công ước."
    );
    assert_eq!(
        find(&p, "6").concern.as_deref(),
        Some("Ủy ban lấy làm tiếc về việc thiếu số liệu công khai về án tử hình.")
    );
    assert_eq!(codes(&p), []);
    assert_eq!(
        find(&p, "4(a)").reference(&p.source.symbol),
        "CCPR/C/VNM/CO/4 đoạn 4(a)"
    );
}

/// A minimal Word document: one paragraph per line.
fn docx(lines: &str) -> Vec<u8> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body: String = lines
        .lines()
        .map(|l| {
            format!(
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                esc(l)
            )
        })
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        ("word/document.xml", document),
    ];
    zip_of(&parts)
}

fn zip_of(parts: &[(&str, String)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, opts)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        zip.write_all(content.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    zip.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

#[test]
fn a_docx_reads_as_its_text() {
    let bytes = docx(CO_VI);
    let from_docx =
        read_file(Some("nhan-xet.docx"), &bytes, &Options::default()).expect("a DOCX is read");
    assert_eq!(from_docx.len(), 1);
    let from_text = read(CO_VI, &Options::default());
    assert_eq!(from_docx[0].source, from_text.source);
    assert_eq!(from_docx[0].recommendations, from_text.recommendations);
}

#[test]
fn upr_report() {
    let p = read(UPR, &Options::default());
    assert_eq!(p.source.symbol, "A/HRC/99/12");
    assert_eq!(p.source.mechanism, Mechanism::Upr);
    assert_eq!(
        p.source.title,
        "Report of the Working Group on the Universal Periodic Review: Viet Nam"
    );
    assert_eq!(
        p.source.date,
        Date::from_calendar_date(2029, Month::January, 3).ok()
    );
    let numbers: Vec<String> = p
        .recommendations
        .iter()
        .map(Recommendation::number)
        .collect();
    assert_eq!(
        numbers,
        [
            "110.1", "110.2", "110.3", "110.4", "110.5", "110.6", "110.7", "110.8", "110.9",
            "110.10", "110.11"
        ]
    );
    let second = find(&p, "110.2");
    assert_eq!(second.paragraph, 110);
    assert_eq!(second.sub.as_deref(), Some("2"));
    assert_eq!(
        second.text,
        "Consider ratifying the Second Optional Protocol to the International Covenant on Civil and Political Rights, aiming at the abolition of the death penalty (Freedonia)"
    );
    assert_eq!(
        find(&p, "110.4").text,
        "Establish a national human rights institution in line with the Paris Principles (Borduria, Syldavia)"
    );
    assert!(
        p.recommendations
            .iter()
            .all(|r| r.theme.is_empty() && r.articles.is_empty() && r.concern.is_none())
    );
    // The annex after the last paragraph is not read.
    assert!(!find(&p, "110.11").text.contains("delegation"));
    assert_eq!(codes(&p), [(26, "no_recommending_state")]);
    assert_eq!(
        find(&p, "110.1").reference(&p.source.symbol),
        "A/HRC/99/12 đoạn 110.1"
    );
}

#[test]
fn spreadsheet_rows_by_source() {
    let all = read_file(Some("khuyen-nghi.csv"), CSV.as_bytes(), &Options::default())
        .expect("a CSV with a header");
    assert_eq!(all.len(), 2);
    let co = &all[0];
    assert_eq!(co.source.symbol, "CCPR/C/VNM/CO/4");
    assert_eq!(
        outline(co),
        [
            "8 | Non-discrimination | [2, 3, 26] | -",
            "15(a) | Right to a fair trial | [9, 14] | -",
            "15(b) | Right to a fair trial | [9, 14] | -",
            "33 | Other | [] | -",
        ]
    );
    let eight = find(co, "8");
    assert_eq!(
        eight.text,
        "Adopt comprehensive anti-discrimination legislation; give victims \"effective\" remedies"
    );
    assert_eq!(
        eight.text_vi.as_deref(),
        Some("Ban hành luật toàn diện về chống phân biệt đối xử")
    );
    assert_eq!(find(co, "15(a)").text_vi, None);
    assert_eq!(
        codes(co),
        [
            (5, "article_out_of_range"),
            (6, "no_paragraph"),
            (7, "duplicate")
        ]
    );
    let upr = &all[1];
    assert_eq!(upr.source.symbol, "A/HRC/99/12");
    assert_eq!(upr.source.mechanism, Mechanism::Upr);
    assert_eq!(outline(upr), ["110.3 |  | [] | -"]);
    assert_eq!(codes(upr), [(8, "mechanism_guessed")]);

    // The text of the same sheet gives its first source and says there is another.
    let first = read(CSV, &Options::default());
    assert_eq!(first.recommendations, co.recommendations);
    assert!(
        first
            .diagnostics
            .iter()
            .any(|d| d.code == "other_source" && d.line == 8)
    );
}

#[test]
fn a_sheet_without_a_recognised_header_is_refused_with_the_columns_looked_for() {
    let refused = read_file(
        Some("x.csv"),
        b"Cot 1,Cot 2\n21,Something\n",
        &Options::default(),
    );
    assert_eq!(refused, Err(RecError::NoHeaderRow));
    let message = RecError::NoHeaderRow.message();
    assert!(message.vi.contains("đoạn/paragraph") && message.en.contains("đoạn/paragraph"));
    assert_ne!(message.vi, message.en);
}

#[test]
fn a_symbol_given_by_the_caller_fills_a_headless_text() {
    let text = "Right to life (art. 6)\n9. The Committee is concerned about X.\n10. The State party should do Y.";
    let bare = read(text, &Options::default());
    assert_eq!(bare.source.symbol, "");
    assert!(bare.diagnostics.iter().any(|d| d.code == "no_symbol"));
    let given = read(
        text,
        &Options {
            symbol: Some("CCPR/C/VNM/CO/4".into()),
            language: None,
        },
    );
    assert_eq!(given.source.symbol, "CCPR/C/VNM/CO/4");
    assert_eq!(outline(&given), ["10 | Right to life | [6] | concern"]);
    assert!(given.diagnostics.is_empty(), "{:?}", given.diagnostics);
}

#[test]
fn nothing_to_read_says_so() {
    for text in ["", "\n\n", "Một đoạn văn bất kỳ."] {
        let p = read(text, &Options::default());
        assert!(p.recommendations.is_empty());
        assert!(p.diagnostics.iter().any(|d| d.code == "no_recommendations"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        let _ = read(&s, &Options::default());
    }

    /// The documents' vocabulary in any order: numbers, subs, headings, furniture, table cells.
    #[test]
    fn structural_noise_never_panics(s in "([0-9]{1,3}\\. |[0-9]{1,3}\\.[0-9]{1,2} |\\([a-z]\\) |[a-z]\\) |[A-D]\\. |II\\. |The State party should|The Committee is concerned|Quốc gia thành viên cần|Ủy ban quan ngại|\\(arts?\\. [0-9]{1,3}( and [0-9]{1,3})?\\)|\\(các điều [0-9, và]{1,8}\\)|CCPR/C/VNM/CO/4|GE\\.25-[0-9]{5}|A/HRC/[0-9]{2}/[0-9]|Annex|; and|\\| |Đoạn|Nội dung|, |\"|\n|[a-zà-ỹ ]{0,8}|[0-9/]{1,6}){0,80}") {
        let _ = read(&s, &Options::default());
        let _ = read_file(Some("r.csv"), s.as_bytes(), &Options::default());
    }

    /// Cutting a fixture anywhere never panics.
    #[test]
    fn truncated_fixtures_never_panic(cut in 0usize..6_000, which in 0usize..3) {
        let text = [CO_EN, CO_VI, UPR][which];
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let _ = read(&text[..at], &Options::default());
    }
}

/// A one-sheet workbook with inline strings.
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let sheet_rows: String = rows
        .iter()
        .enumerate()
        .map(|(r, cells)| {
            let cells: String = cells
                .iter()
                .enumerate()
                .map(|(c, v)| {
                    let col = char::from(b'A' + u8::try_from(c).unwrap_or(0));
                    format!(
                        r#"<c r="{col}{}" t="inlineStr"><is><t>{}</t></is></c>"#,
                        r + 1,
                        esc(v)
                    )
                })
                .collect();
            format!(r#"<row r="{}">{cells}</row>"#, r + 1)
        })
        .collect();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_rows}</sheetData></worksheet>"#
    );
    zip_of(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

#[test]
fn a_workbook_with_columns_in_its_own_order() {
    let bytes = xlsx(&[
        &["Danh mục khuyến nghị của Ủy ban Nhân quyền"],
        &["Nội dung", "Điều", "Đoạn", "Ký hiệu", "Quan ngại"],
        &[
            "The State party should publish figures on executions.",
            "6",
            "10(b)",
            "CCPR/C/VNM/CO/4",
            "Figures are not made public.",
        ],
        &[
            "Consider reducing further the number of capital offences.",
            "Điều 6",
            "10 (a)",
            "CCPR/C/VNM/CO/4",
            "",
        ],
    ]);
    let all = read_file(Some("danh-muc.xlsx"), &bytes, &Options::default()).expect("a workbook");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].source.language, "en");
    assert_eq!(
        outline(&all[0]),
        ["10(a) |  | [6] | -", "10(b) |  | [6] | concern"]
    );
    assert_eq!(
        find(&all[0], "10(b)").concern.as_deref(),
        Some("Figures are not made public.")
    );
    assert!(all[0].diagnostics.is_empty(), "{:?}", all[0].diagnostics);
}

#[test]
fn a_word_table_of_recommendations() {
    // The DOCX reader writes a Word table as '|' rows; the symbol above the table is the source.
    let text = "Danh mục khuyến nghị CCPR/C/VNM/CO/4\n| STT | Đoạn | Điểm | Chủ đề | Nội dung |\n| 1 | 21 | a | Quyền sống | Công bố số liệu về án tử hình |\n| 2 | 5 |  | Không phân biệt đối xử | Ban hành luật chống phân biệt đối xử |";
    let p = read(text, &Options::default());
    assert_eq!(p.source.symbol, "CCPR/C/VNM/CO/4");
    assert_eq!(p.source.language, "vi");
    assert_eq!(
        outline(&p),
        [
            "5 | Không phân biệt đối xử | [] | -",
            "21(a) | Quyền sống | [] | -"
        ]
    );
    assert_eq!(
        find(&p, "21(a)").text_vi.as_deref(),
        Some("Công bố số liệu về án tử hình")
    );
}

#[test]
fn lettered_subs_without_brackets_and_upr_themes() {
    let co = "CCPR/C/VNM/CO/4\nQuyền được xét xử công bằng (điều 14)\n7. Ủy ban quan ngại về thời hạn tạm giữ.\n8. Quốc gia thành viên cần:\na) Sửa đổi quy định về tạm giữ;\nb) Bảo đảm quyền có luật sư.";
    let p = read(co, &Options::default());
    assert_eq!(
        outline(&p),
        [
            "8(a) | Quyền được xét xử công bằng | [14] | concern",
            "8(b) | Quyền được xét xử công bằng | [14] | concern"
        ]
    );
    assert_eq!(find(&p, "8(a)").text, "Sửa đổi quy định về tạm giữ");
    // A compilation that groups UPR items under headings: the heading is the theme, flagged.
    let upr = "A/HRC/99/12 Universal Periodic Review\n110. The following recommendations enjoy support:\nAccess to justice\n110.1 Extend legal aid (Atlantis);\n110.2 Train judges (Genovia);\nDetention\n110.3 Improve conditions of detention (Zubrowka).";
    let p = read(upr, &Options::default());
    assert_eq!(
        outline(&p),
        [
            "110.1 | Access to justice | [] | -",
            "110.2 | Access to justice | [] | -",
            "110.3 | Detention | [] | -"
        ]
    );
    assert_eq!(
        codes(&p),
        [(3, "theme_without_articles"), (6, "theme_without_articles")]
    );
}
