//! Headers in the layouts extraction produces (domain-notes §2), and small plans that test one
//! rule each.

use theodoi_domain::TimeframeKind;
use theodoi_plandoc::{ParseError, parse};

const BODY: &str = "KẾ HOẠCH
Triển khai Chỉ thị số 55/2007/CT-UBND ngày 05/9/2017 của Ủy ban nhân dân thành phố
Căn cứ Chỉ thị số 55/2007/CT-UBND, Ủy ban nhân dân thành phố ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Bảo đảm thực hiện hằng năm các nhiệm vụ trong năm 2026.
II. NHIỆM VỤ
1. Tuyên truyền pháp luật
- Tổ chức hội nghị tuyên truyền trong Quý II/2026 tại các xã.
Đơn vị chủ trì: Sở Tư pháp.
Đơn vị phối hợp: UBND các xã, phường.
Thời gian: Quý II/2026.
2. Tập huấn
- Tập huấn cho cán bộ trong năm 2026.
Đơn vị chủ trì: Sở Nội vụ.
";

fn with_header(header: &str) -> String {
    format!("{header}\n{BODY}")
}

#[test]
fn header_layouts() {
    let layouts = [
        (
            "stacked",
            "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\n-------\nSố: 14/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\nHải Phòng, ngày 09 tháng 01 năm 2026",
        ),
        (
            "pipe-flattened",
            "| ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| | Độc lập - Tự do - Hạnh phúc |\n| Số: 14/KH-UBND | Hải Phòng, ngày 09 tháng 01 năm 2026 |",
        ),
        (
            "one cell per line",
            "ỦY BAN NHÂN DÂN\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nTHÀNH PHỐ HẢI PHÒNG\n\nĐộc lập - Tự do - Hạnh phúc\n\nSố: 14/KH-UBND\n\nHải Phòng, ngày 09 tháng 01 năm 2026",
        ),
        (
            "date over two lines",
            "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nSố: 14 /KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHải Phòng, ngày 09 tháng 01\nnăm 2026",
        ),
        (
            "lost first letter",
            "Y BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nSố: 14/KH-UBND\nỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHải Phòng, ngày 09 tháng 01 năm 2026",
        ),
    ];
    for (name, header) in layouts {
        let p = parse(&with_header(header)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let d = &p.plan.document;
        assert_eq!(d.doc_type.abbreviation(), "KH", "{name}");
        assert_eq!(
            d.number.as_ref().map(|n| n.as_str()),
            Some("14/KH-UBND"),
            "{name}"
        );
        assert_eq!(
            d.issuer.as_deref(),
            Some("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"),
            "{name}"
        );
        assert_eq!(d.place.as_deref(), Some("Hải Phòng"), "{name}");
        assert_eq!(
            d.date.map(|x| x.to_string()).as_deref(),
            Some("2026-01-09"),
            "{name}"
        );
        assert_eq!(p.plan.tasks.len(), 2, "{name}");
    }
}

#[test]
fn draft_has_no_number_or_date() {
    let header = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nSố:       /KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHải Phòng, ngày      tháng      năm 2026";
    let p = parse(&with_header(header)).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(theodoi_plandoc::json::view(&p)).unwrap_or_default();
    assert!(json["document"]["number"].is_null());
    assert!(json["document"]["date"].is_null());
    assert_eq!(json["document"]["place"], "Hải Phòng");
}

#[test]
fn implements_from_title_with_year_in_number() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}"));
    let d = &p.plan.document;
    let implements: Vec<&str> = d.implements().map(|n| n.as_str()).collect();
    assert_eq!(implements, ["55/2007/CT-UBND"]);
    assert_eq!(d.links[0].doc_type.map(|t| t.abbreviation()), Some("CT"));
    assert_eq!(d.issuer.as_deref(), Some("Ủy ban nhân dân thành phố"));
}

