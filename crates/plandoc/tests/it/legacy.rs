//! Plans typed in the legacy Vietnamese fonts: DOCX runs in TCVN3 (.VnTime, .VnTimeH) and VNI
//! (VNI-Times) fonts beside Unicode runs, by the run's font, its character style, the paragraph's
//! style and the document's defaults; and plain text that is clearly TCVN3. The encoded strings
//! below were made from Unicode with the tables of SmartCharsetConverter (see `charset.rs`), not
//! with the reader's own tables.

use std::io::Write;
use theodoi_plandoc::formats::{Converted, to_text, to_text_noted};
use theodoi_plandoc::{Lexicon, ParsedPlan, parse_file};

const WORD_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A run in a named font (both Latin slots), or in the inherited font when `font` is None.
pub(crate) fn run(font: Option<&str>, text: &str) -> String {
    let props = font.map_or(String::new(), |f| {
        format!(
            r#"<w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:cs="{f}"/><w:sz w:val="28"/></w:rPr>"#
        )
    });
    format!(
        r#"<w:r w:rsidR="00A1B2C3">{props}<w:t xml:space="preserve">{}</w:t></w:r>"#,
        esc(text)
    )
}

pub(crate) fn para(style: Option<&str>, runs: &[String]) -> String {
    let props = style.map_or(String::new(), |s| {
        format!(r#"<w:pPr><w:pStyle w:val="{s}"/><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/></w:rPr></w:pPr>"#)
    });
    format!("<w:p>{props}{}</w:p>", runs.concat())
}

/// styles.xml: document defaults in `default_font`, a Unicode paragraph style "Uni", a heading
/// style "VnHeading" based on "VnBase" in .VnTimeH, and a character style "VnChar" in .VnTime.
pub(crate) fn styles(default_font: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{WORD_NS}">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{default_font}" w:hAnsi="{default_font}" w:cs="{default_font}"/><w:sz w:val="28"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Uni"><w:name w:val="Unicode body"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="VnBase"><w:name w:val="Vn base"/><w:rPr><w:rFonts w:ascii=".VnTimeH" w:hAnsi=".VnTimeH"/><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="VnHeading"><w:name w:val="Vn heading"/><w:basedOn w:val="VnBase"/><w:pPr><w:keepNext/></w:pPr><w:rPr><w:sz w:val="26"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="VnChar"><w:name w:val="Vn char"/><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="Grid"><w:name w:val="Grid"/><w:tblStylePr w:type="firstRow"><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:tblStylePr></w:style>
</w:styles>"#
    )
}

