//! What cells hold and how they are cut: a Word header table whose cells hold several paragraphs,
//! body lists separated by ";", tables copied from Word or Excel with tabs between cells, dates a
//! narrow PDF cell broke over two lines, days that do not exist, and a "Sản phẩm" column kept
//! beside its task.

use crate::legacy::{TNR, docx, para, run, styles};
use crate::pdf::{pdf, stream};
use theodoi_plandoc::{Lexicon, ParsedPlan, parse, parse_file};
use time::macros::date;

fn names(v: &[theodoi_domain::AgencyMention]) -> Vec<&str> {
    v.iter().map(|a| a.name.as_str()).collect()
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

/// The fields kept beside a task, as (label, text).
fn kept<'a>(p: &'a ParsedPlan, r: &str) -> Vec<(&'a str, &'a str)> {
    p.fields
        .iter()
        .filter(|(t, _)| t.as_str() == r)
        .flat_map(|(_, f)| f.iter().map(|k| (k.label.as_str(), k.text.as_str())))
        .collect()
}

/// Every text of a task a column's words could leak into.
fn task_texts(t: &theodoi_domain::Task) -> Vec<String> {
    let mut v = vec![t.title.clone(), t.time.text.clone()];
    v.extend(t.lead.iter().chain(&t.coordinating).map(|a| a.name.clone()));
    v.extend(t.items.iter().map(|i| i.text.clone()));
    v
}

fn cell(paras: &[&str]) -> String {
    let ps: String = paras.iter().map(|p| para(None, &[run(TNR, p)])).collect();
    format!("<w:tc>{ps}</w:tc>")
}

fn row(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

fn table(rows: &[String]) -> String {
    format!("<w:tbl><w:tblPr/>{}</w:tbl>", rows.concat())
}

fn paras(lines: &[&str]) -> String {
    lines.iter().map(|l| para(None, &[run(TNR, l)])).collect()
}

/// The header as most plans set it: a table of one row, the issuer and the number in the left
/// cell, the Quốc hiệu, the Tiêu ngữ and the place and date in the right one, a paragraph each.
fn header_table(left: &[&str], right: &[&str]) -> String {
    table(&[row(&[cell(left), cell(right)])])
}

fn read_docx(bytes: &[u8]) -> ParsedPlan {
    parse_file(Some("kh.docx"), bytes, Lexicon::builtin()).unwrap_or_else(|e| panic!("{e}"))
}

const PLAN_BODY: &[&str] = &[
    "KẾ HOẠCH",
    "Phổ biến, giáo dục pháp luật năm 2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "- Nâng cao nhận thức pháp luật của cán bộ, nhân dân.",
    "II. NHIỆM VỤ",
    "1. Tổ chức hội nghị phổ biến pháp luật",
    "Cơ quan chủ trì: Sở Tư pháp.",
    "Cơ quan phối hợp: Sở Nội vụ; Sở Tài chính.",
    "Thời gian thực hiện: Quý II/2026.",
];

#[test]
fn a_docx_header_table_with_a_paragraph_per_part_is_read() {
    let header = header_table(
        &[
            "ỦY BAN NHÂN DÂN",
            "TỈNH QUẢNG NINH",
            "-------",
            "Số: 25/KH-UBND",
        ],
        &[
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "---------------",
            "Quảng Ninh, ngày 09 tháng 01 năm 2026",
        ],
    );
    let bytes = docx(
        &format!("{header}{}", paras(PLAN_BODY)),
        &styles("Times New Roman"),
    );
    let p = read_docx(&bytes);
    let d = &p.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("25/KH-UBND"));
    assert_eq!(d.date, Some(date!(2026 - 01 - 09)));
    assert_eq!(d.issuer.as_deref(), Some("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"));
    assert_eq!(d.place.as_deref(), Some("Quảng Ninh"));
    assert_eq!(d.title, "Phổ biến, giáo dục pháp luật năm 2026");
    assert!(
        !p.diagnostics.iter().any(|x| x.code == "no_header"),
        "{:?}",
        p.diagnostics
    );

    // The same with the Tiêu ngữ's en dashes, a body under a city and a draft's blank number.
    let header = header_table(
        &["UBND THÀNH PHỐ HẢI PHÒNG", "SỞ TƯ PHÁP", "Số:      /KH-STP"],
        &[
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập – Tự do – Hạnh phúc",
            "Hải Phòng, ngày 15 tháng 3 năm 2026",
        ],
    );
    let bytes = docx(
        &format!("{header}{}", paras(PLAN_BODY)),
        &styles("Times New Roman"),
    );
    let d = read_docx(&bytes).plan.document;
    assert_eq!(d.number, None);
    assert_eq!(d.date, Some(date!(2026 - 03 - 15)));
    assert_eq!(
        d.issuer.as_deref(),
        Some("UBND THÀNH PHỐ HẢI PHÒNG SỞ TƯ PHÁP")
    );
    assert_eq!(d.place.as_deref(), Some("Hải Phòng"));
}

