//! The report as a DOCX laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, margins 20/20/30/15
//! mm, Times New Roman; the header in a borderless two-column table (issuer left, national motto
//! right, each with its rule), number and symbol, place and date in italics; "BÁO CÁO" and the
//! summary line; a body numbered I. / 1. / - in 14 pt, justified, first line indented 1.27 cm;
//! the signature block beside "Nơi nhận:". Page numbers centred at the top from page 2.
//!
//! Written as WordprocessingML by hand: the document is a few dozen paragraphs of known shape,
//! and owning the XML keeps every Decree 30 property explicit. Word and LibreOffice open it.

use crate::{Consolidation, number_vi};
use std::io::Write;
use theodoi_domain::Role;

/// What the document says about itself.
#[derive(Debug, Clone)]
pub struct Letterhead<'a> {
    /// The superior body's full name, in capitals: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG".
    pub superior: &'a str,
    /// "SỞ TƯ PHÁP".
    pub issuer: &'a str,
    /// The symbol after the number, e.g. "BC-STP"; the number is left blank for the clerk.
    pub symbol: &'a str,
    pub place: &'a str,
    /// None leaves day and month blank for the clerk to fill in.
    pub date: Option<time::Date>,
    /// "GIÁM ĐỐC", or "KT. GIÁM ĐỐC" with `position2` "PHÓ GIÁM ĐỐC".
    pub position: &'a str,
    pub position2: Option<&'a str>,
    pub signer: &'a str,
    /// Recipients after "Nơi nhận:", without the final "Lưu".
    pub recipients: &'a [&'a str],
    /// The unit that drafted the report, after "Lưu: VT," (e.g. "PBGDPL"); "" for none.
    pub drafting_unit: &'a str,
    /// Section II in the plan's order, or grouped by the recommendations or Covenant articles
    /// the tasks are linked to.
    pub group: crate::Grouping,
}

/// A section as finally written (the edited text where the specialist edited it, else the drafted one).
#[derive(Debug, Clone, Copy)]
pub struct Written<'a> {
    pub key: &'a str,
    pub heading: &'a str,
    pub level: u8,
    pub text: &'a str,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 forbids (controls, U+FFFE, U+FFFF) would make the file unreadable.
            c if !crate::is_xml_char(c) || c == '\r' => {}
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
    /// Kept on the page of the next paragraph (headings, the last paragraph before the signature).
    keep_next: bool,
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
    let mut ppr = String::new();
    if o.keep_next {
        ppr.push_str("<w:keepNext/><w:keepLines/>");
    }
    ppr.push_str(&format!(
        "<w:spacing w:before=\"{}\" w:after=\"{}\"/>",
        o.before, o.after
    ));
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

const BODY: P = P {
    size: 14,
    bold: false,
    italic: false,
    center: false,
    justify: true,
    indent: true,
    before: 0,
    after: 120,
    rule_inset: None,
    keep_next: false,
};

/// A body paragraph: 14 pt, justified, first line indented, 6 pt after. A lead-in such as
/// "1. Ưu điểm:" is set bold, as Vietnamese reports set their numbered sub-headings.
fn body(text: &str) -> String {
    body_with(text, BODY)
}

fn body_with(text: &str, o: P) -> String {
    if let Some((lead, rest)) = numbered_lead(text) {
        return para_runs(&[(lead, true, false), (rest, false, false)], o);
    }
    para(text, o)
}

/// "1. Ưu điểm: …" → ("1. Ưu điểm:", " …").
fn numbered_lead(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let (lead, rest) = text.split_at(colon + 1);
    let mut cs = lead.chars();
    let digit = cs.next()?.is_ascii_digit();
    (digit && lead.contains(". ") && lead.chars().count() <= 40).then_some((lead, rest))
}

fn heading(text: &str) -> String {
    para(
        text,
        P {
            bold: true,
            before: 120,
            keep_next: true,
            ..BODY
        },
    )
}

fn cell(width: u32, content: &str) -> String {
    format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>{content}</w:tc>")
}