pub(crate) fn docx(body: &str, styles_xml: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{WORD_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        ("word/document.xml", document),
        ("word/styles.xml", styles_xml.to_string()),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(name, opts)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        zip.write_all(content.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    zip.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

pub(crate) const TNR: Option<&str> = Some("Times New Roman");
const VNTIME: Option<&str> = Some(".VnTime");
const VNTIMEH: Option<&str> = Some(".VnTimeH");
const VNI: Option<&str> = Some("VNI-Times");

/// A body plan whose document defaults are .VnTime (as in a .doc of the 2000s saved as .docx),
/// with headings in .VnTimeH, lines in VNI-Times and lines retyped in Unicode.
fn body_plan() -> Vec<u8> {
    let body = [
        // "Ủy ban" as ABC typed it: the capital Ủ from .VnTimeH, the rest in .VnTimeH too.
        para(None, &[run(VNTIMEH, "ñy ban nh©n d©n")]),
        para(None, &[run(VNTIMEH, "tØnh lµo cai")]),
        para(None, &[run(None, "Sè: 58/KH-UBND")]),
        para(None, &[run(TNR, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        para(None, &[run(VNI, "Ñoäc laäp - Töï do - Haïnh phuùc")]),
        para(None, &[run(VNTIME, "Lµo Cai, ngµy 12 th¸ng 3 n¨m 2026")]),
        para(None, &[run(VNTIMEH, "kÕ ho¹ch")]),
        // One line, three encodings.
        para(
            None,
            &[
                run(VNTIME, "Thùc hiÖn "),
                run(TNR, "Công ước"),
                run(VNI, " veà quyeàn cuûa ngöôøi khuyeát taät naêm 2026"),
            ],
        ),
        // The capital of a sentence from the H font, the rest from the body font.
        para(None, &[run(VNTIMEH, "ñ"), run(VNTIME, "y ban nh©n d©n tØnh ban hµnh KÕ ho¹ch nh\u{AD} sau:")]),
        // The heading style's font (.VnTimeH, through basedOn) draws small letters as capitals.
        para(Some("VnHeading"), &[run(None, "ii. nhiÖm vô cô thÓ")]),
        // The document defaults' font (.VnTime).
        para(None, &[run(None, "1. Tæ chøc tuyªn truyÒn, phæ biÕn ph¸p luËt cho ng\u{AD}êi d©n")]),
        // TCVN3's ư is the soft hyphen, which Word writes as an element of its own.
        para(
            None,
            &[
                r#"<w:r><w:t xml:space="preserve">C¬ quan chñ tr×: Së T</w:t></w:r><w:r><w:softHyphen/></w:r><w:r><w:t xml:space="preserve"> ph¸p.</w:t></w:r>"#.to_string(),
            ],
        ),
        // A VNI letter and its mark in two runs (Word splits runs by editing session).
        para(
            None,
            &[
                run(VNI, "Cô quan phoái hôïp: Sôû Noäi vu"),
                run(VNI, "ï, Coâng an tænh."),
            ],
        ),
        // A Unicode paragraph style with a run in a TCVN3 character style.
        para(
            Some("Uni"),
            &[r#"<w:r><w:rPr><w:rStyle w:val="VnChar"/></w:rPr><w:t>Thêi gian: Quý II/2026.</w:t></w:r>"#.to_string()],
        ),
        para(Some("Uni"), &[run(None, "2. Hỗ trợ pháp lý cho người khuyết tật")]),
        // A run retyped in Unicode whose tracked change remembers the old .VnTime font.
        para(
            None,
            &[r#"<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:rPrChange w:id="1" w:author="A"><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:rPrChange></w:rPr><w:t>Cơ quan chủ trì: Sở Y tế.</w:t></w:r>"#.to_string()],
        ),
        // A theme font is Unicode whatever the named font beside it says.
        para(
            None,
            &[r#"<w:r><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime" w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/></w:rPr><w:t>Thời gian: Hằng năm.</w:t></w:r>"#.to_string()],
        ),
    ]
    .concat();
    docx(&body, &styles(".VnTime"))
}

const BODY_TEXT: &str = "ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số: 58/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Lào Cai, ngày 12 tháng 3 năm 2026
KẾ HOẠCH
Thực hiện Công ước về quyền của người khuyết tật năm 2026
Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:
II. NHIỆM VỤ CỤ THỂ
1. Tổ chức tuyên truyền, phổ biến pháp luật cho người dân
Cơ quan chủ trì: Sở Tư pháp.
Cơ quan phối hợp: Sở Nội vụ, Công an tỉnh.
Thời gian: Quý II/2026.
2. Hỗ trợ pháp lý cho người khuyết tật
Cơ quan chủ trì: Sở Y tế.
Thời gian: Hằng năm.
";

fn names(a: &[theodoi_domain::AgencyMention]) -> Vec<&str> {
    a.iter().map(|x| x.name.as_str()).collect()
}

fn parsed(name: &str, bytes: &[u8]) -> ParsedPlan {
    parse_file(Some(name), bytes, Lexicon::builtin()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn docx_runs_in_tcvn3_and_vni_fonts_read_as_unicode() {
    let bytes = body_plan();
    let (text, converted) =
        to_text_noted(&bytes, Some("kh.docx")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(text, BODY_TEXT);
    let c = converted.unwrap_or_else(|| panic!("the conversion is reported"));
    assert!(!c.guessed_tcvn3);
    assert_eq!(c.vni_runs, 4, "{c:?}");
    assert_eq!(c.tcvn3_runs, 14, "{c:?}");
    assert!(c.to_string().contains("TCVN3 (ABC)"), "{c}");

    let p = parsed("kh.docx", &bytes);
    let d = &p.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("58/KH-UBND"));
    let tasks: Vec<(&str, Vec<&str>, Vec<&str>)> = p
        .plan
        .tasks
        .iter()
        .map(|t| (t.reference.as_str(), names(&t.lead), names(&t.coordinating)))
        .collect();
    assert_eq!(
        tasks,
        [
            (
                "II.1",
                vec!["Sở Tư pháp"],
                vec!["Sở Nội vụ", "Công an tỉnh"]
            ),
            ("II.2", vec!["Sở Y tế"], vec![]),
        ]
    );
    assert_eq!(p.plan.tasks[0].time.kind_name(), "quarter");
    assert_eq!(p.plan.tasks[1].time.kind_name(), "recurring");
}

/// The same plan with every run in Unicode reads the same, reports no conversion, and a DOCX
/// without a legacy font is not touched (its text is what the reader gave before).
#[test]
fn a_unicode_docx_reports_no_conversion() {
    let body: String = BODY_TEXT
        .lines()
        .map(|l| para(None, &[run(TNR, l)]))
        .collect();
    let bytes = docx(&body, &styles("Times New Roman"));
    let (text, converted) =
        to_text_noted(&bytes, Some("kh.docx")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(text, BODY_TEXT);
    assert_eq!(converted, None);
    assert_eq!(
        parsed("kh.docx", &bytes).plan.tasks,
        parsed("kh.docx", &body_plan()).plan.tasks
    );
}

/// An appendix table typed in VNI (the document default), with the lead cell merged down.
#[test]
fn a_vni_table_with_a_merged_cell() {
    let cell = |text: &str, merge: Option<&str>| {
        let m = merge.map_or(String::new(), |v| match v {
            "restart" => r#"<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>"#.to_string(),
            _ => "<w:tcPr><w:vMerge/></w:tcPr>".to_string(),
        });
        format!("<w:tc>{m}{}</w:tc>", para(None, &[run(None, text)]))
    };
    let row = |cells: Vec<String>| format!("<w:tr>{}</w:tr>", cells.concat());
    let table = format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/></w:tblPr>{}{}{}</w:tbl>"#,
        row(vec![
            cell("STT", None),
            cell("Nhieäm vuï", None),
            cell("Cô quan chuû trì", None),
            cell("Cô quan phoái hôïp", None),
            cell("Thôøi gian", None),
        ]),
        row(vec![
            cell("1", None),
            cell("Raø soaùt vaên baûn quy phaïm phaùp luaät", None),
            cell("Sôû Tö phaùp", Some("restart")),
            cell("Sôû Noäi vuï", None),
            cell("Quyù I/2026", None),
        ]),
        row(vec![
            cell("2", None),
            cell("Taäp huaán cho caùn boä caáp xaõ", None),
            cell("", Some("continue")),
            cell("", None),
            cell("Haèng naêm", None),
        ]),
    );
    let body = [
        para(None, &[run(None, "PHUÏ LUÏC")]),
        para(None, &[run(None, "DANH MUÏC NHIEÄM VUÏ")]),
        para(
            None,
            &[run(
                None,
                "(Keøm theo Keá hoaïch soá 58/KH-UBND ngaøy 12/3/2026 cuûa UÛy ban nhaân daân tænh)",
            )],
        ),
        table,
    ]
    .concat();
    let bytes = docx(&body, &styles("VNI-Times"));
    let text = to_text(&bytes, Some("pl.docx")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        text,
        "PHỤ LỤC
DANH MỤC NHIỆM VỤ
(Kèm theo Kế hoạch số 58/KH-UBND ngày 12/3/2026 của Ủy ban nhân dân tỉnh)
| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |
| 1 | Rà soát văn bản quy phạm pháp luật | Sở Tư pháp | Sở Nội vụ | Quý I/2026 |
| 2 | Tập huấn cho cán bộ cấp xã | Sở Tư pháp |  | Hằng năm |
"
    );
    let p = parsed("pl.docx", &bytes);
    let leads: Vec<Vec<&str>> = p.plan.tasks.iter().map(|t| names(&t.lead)).collect();
    assert_eq!(leads, [vec!["Sở Tư pháp"], vec!["Sở Tư pháp"]]);
    assert_eq!(names(&p.plan.tasks[0].coordinating), ["Sở Nội vụ"]);
}

/// A plan saved as plain text from a .VnTime document, as Windows-1252 bytes or as the same
/// characters in UTF-8. The font is gone, so what was typed in .VnTimeH comes out in small
/// letters ("kÕ ho¹ch"): a capital with a tone mark has no code of its own in TCVN3.
fn tcvn3_plan_text() -> String {
    [
        "Uû ban nh©n d©n tØnh Lµo Cai",
        "Sè: 58/KH-UBND",
        "kÕ ho¹ch",
        "Thùc hiÖn C«ng \u{AD}íc vÒ quyÒn cña ng\u{AD}êi khuyÕt tËt n¨m 2026",
        "1. Tæ chøc tuyªn truyÒn, phæ biÕn ph¸p luËt cho ng\u{AD}êi d©n",
        "C¬ quan chñ tr×: Së T\u{AD} ph¸p.",
        "C¬ quan phèi hîp: Së Néi vô, C«ng an tØnh.",
        "Thêi gian: Quý II n¨m 2026.",
        "",
    ]
    .join("\n")
}

#[test]
fn plain_text_that_is_clearly_tcvn3_is_converted() {
    let want = "Uỷ ban nhân dân tỉnh Lào Cai
Số: 58/KH-UBND
kế hoạch
Thực hiện Công ước về quyền của người khuyết tật năm 2026
1. Tổ chức tuyên truyền, phổ biến pháp luật cho người dân
Cơ quan chủ trì: Sở Tư pháp.
Cơ quan phối hợp: Sở Nội vụ, Công an tỉnh.
Thời gian: Quý II năm 2026.
";
    let tcvn3 = tcvn3_plan_text();
    let windows_1252: Vec<u8> = tcvn3
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    for (label, bytes) in [
        ("utf-8", tcvn3.as_bytes()),
        ("windows-1252", &windows_1252[..]),
    ] {
        let (text, converted) =
            to_text_noted(bytes, Some("kh.txt")).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(text, want, "{label}");
        assert_eq!(
            converted,
            Some(Converted {
                tcvn3_runs: 0,
                vni_runs: 0,
                guessed_tcvn3: true
            }),
            "{label}"
        );
        let p = parsed("kh.txt", bytes);
        assert_eq!(p.plan.tasks.len(), 1, "{label}");
        assert_eq!(names(&p.plan.tasks[0].lead), ["Sở Tư pháp"], "{label}");
        assert_eq!(
            names(&p.plan.tasks[0].coordinating),
            ["Sở Nội vụ", "Công an tỉnh"],
            "{label}"
        );
    }
    // Bytes that are neither UTF-8 nor TCVN3 are still refused as before.
    assert!(matches!(
        to_text(b"abc \xC3\x28 def", Some("x.txt")),
        Err(theodoi_plandoc::ParseError::InvalidUtf8 { offset: 4 })
    ));
}

/// Ordinary Unicode Vietnamese, English and French texts are never changed, whatever their
/// Latin-1 letters.
#[test]
fn ordinary_text_is_never_converted() {
    let texts = [
        crate::BODY.to_string(),
        crate::APPENDIX.to_string(),
        "The Department of Justice shall report to the People's Committee before 30 June 2026.\n\
         Coordinating agencies: the Department of Home Affairs, the Provincial Police.\n"
            .repeat(20),
        "Le Service de la justice présentera son rapport à la fin de l'été : « Où en est-on ? » — \
         déjà, très, naïf, Noël, garçon, forêt, être, coût, août, élève, cœur, Ça.\n"
            .repeat(20),
        "Die Behörde für Jugend, Familie und Äußeres prüft bis zum Frühjahr die Größe der Übung.\n"
            .repeat(20),
    ];
    for text in texts {
        let (out, converted) =
            to_text_noted(text.as_bytes(), Some("t.txt")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(converted, None, "{text}");
        assert_eq!(out, text);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any text with one letter that only Unicode Vietnamese has (not â ê ô, which French has too)
    /// is left exactly as it is.
    #[test]
    fn text_with_a_vietnamese_letter_is_never_converted(
        s in "[ -~¡-ÿ\\n]{0,300}",
        at in 0usize..300,
        letter in "[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐƯƠ]",
    ) {
        let mut text: Vec<char> = s.chars().collect();
        let at = at.min(text.len());
        text.splice(at..at, letter.chars());
        let text: String = text.into_iter().collect();
        if let Ok((out, converted)) = to_text_noted(text.as_bytes(), Some("t.txt")) {
            proptest::prop_assert_eq!(converted, None);
            proptest::prop_assert_eq!(out, text);
        }
    }

    /// The converters take any text, and a DOCX run in a legacy font any characters.
    #[test]
    fn legacy_decoding_never_panics(s in "\\PC{0,200}") {
        let _ = theodoi_plandoc::charset::tcvn3_to_unicode(&s);
        let _ = theodoi_plandoc::charset::vni_to_unicode(&s);
        let _ = theodoi_plandoc::charset::looks_tcvn3(&s);
        let body = [para(None, &[run(VNTIME, &s)]), para(None, &[run(VNI, &s), run(VNTIMEH, &s)])].concat();
        let _ = to_text(&docx(&body, &styles(".VnTime")), Some("t.docx"));
    }
}
