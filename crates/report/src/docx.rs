//! The report as a DOCX laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, margins 20/20/30/15
//! mm, Times New Roman; the header in a borderless two-column table (issuer left, national motto
//! right, each with its rule), number and symbol, place and date in italics; "BÁO CÁO" and the
//! summary line; a body numbered I. / 1. / - in 14 pt, justified, first line indented 1.27 cm;
//! the signature block beside "Nơi nhận:". Page numbers centred at the top from page 2.
//!
//! Written as WordprocessingML by hand: the document is a few dozen paragraphs of known shape,
//! and owning the XML keeps every Decree 30 property explicit. Word and LibreOffice open it.

use crate::{Consolidation, number_vi, status_vi};
use std::io::Write;

/// What the document says about itself.
#[derive(Debug, Clone)]
pub struct Letterhead<'a> {
    /// The body above the issuer: "UBND THÀNH PHỐ".
    pub parent: &'a str,
    /// "SỞ TƯ PHÁP".
    pub issuer: &'a str,
    /// The symbol after the number, e.g. "BC-STP"; the number is left blank for the clerk.
    pub symbol: &'a str,
    pub place: &'a str,
    pub date: time::Date,
    /// "GIÁM ĐỐC", or "KT. GIÁM ĐỐC" with `position2` "PHÓ GIÁM ĐỐC".
    pub position: &'a str,
    pub position2: Option<&'a str>,
    pub signer: &'a str,
    /// Recipients after "Nơi nhận:", without the final "Lưu".
    pub recipients: &'a [&'a str],
    /// Section II grouped by the tasks' tags (ICCPR articles, recommendations) instead of the
    /// plan's order.
    pub by_tag: bool,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Paragraph options.
#[derive(Default, Clone, Copy)]
struct P {
    size: u32,
    bold: bool,
    italic: bool,
    center: bool,
    justify: bool,
    indent: bool,
    before: u32,
    after: u32,
    /// A rule under the paragraph, inset from both sides by this many twips.
    rule_inset: Option<u32>,
}

fn run(text: &str, size: u32, bold: bool, italic: bool) -> String {
    let mut props = String::from(
        "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" w:eastAsia=\"Times New Roman\"/>",
    );
    if bold {
        props.push_str("<w:b/><w:bCs/>");
    }
    if italic {
        props.push_str("<w:i/><w:iCs/>");
    }
    props.push_str(&format!(
        "<w:sz w:val=\"{}\"/><w:szCs w:val=\"{}\"/>",
        size * 2,
        size * 2
    ));
    // Line breaks inside prose become <w:br/>.
    let parts: Vec<String> = text
        .split('\n')
        .map(|t| format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(t)))
        .collect();
    format!("<w:r><w:rPr>{props}</w:rPr>{}</w:r>", parts.join("<w:br/>"))
}

fn para(text: &str, o: P) -> String {
    para_runs(&[(text, o.bold, o.italic)], o)
}

fn para_runs(runs: &[(&str, bool, bool)], o: P) -> String {
    let mut ppr = format!(
        "<w:spacing w:before=\"{}\" w:after=\"{}\"/>",
        o.before, o.after
    );
    if let Some(inset) = o.rule_inset {
        ppr = format!(
            "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>{ppr}<w:ind w:left=\"{inset}\" w:right=\"{inset}\"/>"
        );
    }
    if o.indent {
        ppr.push_str("<w:ind w:firstLine=\"720\"/>");
    }
    if o.center {
        ppr.push_str("<w:jc w:val=\"center\"/>");
    } else if o.justify {
        ppr.push_str("<w:jc w:val=\"both\"/>");
    }
    let size = if o.size == 0 { 14 } else { o.size };
    let body: String = runs.iter().map(|(t, b, i)| run(t, size, *b, *i)).collect();
    format!(
        "<w:p><w:pPr>{ppr}<w:rPr><w:sz w:val=\"{}\"/></w:rPr></w:pPr>{body}</w:p>",
        size * 2
    )
}

/// A short solid rule under the line above, centred by equal insets: an empty paragraph one
/// point high with a bottom border, so the text above keeps its full width.
fn rule(inset: u32) -> String {
    format!(
        "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/></w:pBdr>\
         <w:spacing w:before=\"0\" w:after=\"60\" w:line=\"20\" w:lineRule=\"exact\"/><w:ind w:left=\"{inset}\" w:right=\"{inset}\"/>\
         <w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr></w:p>"
    )
}

