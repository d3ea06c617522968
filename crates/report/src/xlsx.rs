//! The statistical annex as XLSX, laid out to be printed with the report and signed: each sheet
//! a numbered phụ lục with its heading "(Kèm theo Báo cáo số …/BC-STP ngày … của Sở Tư pháp)",
//! indicators by their Vietnamese names (codes only in a last column), whole numbers as `#,##0`,
//! the header rows repeated on every printed page, page numbers in the footer, A4 (landscape
//! where wide) one page wide. Also any list as a sheet (`table`).

use crate::{Consolidation, IndicatorBlock, neutralize, status_vi};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use theodoi_domain::AgencyKind;
use theodoi_domain::indicator::{Aggregation, Dimension};

/// Whole numbers with thousands grouped (Excel shows the reader's separator: 1.234 in Vietnamese).
pub const WHOLE: &str = "#,##0";
/// Averages and percentages: one decimal.
pub const DECIMAL: &str = "#,##0.0";

/// The report the annex goes with: its number and date are often given by the clerk at signing,
/// so both may stay blank ("…").
#[derive(Debug, Clone, Default)]
pub struct AnnexHeading<'a> {
    /// The number before the symbol, e.g. "125"; None leaves it blank.
    pub number: Option<&'a str>,
    pub date: Option<time::Date>,
}

impl AnnexHeading<'_> {
    /// "(Kèm theo Báo cáo số …/BC-STP ngày … tháng … năm … của Sở Tư pháp)".
    pub fn line(&self) -> String {
        let number = self.number.unwrap_or("…");
        let date = match self.date {
            Some(d) => format!(
                "ngày {:02} tháng {:02} năm {}",
                d.day(),
                u8::from(d.month()),
                d.year()
            ),
            None => "ngày … tháng … năm …".to_string(),
        };
        format!("(Kèm theo Báo cáo số {number}/BC-STP {date} của Sở Tư pháp)")
    }
}

fn base() -> Format {
    Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
}

struct Styles {
    annex_no: Format,
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    whole: Format,
    decimal: Format,
    bold_text: Format,
    bold_whole: Format,
    bold_decimal: Format,
    italic_text: Format,
    indented: Format,
    indented_italic: Format,
    note: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = base().set_border(FormatBorder::Thin).set_text_wrap();
        let centered = |f: Format| {
            f.set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
        };
        Self {
            annex_no: centered(base().set_bold().set_font_size(13)),
            title: centered(base().set_bold().set_font_size(13)),
            subtitle: centered(base().set_italic()),
            header: centered(cell.clone().set_bold()).set_background_color(Color::RGB(0x00F0_EDE6)),
            text: cell.clone().set_align(FormatAlign::VerticalCenter),
            whole: cell.clone().set_num_format(WHOLE),
            decimal: cell.clone().set_num_format(DECIMAL),
            bold_text: cell.clone().set_bold(),
            bold_whole: cell.clone().set_bold().set_num_format(WHOLE),
            bold_decimal: cell.clone().set_bold().set_num_format(DECIMAL),
            italic_text: cell.clone().set_italic(),
            indented: cell.clone().set_indent(1),
            indented_italic: cell.set_italic().set_indent(1),
            note: base().set_italic().set_text_wrap(),
        }
    }
}

/// A4, one page wide, the header rows on every page, "Trang x/y" at the foot; tight margins so a
/// wide table keeps a readable size.
fn print_setup(
    ws: &mut Worksheet,
    landscape: bool,
    header_rows: (u32, u32),
) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_margins(0.6, 0.5, 0.6, 0.7, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(header_rows.0, header_rows.1)?;
    ws.set_footer("&C&\"Times New Roman\"&11Trang &P/&N");
    Ok(())
}

/// A sheet name Excel accepts: at most 31 characters, none of []:*?/\.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|&c| crate::is_xml_char(c) && !c.is_control())
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, neutralize(&crate::xml_safe(s)).as_ref(), f)?;
    Ok(())
}

/// Text in a wrapped cell of `width`, the row made tall enough for it: LibreOffice does not
/// grow rows on opening, so a long name would print over the next row.
fn text_fit(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    width: f64,
    f: &Format,
) -> Result<(), XlsxError> {
    text(ws, row, col, s, f)?;
    let lines = (s.chars().count() as f64 / (width * 0.95)).ceil().max(1.0);
    if lines > 1.0 {
        ws.set_row_height(row, 16.0 * lines)?;
    }
    Ok(())
}

