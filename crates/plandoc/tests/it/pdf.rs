//! PDFs: the plans LibreOffice printed from our DOCX fixtures read into the same tasks as the DOCX
//! (and the text) they came from; protected, scanned, oversized and damaged PDFs refused with a
//! message; hand-made PDFs for what LibreOffice does not write (composite fonts, combining marks,
//! turned pages, forms that draw themselves).

use theodoi_plandoc::pdf::{MAX_PDF_PAGES, PdfError};
use theodoi_plandoc::{Lexicon, ParseError, ParsedPlan};
use unicode_normalization::UnicodeNormalization;

fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> ParsedPlan {
    theodoi_plandoc::parse_file(Some(name), &bytes(name), Lexicon::builtin())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text(name: &str) -> String {
    theodoi_plandoc::formats::to_text(&bytes(name), Some(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn pdf_error(result: Result<String, ParseError>) -> PdfError {
    match result {
        Err(ParseError::Pdf(e)) => e,
        other => panic!("expected a PDF refusal, got {other:?}"),
    }
}

/// What a reviewer checks of a task: reference, title, points, lead, coordinating bodies, time.
type TaskFacts = (
    String,
    String,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    String,
    String,
);

fn tasks(p: &ParsedPlan) -> Vec<TaskFacts> {
    p.plan
        .tasks
        .iter()
        .map(|t| {
            (
                t.reference.as_str().to_string(),
                t.title.clone(),
                t.items.iter().map(|i| i.text.clone()).collect(),
                t.lead.iter().map(|a| a.name.clone()).collect(),
                t.coordinating.iter().map(|a| a.name.clone()).collect(),
                t.time.text.clone(),
                t.time.kind_name().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_pdf_reads_into_the_tasks_of_the_docx_it_was_printed_from() {
    for (docx, pdf, count) in [
        ("pdf/labels_plan.docx", "pdf/labels_plan.pdf", 8),
        ("pdf/task_table.docx", "pdf/task_table.pdf", 12),
        ("numbered_table.docx", "pdf/numbered_table.pdf", 5),
        ("numbered_table.docx", "pdf/numbered_table.chrome.pdf", 5),
    ] {
        let from_docx = tasks(&parse(docx));
        let from_pdf = tasks(&parse(pdf));
        assert_eq!(from_pdf.len(), count, "{pdf}: {from_pdf:#?}");
        assert_eq!(from_docx, from_pdf, "{pdf}");
    }
}

#[test]
fn the_labels_plan_pdf_reads_as_the_labels_text() {
    // The PDF's plan is labels.txt with a sixth task and longer purposes.
    let from_text = tasks(&parse("labels.txt"));
    let from_pdf = tasks(&parse("pdf/labels_plan.pdf"));
    let without_sixth: Vec<&TaskFacts> = from_pdf
        .iter()
        .filter(|t| !t.0.starts_with("II.6"))
        .collect();
    assert_eq!(without_sixth, from_text.iter().collect::<Vec<_>>());
    let sixth = from_pdf.iter().find(|t| t.0 == "II.6").expect("task II.6");
    assert_eq!(sixth.3, ["Sở Nội vụ"]);
    assert_eq!(sixth.4, ["Sở Y tế", "Hội Người khuyết tật tỉnh"]);
    assert_eq!(sixth.6, "quarter");
}

#[test]
fn header_and_signature_set_side_by_side_are_read_column_by_column() {
    let p = parse("pdf/task_table.pdf");
    let d = &p.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("64/KH-UBND"));
    assert_eq!(d.place.as_deref(), Some("Lào Cai"));
    assert_eq!(d.date.map(|d| d.to_string()).as_deref(), Some("2026-03-20"));
    assert_eq!(p.plan.recipients, ["Bộ Y tế", "Lưu: VT."]);
    let signer = p.plan.signer.as_ref().expect("a signer");
    assert_eq!(signer.authority.as_deref(), Some("KT. CHỦ TỊCH"));
    assert_eq!(signer.name.as_deref(), Some("Nguyễn Văn Bình"));
}

#[test]
fn ruled_tables_become_rows_of_cells() {
    let t = text("pdf/task_table.pdf");
    let lines: Vec<&str> = t.lines().collect();
    assert!(
        lines.contains(&"| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |"),
        "{t}"
    );
    // A cell of five lines is one cell; columns with a narrow gap between them stay apart.
    assert!(lines.contains(&"| 1 | Rà soát, hệ thống hóa văn bản quy phạm pháp luật về quyền của người khuyết tật do Hội đồng nhân dân, Ủy ban nhân dân tỉnh ban hành | Sở Tư pháp | Các sở, ban, ngành; UBND các xã, phường | Quý II/2026 |"), "{t}");
    assert!(lines.contains(&"| 6 | Biên soạn, phát hành tài liệu song ngữ Việt – Mông, Việt – Dao về quyền của người khuyết tật | Sở Dân tộc và Tôn giáo | Sở Tư pháp; Hội Người khuyết tật tỉnh | Quý III/2026 |"), "{t}");
    // A group row spans four columns.
    assert!(
        lines.contains(&"| II | NHÓM NHIỆM VỤ VỀ TRUYỀN THÔNG |  |  |  |"),
        "{t}"
    );
    // Page numbers are gone; the heading row repeated on page 2 stays for the table reader.
    assert!(
        !lines.iter().any(|l| l.trim() == "1" || l.trim() == "2"),
        "{t}"
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("| STT |")).count(), 2);
    // The cell merged over two rows leads both; the word running past its column stays in it.
    let t = text("pdf/numbered_table.pdf");
    assert!(t.contains("\n| 4 | Đăng tải tin bài về quyền của người khuyết tật | Báo và Phát thanh, Truyền hình tỉnh | Sở Y tế | Thường xuyên |\n"), "{t}");
    assert!(t.contains("\na) Hội nghị tại các xã vùng cao;\n"), "{t}");
}

#[test]
fn vietnamese_text_comes_out_whole_and_composed() {
    for name in [
        "pdf/labels_plan.pdf",
        "pdf/task_table.pdf",
        "pdf/numbered_table.pdf",
        "pdf/numbered_table.chrome.pdf",
    ] {
        let t = text(name);
        assert_eq!(t, t.nfc().collect::<String>(), "{name} is NFC");
        assert!(!t.contains('\u{FFFD}'), "{name}");
        assert!(t.contains("ỦY BAN NHÂN DÂN"), "{name}");
        assert!(t.contains("Thời gian") || t.contains("Thời hạn"), "{name}");
    }
    let t = text("pdf/labels_plan.pdf");
    assert!(
        t.contains("\nCơ quan chủ\ntrì: Sở Xây dựng.\n"),
        "justified words stay one line: {t}"
    );
    assert!(
        t.contains("\n- Biên soạn tài liệu song ngữ Việt – Mông.\n"),
        "{t}"
    );
}

#[test]
fn protected_scanned_and_oversized_pdfs_are_refused() {
    let e = pdf_error(theodoi_plandoc::pdf::text(&bytes(
        "pdf/protected_password.pdf",
    )));
    assert_eq!(e, PdfError::Encrypted);
    assert!(e.message_vi().contains("mật khẩu"), "{}", e.message_vi());
    // Protected by an owner password only: any viewer opens it, and so does the reader.
    let p = parse("pdf/protected_restricted.pdf");
    assert_eq!(p.plan.tasks[0].lead[0].name, "Sở Tư pháp");
    assert_eq!(p.plan.tasks[0].time.kind_name(), "quarter");

    let e = pdf_error(theodoi_plandoc::pdf::text(&bytes("pdf/scan.pdf")));
    assert_eq!(e, PdfError::NoTextLayer);
    assert!(e.to_string().contains("scanned") && e.to_string().contains("OCR"));
    assert!(e.message_vi().contains("bản quét") && e.message_vi().contains("OCR"));

    // The page limit is checked before a page is read.
    let two_pages = bytes("pdf/task_table.pdf");
    let e = pdf_error(theodoi_plandoc::pdf::text_with_page_limit(&two_pages, 1));
    assert_eq!(e, PdfError::TooManyPages { pages: 2, limit: 1 });
    assert!(theodoi_plandoc::pdf::text_with_page_limit(&two_pages, 2).is_ok());
    let e = pdf_error(theodoi_plandoc::formats::to_text(
        &pages(MAX_PDF_PAGES + 1),
        None,
    ));
    assert_eq!(
        e,
        PdfError::TooManyPages {
            pages: 1001,
            limit: 1000
        }
    );
    assert!(e.message_vi().contains("1001 trang"), "{}", e.message_vi());
}

#[test]
fn damaged_pdfs_are_refused_not_panicked_on() {
    for garbage in [
        &b"%PDF-"[..],
        b"%PDF-1.7\n",
        b"%PDF-1.7\n\x00\x01\x02 garbage garbage \xff\xfe",
        b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF",
        b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 1 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF",
    ] {
        let e = pdf_error(theodoi_plandoc::formats::to_text(garbage, Some("plan.pdf")));
        assert!(
            matches!(e, PdfError::Damaged(_) | PdfError::NoTextLayer),
            "{e:?}"
        );
        assert!(!e.to_string().contains('\n') && !e.message_vi().contains('\n'));
    }
    let e = pdf_error(theodoi_plandoc::formats::to_text(
        b"%PDF-1.7\n\x00\x01 garbage",
        None,
    ));
    assert!(
        e.message_vi().starts_with("tệp PDF bị hỏng"),
        "{}",
        e.message_vi()
    );
    // Half a real PDF: what can be read or an error, never a panic.
    let full = bytes("pdf/task_table.pdf");
    for cut in [10, 1_000, full.len() / 2, full.len() - 100] {
        let _ = theodoi_plandoc::formats::to_text(&full[..cut], None);
    }
}

// ---------------------------------------------------------------- hand-made PDFs

/// A PDF of `objects` (object 1 is the catalog) with a correct cross-reference table.
pub(crate) fn pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<</Size {} /Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

pub(crate) fn stream(dict: &str, data: &str) -> String {
    format!(
        "<<{dict} /Length {}>>\nstream\n{data}\nendstream",
        data.len()
    )
}

/// `n` empty pages.
fn pages(n: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut objects = vec![
        "<</Type/Catalog/Pages 2 0 R>>".to_string(),
        format!("<</Type/Pages/Kids[{}]/Count {n}>>", kids.join(" ")),
    ];
    objects.extend((0..n).map(|_| "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>".to_string()));
    pdf(&objects)
}

/// One page drawing `content` with a composite font (Identity-H) named F1, whose ToUnicode map is
/// `to_unicode` (none when empty), and a form X1 that draws `form`.
fn page(content: &str, to_unicode: &str, form: &str) -> Vec<u8> {
    let cmap = format!(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n{to_unicode}\nendcmap end end"
    );
    let unicode_ref = if to_unicode.is_empty() {
        ""
    } else {
        "/ToUnicode 7 0 R"
    };
    pdf(&[
        "<</Type/Catalog/Pages 2 0 R>>".into(),
        "<</Type/Pages/Kids[3 0 R]/Count 1>>".into(),
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>/XObject<</X1 8 0 R>>>>/Contents 4 0 R>>".into(),
        stream("", content),
        format!("<</Type/Font/Subtype/Type0/BaseFont/VNSans/Encoding/Identity-H/DescendantFonts[6 0 R]{unicode_ref}>>"),
        "<</Type/Font/Subtype/CIDFontType2/BaseFont/VNSans/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/DW 1000/W[1 [600 500 500 500] 5 [250 650 500]]>>".into(),
        stream("", &cmap),
        stream(
            "/Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>/XObject<</X1 8 0 R>>>>",
            form,
        ),
    ])
}

/// "Nghệ An", the ệ written as e with its two marks (as some fonts map it); 8 is the ligature ﬁ.
const NGHE_AN: &str = "2 beginbfchar <0001> <004E> <0002> <0067> endbfchar\n2 beginbfchar <0003> <0068> <0004> <006503230302> endbfchar\n1 beginbfrange <0005> <0007> [<0020> <0041> <006E>] endbfrange\n1 beginbfchar <0008> <FB01> endbfchar";

#[test]
fn composite_fonts_combining_marks_ligatures_and_imitated_bold() {
    // Drawn twice a hair apart (bold imitated), then again on a line of its own.
    let content = "BT /F1 12 Tf 72 700 Td <00010002000300040005> Tj [<0006> -20 <0007>] TJ ET\nBT /F1 12 Tf 72.3 700 Td <00010002000300040005> Tj [<0006> -20 <0007>] TJ ET\nBT /F1 12 Tf 72 600 Td <0006000700010002> Tj ET\nBT /F1 12 Tf 72 500 Td <00080007> Tj ET";
    let t = theodoi_plandoc::pdf::text(&page(content, NGHE_AN, "")).expect("text");
    assert_eq!(t, "Nghệ An\nAnNg\nfin\n");
}

#[test]
fn a_turned_page_is_read_upright() {
    // Text running upwards, as on a landscape appendix saved as a turned portrait page: the next
    // line stands to its right.
    let content = "BT /F1 12 Tf 0 1 -1 0 300 100 Tm <0001000200030004000500060007> Tj 0 1 -1 0 320 100 Tm <00060007> Tj ET";
    let t = theodoi_plandoc::pdf::text(&page(content, NGHE_AN, "")).expect("text");
    assert_eq!(t, "Nghệ An\nAn\n");
}

#[test]
fn fonts_without_a_unicode_map_and_forms_that_draw_themselves() {
    let content = "BT /F1 12 Tf 72 700 Td <0001000200030004> Tj ET";
    let e = pdf_error(theodoi_plandoc::pdf::text(&page(content, "", "")));
    assert_eq!(e, PdfError::Undecodable);
    assert!(e.message_vi().contains("Unicode"));
    // A form that draws itself ends at the nesting limit; what it drew is read once.
    let form = "BT /F1 12 Tf 72 700 Td <0006000700010002> Tj ET /X1 Do";
    let t = theodoi_plandoc::pdf::text(&page("/X1 Do", NGHE_AN, form)).expect("text");
    assert_eq!(t, "AnNg\n");
    assert_eq!(
        pdf_error(theodoi_plandoc::pdf::text(&pages(1))),
        PdfError::NoTextLayer
    );
}

#[test]
fn a_table_ruled_with_filled_bevelled_shapes() {
    // Chrome draws each border as a filled quadrilateral with a bevelled end.
    let v = |x: f32, y0: f32, y1: f32| {
        format!(
            "{x} {y0} m {x} {y1} l {} {} l {} {y0} l f\n",
            x + 1.0,
            y1 - 1.0,
            x + 1.0
        )
    };
    let h = |x0: f32, x1: f32, y: f32| {
        format!(
            "{x0} {y} m {x1} {y} l {} {} l {x0} {} l f\n",
            x1 - 1.0,
            y + 1.0,
            y + 1.0
        )
    };
    let mut content = String::new();
    for y in [700.0, 680.0, 660.0] {
        content.push_str(&h(50.0, 351.0, y));
    }
    for x in [50.0, 150.0, 250.0, 350.0] {
        content.push_str(&v(x, 660.0, 701.0));
    }
    for (row, y) in [(0, 686.0), (1, 666.0)] {
        let cells = if row == 0 {
            ["<00060007>", "<00010002>", "<0001000200030004000500060007>"]
        } else {
            ["<00010002>", "<00060007>", "<00060007>"]
        };
        for (cell, x) in cells.iter().zip([60.0, 160.0, 260.0]) {
            content.push_str(&format!("BT /F1 10 Tf {x} {y} Td {cell} Tj ET\n"));
        }
    }
    let t = theodoi_plandoc::pdf::text(&page(&content, NGHE_AN, "")).expect("text");
    assert_eq!(t, "| An | Ng | Nghệ An |\n| Ng | An | An |\n");
}