/// A body paragraph: 14 pt, justified, first line indented.
fn body(text: &str) -> String {
    para(
        text,
        P {
            size: 14,
            justify: true,
            indent: true,
            after: 120,
            ..P::default()
        },
    )
}

fn heading(text: &str) -> String {
    para(
        text,
        P {
            size: 14,
            bold: true,
            justify: true,
            indent: true,
            before: 120,
            after: 120,
            ..P::default()
        },
    )
}

fn cell(width: u32, content: &str) -> String {
    format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>{content}</w:tc>")
}

/// A two-column table without borders.
fn layout_table(left: u32, right: u32, a: &str, b: &str) -> String {
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/>\
         <w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/>\
         <w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>\
         <w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>\
         <w:tblGrid><w:gridCol w:w=\"{left}\"/><w:gridCol w:w=\"{right}\"/></w:tblGrid><w:tr>{}{}</w:tr></w:tbl>",
        left + right,
        cell(left, a),
        cell(right, b)
    )
}

fn date_line(place: &str, d: time::Date) -> String {
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        d.day(),
        u8::from(d.month()),
        d.year()
    )
}

fn task_status(code: &str) -> &'static str {
    match code {
        "not_started" => "chưa triển khai",
        "in_progress" => "đang triển khai",
        "done" => "hoàn thành",
        "done_late" => "hoàn thành chậm",
        "not_done" => "không thực hiện",
        _ => "chưa đánh giá",
    }
}