/// A two-column table without borders whose row does not split over pages.
fn layout_table(left: u32, right: u32, a: &str, b: &str) -> String {
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/>\
         <w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/>\
         <w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>\
         <w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>\
         <w:tblGrid><w:gridCol w:w=\"{left}\"/><w:gridCol w:w=\"{right}\"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{}{}</w:tr></w:tbl>",
        left + right,
        cell(left, a),
        cell(right, b)
    )
}

/// A bordered table at 12 pt: header row repeated on every page, rows never split.
fn grid(widths: &[u32], header: &[&str], rows: &[Vec<String>], numeric_from: usize) -> String {
    let cell_p = |text: &str, bold: bool, center: bool, right: bool| {
        let jc = if center {
            "<w:jc w:val=\"center\"/>"
        } else if right {
            "<w:jc w:val=\"right\"/>"
        } else {
            ""
        };
        format!(
            "<w:p><w:pPr><w:spacing w:before=\"20\" w:after=\"20\"/>{jc}<w:rPr><w:sz w:val=\"24\"/></w:rPr></w:pPr>{}</w:p>",
            run(text, 12, bold, false)
        )
    };
    let grid_cols: String = widths
        .iter()
        .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
        .collect();
    let mut out = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/>\
         <w:tblBorders><w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/><w:bottom w:val=\"single\" w:sz=\"4\"/>\
         <w:right w:val=\"single\" w:sz=\"4\"/><w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" w:sz=\"4\"/></w:tblBorders>\
         <w:tblCellMar><w:left w:w=\"60\" w:type=\"dxa\"/><w:right w:w=\"60\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid_cols}</w:tblGrid>",
        widths.iter().sum::<u32>()
    );
    out.push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    for (w, h) in widths.iter().zip(header) {
        out.push_str(&cell(*w, &cell_p(h, true, true, false)));
    }
    out.push_str("</w:tr>");
    for r in rows {
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (i, (w, v)) in widths.iter().zip(r).enumerate() {
            out.push_str(&cell(*w, &cell_p(v, false, false, i >= numeric_from)));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    // A table must be followed by a paragraph; a small one keeps the spacing even.
    out.push_str("<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"120\"/><w:rPr><w:sz w:val=\"12\"/></w:rPr></w:pPr></w:p>");
    out
}

/// "Hải Phòng, ngày 05 tháng 02 năm 2026"; without a date, day and month are left for the clerk.
fn date_line(place: &str, d: Option<time::Date>, year: Option<i32>) -> String {
    match d {
        Some(d) => format!(
            "{place}, ngày {:02} tháng {:02} năm {}",
            d.day(),
            u8::from(d.month()),
            d.year()
        ),
        None => format!(
            "{place}, ngày      tháng      năm {}",
            year.map(|y| y.to_string())
                .unwrap_or_else(|| "      ".into())
        ),
    }
}

/// The statistics table of section II (chỉ tiêu | kỳ này | kỳ trước | tăng, giảm | nam | nữ | DTTS).
fn figures_table(c: &Consolidation) -> String {
    let opt = |v: Option<f64>| v.map(number_vi).unwrap_or_default();
    let rows: Vec<Vec<String>> = c
        .indicators
        .iter()
        .filter(|b| b.total.is_some())
        .map(|b| {
            let (male, female, minority) = crate::draft::sex_and_minority(b);
            let change = b
                .change_pct()
                .map(|p| {
                    let r = (p * 10.0).round() / 10.0;
                    let s = format!("{:.1}%", r.abs()).replace('.', ",");
                    if r > 0.0 {
                        format!("+{s}")
                    } else if r < 0.0 {
                        format!("-{s}")
                    } else {
                        s
                    }
                })
                .unwrap_or_default();
            vec![
                format!("{} ({})", b.info.name, b.info.unit),
                opt(b.total),
                opt(b.previous),
                change,
                opt(male),
                opt(female),
                opt(minority),
            ]
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    // A first round has nothing to compare with: two empty columns would only look unfinished.
    if rows.iter().all(|r| r[2].is_empty() && r[3].is_empty()) {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .enumerate()
                    .filter(|(i, _)| !matches!(i, 2 | 3))
                    .map(|(_, v)| v)
                    .collect()
            })
            .collect();
        let header = ["Chỉ tiêu", "Kỳ này", "Nam", "Nữ", "Dân tộc thiểu số"];
        return grid(&[5154, 1100, 1000, 1000, 1100], &header, &rows, 1);
    }
    let header = [
        "Chỉ tiêu",
        "Kỳ này",
        "Kỳ trước",
        "Tăng, giảm",
        "Nam",
        "Nữ",
        "Dân tộc thiểu số",
    ];
    grid(
        &[3054, 1100, 1100, 1000, 1000, 1000, 1100],
        &header,
        &rows,
        1,
    )
}

/// The body: the written sections in order, "II." printed before the first task, the table
/// where "II.figures" stands. The last paragraph is kept with the signature that follows.
fn content(c: &Consolidation, sections: &[Written<'_>], l: &Letterhead<'_>) -> String {
    let mut out = String::new();
    let mut in_tasks = false;
    let ordered = ordered_sections(c, sections, l.group);
    // Grouped by recommendation or article, the group is the heading and each task a
    // sub-heading under it.
    let grouped = ordered.iter().any(|o| o.group.is_some());
    let last = ordered.len().saturating_sub(1);
    for (i, o) in ordered.iter().enumerate() {
        let s = o.section;
        let is_task = s.key.starts_with("II.");
        // Section II's own heading comes first, then its first group's.
        if is_task && !in_tasks {
            out.push_str(&heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ"));
        }
        in_tasks = is_task;
        if let Some(group) = &o.group {
            out.push_str(&heading(group));
        }
        let title = o.heading.as_deref().unwrap_or(s.heading).trim();
        if !title.is_empty() {
            if grouped && is_task && s.key != "II.figures" {
                out.push_str(&para(
                    title,
                    P {
                        bold: true,
                        italic: true,
                        keep_next: true,
                        ..BODY
                    },
                ));
            } else {
                out.push_str(&heading(title));
            }
        }
        if let Some(also) = &o.also {
            out.push_str(&body_with(
                also,
                P {
                    italic: true,
                    keep_next: true,
                    ..BODY
                },
            ));
        }
        let paras: Vec<&str> = s
            .text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let n = paras.len();
        for (k, p) in paras.into_iter().enumerate() {
            let keep = k + 1 == n && (i == last || s.key == "II.figures");
            out.push_str(&body_with(
                p,
                P {
                    keep_next: keep,
                    ..BODY
                },
            ));
        }
        if s.key == "II.figures" {
            out.push_str(&figures_table(c));
        }
        for see in &o.after {
            if let Some(h) = &see.heading {
                out.push_str(&heading(h));
            }
            out.push_str(&body_with(
                &see.line,
                P {
                    italic: true,
                    ..BODY
                },
            ));
        }
    }
    out
}

/// A section in print order, with the group heading it opens and the other recommendations or
/// articles its task also serves.
struct Placed<'a> {
    section: &'a Written<'a>,
    group: Option<String>,
    heading: Option<String>,
    also: Option<String>,
    after: Vec<crate::arrange::SeeAlso>,
}

/// Sections in print order (see [`crate::arrange::arrange`]).
fn ordered_sections<'a>(
    c: &'a Consolidation,
    sections: &'a [Written<'a>],
    group: crate::Grouping,
) -> Vec<Placed<'a>> {
    let keys: Vec<&str> = sections.iter().map(|s| s.key).collect();
    let headings: Vec<&str> = sections.iter().map(|s| s.heading).collect();
    crate::arrange::arrange(c, &keys, &headings, group)
        .into_iter()
        .filter_map(|a| {
            Some(Placed {
                section: sections.get(a.index)?,
                group: a.group,
                heading: a.heading,
                also: a.also,
                after: a.after,
            })
        })
        .collect()
}

