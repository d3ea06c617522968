//! A body's report form as a workbook to fill in offline: one sheet, the tasks (status chosen
//! from the cell's list, reason, results), the figures (one row per total or breakdown cell) and
//! the difficulties and proposals. Column A carries each row's key, the name the web form gives
//! the same field, so an uploaded workbook is read by key whatever rows were moved; that column
//! and the row naming the round are hidden, and the sheet is protected except for the cells to
//! fill in, so the keys survive Excel. Rows grow with their text, so a long task reads whole.

use rust_xlsxwriter::{
    Color, DataValidation, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

/// The key of the row that says which round and body the workbook belongs to.
pub const META_KEY: &str = "#bieu-mau";

/// One task row.
#[derive(Debug, Clone)]
pub struct TaskLine {
    pub key: String,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub reason: String,
    pub results: String,
}

/// One figure row: an indicator's total or one of its breakdown cells.
#[derive(Debug, Clone)]
pub struct FigureLine {
    pub key: String,
    /// The indicator's name, on its total row and each of its breakdown rows.
    pub indicator: String,
    pub unit: String,
    /// "Tổng số", or the breakdown and category ("Giới tính: Nữ").
    pub cell: String,
    pub value: Option<i64>,
}

/// A free-text part (difficulties, proposals).
#[derive(Debug, Clone)]
pub struct TextLine {
    pub key: String,
    pub label: String,
    pub text: String,
}

/// Everything the workbook shows, already in the reader's language.
#[derive(Debug, Clone)]
pub struct EntryBook {
    pub title: String,
    /// Lines under the title: the deadline, how to fill in and upload.
    pub notes: Vec<String>,
    pub round_id: i64,
    pub agency_id: i64,
    pub version: i32,
    /// Column headings: key, number, task, status, reason, results.
    pub task_headings: [String; 6],
    /// Column headings: key, indicator, unit, cell, value.
    pub figure_headings: [String; 5],
    pub section_tasks: String,
    pub section_figures: String,
    pub section_texts: String,
    /// The statuses to choose from, as the page shows them.
    pub statuses: Vec<String>,
    pub tasks: Vec<TaskLine>,
    pub figures: Vec<FigureLine>,
    pub texts: Vec<TextLine>,
}

/// Height in points of a row whose cells hold these texts in columns of these widths (in
/// characters): a line of 12-point text is some 16 points, and a column holds about its width in
/// characters.
fn height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells
        .iter()
        .map(|(text, width)| {
            text.split('\n')
                .map(|l| (l.chars().count() as f64 / (width * 1.05)).ceil().max(1.0))
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    (lines * 16.0).min(409.0)
}

/// The workbook's bytes.
pub fn write(book: &EntryBook) -> Result<Vec<u8>, XlsxError> {
    let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
    let title = font(Format::new()).set_bold().set_font_size(14);
    let note = font(Format::new())
        .set_italic()
        .set_font_color(Color::RGB(0x44_44_44));
    let section = font(Format::new()).set_bold();
    let header = font(Format::new())
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xE8_EE_F4))
        .set_border(FormatBorder::Thin);
    let key = font(Format::new())
        .set_font_size(9)
        .set_font_color(Color::RGB(0x88_88_88))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let fixed = font(Format::new())
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let input = fixed
        .clone()
        .set_unlocked()
        .set_background_color(Color::RGB(0xFF_FB_E6));
    let number = font(Format::new())
        .set_num_format("#,##0")
        .set_border(FormatBorder::Thin)
        .set_unlocked()
        .set_background_color(Color::RGB(0xFF_FB_E6));

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Bao cao")?;
    for (col, width) in [
        (0u16, 14.0),
        (1, 10.0),
        (2, 46.0),
        (3, 22.0),
        (4, 30.0),
        (5, 60.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    ws.write_with_format(0, 0, &book.title, &title)?;
    let mut row = 1u32;
    for n in &book.notes {
        ws.write_with_format(row, 0, n, &note)?;
        row += 1;
    }
    // Which round and body, read back on upload; the version it was downloaded at. Hidden: it
    // is for the upload, not for the reader.
    ws.write_with_format(row, 0, META_KEY, &key)?;
    ws.write_with_format(row, 1, book.round_id, &key)?;
    ws.write_with_format(row, 2, book.agency_id, &key)?;
    ws.write_with_format(row, 3, book.version, &key)?;
    ws.set_row_hidden(row)?;
    row += 2;

    ws.write_with_format(row, 0, &book.section_tasks, &section)?;
    row += 1;
    for (col, h) in book.task_headings.iter().enumerate() {
        ws.write_with_format(row, col as u16, h, &header)?;
    }
    row += 1;
    let first_task = row;
    for t in &book.tasks {
        ws.write_with_format(row, 0, &t.key, &key)?;
        ws.write_with_format(row, 1, &t.reference, &fixed)?;
        ws.write_with_format(row, 2, &t.title, &fixed)?;
        ws.write_with_format(row, 3, &t.status, &input)?;
        ws.write_with_format(row, 4, &t.reason, &input)?;
        ws.write_with_format(row, 5, &t.results, &input)?;
        ws.set_row_height(
            row,
            height(&[(&t.title, 46.0), (&t.reason, 30.0), (&t.results, 60.0)]),
        )?;
        row += 1;
    }
    if row > first_task && !book.statuses.is_empty() {
        let list = DataValidation::new()
            .allow_list_strings(&book.statuses.iter().map(String::as_str).collect::<Vec<_>>())?;
        ws.add_data_validation(first_task, 3, row - 1, 3, &list)?;
    }
    row += 1;

    ws.write_with_format(row, 0, &book.section_figures, &section)?;
    row += 1;
    for (col, h) in book.figure_headings.iter().enumerate() {
        // Key, indicator, unit, cell, value in columns A, C, B… kept in the task columns' widths:
        // indicator under the task title, the value under the status.
        let at = [0u16, 2, 1, 4, 3][col];
        ws.write_with_format(row, at, h, &header)?;
    }
    row += 1;
    let first_figure = row;
    for f in &book.figures {
        ws.write_with_format(row, 0, &f.key, &key)?;
        ws.write_with_format(row, 2, &f.indicator, &fixed)?;
        ws.write_with_format(row, 1, &f.unit, &fixed)?;
        ws.write_with_format(row, 4, &f.cell, &fixed)?;
        ws.set_row_height(row, height(&[(&f.indicator, 46.0), (&f.cell, 30.0)]))?;
        match f.value {
            Some(v) => ws.write_with_format(row, 3, v as f64, &number)?,
            None => ws.write_blank(row, 3, &number)?,
        };
        row += 1;
    }
    if row > first_figure {
        let whole = DataValidation::new()
            .allow_whole_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0))
            .ignore_blank(true);
        ws.add_data_validation(first_figure, 3, row - 1, 3, &whole)?;
    }
    row += 1;

    ws.write_with_format(row, 0, &book.section_texts, &section)?;
    row += 1;
    for t in &book.texts {
        ws.write_with_format(row, 0, &t.key, &key)?;
        ws.write_with_format(row, 2, &t.label, &fixed)?;
        ws.merge_range(row, 3, row, 5, &t.text, &input)?;
        ws.set_row_height(row, height(&[(&t.text, 112.0)]).max(64.0))?;
        row += 1;
    }
    // The keys: read on upload, never shown.
    ws.set_column_hidden(0)?;
    ws.protect();
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> EntryBook {
        EntryBook {
            title: "Báo cáo Quý I/2026 — Sở Nội vụ".into(),
            notes: vec!["Hạn gửi 10/04/2026".into()],
            round_id: 7,
            agency_id: 12,
            version: 3,
            task_headings: [
                "Mã".into(),
                "Số hiệu".into(),
                "Nhiệm vụ".into(),
                "Tình hình".into(),
                "Lý do".into(),
                "Kết quả".into(),
            ],
            figure_headings: [
                "Mã".into(),
                "Chỉ tiêu".into(),
                "Đơn vị".into(),
                "Phân tổ".into(),
                "Số liệu".into(),
            ],
            section_tasks: "I. Nhiệm vụ".into(),
            section_figures: "II. Số liệu".into(),
            section_texts: "III. Khó khăn, kiến nghị".into(),
            statuses: vec!["Hoàn thành".into(), "Đang triển khai".into()],
            tasks: vec![TaskLine {
                key: "t5".into(),
                reference: "1.".into(),
                title: "Tuyên truyền".into(),
                status: "Hoàn thành".into(),
                reason: String::new(),
                results: "Đã tổ chức 3 hội nghị & 1 tọa đàm".into(),
            }],
            figures: vec![
                FigureLine {
                    key: "v2".into(),
                    indicator: "Lớp tập huấn, bồi dưỡng".into(),
                    unit: "lớp".into(),
                    cell: "Tổng số".into(),
                    value: Some(1234),
                },
                FigureLine {
                    key: "v2_sex_nu".into(),
                    indicator: "Lớp tập huấn, bồi dưỡng".into(),
                    unit: "lớp".into(),
                    cell: "Giới tính: Nữ".into(),
                    value: None,
                },
            ],
            texts: vec![TextLine {
                key: "difficulties".into(),
                label: "Khó khăn".into(),
                text: "Thiếu kinh phí".into(),
            }],
        }
    }

    #[test]
    fn keys_and_values_are_in_the_sheet() {
        let bytes = write(&book()).expect("workbook");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut read = |name: &str| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).expect(name), &mut s).expect(name);
            s
        };
        let strings = read("xl/sharedStrings.xml");
        let sheet = read("xl/worksheets/sheet1.xml");
        for s in [
            "#bieu-mau",
            "t5",
            "v2",
            "v2_sex_nu",
            "difficulties",
            "Thiếu kinh phí",
        ] {
            assert!(strings.contains(s), "{s} is written");
        }
        assert!(strings.contains("3 hội nghị &amp; 1 tọa đàm"));
        assert!(sheet.contains("<v>1234</v>"), "the value is a number");
        assert!(sheet.contains("<sheetProtection"), "the keys are protected");
        assert!(
            sheet.contains("type=\"list\""),
            "statuses are chosen from a list"
        );
    }
}
