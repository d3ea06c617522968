//! Charts drawn on the server as SVG: no script, a few kilobytes each, readable on a phone.
//! Every chart on a page sits above the table it was drawn from. Labels are escaped here, since
//! the SVG is inserted into the page as markup.
//!
//! An SVG scales with the width it is given, its text with it: a chart drawn 640 units wide shows
//! 12-unit text at 6 px on a phone. So every chart is drawn `WIDTH` units wide, close to the width
//! it gets on a 390-px phone (`PHONE_WIDTH`), and the stylesheet keeps it from growing much on a
//! desktop. Labels go above their bars at the full width and wrap on words; none is cut.

/// The width every chart is drawn in, in viewBox units.
pub const WIDTH: f64 = 340.0;
/// The width a chart gets on a 390-px phone: the page's padding (16 px a side) and the box's
/// padding and border (17 px a side) off.
pub const PHONE_WIDTH: f64 = 390.0 - 2.0 * 16.0 - 2.0 * 17.0;
/// Labels and legends.
const FONT: f64 = 13.0;
/// Figures on and beside the marks.
const SMALL: f64 = 12.0;
/// One line of `FONT` text.
const LINE: f64 = 17.0;
const TEXT: &str = "#1a1a1a";
const MUTED: &str = "#5b5b5b";

/// Colours of series that are not statuses (indicators over the rounds): blues and purples, so
/// that no indicator reads as done (green), waiting (amber) or failed (red).
pub const PALETTE: [&str; 5] = ["#153e75", "#6a1b9a", "#0277bd", "#5d4037", "#37474f"];

/// One palette for every status on every chart, read at a glance: greens for done, amber for in
/// progress, greys for not started and not reported, red only for not done or overdue.
pub const DONE: &str = "#2e7d32";
pub const DONE_LATE: &str = "#8bc34a";
pub const IN_PROGRESS: &str = "#f0a202";
pub const NOT_STARTED: &str = "#8a8a8a";
pub const NOT_REPORTED: &str = "#cfcfcf";
pub const BAD: &str = "#c62828";

/// The statuses in the order every chart stacks them: greens, amber, greys, red last, so the
/// done part of every bar starts at its left.
pub const TASK_STATUS_ORDER: [theodoi_domain::report::TaskStatus; 5] = {
    use theodoi_domain::report::TaskStatus as T;
    [
        T::Done,
        T::DoneLate,
        T::InProgress,
        T::NotStarted,
        T::NotDone,
    ]
};

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

/// An upper bound of the width of `s` at `size` in the wide sans-serif fonts (DejaVu Sans, Noto
/// Sans) a browser may pick: wrapping on it never lets a label run past the chart.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            'm' | 'M' | 'W' | 'w' | '%' | '—' | '…' => 1.0,
            ' ' | 'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.36,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '/' | '-' => 0.46,
            c if c.is_uppercase() => 0.8,
            _ => 0.66,
        })
        .sum::<f64>()
        * size
}

/// `s` broken into lines no wider than `max` at `size`, on spaces; a word longer than a line is
/// broken where it must be.
pub fn wrap(s: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&joined, size) <= max {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let mut next = line.clone();
            next.push(c);
            if !line.is_empty() && text_width(&next, size) > max {
                lines.push(std::mem::take(&mut line));
                next = c.to_string();
            }
            line = next;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// One line of text starting at `x` (baseline `y`).
fn text(out: &mut String, x: f64, y: f64, size: f64, fill: &str, s: &str) {
    // Rounded down, so that a text ending at the chart's edge is not pushed past it.
    let x = (x * 10.0).floor() / 10.0;
    out.push_str(&format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" fill=\"{fill}\">{}</text>",
        esc(s)
    ));
}

/// Dark text on light colours, white on dark ones.
fn ink_on(colour: &str) -> &'static str {
    let hex = colour.trim_start_matches('#');
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f64::from(v) / 255.0)
    };
    let luma = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    if luma > 0.5 { TEXT } else { "#ffffff" }
}

/// A legend mark: a square for bars, a short line for lines, a dashed line for rounds not yet
/// closed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Square,
    Line,
    Dashed,
}