#[test]
fn time_phrases_in_sentences_are_not_deadlines() {
    let p = parse(BODY).unwrap_or_else(|e| panic!("{e}")).plan;
    // "hằng năm … trong năm 2026" in a purpose creates no task and no time.
    assert_eq!(p.purposes.len(), 1);
    assert_eq!(
        p.tasks[0].time.kind,
        TimeframeKind::Quarter {
            quarter: 2,
            year: 2026
        }
    );
    // Task 2 mentions "trong năm 2026" in its item but has no Thời gian line.
    assert_eq!(p.tasks[1].time.kind, TimeframeKind::Unspecified);
    assert!(p.tasks[1].items[0].text.contains("năm 2026"));
    assert_eq!(p.tasks[0].coordinating[0].name, "UBND các xã, phường");
    assert!(p.tasks[0].coordinating[0].group);
}

#[test]
fn crlf_and_nfd_parse_the_same() {
    use unicode_normalization::UnicodeNormalization;
    let nfc = parse(crate::BODY).unwrap_or_else(|e| panic!("{e}"));
    let crlf = parse(&crate::BODY.replace('\n', "\r\n")).unwrap_or_else(|e| panic!("{e}"));
    let nfd: String = crate::BODY.nfd().collect();
    let nfd = parse(&nfd).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(nfc.plan, crlf.plan);
    assert_eq!(nfc.plan, nfd.plan);
}

#[test]
fn utf16_with_bom_parses() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(crate::APPENDIX.encode_utf16().flat_map(u16::to_le_bytes));
    let p = theodoi_plandoc::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.plan.tasks.len(), 6);
}

/// Nothing readable is refused: a text without a type line is a fragment, a plan without tasks
/// gives its header and a diagnostic. Only an empty file is an error.
#[test]
fn never_refuses_text() {
    let codes = |text: &str| -> Vec<&'static str> {
        let p = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!(p.plan.tasks.is_empty(), "{text:?}");
        p.diagnostics.iter().map(|d| d.code).collect()
    };
    let prose = codes("Hôm nay trời đẹp. Chúng tôi đi chơi công viên.\nKhông có gì thêm.");
    assert!(
        prose.contains(&"no_header") && prose.contains(&"no_tasks"),
        "{prose:?}"
    );
    let titled = codes("KẾ HOẠCH\nMột tiêu đề\nNhưng không có nhiệm vụ nào cả.");
    assert!(
        !titled.contains(&"no_header") && titled.contains(&"no_tasks"),
        "{titled:?}"
    );
    assert!(codes("PHỤ LỤC\nBảng trống").contains(&"no_tasks"));
    let header = parse("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 12/KH-UBND\nLào Cai, ngày 3 tháng 2 năm 2026\nKẾ HOẠCH\nThực hiện công tác pháp chế năm 2026")
        .unwrap_or_else(|e| panic!("{e}"));
    let d = &header.plan.document;
    assert_eq!(d.number.as_ref().map(|n| n.as_str()), Some("12/KH-UBND"));
    assert_eq!(d.title, "Thực hiện công tác pháp chế năm 2026");
    let no_tasks = header.diagnostics.iter().find(|x| x.code == "no_tasks");
    assert_eq!(no_tasks.map(|x| x.line), Some(5), "names the type line");
    assert!(matches!(
        theodoi_plandoc::parse_bytes(b""),
        Err(ParseError::Empty)
    ));
    assert!(matches!(parse(" \n\n"), Err(ParseError::Empty)));
}

#[test]
fn sub_numbered_and_lettered_items() {
    let text = "KẾ HOẠCH
Về công tác phổ biến pháp luật
II. NHIỆM VỤ
1. Tuyên truyền
1.1. Tổ chức hội nghị quán triệt.
1.2. Biên soạn tài liệu
phổ biến pháp luật.
a) Tài liệu cho cán bộ;
b) Tài liệu cho người dân.
Đơn vị chủ trì: Sở Tư pháp.
Thời gian: Năm 2026.
";
    let p = parse(text).unwrap_or_else(|e| panic!("{e}")).plan;
    let items: Vec<&str> = p.tasks[0].items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        items,
        [
            "1.1. Tổ chức hội nghị quán triệt.",
            "1.2. Biên soạn tài liệu phổ biến pháp luật.",
            "a) Tài liệu cho cán bộ;",
            "b) Tài liệu cho người dân.",
        ]
    );
    assert_eq!(p.tasks.len(), 1);
    assert_eq!(
        p.tasks[0].time.kind,
        TimeframeKind::Range {
            from_year: 2026,
            to_year: 2026
        }
    );
}