/// The body of the report: I. to V., numbered the Decree 30 way.
fn content(c: &Consolidation, l: &Letterhead<'_>) -> String {
    let mut out = String::new();
    out.push_str(&body(&format!(
        "Thực hiện Kế hoạch số {} của Ủy ban nhân dân thành phố{}, {} báo cáo kết quả thực hiện {} như sau:",
        c.plan_number,
        if c.plan_title.is_empty() { String::new() } else { format!(" về {}", first_lower(&c.plan_title)) },
        title_case(l.issuer),
        c.round_label.to_lowercase()
    )));
    out.push_str(&heading("I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"));
    out.push_str(&body(&format!(
        "{} đề nghị {} cơ quan, đơn vị, địa phương báo cáo kết quả thực hiện kỳ {}; đến nay đã tiếp nhận {} báo cáo, {} cơ quan, đơn vị, địa phương chưa có báo cáo được tiếp nhận (danh sách tại mục V).",
        title_case(l.issuer),
        number_vi(c.expected as f64),
        c.round_label.to_lowercase(),
        number_vi(c.accepted as f64),
        number_vi(c.missing.len() as f64)
    )));
    out.push_str(&heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ"));
    if c.tasks.is_empty() {
        out.push_str(&body(
            "Chưa có báo cáo được tiếp nhận về các nhiệm vụ trong kỳ.",
        ));
    }
    let task_block = |out: &mut String, number: String, t: &crate::TaskNarrative| {
        out.push_str(&para(
            &format!("{number}. {} ({})", t.title, t.reference),
            P {
                size: 14,
                bold: true,
                justify: true,
                indent: true,
                after: 60,
                ..P::default()
            },
        ));
        for e in &t.entries {
            let role = if e.role == "lead" {
                "chủ trì"
            } else {
                "phối hợp"
            };
            let results = if e.results.trim().is_empty() {
                "chưa nêu kết quả."
            } else {
                e.results.trim()
            };
            out.push_str(&body(&format!(
                "- {} ({role}, {}): {results}",
                e.agency,
                task_status(&e.status)
            )));
        }
    };
    if l.by_tag {
        // One heading per tag; a task under each of its tags; untagged tasks last.
        let mut tags: Vec<&str> = c
            .tasks
            .iter()
            .flat_map(|t| t.tags.iter().map(String::as_str))
            .collect();
        tags.sort_unstable();
        tags.dedup();
        let mut n = 0;
        for tag in tags {
            n += 1;
            out.push_str(&para(
                &format!("{n}. {tag}"),
                P {
                    size: 14,
                    bold: true,
                    italic: true,
                    justify: true,
                    indent: true,
                    after: 60,
                    ..P::default()
                },
            ));
            for (k, t) in c
                .tasks
                .iter()
                .filter(|t| t.tags.iter().any(|x| x == tag))
                .enumerate()
            {
                task_block(&mut out, format!("{n}.{}", k + 1), t);
            }
        }
        let untagged: Vec<&crate::TaskNarrative> =
            c.tasks.iter().filter(|t| t.tags.is_empty()).collect();
        if !untagged.is_empty() {
            n += 1;
            out.push_str(&para(
                &format!("{n}. Các nhiệm vụ khác"),
                P {
                    size: 14,
                    bold: true,
                    italic: true,
                    justify: true,
                    indent: true,
                    after: 60,
                    ..P::default()
                },
            ));
            for (k, t) in untagged.into_iter().enumerate() {
                task_block(&mut out, format!("{n}.{}", k + 1), t);
            }
        }
    } else {
        for (i, t) in c.tasks.iter().enumerate() {
            task_block(&mut out, (i + 1).to_string(), t);
        }
    }
    out.push_str(&heading("III. SỐ LIỆU THỐNG KÊ"));
    out.push_str(&body(&format!(
        "Số liệu tổng hợp từ {} báo cáo đã được tiếp nhận; chi tiết theo giới tính, dân tộc, tôn giáo, nhóm tuổi và các nhóm yếu thế tại Phụ lục kèm theo.",
        number_vi(c.accepted as f64)
    )));
    for b in &c.indicators {
        let Some(total) = b.total else { continue };
        let mut line = format!("- {}: {} {}", b.info.name, number_vi(total), b.info.unit);
        if let Some(p) = b.previous {
            line.push_str(&format!(" (kỳ trước: {}", number_vi(p)));
            if let Some(pct) = b.change_pct() {
                line.push_str(&format!(
                    ", {} {}%",
                    if pct >= 0.0 { "tăng" } else { "giảm" },
                    number_vi(pct.abs())
                ));
            }
            line.push(')');
        }
        if let Some(sex) = b
            .breakdowns
            .iter()
            .find(|d| d.dimension == theodoi_domain::Dimension::Sex)
        {
            let parts: Vec<String> = sex
                .categories
                .iter()
                .map(|cv| format!("{} {}", cv.label_vi.to_lowercase(), number_vi(cv.value)))
                .collect();
            line.push_str(&format!("; trong đó {}", parts.join(", ")));
        }
        line.push('.');
        out.push_str(&body(&line));
    }
    out.push_str(&heading("IV. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ"));
    out.push_str(&para(
        "1. Khó khăn, vướng mắc",
        P {
            size: 14,
            bold: true,
            justify: true,
            indent: true,
            after: 60,
            ..P::default()
        },
    ));
    if c.difficulties.is_empty() {
        out.push_str(&body(
            "Các cơ quan, đơn vị, địa phương không nêu khó khăn, vướng mắc.",
        ));
    }
    for (a, d) in &c.difficulties {
        out.push_str(&body(&format!("- {a}: {}", d.trim())));
    }
    out.push_str(&para(
        "2. Đề xuất, kiến nghị",
        P {
            size: 14,
            bold: true,
            justify: true,
            indent: true,
            after: 60,
            ..P::default()
        },
    ));
    if c.proposals.is_empty() {
        out.push_str(&body("Không có đề xuất, kiến nghị."));
    }
    for (a, p) in &c.proposals {
        out.push_str(&body(&format!("- {a}: {}", p.trim())));
    }
    out.push_str(&heading(
        "V. CÁC CƠ QUAN, ĐƠN VỊ, ĐỊA PHƯƠNG CHƯA CÓ BÁO CÁO ĐƯỢC TIẾP NHẬN",
    ));
    if c.missing.is_empty() {
        out.push_str(&body(
            "Tất cả các cơ quan, đơn vị, địa phương đã có báo cáo được tiếp nhận.",
        ));
    }
    for m in &c.missing {
        out.push_str(&body(&format!(
            "- {} ({}).",
            m.agency,
            status_vi(&m.status).to_lowercase()
        )));
    }
    out.push_str(&body(&format!(
        "Trên đây là báo cáo kết quả thực hiện {} của {}./.",
        c.round_label.to_lowercase(),
        title_case(l.issuer)
    )));
    out
}

/// "SỞ TƯ PHÁP" → "Sở Tư pháp": the first word capitalised, the rest as Vietnamese names are.
fn title_case(caps: &str) -> String {
    let lower = caps.to_lowercase();
    let mut words: Vec<String> = lower.split(' ').map(str::to_string).collect();
    for (i, w) in words.iter_mut().enumerate() {
        if i < 2 {
            let mut cs = w.chars();
            if let Some(f) = cs.next() {
                *w = f.to_uppercase().collect::<String>() + cs.as_str();
            }
        }
    }
    words.join(" ")
}

fn first_lower(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_lowercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    }
}