/// The legend from `y` down, items side by side while they fit: its markup and its height.
fn legend(items: &[(&str, &str, Mark)], top: f64) -> (String, f64) {
    let mut out = String::from("<g class=\"legend\">");
    let (mut x, mut y) = (0.0, top);
    for (label, colour, mark) in items {
        let lines = wrap(label, FONT, WIDTH - 18.0);
        let w = 18.0
            + lines
                .iter()
                .map(|l| text_width(l, FONT))
                .fold(0.0, f64::max);
        if x > 0.0 && (x + w > WIDTH || lines.len() > 1) {
            x = 0.0;
            y += LINE + 2.0;
        }
        match mark {
            Mark::Square => out.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>",
                y + 2.0
            )),
            Mark::Line => out.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"13\" height=\"3\" fill=\"{colour}\"/>",
                y + 7.0
            )),
            Mark::Dashed => out.push_str(&format!(
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-dasharray=\"3 2\"/>",
                x + 6.0,
                x + 6.0,
                y + 15.0
            )),
        }
        for (i, l) in lines.iter().enumerate() {
            text(
                &mut out,
                x + 18.0,
                y + 12.0 + LINE * i as f64,
                FONT,
                TEXT,
                l,
            );
        }
        y += LINE * (lines.len() - 1) as f64;
        // An item of several lines takes its rows to itself.
        x = if lines.len() > 1 { WIDTH } else { x + w + 14.0 };
    }
    out.push_str("</g>");
    (out, y + LINE + 2.0 - top)
}

fn svg(title: &str, height: f64, body: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.1}\" role=\"img\" aria-label=\"{}\" class=\"chart\">{body}</svg>",
        esc(title)
    )
}

/// Horizontal stacked bars: one bar per row under its label, one segment per series (its label
/// and colour, named in the legend above), each row scaled to the largest row total, which is
/// written at the bar's end; a segment wide enough carries its count.
pub fn stacked_bars(title: &str, series: &[(&str, &str)], rows: &[(String, Vec<i64>)]) -> String {
    let items: Vec<(&str, &str, Mark)> =
        series.iter().map(|(l, c)| (*l, *c, Mark::Square)).collect();
    let (mut body, legend_h) = legend(&items, 0.0);
    let mut y = legend_h + 6.0;
    let totals: Vec<i64> = rows.iter().map(|(_, v)| v.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
    let total_w = totals
        .iter()
        .map(|t| text_width(&t.to_string(), FONT))
        .fold(0.0, f64::max);
    let bar_w = WIDTH - total_w - 6.0;
    let bar_h = 20.0;
    for ((label, values), total) in rows.iter().zip(&totals) {
        for l in wrap(label, FONT, WIDTH) {
            text(&mut body, 0.0, y + 12.0, FONT, TEXT, &l);
            y += LINE;
        }
        let mut x = 0.0;
        for (i, v) in values.iter().enumerate() {
            let w = (*v).max(0) as f64 / max * bar_w;
            if w <= 0.0 {
                continue;
            }
            let (name, colour) = series.get(i).copied().unwrap_or(("", NOT_REPORTED));
            body.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{colour}\"><title>{}: {v}</title></rect>",
                y + 1.0,
                esc(name)
            ));
            let figure = v.to_string();
            let fw = text_width(&figure, SMALL);
            if fw + 6.0 <= w {
                text(
                    &mut body,
                    x + (w - fw) / 2.0,
                    y + 15.5,
                    SMALL,
                    ink_on(colour),
                    &figure,
                );
            }
            x += w;
        }
        text(&mut body, x + 4.0, y + 16.0, FONT, TEXT, &total.to_string());
        y += bar_h + 12.0;
    }
    svg(title, y, &body)
}

/// One round of a trend: its label, and whether it is closed (its deadline has passed). A
/// round still open has a partial total, so it gets no point: a line falling towards zero
/// there would say the figures fell.
pub struct Point {
    pub label: String,
    pub closed: bool,
}

/// Formats a figure the way the tables do (Vietnamese thousands).
fn figure(v: f64) -> String {
    theodoi_report::number_vi(v)
}

