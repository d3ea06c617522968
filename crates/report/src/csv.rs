//! CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads Vietnamese), comma
//! separated, quoted where needed, formula-like cells neutralised.

use crate::{Consolidation, neutralize, status_vi};

/// A cell of a list export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

/// Where a spreadsheet may start a new cell: the comma, the semicolon (Excel's separator where the
/// decimal mark is a comma, as in Vietnamese), tab and line breaks, and a quote.
const BREAKS: [char; 6] = [',', ';', '\t', '\n', '\r', '"'];

/// One field: formula starts neutralised at its start and after every place a reader could split
/// it, then quoted when it holds any of those places.
fn quote(s: &str) -> String {
    let s = neutralize(s);
    let mut out = String::with_capacity(s.len() + 2);
    let mut after_break = false;
    for c in s.chars() {
        if after_break && matches!(c, '=' | '+' | '-' | '@') {
            out.push('\'');
        }
        if c != ' ' {
            after_break = BREAKS.contains(&c);
        }
        out.push(c);
    }
    if out.contains(BREAKS) {
        format!("\"{}\"", out.replace('"', "\"\""))
    } else {
        out
    }
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

/// Any list: a header line and rows.
pub fn table(headers: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(
        &headers
            .iter()
            .map(|h| quote(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(t) => quote(t),
                Cell::Number(n) => num(*n),
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The annex as one table: one header row, then one row per indicator total and per indicator ×
/// breakdown × category, codes in columns of their own beside the Vietnamese names.
pub fn annex(c: &Consolidation) -> String {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let text = |s: &str| Cell::Text(s.to_string());
    let value = |v: Option<f64>| v.map_or(Cell::Text(String::new()), Cell::Number);
    for b in &c.indicators {
        let row = |dim_code: &str, dim: &str, cat_code: &str, cat: &str, v, prev| {
            vec![
                text(&c.round_label),
                text(&b.info.code),
                text(&b.info.name),
                text(&b.info.unit),
                text(dim_code),
                text(dim),
                text(cat_code),
                text(cat),
                value(v),
                value(prev),
            ]
        };
        rows.push(row("", "Tổng số", "", "", b.total, b.previous));
        for d in &b.breakdowns {
            for cat in &d.categories {
                rows.push(row(
                    d.dimension.code(),
                    d.dimension.label_vi(),
                    cat.code,
                    cat.label_vi,
                    Some(cat.value),
                    None,
                ));
            }
        }
    }
    table(
        &[
            "Kỳ báo cáo",
            "Mã chỉ tiêu",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Mã phân tổ",
            "Phân tổ",
            "Mã nhóm",
            "Nhóm",
            "Số liệu",
            "Số liệu kỳ trước",
        ],
        &rows,
    )
}

/// The bodies whose reports are missing, as a file of their own.
pub fn missing(c: &Consolidation) -> String {
    let rows: Vec<Vec<Cell>> = c
        .missing
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                Cell::Number((i + 1) as f64),
                Cell::Text(m.agency.clone()),
                Cell::Text(status_vi(&m.status).to_string()),
                Cell::Text(if m.status.is_empty() {
                    "none".to_string()
                } else {
                    m.status.clone()
                }),
            ]
        })
        .collect();
    table(
        &[
            "STT",
            "Cơ quan, địa phương",
            "Tình trạng báo cáo",
            "Mã tình trạng",
        ],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Split a line as Excel does where the list separator is ';' (a Vietnamese locale), honouring
    /// quotes: no piece may start a formula.
    fn excel_semicolon_cells(line: &str) -> Vec<String> {
        let (mut cells, mut cur, mut quoted) = (Vec::new(), String::new(), false);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ';' | ',' if !quoted => cells.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        cells.push(cur);
        cells
    }

    #[test]
    fn semicolons_do_not_open_a_formula() {
        for bad in [
            "Ghi chú;=HYPERLINK(\"http://x\")",
            "a; +1",
            "x,@SUM(A1)",
            "dòng 1\n-2+3",
            "\";=1+1",
        ] {
            let field = quote(bad);
            assert!(field.starts_with('"'), "{bad:?} → {field}");
            for cell in excel_semicolon_cells(&field) {
                assert!(
                    !cell.trim_start().starts_with(['=', '+', '-', '@']),
                    "{bad:?} → {field} has a piece {cell:?}"
                );
            }
            // Inside its quotes the field keeps its words.
            let inner = field[1..field.len() - 1].replace("\"\"", "\"");
            assert_eq!(inner.replace('\'', ""), bad.replace('\'', ""));
        }
        assert_eq!(quote("Sở Tư pháp"), "Sở Tư pháp");
        assert_eq!(quote("a;b"), "\"a;b\"");
    }

    #[test]
    fn bom_quotes_and_formulas() {
        let s = table(
            &["Tên", "Số"],
            &[
                vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Number(3.0)],
                vec![Cell::Text("Sở Tư pháp, Hà Nội".into()), Cell::Number(2.5)],
            ],
        );
        assert!(s.starts_with('\u{feff}'));
        assert!(s.contains("\"'=HYPERLINK(\"\"x\"\")\",3\r\n"), "{s}");
        assert!(s.contains("\"Sở Tư pháp, Hà Nội\",2.50"));
    }

    fn sample() -> Consolidation {
        use crate::{Figure, IndicatorInfo, Input, Missing, consolidate};
        use theodoi_domain::indicator::{Aggregation, Dimension};
        let infos = [IndicatorInfo {
            id: 1,
            code: "TT_NGUOI".into(),
            name: "Lượt người tham dự, phổ biến".into(),
            unit: "lượt người".into(),
            aggregation: Aggregation::Sum,
            dimensions: vec![Dimension::Sex],
        }];
        let fig = |dim: &str, cat: &str, sum| Figure {
            indicator_id: 1,
            dimension: dim.into(),
            category: cat.into(),
            sum,
            average: 0.0,
            bodies: 2,
        };
        consolidate(Input {
            plan_number: "14/KH-UBND",
            plan_title: "Kế hoạch",
            round_label: "6 tháng đầu năm 2026",
            previous_label: None,
            indicators: &infos,
            figures: &[
                fig("", "", 1200),
                fig("sex", "nam", 700),
                fig("sex", "nu", 500),
            ],
            previous: &[fig("", "", 900)],
            expected: 3,
            missing: vec![Missing {
                agency: "UBND xã Bắc Hưng".into(),
                status: String::new(),
            }],
            tasks: Vec::new(),
            difficulties: Vec::new(),
            proposals: Vec::new(),
        })
    }

    #[test]
    fn the_annex_is_one_table() {
        let s = annex(&sample());
        let lines: Vec<&str> = s.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines,
            [
                "Kỳ báo cáo,Mã chỉ tiêu,Chỉ tiêu,Đơn vị tính,Mã phân tổ,Phân tổ,Mã nhóm,Nhóm,Số liệu,Số liệu kỳ trước",
                "6 tháng đầu năm 2026,TT_NGUOI,\"Lượt người tham dự, phổ biến\",lượt người,,Tổng số,,,1200,900",
                "6 tháng đầu năm 2026,TT_NGUOI,\"Lượt người tham dự, phổ biến\",lượt người,sex,Giới tính,nam,Nam,700,",
                "6 tháng đầu năm 2026,TT_NGUOI,\"Lượt người tham dự, phổ biến\",lượt người,sex,Giới tính,nu,Nữ,500,",
            ]
        );
        // Every line has the header's number of fields.
        assert!(
            !s.contains("Chưa có báo cáo"),
            "the missing bodies have their own file"
        );
    }

    #[test]
    fn the_missing_bodies_alone() {
        let s = missing(&sample());
        assert_eq!(
            s.trim_start_matches('\u{feff}'),
            format!(
                "STT,\"Cơ quan, địa phương\",Tình trạng báo cáo,Mã tình trạng\r\n1,UBND xã Bắc Hưng,{},none\r\n",
                quote(status_vi(""))
            )
        );
    }
}