#[test]
fn bodies_separated_by_semicolons_are_several() {
    let text = [
        "KẾ HOẠCH",
        "Thực hiện công tác pháp chế năm 2026",
        "II. NHIỆM VỤ",
        "1. Rà soát văn bản quy phạm pháp luật",
        "Cơ quan chủ trì: Sở Tư pháp.",
        "Cơ quan phối hợp: Sở Nội vụ; Sở Tài chính.",
        "Thời gian: Quý II/2026.",
        "2. Tập huấn nghiệp vụ",
        "Cơ quan chủ trì: Sở Nội vụ.",
        "Cơ quan phối hợp: Sở Văn hóa, Thể thao và Du lịch; UBND các xã, phường và Sở Y tế.",
        "Thời gian: Năm 2026.",
    ]
    .join("\n");
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        names(&task(&p, "II.1").coordinating),
        ["Sở Nội vụ", "Sở Tài chính"]
    );
    assert_eq!(
        names(&task(&p, "II.2").coordinating),
        [
            "Sở Văn hóa, Thể thao và Du lịch",
            "UBND các xã, phường",
            "Sở Y tế"
        ]
    );
    // In a table cell too, and in the DOCX header's plan body.
    let table = "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n| 1 | Rà soát | Sở Tư pháp | Sở Nội vụ; Sở Tài chính; Công an tỉnh | Năm 2026 |";
    let p = parse(table).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        names(&p.plan.tasks[0].coordinating),
        ["Sở Nội vụ", "Sở Tài chính", "Công an tỉnh"]
    );
}

/// An appendix copied from Word or Excel as text: a tab between cells, a group row, a row
/// continued without a number, a cell Excel quoted because it holds a line break, a product
/// column after the time.
const TAB_APPENDIX: &str = "PHỤ LỤC
DANH MỤC NHIỆM VỤ NĂM 2026
(Kèm theo Kế hoạch số 25/KH-UBND ngày 09/01/2026 của UBND tỉnh)
STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian\tSản phẩm
I\tNHÓM NHIỆM VỤ VỀ THỂ CHẾ\t\t\t\t
1\tRà soát văn bản quy phạm pháp luật\tSở Tư pháp\tSở Nội vụ; Sở Tài chính\tQuý II/2026\tBáo cáo rà soát
\tvề quyền của người khuyết tật\t\t\t\t
2\t\"Tập huấn cho cán bộ
cấp xã\"\tSở Nội vụ\tUBND các xã, phường\tHằng năm\t\"Báo cáo \"\"kết quả\"\"\"
II\tNHÓM NHIỆM VỤ VỀ TRUYỀN THÔNG\t\t\t\t
3\tĐăng tin bài trên cổng thông tin\tSở Văn hóa, Thể thao và Du lịch\t\tThường xuyên\tTin bài
";

