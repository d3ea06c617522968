//! Charts drawn on the server as SVG: no script, a few hundred bytes each, readable on a phone.
//! Every chart on a page sits above the table it was drawn from. Labels are escaped here, since
//! the SVG is inserted into the page as markup.

/// Colours of series that are not statuses (indicators over the rounds), apart in grey print.
pub const PALETTE: [&str; 5] = ["#153e75", "#2e7d32", "#f0a202", "#8b0000", "#6a1b9a"];

/// One palette for every status on every chart, read at a glance: greens for done, amber for in
/// progress, greys for not started and not reported, red only for not done or overdue.
pub const DONE: &str = "#2e7d32";
pub const DONE_LATE: &str = "#8bc34a";
pub const IN_PROGRESS: &str = "#f0a202";
pub const NOT_STARTED: &str = "#8a8a8a";
pub const NOT_REPORTED: &str = "#cfcfcf";
pub const BAD: &str = "#c62828";

/// A task status's colour.
pub fn task_status_colour(s: theodoi_domain::report::TaskStatus) -> &'static str {
    use theodoi_domain::report::TaskStatus as T;
    match s {
        T::Done => DONE,
        T::DoneLate => DONE_LATE,
        T::InProgress => IN_PROGRESS,
        T::NotStarted => NOT_STARTED,
        T::NotDone => BAD,
    }
}

/// A body's timeliness as its colour: sent on time or late are done, overdue is red, not yet
/// due is grey.
pub fn timeliness_colour(t: theodoi_domain::Timeliness) -> &'static str {
    use theodoi_domain::Timeliness as T;
    match t {
        T::OnTime => DONE,
        T::Late => DONE_LATE,
        T::Overdue => BAD,
        T::Pending => NOT_REPORTED,
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal stacked bars: one bar per row, one segment per series (its label and colour),
/// each row scaled to the largest row total.
pub fn stacked_bars(title: &str, series: &[(&str, &str)], rows: &[(String, Vec<i64>)]) -> String {
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
    for (s, colour) in series {
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{}\" y=\"15\" font-size=\"12\">{}</text>",
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
                    series.get(i).map_or(NOT_REPORTED, |s| s.1),
                    esc(series.get(i).map_or("", |s| s.0))
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
    // The legend, one line per series, goes under the points' labels.
    let legend = 18.0 * series.len() as f64;
    let (width, height, left, top, bottom) = (640.0, 240.0 + legend, 40.0, 10.0, 40.0 + legend);
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
        // The first label starts at its point and the last ends at it, so neither is cut off.
        let anchor = if i == 0 {
            "start"
        } else if i + 1 == points.len() {
            "end"
        } else {
            "middle"
        };
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"{anchor}\">{}</text>",
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
        // A dot on every value, so a single round (or a gap) still shows its figure.
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                out.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{}: {v}</title></circle>",
                    x_of(i),
                    y_of(*v),
                    esc(name)
                ));
            }
        }
        let y = height - legend + 14.0 + 18.0 * s as f64;
        let short: String = name.chars().take(80).collect();
        out.push_str(&format!(
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"12\" height=\"4\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\">{}</text>",
            y - 5.0,
            left + 18.0,
            esc(&short)
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
            &[("Đúng hạn", DONE), ("Trễ", DONE_LATE)],
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

    #[test]
    fn statuses_keep_their_colour_everywhere() {
        use theodoi_domain::report::TaskStatus as T;
        assert_eq!(task_status_colour(T::Done), DONE);
        assert_eq!(task_status_colour(T::NotStarted), NOT_STARTED);
        assert_eq!(task_status_colour(T::NotDone), BAD);
        assert_eq!(timeliness_colour(theodoi_domain::Timeliness::OnTime), DONE);
        assert_eq!(timeliness_colour(theodoi_domain::Timeliness::Overdue), BAD);
        // A done task is never drawn red, a task not started never green.
        let svg = stacked_bars(
            "t",
            &[
                ("Chưa triển khai", task_status_colour(T::NotStarted)),
                ("Hoàn thành", task_status_colour(T::Done)),
            ],
            &[("Phần II".into(), vec![1, 3])],
        );
        assert!(svg.contains(&format!("fill=\"{NOT_STARTED}\"><title>Chưa triển khai")));
        assert!(svg.contains(&format!("fill=\"{DONE}\"><title>Hoàn thành")));
    }
}
