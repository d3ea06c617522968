//! CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads Vietnamese), comma
//! separated, quoted where needed, formula-like cells neutralised.

use crate::{Consolidation, neutralize, number_vi, status_vi};

/// A cell of a list export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

fn quote(s: &str) -> String {
    let s = neutralize(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
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

/// The annex in long form: one line per indicator total and per category, then the missing
/// bodies.
pub fn annex(c: &Consolidation) -> String {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for b in &c.indicators {
        let base = |dim: &str, cat: &str, v: Option<f64>, prev: Option<f64>| {
            vec![
                Cell::Text(b.info.code.clone()),
                Cell::Text(b.info.name.clone()),
                Cell::Text(b.info.unit.clone()),
                Cell::Text(dim.to_string()),
                Cell::Text(cat.to_string()),
                v.map_or(Cell::Text(String::new()), Cell::Number),
                prev.map_or(Cell::Text(String::new()), Cell::Number),
            ]
        };
        rows.push(base("Tổng số", "", b.total, b.previous));
        for d in &b.breakdowns {
            for cat in &d.categories {
                rows.push(base(
                    d.dimension.label_vi(),
                    cat.label_vi,
                    Some(cat.value),
                    None,
                ));
            }
        }
    }
    let mut out = table(
        &[
            "Mã chỉ tiêu",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Phân tổ",
            "Nhóm",
            &c.round_label,
            c.previous_label.as_deref().unwrap_or("Kỳ trước"),
        ],
        &rows,
    );
    out.push_str(&format!(
        "\r\n{}\r\n",
        quote(&format!(
            "Chưa có báo cáo được tiếp nhận: {} / {} cơ quan, địa phương (tổng hợp từ {} báo cáo)",
            number_vi(c.missing.len() as f64),
            number_vi(c.expected as f64),
            number_vi(c.accepted as f64)
        ))
    ));
    for m in &c.missing {
        out.push_str(&format!(
            "{},{}\r\n",
            quote(&m.agency),
            quote(status_vi(&m.status))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