#[test]
fn a_table_copied_with_tabs_reads_like_a_ruled_one() {
    let p = parse(TAB_APPENDIX).unwrap_or_else(|e| panic!("{e}"));
    let refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["PL.1", "PL.2", "PL.3"]);
    let t1 = task(&p, "PL.1");
    assert_eq!(
        t1.title,
        "Rà soát văn bản quy phạm pháp luật về quyền của người khuyết tật"
    );
    assert_eq!(names(&t1.lead), ["Sở Tư pháp"]);
    assert_eq!(names(&t1.coordinating), ["Sở Nội vụ", "Sở Tài chính"]);
    assert_eq!(t1.time.text, "Quý II/2026");
    assert_eq!(t1.time.kind_name(), "quarter");
    let t2 = task(&p, "PL.2");
    assert_eq!(t2.title, "Tập huấn cho cán bộ cấp xã");
    assert_eq!(names(&t2.coordinating), ["UBND các xã, phường"]);
    assert_eq!(t2.time.kind_name(), "recurring");
    assert_eq!(
        names(&task(&p, "PL.3").lead),
        ["Sở Văn hóa, Thể thao và Du lịch"]
    );
    assert_eq!(
        kept(&p, "PL.1"),
        [
            ("Nhóm nhiệm vụ", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ"),
            ("Sản phẩm", "Báo cáo rà soát")
        ]
    );
    assert_eq!(
        kept(&p, "PL.2"),
        [
            ("Nhóm nhiệm vụ", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ"),
            ("Sản phẩm", "Báo cáo \"kết quả\"")
        ]
    );
    assert_eq!(
        kept(&p, "PL.3"),
        [
            ("Nhóm nhiệm vụ", "NHÓM NHIỆM VỤ VỀ TRUYỀN THÔNG"),
            ("Sản phẩm", "Tin bài")
        ]
    );
    for t in &p.plan.tasks {
        for s in task_texts(t) {
            assert!(!s.contains("Báo cáo") && !s.contains("Tin bài"), "{s}");
        }
    }
    let doc = &p.plan.document;
    assert_eq!(doc.number.as_ref().map(|n| n.as_str()), Some("25/KH-UBND"));
    // The spans cover the lines of each row, the quoted cell's second line too.
    assert_eq!(
        (t2.span.start_line, t2.span.end_line),
        (8, 9),
        "{:?}",
        t2.span
    );
    assert!(p.diagnostics.iter().any(|d| d.code == "table_columns"));
}

#[test]
fn tab_separated_lines_that_are_no_table_stay_text() {
    let text = "KẾ HOẠCH\nThử\nII. NHIỆM VỤ\n1. Tuyên truyền\nĐơn vị chủ trì:\tSở Tư pháp.\nThời gian:\tHằng năm.\nNơi nhận:\tTM. ỦY BAN NHÂN DÂN";
    let p = parse(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names(&task(&p, "II.1").lead), ["Sở Tư pháp"]);
    assert_eq!(task(&p, "II.1").time.kind_name(), "recurring");
}

// ---------------------------------------------------------------- a PDF with a narrow time cell

/// One page with a font whose codes are the characters of `texts` in order, drawing `content`
/// (made with [`encode`]).
fn pdf_page(content: &str, chars: &[char]) -> Vec<u8> {
    let map: String = chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let units: String = c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            format!("1 beginbfchar <{:04X}> <{units}> endbfchar\n", i + 1)
        })
        .collect();
    let cmap = format!(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n{map}endcmap end end"
    );
    pdf(&[
        "<</Type/Catalog/Pages 2 0 R>>".into(),
        "<</Type/Pages/Kids[3 0 R]/Count 1>>".into(),
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>".into(),
        stream("", content),
        "<</Type/Font/Subtype/Type0/BaseFont/VNSans/Encoding/Identity-H/DescendantFonts[6 0 R]/ToUnicode 7 0 R>>".into(),
        "<</Type/Font/Subtype/CIDFontType2/BaseFont/VNSans/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/DW 500>>".into(),
        stream("", &cmap),
    ])
}

/// `text` in the codes of `chars`, adding its new characters.
fn encode(text: &str, chars: &mut Vec<char>) -> String {
    let mut hex = String::from("<");
    for c in text.chars() {
        let i = chars.iter().position(|k| *k == c).unwrap_or_else(|| {
            chars.push(c);
            chars.len() - 1
        });
        hex.push_str(&format!("{:04X}", i + 1));
    }
    hex.push('>');
    hex
}

