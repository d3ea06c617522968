//! The coverage of a document's recommendations as a workbook: one row per recommendation and
//! task acting on it, a recommendation no task covers on a row of its own, so the sheet can be
//! filtered and sorted in Excel. Vietnamese headings, A4 landscape one page wide, the heading row
//! on every page, wrapped text with rows tall enough for it (LibreOffice does not grow rows on
//! opening).

use crate::{neutralize, xml_safe};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// One row: a recommendation and one task acting on it (the task columns empty when none does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageLine {
    /// The document's symbol ("CCPR/C/VNM/CO/4").
    pub symbol: String,
    /// "21(b)".
    pub number: String,
    pub theme: String,
    /// "Điều 9, 14".
    pub articles: String,
    pub text: String,
    /// The plan's number ("125/KH-UBND"); empty when none.
    pub plan: String,
    /// The task's reference and title ("II.3. Tập huấn …"); empty when no task covers it.
    pub task: String,
    pub lead: String,
    pub coordinating: String,
    /// What the bodies last reported, or that no task covers the recommendation.
    pub latest: String,
}

/// The workbook: a title, a line under it, and the rows in the document's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageBook {
    pub title: String,
    pub subtitle: String,
    pub lines: Vec<CoverageLine>,
}

/// Column headings and widths (in characters).
const COLUMNS: [(&str, f64); 10] = [
    ("Văn bản", 19.0),
    ("Đoạn", 7.0),
    ("Chủ đề", 18.0),
    ("Điều", 9.0),
    ("Nội dung khuyến nghị", 48.0),
    ("Kế hoạch", 14.0),
    ("Nhiệm vụ", 32.0),
    ("Cơ quan chủ trì", 20.0),
    ("Cơ quan phối hợp", 22.0),
    ("Tình hình mới nhất (báo cáo đã gửi)", 26.0),
];

/// The row of the headings: after the title and the line under it.
const HEADER_ROW: u32 = 3;

fn base() -> Format {
    Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
}

fn write(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, neutralize(&xml_safe(s)).as_ref(), f)?;
    Ok(())
}

/// Lines a text takes in a wrapped column of `width` characters.
fn lines(s: &str, width: f64) -> f64 {
    s.split('\n')
        .map(|l| (l.chars().count() as f64 / (width * 0.95)).ceil().max(1.0))
        .sum()
}

/// The workbook's bytes.
pub fn coverage_book(b: &CoverageBook) -> Result<Vec<u8>, XlsxError> {
    let centered = |f: Format| {
        f.set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap()
    };
    let cell = base()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let title = centered(base().set_bold().set_font_size(13));
    let subtitle = centered(base().set_italic());
    let header = centered(base().set_border(FormatBorder::Thin).set_bold())
        .set_background_color(Color::RGB(0x00F0_EDE6));
    let uncovered = cell
        .clone()
        .set_italic()
        .set_font_color(Color::RGB(0x008B_0000));

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Khuyến nghị")?;
    let last = (COLUMNS.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last,
        neutralize(&xml_safe(&b.title.to_uppercase())).as_ref(),
        &title,
    )?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        neutralize(&xml_safe(&b.subtitle)).as_ref(),
        &subtitle,
    )?;
    ws.set_row_height(0, 36.0)?;
    let width: f64 = COLUMNS.iter().map(|(_, w)| w).sum();
    ws.set_row_height(1, 16.0 * lines(&b.subtitle, width))?;
    let mut header_lines: f64 = 1.0;
    for (i, (h, w)) in COLUMNS.iter().enumerate() {
        write(ws, HEADER_ROW, i as u16, h, &header)?;
        ws.set_column_width(i as u16, *w)?;
        header_lines = header_lines.max(lines(h, *w * 0.85));
    }
    // Tall enough for the longest heading, which wraps in its column.
    ws.set_row_height(HEADER_ROW, 16.0 * header_lines + 4.0)?;
    if b.lines.is_empty() {
        ws.merge_range(
            HEADER_ROW + 1,
            0,
            HEADER_ROW + 1,
            last,
            "Không có khuyến nghị nào khớp với bộ lọc đã chọn.",
            &subtitle,
        )?;
    }
    for (i, l) in b.lines.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        let cells = [
            &l.symbol,
            &l.number,
            &l.theme,
            &l.articles,
            &l.text,
            &l.plan,
            &l.task,
            &l.lead,
            &l.coordinating,
            &l.latest,
        ];
        let mut tallest: f64 = 1.0;
        for (col, s) in cells.iter().enumerate() {
            let f = if col == COLUMNS.len() - 1 && l.task.is_empty() {
                &uncovered
            } else {
                &cell
            };
            write(ws, row, col as u16, s, f)?;
            tallest = tallest.max(lines(s, COLUMNS[col].1));
        }
        if tallest > 1.0 {
            ws.set_row_height(row, 16.0 * tallest)?;
        }
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_margins(0.6, 0.5, 0.6, 0.7, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_footer("&C&\"Times New Roman\"&11Trang &P/&N");
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn sheet_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut strings = String::new();
        if let Ok(mut f) = zip.by_name("xl/sharedStrings.xml") {
            f.read_to_string(&mut strings).expect("shared strings");
        }
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet1")
            .read_to_string(&mut sheet)
            .expect("sheet xml");
        format!("{sheet}{strings}")
    }

    #[test]
    fn rows_for_covered_and_uncovered_recommendations() {
        let book = CoverageBook {
            title: "Tình hình thực hiện khuyến nghị".into(),
            subtitle: "CCPR/C/VNM/CO/4".into(),
            lines: vec![
                CoverageLine {
                    symbol: "CCPR/C/VNM/CO/4".into(),
                    number: "4(b)".into(),
                    theme: "Khung pháp lý".into(),
                    articles: "Điều 2".into(),
                    text: "Train judges, prosecutors and lawyers on the Covenant".into(),
                    plan: "125/KH-UBND".into(),
                    task: "II.1. Tập huấn".into(),
                    lead: "Sở Tư pháp".into(),
                    coordinating: "Công an thành phố".into(),
                    latest: "Sở Tư pháp: Hoàn thành".into(),
                },
                CoverageLine {
                    symbol: "CCPR/C/VNM/CO/4".into(),
                    number: "6".into(),
                    // A formula-looking text stays text.
                    text: "=HYPERLINK(\"x\")".into(),
                    latest: "Chưa có nhiệm vụ thực hiện".into(),
                    ..CoverageLine::default()
                },
            ],
        };
        let bytes = coverage_book(&book).expect("written");
        let xml = sheet_xml(&bytes);
        for s in [
            "Nội dung khuyến nghị",
            "Tình hình mới nhất",
            "Train judges, prosecutors and lawyers on the Covenant",
            "Chưa có nhiệm vụ thực hiện",
            "II.1. Tập huấn",
        ] {
            assert!(xml.contains(s), "{s} missing");
        }
        assert!(!xml.contains("<f>"), "no formula: {xml}");
        // Paper A4, landscape, headings repeated.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
        let mut wbx = String::new();
        zip.by_name("xl/workbook.xml")
            .expect("workbook")
            .read_to_string(&mut wbx)
            .expect("xml");
        assert!(wbx.contains("_xlnm.Print_Titles"), "{wbx}");
    }
}