fn document(c: &Consolidation, l: &Letterhead<'_>) -> String {
    // A4 text width: 210 mm − 30 − 15 = 165 mm = 9354 twips; columns 40 % / 60 %.
    let (left, right) = (3742, 5612);
    let issuer = format!(
        "{}{}{}{}",
        para(
            &l.parent.to_uppercase(),
            P {
                size: 13,
                center: true,
                ..P::default()
            }
        ),
        para(
            &l.issuer.to_uppercase(),
            P {
                size: 13,
                bold: true,
                center: true,
                ..P::default()
            }
        ),
        rule(1100),
        para(
            &format!("Số:        /{}", l.symbol),
            P {
                size: 13,
                center: true,
                before: 120,
                ..P::default()
            }
        ),
    );
    let motto = format!(
        "{}{}{}{}",
        para(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            P {
                size: 12,
                bold: true,
                center: true,
                ..P::default()
            }
        ),
        para(
            "Độc lập - Tự do - Hạnh phúc",
            P {
                size: 13,
                bold: true,
                center: true,
                ..P::default()
            }
        ),
        rule(1150),
        para(
            &date_line(l.place, l.date),
            P {
                size: 14,
                italic: true,
                center: true,
                before: 120,
                ..P::default()
            }
        ),
    );
    let title = format!(
        "{}{}{}",
        para(
            "BÁO CÁO",
            P {
                size: 14,
                bold: true,
                center: true,
                before: 360,
                ..P::default()
            }
        ),
        para(
            &format!(
                "Kết quả thực hiện Kế hoạch số {} {}",
                c.plan_number,
                c.round_label.to_lowercase()
            ),
            P {
                size: 14,
                bold: true,
                center: true,
                ..P::default()
            },
        ),
        rule(3600),
    );
    let mut recipients = String::new();
    recipients.push_str(&para_runs(
        &[("Nơi nhận:", true, true)],
        P {
            size: 12,
            before: 240,
            ..P::default()
        },
    ));
    for r in l.recipients {
        recipients.push_str(&para(
            &format!("- {r};"),
            P {
                size: 11,
                ..P::default()
            },
        ));
    }
    recipients.push_str(&para(
        "- Lưu: VT.",
        P {
            size: 11,
            ..P::default()
        },
    ));
    let mut sign = para(
        l.position,
        P {
            size: 14,
            bold: true,
            center: true,
            before: 240,
            ..P::default()
        },
    );
    if let Some(p2) = l.position2 {
        sign.push_str(&para(
            p2,
            P {
                size: 14,
                bold: true,
                center: true,
                ..P::default()
            },
        ));
    }
    sign.push_str(&para(
        "",
        P {
            size: 14,
            after: 1400,
            ..P::default()
        },
    ));
    sign.push_str(&para(
        l.signer,
        P {
            size: 14,
            bold: true,
            center: true,
            ..P::default()
        },
    ));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>\
{}{}{}{}\
<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:headerReference w:type=\"first\" r:id=\"rIdFirst\"/>\
<w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
<w:titlePg/></w:sectPr></w:body></w:document>",
        layout_table(left, right, &issuer, &motto),
        title,
        content(c, l),
        layout_table(left, right, &recipients, &sign),
    )
}

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" w:eastAsia=\"Times New Roman\"/>\
<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
</w:styles>";