#[test]
fn a_date_broken_in_a_narrow_pdf_cell_is_joined() {
    let xs = [40.0, 70.0, 250.0, 350.0, 450.0, 500.0];
    let ys = [700.0, 680.0, 650.0, 620.0];
    let mut content = String::new();
    for y in ys {
        content.push_str(&format!("{} {y} m {} {y} l S\n", xs[0], xs[5]));
    }
    for x in xs {
        content.push_str(&format!("{x} {} m {x} {} l S\n", ys[0], ys[3]));
    }
    let mut chars = Vec::new();
    // Each cell's lines, top down, from its row's first baseline.
    let rows: [(f32, [&[&str]; 5]); 3] = [
        (
            686.0,
            [
                &["STT"],
                &["Nhiệm vụ"],
                &["Cơ quan chủ trì"],
                &["Cơ quan phối hợp"],
                &["Thời gian"],
            ],
        ),
        (
            668.0,
            [
                &["1"],
                &["Tập huấn pháp luật"],
                &["Sở Tư pháp"],
                &["Sở Nội vụ;", "Sở Tài chính"],
                &["31/12/202", "6"],
            ],
        ),
        (
            638.0,
            [
                &["2"],
                &["Tổ chức hội nghị"],
                &["Sở Nội vụ"],
                &["Sở Tư pháp"],
                &["Quý", "IV/2026"],
            ],
        ),
    ];
    for (y, cells) in rows {
        for (lines, x) in cells.iter().zip(xs) {
            for (k, line) in lines.iter().enumerate() {
                let at = y - 12.0 * k as f32;
                let hex = encode(line, &mut chars);
                content.push_str(&format!("BT /F1 8 Tf {} {at} Td {hex} Tj ET\n", x + 3.0));
            }
        }
    }
    let bytes = pdf_page(&content, &chars);
    let text = theodoi_plandoc::pdf::text(&bytes).unwrap_or_else(|e| panic!("{e}"));
    // The reader writes the cell's lines as they are; the table reader mends the time.
    assert!(text.contains("| 31/12/202 6 |"), "{text}");
    let p =
        parse_file(Some("kh.pdf"), &bytes, Lexicon::builtin()).unwrap_or_else(|e| panic!("{e}"));
    let t1 = &p.plan.tasks[0];
    assert_eq!(t1.time.text, "31/12/2026");
    assert_eq!(t1.time.kind_name(), "date");
    assert_eq!(names(&t1.coordinating), ["Sở Nội vụ", "Sở Tài chính"]);
    let t2 = &p.plan.tasks[1];
    assert_eq!(t2.time.text, "Quý IV/2026");
    assert_eq!(t2.time.kind_name(), "quarter");
}

#[test]
fn numbers_broken_over_continued_rows_are_joined() {
    // A table without rules: each line of a cell is a row of its own, the lines after the first
    // without a number.
    let text = "| STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian |\n| 1 | Rà soát | Sở Tư pháp | Trước ngày 31/12/202 |\n| | | | 6 |\n| 2 | Tập huấn | Sở Nội vụ | Năm 202 |\n| | | | 6 |\n| 3 | Kiểm tra | Sở Y tế | 2026 - 2030 |\n| 4 | Báo cáo | Sở Y tế | Quý II và III/2026 |";
    let p = parse(text).unwrap_or_else(|e| panic!("{e}"));
    let times: Vec<&str> = p.plan.tasks.iter().map(|t| t.time.text.as_str()).collect();
    assert_eq!(
        times,
        [
            "Trước ngày 31/12/2026",
            "Năm 2026",
            "2026 - 2030",
            "Quý II và III/2026"
        ]
    );
}

// ---------------------------------------------------------------- days that do not exist

#[test]
fn a_day_that_does_not_exist_is_reported_with_its_task() {
    let text = [
        "KẾ HOẠCH",
        "Thực hiện công tác pháp chế năm 2026",
        "II. NHIỆM VỤ",
        "1. Rà soát văn bản",
        "Cơ quan chủ trì: Sở Tư pháp.",
        "Thời gian: Trước ngày 31/02/2026.",
        "2. Tập huấn",
        "Cơ quan chủ trì: Sở Nội vụ.",
        "Thời gian: Trước ngày 28/02/2026.",
        "PHỤ LỤC",
        "(Kèm theo Kế hoạch số 25/KH-UBND ngày 09/01/2026 của UBND tỉnh)",
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian |",
        "| 1 | Kiểm tra | Sở Y tế | 30/13/2026 |",
        "| 2 | Báo cáo | Sở Y tế | ngày 31 tháng 4 năm 2026 |",
        "| 3 | Tổng kết | Sở Y tế | 29/02/2028 |",
    ]
    .join("\n");
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<(u32, &str, Option<&str>)> = p
        .diagnostics
        .iter()
        .filter(|d| d.code == "impossible_date")
        .map(|d| (d.line, d.message.as_str(), d.message_en.as_deref()))
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].0, 4);
    assert!(
        found[0].1.contains("II.1") && found[0].1.contains("Trước ngày 31/02/2026"),
        "{}",
        found[0].1
    );
    assert!(
        found[0]
            .2
            .is_some_and(|en| en.contains("Task II.1") && en.contains("31/02/2026")),
        "{:?}",
        found[0].2
    );
    assert!(found[1].1.contains("PL.1") && found[1].1.contains("30/13/2026"));
    assert!(found[2].1.contains("PL.2") && found[2].1.contains("ngày 31 tháng 4 năm 2026"));
    // The text stays as written, for the reviewer to correct.
    assert_eq!(task(&p, "II.1").time.text, "Trước ngày 31/02/2026");
    let d = &p.diagnostics[p
        .diagnostics
        .iter()
        .position(|d| d.code == "impossible_date")
        .unwrap_or_default()];
    assert_eq!(d.message_in(false), d.message);
    assert!(d.message_in(true).starts_with("Task "));
}