/// "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" over two lines at a natural place ("ỦY BAN NHÂN DÂN" /
/// "THÀNH PHỐ HẢI PHÒNG"), so the header column does not wrap it mid-name.
fn wrap_superior(name: &str) -> String {
    let name = name.trim().to_uppercase();
    if name.chars().count() <= 24 {
        return name;
    }
    for head in ["ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN ", "HỘI ĐỒNG NHÂN DÂN "] {
        if let Some(rest) = name.strip_prefix(head) {
            return format!("{}\n{rest}", head.trim_end());
        }
    }
    // Otherwise at the space nearest the middle.
    let mid = name.len() / 2;
    match name
        .match_indices(' ')
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(mid))
    {
        Some(i) => format!("{}\n{}", &name[..i], &name[i + 1..]),
        None => name,
    }
}

/// Annexes after the signature: each task's reporting, and the bodies whose report is not
/// accepted, by where they stand.
fn annexes(c: &Consolidation, l: &Letterhead<'_>) -> String {
    let mut out = String::from("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    let centered = |t: &str, bold: bool, italic: bool| {
        para(
            t,
            P {
                bold,
                italic,
                center: true,
                after: 60,
                ..BODY
            },
        )
    };
    let attached = format!(
        "(Kèm theo Báo cáo số      /{} ngày      tháng      năm      của {})",
        l.symbol,
        title_case(l.issuer)
    );
    out.push_str(&centered("Phụ lục I", true, false));
    out.push_str(&centered(
        "TÌNH HÌNH BÁO CÁO THEO TỪNG NHIỆM VỤ",
        true,
        false,
    ));
    out.push_str(&centered(&attached, false, true));
    let mut rows = Vec::new();
    for (i, t) in c.tasks.iter().enumerate() {
        let assigned: Vec<&crate::draft::AssignmentFact> = c
            .facts
            .assignments
            .iter()
            .filter(|a| a.reference == t.reference)
            .collect();
        let reported = |agency: &str| t.entries.iter().any(|e| e.agency == agency);
        let lead: Vec<String> = t
            .entries
            .iter()
            .filter(|e| e.role == Role::Lead)
            .map(|e| format!("{}: {}", e.agency, task_status(&e.status)))
            .chain(
                assigned
                    .iter()
                    .filter(|a| a.role == Role::Lead && !reported(&a.agency))
                    .map(|a| format!("{}: {}", a.agency, crate::draft::missing_vi(&a.status))),
            )
            .collect();
        let coords_total = assigned.iter().filter(|a| a.role != Role::Lead).count();
        let coords_done = t.entries.iter().filter(|e| e.role != Role::Lead).count();
        // A body without an accepted report is in Phụ lục II with where it stands; here it is
        // counted. Only a body whose report is accepted but silent on this task is named.
        let missing_overall = |agency: &str| c.missing.iter().any(|m| m.agency == agency);
        let silent: Vec<&str> = assigned
            .iter()
            .filter(|a| a.role != Role::Lead && !reported(&a.agency))
            .map(|a| a.agency.as_str())
            .collect();
        let (away, mut quiet): (Vec<&str>, Vec<&str>) =
            silent.iter().partition(|a| missing_overall(a));
        quiet.sort_by_cached_key(|a| crate::draft::collate_key(a));
        let mut silent_parts = Vec::new();
        if !away.is_empty() {
            silent_parts.push(format!(
                "{} cơ quan chưa có báo cáo được tiếp nhận (Phụ lục II).",
                number_vi(away.len() as f64)
            ));
        }
        if !quiet.is_empty() {
            silent_parts.push(format!(
                "Báo cáo không nêu kết quả nhiệm vụ này: {}.",
                quiet.join(", ")
            ));
        }
        let silent_text = silent_parts.join(" ");
        rows.push(vec![
            (i + 1).to_string(),
            format!(
                "{} ({})",
                short(&t.title, 160),
                crate::draft::cite(&[&t.reference])
            ),
            if lead.is_empty() {
                "Chưa xác định".into()
            } else {
                lead.join("; ")
            },
            format!(
                "{}/{} đã báo cáo. {silent_text}",
                number_vi(coords_done as f64),
                number_vi(coords_total.max(coords_done) as f64)
            )
            .trim()
            .to_string(),
        ]);
    }
    out.push_str(&grid(
        &[600, 3000, 2600, 3154],
        &["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp"],
        &rows,
        9,
    ));
    // Phụ lục II: who is missing, said plainly.
    out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    out.push_str(&centered("Phụ lục II", true, false));
    out.push_str(&centered(
        if crate::draft::cascade_tracked(c) && c.facts.cascade.iter().any(|p| !p.issued) {
            "CÁC CƠ QUAN, ĐƠN VỊ, ĐỊA PHƯƠNG CHƯA CÓ BÁO CÁO ĐƯỢC TIẾP NHẬN, CHƯA BAN HÀNH KẾ HOẠCH TRIỂN KHAI"
        } else {
            "CÁC CƠ QUAN, ĐƠN VỊ, ĐỊA PHƯƠNG CHƯA CÓ BÁO CÁO ĐƯỢC TIẾP NHẬN"
        },
        true,
        false,
    ));
    out.push_str(&centered(&attached, false, true));
    type Test<'a> = &'a dyn Fn(&str) -> bool;
    let groups: [(&str, Test<'_>); 3] = [
        ("Chưa gửi báo cáo", &|s| {
            !matches!(s, "submitted" | "returned" | "accepted")
        }),
        ("Đã gửi, chờ Sở Tư pháp tiếp nhận", &|s| {
            s == "submitted"
        }),
        ("Bị trả lại, chưa gửi lại", &|s| s == "returned"),
    ];
    let mut any = false;
    for (n, (label, pick)) in groups.iter().enumerate() {
        let mut names: Vec<&str> = c
            .missing
            .iter()
            .filter(|m| pick(&m.status))
            .map(|m| m.agency.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        any = true;
        names.sort_by_cached_key(|a| crate::draft::collate_key(a));
        out.push_str(&para(
            &format!(
                "{}. {label} ({} cơ quan)",
                n + 1,
                number_vi(names.len() as f64)
            ),
            P {
                bold: true,
                keep_next: true,
                ..BODY
            },
        ));
        out.push_str(&body(&format!("{}.", names.join(", "))));
    }
    let mut no_plan: Vec<&str> = c
        .facts
        .cascade
        .iter()
        .filter(|p| !p.issued)
        .map(|p| p.agency.as_str())
        .collect();
    if !crate::draft::cascade_tracked(c) {
        no_plan.clear();
    }
    if !no_plan.is_empty() {
        any = true;
        no_plan.sort_by_cached_key(|a| crate::draft::collate_key(a));
        out.push_str(&para(
            &format!(
                "4. Chưa ban hành kế hoạch triển khai ({} cơ quan)",
                number_vi(no_plan.len() as f64)
            ),
            P {
                bold: true,
                keep_next: true,
                ..BODY
            },
        ));
        out.push_str(&body(&format!("{}.", no_plan.join(", "))));
    }
    if !any {
        out.push_str(&body(
            "Tất cả các cơ quan, đơn vị, địa phương đã có báo cáo được tiếp nhận.",
        ));
    }
    out
}

/// The round's label after the plan in the title: a period reads "… trong 6 tháng đầu năm 2026",
/// anything else after a comma.
fn period_phrase(label: &str) -> String {
    let label = label.trim();
    let lower = label.to_lowercase();
    if label.is_empty() {
        String::new()
    } else if lower.starts_with(|c: char| c.is_ascii_digit())
        || ["năm ", "quý ", "tháng "]
            .iter()
            .any(|p| lower.starts_with(p))
    {
        format!(" trong {lower}")
    } else {
        format!(", {}", crate::draft::first_lower(label))
    }
}

fn short(s: &str, max: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
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

fn document(
    c: &Consolidation,
    sections: &[Written<'_>],
    l: &Letterhead<'_>,
    is_draft: bool,
) -> String {
    // A4 text width: 210 mm − 30 − 15 = 165 mm = 9354 twips; columns 40 % / 60 %.
    let (left, right) = (3742, 5612);
    let mut issuer = String::new();
    if is_draft {
        issuer.push_str(&para(
            "DỰ THẢO",
            P {
                size: 13,
                bold: true,
                center: true,
                after: 60,
                ..P::default()
            },
        ));
    }
    issuer.push_str(&format!(
        "{}{}{}{}",
        para(
            &wrap_superior(l.superior),
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
    ));
    let mut motto = String::new();
    if is_draft {
        motto.push_str(&para(
            " ",
            P {
                size: 13,
                after: 60,
                ..P::default()
            },
        ));
    }
    motto.push_str(&format!(
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
            &date_line(l.place, l.date, c.facts.window_end.map(|d| d.year())),
            P {
                size: 14,
                italic: true,
                center: true,
                before: if wrap_superior(l.superior).contains('\n') {
                    440
                } else {
                    120
                },
                ..P::default()
            }
        ),
    ));
    let plan_date = c
        .facts
        .plan_date
        .map(|d| {
            format!(
                " ngày {:02}/{:02}/{}",
                d.day(),
                u8::from(d.month()),
                d.year()
            )
        })
        .unwrap_or_default();
    // "…ngày 09/01/2026 của UBND thành phố 6 tháng đầu năm": the issuer keeps the plan's date
    // from running into the period's number.
    let of_issuer = if c.facts.superior.trim().is_empty() {
        " của UBND thành phố".to_string()
    } else {
        format!(
            " của {}",
            c.facts
                .superior
                .trim()
                .replacen("Ủy ban nhân dân", "UBND", 1)
        )
    };
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
                "Kết quả thực hiện Kế hoạch số {}{plan_date}{of_issuer}{}",
                c.plan_number,
                period_phrase(&c.round_label)
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
    let keep = if l.drafting_unit.trim().is_empty() {
        "- Lưu: VT.".to_string()
    } else {
        format!("- Lưu: VT, {}.", l.drafting_unit.trim())
    };
    recipients.push_str(&para(
        &keep,
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
{}{}{}{}{}\
<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:headerReference w:type=\"first\" r:id=\"rIdFirst\"/>\
<w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
<w:titlePg/></w:sectPr></w:body></w:document>",
        layout_table(left, right, &issuer, &motto),
        title,
        content(c, sections, l),
        layout_table(left, right, &recipients, &sign),
        annexes(c, l),
    )
}

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" w:eastAsia=\"Times New Roman\"/>\
<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
</w:styles>";

fn header(with_page: bool, is_draft: bool) -> String {
    let rpr = "<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"28\"/></w:rPr>";
    let page = if with_page {
        format!(
            "<w:r>{rpr}<w:fldChar w:fldCharType=\"begin\"/></w:r>\
<w:r>{rpr}<w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r>{rpr}<w:fldChar w:fldCharType=\"separate\"/></w:r>\
<w:r>{rpr}<w:t>2</w:t></w:r>\
<w:r>{rpr}<w:fldChar w:fldCharType=\"end\"/></w:r>"
        )
    } else {
        String::new()
    };
    // "DỰ THẢO" on every page after the first (the first carries it above the issuer).
    let mark = if is_draft && with_page {
        "<w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/><w:b/><w:sz w:val=\"24\"/></w:rPr><w:t>DỰ THẢO</w:t></w:r></w:p>"
    } else {
        ""
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>{page}</w:p>{mark}</w:hdr>"
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

/// The report as a DOCX file in memory, from the drafted sections as they stand.
pub fn report(c: &Consolidation, l: &Letterhead<'_>) -> std::io::Result<Vec<u8>> {
    let drafted = crate::draft::draft(c);
    let written: Vec<Written<'_>> = drafted
        .iter()
        .map(|s| Written {
            key: &s.key,
            heading: &s.heading,
            level: s.level,
            text: &s.text,
        })
        .collect();
    report_from_draft(c, &written, l, false)
}

/// The báo cáo built from written sections; the statistics table is drawn from `c` where the
/// "II.figures" section stands; `is_draft` marks every page "DỰ THẢO".
pub fn report_from_draft(
    c: &Consolidation,
    sections: &[Written<'_>],
    l: &Letterhead<'_>,
    is_draft: bool,
) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 8] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
        ("word/document.xml", document(c, sections, l, is_draft)),
        ("word/styles.xml", STYLES.to_string()),
        ("word/header1.xml", header(true, is_draft)),
        ("word/header2.xml", header(false, is_draft)),
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

    #[test]
    fn the_period_reads_after_the_plan() {
        assert_eq!(
            period_phrase("6 tháng đầu năm 2026"),
            " trong 6 tháng đầu năm 2026"
        );
        assert_eq!(period_phrase("Năm 2026"), " trong năm 2026");
        assert_eq!(
            period_phrase("Báo cáo đột xuất về thực hiện Kế hoạch"),
            ", báo cáo đột xuất về thực hiện Kế hoạch"
        );
        assert_eq!(period_phrase(" "), "");
    }

    #[test]
    fn tasks_cited_where_the_plan_has_them() {
        use crate::draft::cite;
        assert_eq!(cite(&["II.1"]), "mục II.1 Kế hoạch");
        assert_eq!(cite(&["PL.3"]), "mục 3 Phụ lục Kế hoạch");
        assert_eq!(
            cite(&["II.2", "PL.1", "PL.4"]),
            "mục II.2 Kế hoạch; mục 1 và 4 Phụ lục Kế hoạch"
        );
    }
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
                recommendations: Vec::new(),
                articles: vec![14],
                title: "Nghiên cứu hoàn thiện văn bản <pháp luật> & quy định".into(),
                entries: vec![TaskEntry {
                    agency: "Sở Tư pháp".into(),
                    role: Role::Lead,
                    status: "done".into(),
                    results: "Đã ban hành 3 văn bản.\nTổ chức 2 hội nghị.".repeat(200),
                }],
            }],
            difficulties: vec![("Xã Tân Hòa".into(), "Thiếu kinh phí".into())],
            proposals: Vec::new(),
        })
    }

    #[test]
    fn a_first_round_table_has_no_empty_comparison_columns() {
        let info = crate::IndicatorInfo {
            id: 1,
            code: "HN".into(),
            name: "Số hội nghị tuyên truyền".into(),
            unit: "cuộc".into(),
            aggregation: theodoi_domain::indicator::Aggregation::Sum,
            dimensions: vec![],
        };
        let fig = |sum| crate::Figure {
            indicator_id: 1,
            dimension: String::new(),
            category: String::new(),
            sum,
            average: 0.0,
            bodies: 2,
        };
        let table = |previous: &[crate::Figure]| {
            figures_table(&crate::consolidate(crate::Input {
                indicators: std::slice::from_ref(&info),
                figures: &[fig(42)],
                previous,
                previous_label: (!previous.is_empty()).then_some("năm 2025"),
                plan_number: "14/KH-UBND",
                plan_title: "",
                round_label: "6 tháng đầu năm 2026",
                expected: 2,
                missing: Vec::new(),
                tasks: Vec::new(),
                difficulties: Vec::new(),
                proposals: Vec::new(),
            }))
        };
        let first = table(&[]);
        assert!(first.contains(">Kỳ này<") && !first.contains(">Kỳ trước<"));
        assert!(!first.contains(">Tăng, giảm<"));
        let second = table(&[fig(30)]);
        assert!(second.contains(">Kỳ trước<") && second.contains("+40,0%"));
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

    fn letterhead() -> Letterhead<'static> {
        Letterhead {
            superior: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
            issuer: "SỞ TƯ PHÁP",
            symbol: "BC-STP",
            place: "Hải Phòng",
            date: Some(time::macros::date!(2026 - 02 - 05)),
            position: "GIÁM ĐỐC",
            position2: None,
            signer: "Nguyễn Văn An",
            recipients: &["UBND thành phố"],
            drafting_unit: "PBGDPL",
            group: crate::Grouping::Plan,
        }
    }

    #[test]
    fn a_decree_30_report() {
        let head = letterhead();
        let bytes = report(&sample(), &head).unwrap_or_default();
        assert!(bytes.starts_with(b"PK"));
        let xml = document_xml(&bytes);
        for needle in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            // The superior's full name, broken after "ỦY BAN NHÂN DÂN".
            "ỦY BAN NHÂN DÂN</w:t><w:br/><w:t xml:space=\"preserve\">THÀNH PHỐ HẢI PHÒNG",
            "Số:        /BC-STP",
            // Leading zeros for a day under 10 and for January and February.
            "Hải Phòng, ngày 05 tháng 02 năm 2026",
            "BÁO CÁO",
            "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
            "Sở Tư pháp (cơ quan chủ trì, đã hoàn thành)",
            "Bị trả lại, chưa gửi lại (1 cơ quan)",
            "Phường Ba Đình.",
            "Thiếu kinh phí (Xã Tân Hòa).",
            "Nơi nhận:",
            "- Lưu: VT, PBGDPL.",
            "Nguyễn Văn An",
            "Phụ lục I",
            "w:pgSz w:w=\"11906\" w:h=\"16838\"",
            "<w:titlePg/>",
            "<w:tblHeader/>",
        ] {
            assert!(xml.contains(needle), "missing {needle}");
        }
        assert!(
            !xml.contains("DỰ THẢO"),
            "a final report is not marked as a draft"
        );
        assert!(
            xml.contains("văn bản &lt;pháp luật&gt; &amp; quy định"),
            "escaped"
        );
        let by_article = report(
            &sample(),
            &Letterhead {
                group: crate::Grouping::Articles,
                ..head
            },
        )
        .unwrap_or_default();
        let xml = document_xml(&by_article);
        assert!(
            xml.contains(">Điều 14. Quyền được xét xử công bằng<"),
            "grouped by article"
        );
    }

    #[test]
    fn written_sections_blank_date_and_draft_mark() {
        let c = sample();
        let sections = [
            Written {
                key: "intro",
                heading: "",
                level: 0,
                text: "Đoạn mở đầu do chuyên viên sửa.",
            },
            Written {
                key: "II.II.1",
                heading: "1. Nhiệm vụ một (mục II.1 Kế hoạch)",
                level: 2,
                text: "Dòng một\nDòng hai\n\n- Ý thứ nhất",
            },
            Written {
                key: "II.figures",
                heading: "",
                level: 0,
                text: "Số liệu:",
            },
            Written {
                key: "closing",
                heading: "",
                level: 0,
                text: "Trên đây là báo cáo./.",
            },
        ];
        let head = Letterhead {
            date: None,
            ..letterhead()
        };
        let xml = document_xml(&report_from_draft(&c, &sections, &head, true).unwrap_or_default());
        assert!(xml.contains("Đoạn mở đầu do chuyên viên sửa."));
        assert!(
            xml.contains("<w:br/>"),
            "line breaks inside a paragraph are kept"
        );
        assert!(
            xml.contains("Hải Phòng, ngày      tháng      năm"),
            "date left blank"
        );
        assert!(xml.contains("DỰ THẢO"));
        // The closing paragraph is kept with the signature that follows it.
        let closing = xml.find("Trên đây là báo cáo./.").unwrap_or(0);
        let p_start = xml[..closing].rfind("<w:p>").unwrap_or(0);
        assert!(xml[p_start..closing].contains("<w:keepNext/>"));
    }
}