/// Each series (an indicator over the rounds) in its own small panel under its name, scaled
/// from zero to its own largest value, since indicators differ by orders of magnitude: a dot and
/// its figure for every closed round, a dashed mark for a round not yet closed (named in the
/// legend by `open_note`), the rounds named under each panel.
pub fn lines(
    title: &str,
    points: &[Point],
    series: &[(String, Vec<Option<f64>>)],
    open_note: &str,
) -> String {
    let n = points.len();
    let pad = 26.0;
    let step = if n > 1 {
        (WIDTH - 2.0 * pad) / (n - 1) as f64
    } else {
        WIDTH
    };
    let x_of = |i: usize| {
        if n > 1 {
            pad + i as f64 * step
        } else {
            WIDTH / 2.0
        }
    };
    // A text of width `w` centred on `x` as far as the chart allows.
    let start = |x: f64, w: f64| (x - w / 2.0).clamp(0.0, (WIDTH - w).max(0.0));
    // The room a text centred on round `i` has when every `k`-th round has one: it must not
    // reach the next one's, even when pushed in from the chart's edge.
    let room = |i: usize, k: usize| {
        if n > 1 {
            let span = step * k as f64;
            (span - 6.0)
                .min(x_of(i) + span / 2.0 - 3.0)
                .min(WIDTH - x_of(i) + span / 2.0 - 3.0)
        } else {
            WIDTH
        }
    };
    // Every k-th round is named (always the latest), k the smallest that lets names fit in two
    // lines each.
    let mut k = 1;
    let names: Vec<Vec<String>> = loop {
        let names: Vec<Vec<String>> = points
            .iter()
            .enumerate()
            .map(|(i, p)| wrap(&p.label, SMALL, room(i, k)))
            .collect();
        if k >= n.max(1) || names.iter().all(|l| l.len() <= 2) {
            break names;
        }
        k += 1;
    };
    let named = |i: usize| (n - 1 - i).is_multiple_of(k);
    let name_lines = names
        .iter()
        .enumerate()
        .filter(|(i, _)| named(*i))
        .map(|(_, l)| l.len())
        .max()
        .unwrap_or(0);
    let any_open = points.iter().any(|p| !p.closed);
    let mut body = String::new();
    let mut y = 0.0;
    let plot_h = 64.0;
    for (s, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        // The panel's name is its legend: the line's colour and the indicator.
        let (l, h) = legend(&[(name.as_str(), colour, Mark::Line)], y);
        body.push_str(&l);
        y += h;
        // Only closed rounds are drawn.
        let shown: Vec<Option<f64>> = (0..n)
            .map(|i| {
                values
                    .get(i)
                    .copied()
                    .flatten()
                    .filter(|_| points[i].closed)
            })
            .collect();
        let max = shown.iter().flatten().fold(0.0_f64, |a, b| a.max(*b));
        let scale = if max > 0.0 { max } else { 1.0 };
        let top = y + SMALL + 4.0;
        let base = top + plot_h;
        let y_of = |v: f64| base - v.max(0.0) / scale * plot_h;
        body.push_str(&format!(
            "<line x1=\"0\" y1=\"{base:.1}\" x2=\"{WIDTH}\" y2=\"{base:.1}\" stroke=\"#999\"/>"
        ));
        for (i, p) in points.iter().enumerate() {
            if !p.closed {
                body.push_str(&format!(
                    "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{base:.1}\" stroke=\"{MUTED}\" stroke-dasharray=\"3 2\"><title>{}</title></line>",
                    esc(&format!("{}: {open_note}", p.label)),
                    x = x_of(i)
                ));
            }
        }
        // The line, broken where a round has no figure (a run of one point draws nothing but
        // names its series).
        let mut run: Vec<String> = Vec::new();
        for (i, v) in shown.iter().chain([&None]).enumerate() {
            match v {
                Some(v) => run.push(format!("{:.1},{:.1}", x_of(i), y_of(*v))),
                None => {
                    if !run.is_empty() {
                        body.push_str(&format!(
                            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
                            run.join(" "),
                            esc(name)
                        ));
                    }
                    run.clear();
                }
            }
        }
        // A dot and its figure on every value, so a single round (or a gap) still shows; the
        // figures that would run into each other are left to the table, but the latest and the
        // largest are always written.
        let texts: Vec<Option<String>> = shown.iter().map(|v| v.map(figure)).collect();
        let all_fit = texts.iter().enumerate().all(|(i, t)| {
            t.as_ref()
                .is_none_or(|t| text_width(t, SMALL) <= room(i, 1))
        });
        let latest = shown.iter().rposition(Option::is_some);
        let largest = shown
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .fold(None, |a: Option<(usize, f64)>, (i, v)| match a {
                Some((_, m)) if m >= v => a,
                _ => Some((i, v)),
            })
            .map(|(i, _)| i)
            // Unless it would run into the latest's.
            .filter(|&i| {
                latest.is_some_and(|j| {
                    let w = |k: usize| texts[k].as_deref().map_or(0.0, |t| text_width(t, SMALL));
                    (x_of(i) - x_of(j)).abs() >= (w(i) + w(j)) / 2.0 + 4.0
                })
            });
        for (i, v) in shown.iter().enumerate() {
            let (Some(v), Some(t)) = (v, &texts[i]) else {
                continue;
            };
            let (cx, cy) = (x_of(i), y_of(*v));
            body.push_str(&format!(
                "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{}</title></circle>",
                esc(&format!("{}: {t}", points[i].label))
            ));
            if all_fit || Some(i) == latest || Some(i) == largest {
                let w = text_width(t, SMALL);
                text(&mut body, start(cx, w), cy - 6.0, SMALL, TEXT, t);
            }
        }
        y = base + 4.0;
        for (i, p) in points.iter().enumerate() {
            if !named(i) {
                continue;
            }
            let fill = if p.closed { TEXT } else { MUTED };
            for (j, l) in names[i].iter().enumerate() {
                let w = text_width(l, SMALL);
                text(
                    &mut body,
                    start(x_of(i), w),
                    y + 12.0 + 15.0 * j as f64,
                    SMALL,
                    fill,
                    l,
                );
            }
        }
        y += 15.0 * name_lines as f64 + 14.0;
    }
    if any_open {
        let (l, h) = legend(&[(open_note, MUTED, Mark::Dashed)], y);
        body.push_str(&l);
        y += h;
    }
    svg(title, y, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use theodoi_domain::Timeliness;
    use theodoi_domain::report::TaskStatus as T;

    /// Every `<text>` of a chart: its x, its font size and its words.
    fn texts(svg: &str) -> Vec<(f64, f64, String)> {
        svg.split("<text ")
            .skip(1)
            .map(|t| {
                let attr = |name: &str| {
                    t.split(&format!("{name}=\""))
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .and_then(|v| v.parse::<f64>().ok())
                        .unwrap_or(f64::NAN)
                };
                let words = t
                    .split_once('>')
                    .and_then(|(_, r)| r.split_once("</text>"))
                    .map_or("", |(w, _)| w)
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&");
                (attr("x"), attr("font-size"), words)
            })
            .collect()
    }

    /// No text starts left of the chart or ends right of it, and every text is at least 11 px
    /// where the chart is as wide as it gets on a 390-px phone.
    fn assert_fits(svg: &str) {
        assert!(svg.contains(&format!("viewBox=\"0 0 {WIDTH} ")), "{svg}");
        for (x, size, words) in texts(svg) {
            assert!(x >= 0.0, "{words} starts at {x}");
            assert!(
                x + text_width(&words, size) <= WIDTH + 0.01,
                "{words} runs past the chart"
            );
            assert!(
                size * PHONE_WIDTH / WIDTH >= 11.0,
                "{words} is {:.1} px on a phone",
                size * PHONE_WIDTH / WIDTH
            );
        }
    }

    fn task_series() -> Vec<(&'static str, &'static str)> {
        TASK_STATUS_ORDER
            .iter()
            .map(|s| (s.label_vi(), task_status_colour(*s)))
            .collect()
    }

    #[test]
    fn labels_are_escaped_and_bars_scale() {
        let svg = stacked_bars(
            "t",
            &[("Đúng hạn", DONE), ("Trễ", DONE_LATE)],
            &[("<script>".into(), vec![2, 2]), ("Sở".into(), vec![1, 0])],
        );
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // The longest bar takes the width, the other half of it.
        let widths: Vec<f64> = svg
            .split("<rect ")
            .filter(|r| r.contains("<title>"))
            .filter_map(|r| r.split("width=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(widths.len(), 3, "{svg}");
        assert!((widths[0] + widths[1] - 2.0 * (widths[2] * 2.0)).abs() < 0.5);
    }

    #[test]
    fn every_status_has_its_colour_family() {
        let green = [DONE, DONE_LATE];
        let grey = [NOT_STARTED, NOT_REPORTED];
        assert_eq!(task_status_colour(T::Done), DONE);
        assert_eq!(task_status_colour(T::DoneLate), DONE_LATE);
        assert_eq!(task_status_colour(T::InProgress), IN_PROGRESS);
        assert_eq!(task_status_colour(T::NotStarted), NOT_STARTED);
        assert_eq!(task_status_colour(T::NotDone), BAD);
        assert_eq!(timeliness_colour(Timeliness::OnTime), DONE);
        assert_eq!(timeliness_colour(Timeliness::Late), DONE_LATE);
        assert_eq!(timeliness_colour(Timeliness::Pending), NOT_REPORTED);
        assert_eq!(timeliness_colour(Timeliness::Overdue), BAD);
        // The families by hue: greens have green the strongest channel, amber red and green
        // well above blue, greys equal channels, red red far above the others.
        let rgb = |c: &str| {
            let h = |i: usize| i32::from_str_radix(&c[i..i + 2], 16).unwrap_or(-1);
            (h(1), h(3), h(5))
        };
        for c in green {
            let (r, g, b) = rgb(c);
            assert!(g > r && g > b, "{c} is not a green");
        }
        let (r, g, b) = rgb(IN_PROGRESS);
        assert!(r > 200 && g > 120 && b < 60, "{IN_PROGRESS} is not amber");
        for c in grey {
            let (r, g, b) = rgb(c);
            assert!(r == g && g == b, "{c} is not a grey");
        }
        let (r, g, b) = rgb(BAD);
        assert!(r > 150 && g < 80 && b < 80, "{BAD} is not a red");
        // Indicators never borrow a status's colour.
        for c in PALETTE {
            assert!(![DONE, DONE_LATE, IN_PROGRESS, NOT_STARTED, NOT_REPORTED, BAD].contains(&c));
            let (r, g, _) = rgb(c);
            assert!(!(r > 150 && g < 80), "{c} reads as red");
        }
        // On a chart: a done task is never drawn red, a task not started never green.
        let svg = stacked_bars(
            "t",
            &task_series(),
            &[("Phần II".into(), vec![3, 0, 0, 1, 0])],
        );
        assert!(
            TASK_STATUS_ORDER
                .iter()
                .all(|s| theodoi_domain::report::ALL_TASK_STATUSES.contains(s))
        );
        assert!(
            svg.contains(&format!("fill=\"{DONE}\"><title>Hoàn thành")),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("fill=\"{NOT_STARTED}\"><title>Chưa triển khai")),
            "{svg}"
        );
    }

    #[test]
    fn every_chart_has_a_legend() {
        let bars = stacked_bars(
            "t",
            &task_series(),
            &[("Phần I".into(), vec![1, 1, 1, 1, 1])],
        );
        let legend = bars.split("<g class=\"legend\">").nth(1).unwrap_or("");
        for (label, colour) in task_series() {
            assert!(legend.contains(label), "{label} missing from {legend}");
            assert!(legend.contains(colour));
        }
        let trend = lines(
            "t",
            &[Point {
                label: "Quý I/2026".into(),
                closed: true,
            }],
            &[("Số vụ hòa giải thành".into(), vec![Some(3.0)])],
            "Kỳ chưa hết hạn",
        );
        assert!(trend.contains("<g class=\"legend\">"), "{trend}");
        assert!(trend.contains("Số vụ hòa giải thành"));
    }

    #[test]
    fn rounds_not_closed_get_no_point() {
        let points = [
            Point {
                label: "6 tháng đầu năm 2025".into(),
                closed: true,
            },
            Point {
                label: "Năm 2025".into(),
                closed: true,
            },
            Point {
                label: "6 tháng đầu năm 2026".into(),
                closed: false,
            },
        ];
        let svg = lines(
            "t",
            &points,
            &[(
                "Số người được trợ giúp pháp lý".into(),
                vec![Some(1200.0), Some(2500.0), Some(4.0)],
            )],
            "Kỳ chưa hết hạn báo cáo: chưa vẽ",
        );
        assert_fits(&svg);
        // Two dots, the line between them only, and no figure for the open round.
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert_eq!(svg.matches("<polyline").count(), 1);
        let line = svg
            .split("points=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("");
        assert_eq!(line.split(' ').count(), 2, "{line}");
        assert!(!texts(&svg).iter().any(|(_, _, w)| w == "4"), "{svg}");
        // The open round is marked and the mark is in the legend.
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("Kỳ chưa hết hạn báo cáo: chưa vẽ"));
        assert!(texts(&svg).iter().any(|(_, _, w)| w.contains("2026")));
        // A round with no figure breaks the line instead of falling to zero.
        let svg = lines(
            "t",
            &points[..2],
            &[("a".into(), vec![None, Some(7.0)])],
            "",
        );
        assert_eq!(svg.matches("<circle").count(), 1);
        let line = svg
            .split("points=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("");
        assert_eq!(line.split(' ').count(), 1, "{line}");
    }

    #[test]
    fn labels_fit_and_stay_readable_on_a_phone() {
        let long = "Không thực hiện được do thiếu kinh phí và nhân lực";
        let svg = stacked_bars(
            "t",
            &[
                ("Hoàn thành", DONE),
                ("Hoàn thành nhưng trễ hạn", DONE_LATE),
                ("Đang triển khai", IN_PROGRESS),
                ("Chưa triển khai", NOT_STARTED),
                (long, BAD),
            ],
            &[
                (
                    "Sở, ban, ngành và cơ quan ngang sở thuộc UBND thành phố".into(),
                    vec![120, 30, 40, 5, 2],
                ),
                ("UBND phường, xã".into(), vec![1, 0, 0, 0, 0]),
                ("Phần IV".into(), vec![10_000, 2, 0, 0, 0]),
            ],
        );
        assert_fits(&svg);
        // Nothing is shortened: every word of every label is in the chart.
        let all: String = texts(&svg).into_iter().map(|t| t.2 + " ").collect();
        for w in long
            .split(' ')
            .chain("Sở, ban, ngành và cơ quan ngang sở thuộc UBND thành phố".split(' '))
        {
            assert!(all.contains(w), "{w} missing");
        }
        assert!(!all.contains('…'));
        let many: Vec<Point> = (1..=12)
            .map(|m| Point {
                label: format!("Tháng {m}/2026"),
                closed: m < 12,
            })
            .collect();
        let svg = lines(
            "t",
            &many,
            &[
                (
                    long.into(),
                    (1..=12).map(|m| Some(f64::from(m) * 123_456.0)).collect(),
                ),
                ("b".into(), vec![Some(1.0); 12]),
            ],
            "Kỳ chưa hết hạn báo cáo",
        );
        assert_fits(&svg);
        // The latest round is always named.
        assert!(texts(&svg).iter().any(|(_, _, w)| w.contains("12/2026")));
    }

    #[test]
    fn wrap_breaks_on_words() {
        assert_eq!(wrap("a b", FONT, WIDTH), vec!["a b"]);
        let lines = wrap("Không thực hiện được do thiếu kinh phí", FONT, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "Không thực hiện được do thiếu kinh phí");
        assert!(lines.iter().all(|l| text_width(l, FONT) <= 100.0));
        assert_eq!(wrap("", FONT, 10.0), vec![""]);
    }
}