// ---------------------------------------------------------------- the product column

/// The domain's task has no field for the expected product: the column is kept beside the task
/// (`ParsedPlan::fields`), in whatever form the table came, and never read into the task itself.
#[test]
fn a_product_column_is_kept_beside_its_task_in_every_form() {
    let head = [
        "STT",
        "Nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian",
        "Sản phẩm",
    ];
    let rows = [
        [
            "1",
            "Rà soát văn bản quy phạm pháp luật",
            "Sở Tư pháp",
            "Sở Nội vụ",
            "Quý II/2026",
            "Báo cáo rà soát",
        ],
        [
            "2",
            "Tập huấn cho cán bộ cấp xã",
            "Sở Nội vụ",
            "UBND các xã, phường",
            "Hằng năm",
            "Kế hoạch tập huấn",
        ],
    ];
    let intro = [
        "PHỤ LỤC",
        "DANH MỤC NHIỆM VỤ",
        "(Kèm theo Kế hoạch số 25/KH-UBND ngày 09/01/2026 của UBND tỉnh)",
    ];
    let word_table = table(
        &std::iter::once(&head)
            .chain(&rows)
            .map(|r| row(&r.iter().map(|c| cell(&[c])).collect::<Vec<_>>()))
            .collect::<Vec<_>>(),
    );
    let docx_plan = read_docx(&docx(
        &format!("{}{word_table}", paras(&intro)),
        &styles("Times New Roman"),
    ));
    let tabs = std::iter::once(head.join("\t"))
        .chain(rows.iter().map(|r| r.join("\t")))
        .collect::<Vec<_>>()
        .join("\n");
    let tab_plan =
        parse(&format!("{}\n{tabs}", intro.join("\n"))).unwrap_or_else(|e| panic!("{e}"));
    // Extraction from a PDF without rules: one cell per line, the header over several lines.
    let mut lines: Vec<&str> = intro.to_vec();
    lines.extend(head);
    for r in &rows {
        lines.extend(r);
    }
    let cell_plan = parse(&lines.join("\n")).unwrap_or_else(|e| panic!("{e}"));
    for (form, p) in [
        ("docx", &docx_plan),
        ("tabs", &tab_plan),
        ("cells", &cell_plan),
    ] {
        assert_eq!(p.plan.tasks.len(), 2, "{form}");
        for (t, r) in p.plan.tasks.iter().zip(&rows) {
            assert_eq!(t.title, r[1], "{form}");
            assert_eq!(names(&t.lead), [r[2]], "{form}");
            assert_eq!(names(&t.coordinating), [r[3]], "{form}");
            assert_eq!(t.time.text, r[4], "{form}");
            assert_eq!(
                kept(p, t.reference.as_str()),
                [("Sản phẩm", r[5])],
                "{form}"
            );
            for s in task_texts(t) {
                assert!(!s.contains(r[5]), "{form}: {s}");
            }
        }
    }
}

#[test]
fn a_deadline_broken_over_lines_of_an_extracted_appendix_is_joined() {
    // One cell per line, as a PDF without rules gives it: the "6" of "2026" on a line of its own
    // reads as no row number, and "Quý" finds its "IV/2026".
    let text = "PHỤ LỤC
DANH MỤC NHIỆM VỤ
(Kèm theo Kế hoạch số 25/KH-UBND ngày 09/01/2026 của UBND tỉnh)
STT
Nhiệm vụ
Cơ quan chủ trì
Cơ quan phối hợp
Thời hạn
1
Rà soát văn bản quy phạm pháp luật
Sở Tư pháp
Sở Nội vụ
31/12/202
6
2
Tập huấn cho cán bộ cấp xã
Sở Nội vụ
Sở Tư pháp
Quý
IV/2026
3
Tổng kết
Sở Y tế
Sở Tư pháp
Năm 2026";
    let p = parse(text).unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<(&str, &str, Vec<&str>)> = p
        .plan
        .tasks
        .iter()
        .map(|t| {
            (
                t.reference.as_str(),
                t.time.text.as_str(),
                names(&t.coordinating),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("PL.1", "31/12/2026", vec!["Sở Nội vụ"]),
            ("PL.2", "Quý IV/2026", vec!["Sở Tư pháp"]),
            ("PL.3", "Năm 2026", vec!["Sở Tư pháp"]),
        ]
    );
    assert!(!p.diagnostics.iter().any(|d| d.code == "page_break"));
}
