//! Plain-text tables for the terminal, aligned by characters (Vietnamese text is NFC, one char
//! per letter).

/// Render rows as columns separated by two spaces; the first row is the header, underlined.
pub fn render(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if r == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
            out.extend(std::iter::repeat_n('-', total));
            out.push('\n');
        }
    }
    out
}

/// Cut a text to `max` characters, marking the cut with '…'.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_vietnamese() {
        let rows = vec![
            vec!["Cơ quan".to_string(), "II.1".to_string()],
            vec!["Sở Tư pháp".to_string(), "CT".to_string()],
        ];
        let t = render(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "Cơ quan     II.1");
        assert_eq!(lines[1], "----------------");
        assert_eq!(lines[2], "Sở Tư pháp  CT");
        assert_eq!(truncate("Sở Văn hoá và Thể thao", 8), "Sở Văn …");
    }
}
