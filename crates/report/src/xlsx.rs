//! The statistical annex as XLSX: a summary sheet, a sheet per indicator with its breakdowns, and
//! the bodies whose reports are missing. Times New Roman, formatted headers, totals.

use crate::{Consolidation, IndicatorBlock, neutralize, status_vi};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

fn base() -> Format {
    Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
}

struct Styles {
    title: Format,
    header: Format,
    text: Format,
    number: Format,
    total_text: Format,
    total_number: Format,
    note: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = base().set_border(FormatBorder::Thin).set_text_wrap();
        Self {
            title: base().set_bold().set_font_size(14),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0x00F0_EDE6)),
            text: cell.clone(),
            number: cell.clone().set_num_format("#,##0.##"),
            total_text: cell.clone().set_bold(),
            total_number: cell.set_bold().set_num_format("#,##0.##"),
            note: base().set_italic(),
        }
    }
}

/// Printed on A4, one page wide: the annex is printed and signed with the report.
fn print_setup(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
}

/// A sheet name Excel accepts: at most 31 characters, none of []:*?/\.
fn sheet_name(s: &str) -> String {
    s.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, neutralize(s).as_ref(), f)?;
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

fn summary(ws: &mut Worksheet, c: &Consolidation, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Tổng hợp")?;
    text(
        ws,
        0,
        0,
        &format!(
            "PHỤ LỤC SỐ LIỆU — {} — Kế hoạch {}",
            c.round_label.to_uppercase(),
            c.plan_number
        ),
        &s.title,
    )?;
    text(
        ws,
        1,
        0,
        &format!(
            "Tổng hợp từ {} / {} báo cáo đã được Sở Tư pháp tiếp nhận; {} cơ quan, địa phương chưa có báo cáo được tiếp nhận (xem trang \"Chưa tiếp nhận\").",
            c.accepted,
            c.expected,
            c.missing.len()
        ),
        &s.note,
    )?;
    let previous = c
        .previous_label
        .clone()
        .unwrap_or_else(|| "Kỳ trước".into());
    let heads = [
        "STT",
        "Mã",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Kỳ này",
        &previous,
        "Tăng/giảm (%)",
        "Số cơ quan báo cáo",
    ];
    for (i, h) in heads.iter().enumerate() {
        text(ws, 3, i as u16, h, &s.header)?;
    }
    ws.set_row_height(3, 33)?;
    for (i, b) in c.indicators.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &s.number)?;
        text(ws, r, 1, &b.info.code, &s.text)?;
        text(ws, r, 2, &b.info.name, &s.text)?;
        text(ws, r, 3, &b.info.unit, &s.text)?;
        number(ws, r, 4, b.total, &s.number)?;
        number(ws, r, 5, b.previous, &s.number)?;
        number(
            ws,
            r,
            6,
            b.change_pct().map(|p| (p * 10.0).round() / 10.0),
            &s.number,
        )?;
        ws.write_number_with_format(r, 7, b.bodies as f64, &s.number)?;
    }
    for (col, width) in [
        (0, 6.0),
        (1, 16.0),
        (2, 52.0),
        (3, 12.0),
        (4, 12.0),
        (5, 12.0),
        (6, 12.0),
        (7, 12.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(4, 0)?;
    print_setup(ws, true);
    Ok(())
}

fn indicator_sheet(ws: &mut Worksheet, b: &IndicatorBlock, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(&b.info.code))?;
    text(
        ws,
        0,
        0,
        &format!("{} ({})", b.info.name, b.info.unit),
        &s.title,
    )?;
    let heads = ["Phân tổ", "Nhóm", "Số liệu", "Tỷ lệ (%)"];
    for (i, h) in heads.iter().enumerate() {
        text(ws, 2, i as u16, h, &s.header)?;
    }
    let mut r = 3;
    text(ws, r, 0, "Tổng số", &s.total_text)?;
    text(ws, r, 1, "", &s.total_text)?;
    number(ws, r, 2, b.total, &s.total_number)?;
    number(ws, r, 3, b.total.map(|_| 100.0), &s.total_number)?;
    r += 1;
    for d in &b.breakdowns {
        for c in &d.categories {
            text(ws, r, 0, d.dimension.label_vi(), &s.text)?;
            text(ws, r, 1, c.label_vi, &s.text)?;
            ws.write_number_with_format(r, 2, c.value, &s.number)?;
            let share = b
                .total
                .filter(|t| *t > 0.0)
                .map(|t| (c.value / t * 1000.0).round() / 10.0);
            number(ws, r, 3, share, &s.number)?;
            r += 1;
        }
        text(ws, r, 0, d.dimension.label_vi(), &s.total_text)?;
        text(ws, r, 1, "Cộng", &s.total_text)?;
        ws.write_number_with_format(r, 2, d.sum, &s.total_number)?;
        text(ws, r, 3, "", &s.total_text)?;
        r += 1;
    }
    for (col, width) in [(0, 26.0), (1, 40.0), (2, 14.0), (3, 12.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(3, 0)?;
    print_setup(ws, false);
    Ok(())
}

fn missing_sheet(ws: &mut Worksheet, c: &Consolidation, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Chưa tiếp nhận")?;
    text(
        ws,
        0,
        0,
        "CƠ QUAN, ĐỊA PHƯƠNG CHƯA CÓ BÁO CÁO ĐƯỢC TIẾP NHẬN",
        &s.title,
    )?;
    for (i, h) in ["STT", "Cơ quan, địa phương", "Tình trạng"]
        .iter()
        .enumerate()
    {
        text(ws, 2, i as u16, h, &s.header)?;
    }
    for (i, m) in c.missing.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &s.number)?;
        text(ws, r, 1, &m.agency, &s.text)?;
        text(ws, r, 2, status_vi(&m.status), &s.text)?;
    }
    for (col, width) in [(0, 6.0), (1, 60.0), (2, 30.0)] {
        ws.set_column_width(col, width)?;
    }
    Ok(())
}