fn header(with_page: bool) -> String {
    let inner = if with_page {
        "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"28\"/></w:rPr><w:fldChar w:fldCharType=\"begin\"/></w:r>\
<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"28\"/></w:rPr><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"28\"/></w:rPr><w:fldChar w:fldCharType=\"separate\"/></w:r>\
<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"28\"/></w:rPr><w:t>2</w:t></w:r>\
<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"28\"/></w:rPr><w:fldChar w:fldCharType=\"end\"/></w:r>"
    } else {
        ""
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>{inner}</w:p></w:hdr>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/word/header2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOC_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>\
<Relationship Id=\"rIdFirst\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header2.xml\"/>\
</Relationships>";

fn core(c: &Consolidation) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>theodoi</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>",
        esc(&format!("Báo cáo {} — {}", c.round_label, c.plan_number))
    )
}

/// The report as a DOCX file in memory.
pub fn report(c: &Consolidation, l: &Letterhead<'_>) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 8] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
        ("word/document.xml", document(c, l)),
        ("word/styles.xml", STYLES.to_string()),
        ("word/header1.xml", header(true)),
        ("word/header2.xml", header(false)),
        ("docProps/core.xml", core(c)),
    ];
    for (name, content) in parts {
        zip.start_file(name, opts).map_err(std::io::Error::other)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Missing, TaskEntry, TaskNarrative};
    use std::io::Read;

    fn sample() -> Consolidation {
        crate::consolidate(crate::Input {
            plan_number: "14/KH-UBND",
            plan_title: "Triển khai Quyết định số 2715/QĐ-TTg",
            round_label: "6 tháng đầu năm 2026",
            previous_label: None,
            indicators: &[],
            figures: &[],
            previous: &[],
            expected: 3,
            missing: vec![Missing {
                agency: "Phường Ba Đình".into(),
                status: "returned".into(),
            }],
            tasks: vec![TaskNarrative {
                reference: "II.1".into(),
                tags: vec!["ICCPR Điều 14".into()],
                title: "Nghiên cứu hoàn thiện văn bản <pháp luật> & quy định".into(),
                entries: vec![TaskEntry {
                    agency: "Sở Tư pháp".into(),
                    role: "lead".into(),
                    status: "done".into(),
                    results: "Đã ban hành 3 văn bản.\nTổ chức 2 hội nghị.".repeat(200),
                }],
            }],
            difficulties: vec![("Xã Tân Hòa".into(), "Thiếu kinh phí".into())],
            proposals: Vec::new(),
        })
    }

    fn document_xml(bytes: &[u8]) -> String {
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let mut s = String::new();
        zip.by_name("word/document.xml")
            .unwrap_or_else(|e| panic!("{e}"))
            .read_to_string(&mut s)
            .unwrap_or_else(|e| panic!("{e}"));
        s
    }

    #[test]
    fn a_decree_30_report() {
        let head = Letterhead {
            parent: "UBND THÀNH PHỐ",
            issuer: "SỞ TƯ PHÁP",
            symbol: "BC-STP",
            place: "Hà Nội",
            date: time::macros::date!(2026 - 02 - 05),
            position: "GIÁM ĐỐC",
            position2: None,
            signer: "Nguyễn Văn An",
            recipients: &["UBND thành phố"],
            by_tag: false,
        };
        let bytes = report(&sample(), &head).unwrap_or_default();
        assert!(bytes.starts_with(b"PK"));
        let xml = document_xml(&bytes);
        for needle in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số:        /BC-STP",
            // Leading zeros for a day under 10 and for January and February.
            "Hà Nội, ngày 05 tháng 02 năm 2026",
            "BÁO CÁO",
            "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
            "Sở Tư pháp (chủ trì, hoàn thành)",
            "Phường Ba Đình (bị trả lại)",
            "Xã Tân Hòa: Thiếu kinh phí",
            "Nơi nhận:",
            "Nguyễn Văn An",
            "w:pgSz w:w=\"11906\" w:h=\"16838\"",
            "<w:titlePg/>",
        ] {
            assert!(xml.contains(needle), "missing {needle}");
        }
        assert!(
            xml.contains("văn bản &lt;pháp luật&gt; &amp; quy định"),
            "escaped"
        );
        assert!(xml.contains("<w:br/>"), "line breaks in prose are kept");
        let by_tag = report(
            &sample(),
            &Letterhead {
                by_tag: true,
                ..head
            },
        )
        .unwrap_or_default();
        let xml = document_xml(&by_tag);
        assert!(
            xml.contains("1. ICCPR Điều 14") && xml.contains("1.1. Nghiên cứu"),
            "grouped by tag"
        );
    }
}