fn number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    f: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(v) => ws.write_number_with_format(row, col, v, f)?,
        None => ws.write_string_with_format(row, col, "—", f)?,
    };
    Ok(())
}

/// A line across the table's width.
fn banner(
    ws: &mut Worksheet,
    row: u32,
    last_col: u16,
    s: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    let s = neutralize(&crate::xml_safe(s)).into_owned();
    if last_col == 0 {
        ws.write_string_with_format(row, 0, &s, f)?;
    } else {
        ws.merge_range(row, 0, row, last_col, &s, f)?;
    }
    Ok(())
}

/// The heading every sheet opens with; returns the first free row.
fn heading(
    ws: &mut Worksheet,
    number: &str,
    title: &str,
    c: &Consolidation,
    head: &AnnexHeading<'_>,
    last_col: u16,
    s: &Styles,
) -> Result<u32, XlsxError> {
    banner(ws, 0, last_col, &format!("Phụ lục {number}"), &s.annex_no)?;
    banner(ws, 1, last_col, &title.to_uppercase(), &s.title)?;
    let plan = if c.plan_number.is_empty() {
        String::new()
    } else {
        format!(" thực hiện Kế hoạch số {}", c.plan_number)
    };
    banner(
        ws,
        2,
        last_col,
        &format!("{}{plan}", c.round_label),
        &s.subtitle,
    )?;
    banner(ws, 3, last_col, &head.line(), &s.subtitle)?;
    ws.set_row_height(1, 34)?;
    Ok(5)
}

fn whole_or_decimal(b: &IndicatorBlock, s: &Styles, bold: bool) -> Format {
    match (b.info.aggregation == Aggregation::Average, bold) {
        (true, true) => s.bold_decimal.clone(),
        (true, false) => s.decimal.clone(),
        (false, true) => s.bold_whole.clone(),
        (false, false) => s.whole.clone(),
    }
}

fn header_row(ws: &mut Worksheet, row: u32, heads: &[&str], s: &Styles) -> Result<(), XlsxError> {
    for (i, h) in heads.iter().enumerate() {
        text(ws, row, i as u16, h, &s.header)?;
    }
    ws.set_row_height(row, 48)?;
    Ok(())
}