/// One row per group, one column per indicator: the totals up a level.
fn groups_sheet(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    c: &Consolidation,
    rows: &[(String, i64, i64)],
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    text(ws, 0, 0, title, &s.title)?;
    text(ws, 2, 0, "Nhóm", &s.header)?;
    for (k, b) in c.indicators.iter().enumerate() {
        text(ws, 2, k as u16 + 1, &b.info.code, &s.header)?;
        ws.set_column_width(k as u16 + 1, 14.0)?;
    }
    let mut groups: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    groups.dedup();
    let values: std::collections::HashMap<(&str, i64), i64> = rows
        .iter()
        .map(|(g, i, v)| ((g.as_str(), *i), *v))
        .collect();
    for (i, g) in groups.iter().enumerate() {
        let r = 3 + i as u32;
        text(ws, r, 0, g, &s.text)?;
        for (k, b) in c.indicators.iter().enumerate() {
            let v = values.get(&(*g, b.info.id)).map(|v| *v as f64);
            number(ws, r, k as u16 + 1, v, &s.number)?;
        }
    }
    ws.set_column_width(0, 40.0)?;
    ws.set_freeze_panes(3, 1)?;
    print_setup(ws, true);
    Ok(())
}

/// The annex as an XLSX file in memory.
pub fn annex(c: &Consolidation) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    summary(wb.add_worksheet(), c, &s)?;
    for b in &c.indicators {
        indicator_sheet(wb.add_worksheet(), b, &s)?;
    }
    if !c.by_kind.is_empty() {
        groups_sheet(
            wb.add_worksheet(),
            "Theo nhóm cơ quan",
            "TỔNG SỐ THEO NHÓM CƠ QUAN",
            c,
            &c.by_kind,
            &s,
        )?;
    }
    if !c.by_parent.is_empty() {
        groups_sheet(
            wb.add_worksheet(),
            "Theo đơn vị cấp trên",
            "TỔNG SỐ THEO ĐƠN VỊ CẤP TRÊN",
            c,
            &c.by_parent,
            &s,
        )?;
    }
    missing_sheet(wb.add_worksheet(), c, &s)?;
    wb.save_to_buffer()
}

/// Any list as an XLSX sheet: a header row, then rows of text (neutralised) or numbers.
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
                    ws.write_number_with_format(r as u32 + 1, c as u16, *n, &s.number)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}
