//! Charts drawn on the server as SVG: no script, a few hundred bytes each, readable on a phone.
//! Every chart on a page sits above the table it was drawn from. Labels are escaped here, since
//! the SVG is inserted into the page as markup.

/// Colours of the series, in order (status or timeliness), chosen to stay apart in grey print.
pub const PALETTE: [&str; 5] = ["#2e7d32", "#f0a202", "#8b0000", "#9e9e9e", "#153e75"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal stacked bars: one bar per row, one segment per series, each row scaled to the
/// largest row total.
pub fn stacked_bars(title: &str, series: &[&str], rows: &[(String, Vec<i64>)]) -> String {
    let width = 640.0;
    let label_w = 190.0;
    let bar_h = 22.0;
    let legend_h = 24.0;
    let height = legend_h + rows.len() as f64 * (bar_h + 8.0) + 8.0;
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" class=\"chart\">",
        esc(title)
    );
    let mut x = 0.0;
    for (i, s) in series.iter().enumerate() {
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"15\" font-size=\"12\">{}</text>",
            PALETTE[i % PALETTE.len()],
            x + 16.0,
            esc(s)
        ));
        x += 16.0 + 8.0 * s.chars().count() as f64 + 14.0;
    }
    for (r, (label, values)) in rows.iter().enumerate() {
        let y = legend_h + r as f64 * (bar_h + 8.0);
        let short: String = label.chars().take(28).collect();
        out.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 15.0,
            esc(&short)
        ));
        let mut x = label_w;
        for (i, v) in values.iter().enumerate() {
            let w = *v as f64 / max * (width - label_w - 40.0);
            if w > 0.0 {
                out.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{}\"><title>{}: {v}</title></rect>",
                    PALETTE[i % PALETTE.len()],
                    esc(series.get(i).copied().unwrap_or(""))
                ));
            }
            x += w;
        }
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{}</text>",
            x + 4.0,
            y + 15.0,
            values.iter().sum::<i64>()
        ));
    }
    out.push_str("</svg>");
    out
}

/// A line per series over the same points (rounds), each scaled to the largest value.
pub fn lines(title: &str, points: &[String], series: &[(String, Vec<Option<f64>>)]) -> String {
    let (width, height, left, top, bottom) = (640.0, 240.0, 40.0, 10.0, 40.0);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0_f64, |a, b| a.max(*b))
        .max(1.0);
    let n = points.len().max(2) as f64 - 1.0;
    let x_of = |i: usize| left + i as f64 / n * (width - left - 20.0);
    let y_of = |v: f64| top + (1.0 - v / max) * (height - top - bottom);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" class=\"chart\">\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>",
        esc(title),
        height - bottom,
        width - 20.0,
        height - bottom
    );
    for (i, p) in points.iter().enumerate() {
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x_of(i),
            height - bottom + 16.0,
            esc(p)
        ));
    }
    for (s, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x_of(i), y_of(v))))
            .collect();
        out.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
            pts.join(" "),
            esc(name)
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale() {
        let svg = stacked_bars(
            "t",
            &["Đúng hạn", "Trễ"],
            &[("<script>".into(), vec![2, 2]), ("Sở".into(), vec![1, 0])],
        );
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let line = lines(
            "t",
            &["Q1".into(), "Q2".into()],
            &[("a".into(), vec![Some(1.0), Some(2.0)])],
        );
        assert!(line.contains("<polyline"));
    }
}