fn summary(
    ws: &mut Worksheet,
    c: &Consolidation,
    head: &AnnexHeading<'_>,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Phụ lục III")?;
    let r0 = heading(ws, "III", "Tổng hợp số liệu", c, head, 7, s)?;
    banner(
        ws,
        r0,
        7,
        &format!(
            "Tổng hợp từ {}/{} báo cáo đã được Sở Tư pháp tiếp nhận; {} cơ quan, địa phương chưa có báo cáo được tiếp nhận (Phụ lục {}).",
            c.accepted,
            c.expected,
            c.missing.len(),
            missing_number(c)
        ),
        &s.note,
    )?;
    ws.set_row_height(r0, 32)?;
    let previous = c
        .previous_label
        .clone()
        .unwrap_or_else(|| "Kỳ trước".into());
    let this = c.round_label.clone();
    let hr = r0 + 2;
    header_row(
        ws,
        hr,
        &[
            "STT",
            "Chỉ tiêu",
            "Đơn vị tính",
            &this,
            &previous,
            "Tăng, giảm so với kỳ trước (%)",
            "Số cơ quan, địa phương báo cáo",
            "Mã chỉ tiêu",
        ],
        s,
    )?;
    for (i, b) in c.indicators.iter().enumerate() {
        let r = hr + 1 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &s.whole)?;
        text_fit(ws, r, 1, &b.info.name, 58.0, &s.text)?;
        text(ws, r, 2, &b.info.unit, &s.text)?;
        let f = whole_or_decimal(b, s, false);
        number(ws, r, 3, b.total, &f)?;
        number(ws, r, 4, b.previous, &f)?;
        number(
            ws,
            r,
            5,
            b.change_pct().map(|p| (p * 10.0).round() / 10.0),
            &s.decimal,
        )?;
        ws.write_number_with_format(r, 6, b.bodies as f64, &s.whole)?;
        text(ws, r, 7, &b.info.code, &s.text)?;
    }
    for (col, width) in [
        (0, 5.0),
        (1, 58.0),
        (2, 11.0),
        (3, 13.0),
        (4, 13.0),
        (5, 12.0),
        (6, 13.0),
        (7, 17.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(hr + 1, 0)?;
    print_setup(ws, true, (hr, hr))
}

/// Whether a breakdown lists every category or only those with a figure: the 54 ethnic groups
/// would fill pages with zeros.
fn lists_zeros(d: Dimension) -> bool {
    d.categories().len() <= 12
}

fn breakdowns(
    ws: &mut Worksheet,
    c: &Consolidation,
    head: &AnnexHeading<'_>,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Phụ lục IV")?;
    let r0 = heading(
        ws,
        "IV",
        "Số liệu phân tổ theo từng chỉ tiêu",
        c,
        head,
        4,
        s,
    )?;
    let hr = r0;
    header_row(
        ws,
        hr,
        &[
            "STT",
            "Chỉ tiêu, phân tổ",
            "Số liệu",
            "Tỷ lệ so với tổng số (%)",
            "Mã",
        ],
        s,
    )?;
    let mut r = hr + 1;
    let mut overlap_noted = false;
    for (i, b) in c.indicators.iter().enumerate() {
        ws.write_number_with_format(r, 0, (i + 1) as f64, &s.bold_whole)?;
        text_fit(
            ws,
            r,
            1,
            &format!("{} ({}): tổng số", b.info.name, b.info.unit),
            60.0,
            &s.bold_text,
        )?;
        number(ws, r, 2, b.total, &whole_or_decimal(b, s, true))?;
        number(ws, r, 3, b.total.map(|_| 100.0), &s.bold_decimal)?;
        text(ws, r, 4, &b.info.code, &s.bold_text)?;
        r += 1;
        for d in &b.breakdowns {
            let overlaps = !d.dimension.exhaustive();
            let label = if overlaps {
                format!("Chia theo {} (*)", d.dimension.label_vi().to_lowercase())
            } else {
                format!("Chia theo {}", d.dimension.label_vi().to_lowercase())
            };
            text(ws, r, 0, "", &s.italic_text)?;
            text(ws, r, 1, &label, &s.italic_text)?;
            text(ws, r, 2, "", &s.italic_text)?;
            text(ws, r, 3, "", &s.italic_text)?;
            // Breakdown codes are for machines (the CSV has them); the printed sheet keeps the
            // indicator's code alone.
            text(ws, r, 4, "", &s.italic_text)?;
            r += 1;
            overlap_noted |= overlaps;
            let mut skipped = false;
            for cat in &d.categories {
                if cat.value == 0.0 && !lists_zeros(d.dimension) {
                    skipped = true;
                    continue;
                }
                text(ws, r, 0, "", &s.text)?;
                text(ws, r, 1, cat.label_vi, &s.indented)?;
                ws.write_number_with_format(r, 2, cat.value, &whole_or_decimal(b, s, false))?;
                let share = b
                    .total
                    .filter(|t| *t > 0.0)
                    .map(|t| (cat.value / t * 1000.0).round() / 10.0);
                number(ws, r, 3, share, &s.decimal)?;
                text(ws, r, 4, "", &s.text)?;
                r += 1;
            }
            if skipped {
                text(ws, r, 0, "", &s.text)?;
                text(ws, r, 1, "Các dân tộc còn lại", &s.indented)?;
                ws.write_number_with_format(r, 2, 0.0, &s.whole)?;
                text(ws, r, 3, "", &s.text)?;
                text(ws, r, 4, "", &s.text)?;
                r += 1;
            }
            // People not broken down: the rest of the total, so the rows add up.
            if let Some(t) = b.total
                && !overlaps
                && b.info.aggregation != Aggregation::Average
                && t - d.sum > 0.0
            {
                text(ws, r, 0, "", &s.italic_text)?;
                text(ws, r, 1, "Chưa phân tổ", &s.indented_italic)?;
                ws.write_number_with_format(r, 2, t - d.sum, &s.whole)?;
                number(
                    ws,
                    r,
                    3,
                    Some(((t - d.sum) / t * 1000.0).round() / 10.0),
                    &s.decimal,
                )?;
                text(ws, r, 4, "", &s.italic_text)?;
                r += 1;
            }
        }
    }
    if overlap_noted {
        r += 1;
        banner(
            ws,
            r,
            4,
            "(*) Một người có thể thuộc nhiều nhóm yếu thế (ví dụ vừa là người cao tuổi vừa là người khuyết tật), nên số liệu các nhóm không cộng lại thành tổng số.",
            &s.note,
        )?;
        ws.set_row_height(r, 32)?;
    }
    for (col, width) in [(0, 5.0), (1, 60.0), (2, 13.0), (3, 12.0), (4, 30.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(hr + 1, 0)?;
    print_setup(ws, false, (hr, hr))
}

/// A group's name as a person reads it: kinds of body by their Vietnamese label.
fn group_label(g: &str) -> String {
    AgencyKind::from_code(g).map_or_else(|| g.to_string(), |k| k.label_vi().to_string())
}

/// One row per indicator, one column per group: the totals up a level.
#[allow(clippy::too_many_arguments)]
fn groups_sheet(
    ws: &mut Worksheet,
    number_: &str,
    title: &str,
    first_head: &str,
    c: &Consolidation,
    rows: &[(String, i64, i64)],
    head: &AnnexHeading<'_>,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(format!("Phụ lục {number_}"))?;
    let mut groups: Vec<&str> = Vec::new();
    for (g, _, _) in rows {
        if !groups.contains(&g.as_str()) {
            groups.push(g);
        }
    }
    let values: std::collections::HashMap<(&str, i64), i64> = rows
        .iter()
        .map(|(g, i, v)| ((g.as_str(), *i), *v))
        .collect();
    // Few groups: a column each, indicators down the side. Many (provinces, districts): one
    // block of rows per group, so the sheet stays one page wide.
    if groups.len() <= 8 {
        let last = groups.len() as u16 + 2;
        let hr = heading(ws, number_, title, c, head, last, s)?;
        let labels: Vec<String> = groups.iter().map(|g| group_label(g)).collect();
        let mut heads: Vec<&str> = vec!["STT", "Chỉ tiêu"];
        heads.extend(labels.iter().map(String::as_str));
        heads.push("Mã chỉ tiêu");
        header_row(ws, hr, &heads, s)?;
        for (i, b) in c.indicators.iter().enumerate() {
            let r = hr + 1 + i as u32;
            ws.write_number_with_format(r, 0, (i + 1) as f64, &s.whole)?;
            text_fit(
                ws,
                r,
                1,
                &format!("{} ({})", b.info.name, b.info.unit),
                48.0,
                &s.text,
            )?;
            for (k, g) in groups.iter().enumerate() {
                let v = values.get(&(*g, b.info.id)).map(|v| *v as f64);
                number(ws, r, k as u16 + 2, v, &s.whole)?;
            }
            text(ws, r, last, &b.info.code, &s.text)?;
        }
        ws.set_column_width(0, 5.0)?;
        ws.set_column_width(1, 48.0)?;
        for k in 0..groups.len() as u16 {
            ws.set_column_width(k + 2, 13.0)?;
        }
        ws.set_column_width(last, 17.0)?;
        ws.set_freeze_panes(hr + 1, 2)?;
        print_setup(ws, groups.len() > 3, (hr, hr))
    } else {
        let hr = heading(ws, number_, title, c, head, 4, s)?;
        header_row(
            ws,
            hr,
            &["STT", first_head, "Chỉ tiêu", "Số liệu", "Mã chỉ tiêu"],
            s,
        )?;
        let mut r = hr + 1;
        for (i, g) in groups.iter().enumerate() {
            for (k, b) in c.indicators.iter().enumerate() {
                let Some(v) = values.get(&(*g, b.info.id)) else {
                    continue;
                };
                if k == 0 || r == hr + 1 {
                    ws.write_number_with_format(r, 0, (i + 1) as f64, &s.whole)?;
                } else {
                    text(ws, r, 0, "", &s.text)?;
                }
                text(ws, r, 1, &group_label(g), &s.text)?;
                text_fit(
                    ws,
                    r,
                    2,
                    &format!("{} ({})", b.info.name, b.info.unit),
                    48.0,
                    &s.text,
                )?;
                ws.write_number_with_format(r, 3, *v as f64, &s.whole)?;
                text(ws, r, 4, &b.info.code, &s.text)?;
                r += 1;
            }
        }
        for (col, width) in [(0, 5.0), (1, 30.0), (2, 48.0), (3, 13.0), (4, 17.0)] {
            ws.set_column_width(col, width)?;
        }
        ws.set_freeze_panes(hr + 1, 0)?;
        print_setup(ws, false, (hr, hr))
    }
}

/// The number of the missing bodies' phụ lục: after the summary, the breakdowns and the group
/// sheets present.
fn missing_number(c: &Consolidation) -> &'static str {
    match (!c.by_kind.is_empty()) as u8 + (!c.by_parent.is_empty()) as u8 {
        0 => "V",
        1 => "VI",
        _ => "VII",
    }
}

fn missing_sheet(
    ws: &mut Worksheet,
    c: &Consolidation,
    head: &AnnexHeading<'_>,
    s: &Styles,
) -> Result<(), XlsxError> {
    let n = missing_number(c);
    ws.set_name(format!("Phụ lục {n}"))?;
    let hr = heading(
        ws,
        n,
        "Danh sách cơ quan, địa phương chưa có báo cáo được tiếp nhận",
        c,
        head,
        2,
        s,
    )?;
    missing_rows(ws, c, hr, s)?;
    print_setup(ws, false, (hr, hr))
}

fn missing_rows(
    ws: &mut Worksheet,
    c: &Consolidation,
    hr: u32,
    s: &Styles,
) -> Result<(), XlsxError> {
    header_row(
        ws,
        hr,
        &["STT", "Cơ quan, địa phương", "Tình trạng báo cáo"],
        s,
    )?;
    for (i, m) in c.missing.iter().enumerate() {
        let r = hr + 1 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &s.whole)?;
        text(ws, r, 1, &m.agency, &s.text)?;
        text(ws, r, 2, status_vi(&m.status), &s.text)?;
    }
    if c.missing.is_empty() {
        banner(
            ws,
            hr + 1,
            2,
            "Tất cả cơ quan, địa phương đã có báo cáo được tiếp nhận.",
            &s.note,
        )?;
    }
    for (col, width) in [(0, 5.0), (1, 60.0), (2, 30.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(hr + 1, 0)?;
    Ok(())
}

/// The annex as an XLSX file in memory, the report's number and date left blank.
pub fn annex(c: &Consolidation) -> Result<Vec<u8>, XlsxError> {
    annex_with(c, &AnnexHeading::default())
}

/// The annex for the report numbered and dated as `head` says.
pub fn annex_with(c: &Consolidation, head: &AnnexHeading<'_>) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    summary(wb.add_worksheet(), c, head, &s)?;
    breakdowns(wb.add_worksheet(), c, head, &s)?;
    // The báo cáo's own annexes are Phụ lục I and II; the figures continue from III.
    let mut next = ["V", "VI"].into_iter();
    if !c.by_kind.is_empty() {
        groups_sheet(
            wb.add_worksheet(),
            next.next().unwrap_or("V"),
            "Số liệu theo nhóm cơ quan, địa phương",
            "Nhóm cơ quan, địa phương",
            c,
            &c.by_kind,
            head,
            &s,
        )?;
    }
    if !c.by_parent.is_empty() {
        groups_sheet(
            wb.add_worksheet(),
            next.next().unwrap_or("VI"),
            "Số liệu theo đơn vị cấp trên",
            "Đơn vị cấp trên",
            c,
            &c.by_parent,
            head,
            &s,
        )?;
    }
    missing_sheet(wb.add_worksheet(), c, head, &s)?;
    wb.save_to_buffer()
}

/// The bodies whose reports are missing, as a file of their own.
pub fn missing(c: &Consolidation, head: &AnnexHeading<'_>) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Chưa tiếp nhận")?;
    let hr = heading(
        ws,
        missing_number(c),
        "Danh sách cơ quan, địa phương chưa có báo cáo được tiếp nhận",
        c,
        head,
        2,
        &s,
    )?;
    missing_rows(ws, c, hr, &s)?;
    print_setup(ws, false, (hr, hr))?;
    wb.save_to_buffer()
}

/// Any list as an XLSX sheet: a header row, then rows of text (neutralised) or numbers; printed
/// on A4 with the header row on every page.
pub fn table(
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<crate::csv::Cell>],
) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(sheet))?;
    for (i, h) in headers.iter().enumerate() {
        text(ws, 0, i as u16, h, &s.header)?;
        ws.set_column_width(i as u16, 20.0)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell {
                crate::csv::Cell::Text(t) => text(ws, r as u32 + 1, c as u16, t, &s.text)?,
                crate::csv::Cell::Number(n) => {
                    let f = if n.fract() == 0.0 {
                        &s.whole
                    } else {
                        &s.decimal
                    };
                    ws.write_number_with_format(r as u32 + 1, c as u16, *n, f)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, headers.len() > 4, (0, 0))?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests;
