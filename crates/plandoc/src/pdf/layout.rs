//! Characters on a page into the lines the reader reads: characters grouped into lines by their
//! baseline and into words by the gaps between them; ruled tables (a grid of drawn lines) written
//! as '|' rows as the DOCX reader writes them, merged cells included; text set side by side
//! without rules (the header's two columns, the signature block) written as '|' cells; page
//! numbers and running headers dropped.

use super::content::{Glyph, Page, Segment};
use std::collections::HashMap;

/// A line of the page's text, or a row of one of its tables.
#[derive(Debug, Clone)]
pub struct Item {
    /// Baseline, or a table row's top edge: items are read from the top down.
    pub y: f32,
    pub text: String,
    pub table: bool,
}

struct Word {
    x0: f32,
    x1: f32,
    text: String,
}

struct Line {
    y: f32,
    size: f32,
    words: Vec<Word>,
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Lines of glyphs, top down, each with its words left to right.
fn lines(glyphs: &[&Glyph]) -> Vec<Line> {
    let mut gs: Vec<&Glyph> = glyphs.to_vec();
    gs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<(f32, f32, Vec<&Glyph>)> = Vec::new();
    for g in gs {
        match groups.last_mut() {
            Some((y, size, members)) if (*y - g.y).abs() <= 0.4 * g.size.min(*size) => {
                members.push(g);
            }
            _ => groups.push((g.y, g.size, vec![g])),
        }
    }
    groups
        .into_iter()
        .map(|(y, _, members)| {
            let size = median(members.iter().map(|g| g.size).collect());
            Line {
                y,
                size,
                words: words(members, size),
            }
        })
        .filter(|l| !l.words.is_empty())
        .collect()
}

fn words(mut gs: Vec<&Glyph>, size: f32) -> Vec<Word> {
    gs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut out: Vec<Word> = Vec::new();
    let mut open = false;
    let mut end = f32::MIN;
    let mut last: Option<&Glyph> = None;
    for g in gs {
        // Bold imitated by drawing the same text twice, a hair apart.
        if let Some(p) = last
            && p.text == g.text
            && (g.x - p.x).abs() < 0.15 * size
        {
            continue;
        }
        last = Some(g);
        if g.text.trim().is_empty() {
            open = false;
            end = end.max(g.x + g.w);
            continue;
        }
        let gap = g.x - end;
        match out.last_mut() {
            Some(w) if open && gap <= 0.18 * size => {
                w.text.push_str(&g.text);
                w.x1 = w.x1.max(g.x + g.w);
            }
            _ => out.push(Word {
                x0: g.x,
                x1: g.x + g.w,
                text: g.text.clone(),
            }),
        }
        open = true;
        end = g.x + g.w;
    }
    for w in &mut out {
        w.text = w.text.replace('|', "/");
    }
    out
}

/// "1.", "a)", "II.", "-", "+": a list marker, followed by a tab rather than a column.
fn is_marker(s: &str) -> bool {
    let t = s.trim_end_matches(['.', ')']);
    matches!(s, "-" | "+" | "•" | "*" | "–" | "·")
        || (!t.is_empty()
            && t.len() <= 8
            && (t
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
                || t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
                || (t.chars().count() == 1 && t.chars().all(|c| c.is_lowercase()))))
}

/// "a. Hội nghị …" → "a) Hội nghị …". Vietnamese plans letter their points "a)"; Word's default
/// letter list prints "a.", which the DOCX reader turns the same way.
fn point_marker(text: &str) -> String {
    const LETTERS: &str = "abcdđeghiklmnopqrstuvxy";
    let mut chars = text.chars();
    if let (Some(l), Some('.'), Some(' '), Some(next)) =
        (chars.next(), chars.next(), chars.next(), chars.next())
        && LETTERS.contains(l)
        && next.is_uppercase()
    {
        return format!("{l}){}", &text[l.len_utf8() + 1..]);
    }
    text.to_string()
}

/// Gaps wide enough to part columns: (left edge, right edge, index of the word after).
fn candidate_gaps(line: &Line) -> Vec<(f32, f32, usize)> {
    let gaps: Vec<f32> = line.words.windows(2).map(|p| p[1].x0 - p[0].x1).collect();
    let mut out = Vec::new();
    for (i, &g) in gaps.iter().enumerate() {
        if g < 1.5 * line.size {
            continue;
        }
        let others: Vec<f32> = gaps
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != i)
            .map(|(_, &v)| v)
            .collect();
        // Justified text spreads every gap alike; a column gap stands out from the others.
        if !others.is_empty() && g < 3.0 * median(others) {
            continue;
        }
        if let (Some(a), Some(b)) = (line.words.get(i), line.words.get(i + 1)) {
            out.push((a.x1, b.x0, i + 1));
        }
    }
    out
}

/// Text set side by side on one line.
struct Cell {
    x0: f32,
    x1: f32,
    text: String,
}

impl Cell {
    fn center(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
}

/// A line cut into the columns it is set in (one cell when it is not).
fn cells(lines: &[Line], cands: &[Vec<(f32, f32, usize)>], i: usize) -> Vec<Cell> {
    let Some(line) = lines.get(i) else {
        return Vec::new();
    };
    let near = |k: usize| -> &[(f32, f32, usize)] {
        match (lines.get(k), cands.get(k)) {
            (Some(l), Some(c)) if (l.y - line.y).abs() <= 2.5 * line.size.max(l.size) => c,
            _ => &[],
        }
    };
    let mut cuts = Vec::new();
    let mut from = 0usize;
    for &(x0, x1, at) in cands.get(i).map(Vec::as_slice).unwrap_or_default() {
        let gap = x1 - x0;
        let aligned = [i.wrapping_sub(1), i + 1]
            .iter()
            .any(|&k| near(k).iter().any(|&(a, b, _)| a < x1 && x0 < b));
        let left: Vec<&str> = line
            .words
            .get(from..at)
            .unwrap_or_default()
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        let left_text = left.join(" ");
        let keep = if left.len() == 1 && is_marker(&left_text) {
            false
        } else if left_text.ends_with(':') {
            gap >= 8.0 * line.size
        } else {
            gap >= 5.0 * line.size || aligned
        };
        if keep {
            cuts.push(at);
            from = at;
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for end in cuts
        .iter()
        .copied()
        .chain(std::iter::once(line.words.len()))
    {
        let ws = line.words.get(start..end).unwrap_or_default();
        if let (Some(first), Some(last)) = (ws.first(), ws.last()) {
            out.push(Cell {
                x0: first.x0,
                x1: last.x1,
                text: ws
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
        start = end;
    }
    out
}

/// The column of `x` among the boundaries `bounds` (left to right).
fn column(bounds: &[f32], x: f32) -> usize {
    bounds.iter().filter(|&&b| b < x).count()
}

/// The text of the lines outside ruled tables. A line is a line, except where text is set side
/// by side without rules: a task table (its first line names the columns) is written as '|' rows,
/// each word in the column it stands in; anything else (the header's two columns, Nơi nhận beside
/// the signature) is read column by column, as it is written.
fn free_items(lines: &[Line]) -> Vec<Item> {
    let cands: Vec<Vec<(f32, f32, usize)>> = lines.iter().map(candidate_gaps).collect();
    let split: Vec<Vec<Cell>> = (0..lines.len()).map(|i| cells(lines, &cands, i)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let (Some(line), Some(row)) = (lines.get(i), split.get(i)) {
        if row.len() < 2 {
            out.push(Item {
                y: line.y,
                text: point_marker(&row.iter().map(|c| c.text.as_str()).collect::<String>()),
                table: false,
            });
            i += 1;
            continue;
        }
        let bounds: Vec<f32> = row.windows(2).map(|p| (p[0].x1 + p[1].x0) / 2.0).collect();
        let names: Vec<String> = row.iter().map(|c| theodoi_text::clean(&c.text)).collect();
        if crate::table::header(&names).is_some() {
            let mut j = i;
            while let Some(l) = lines.get(j) {
                let straddles = l
                    .words
                    .iter()
                    .any(|w| bounds.iter().any(|&b| w.x0 < b && b < w.x1));
                let far = j > i && lines.get(j - 1).is_some_and(|p| p.y - l.y > 2.5 * l.size);
                if j > i && (straddles || far) {
                    break;
                }
                let mut cols = vec![String::new(); bounds.len() + 1];
                for w in &l.words {
                    if let Some(c) = cols.get_mut(column(&bounds, (w.x0 + w.x1) / 2.0)) {
                        if !c.is_empty() {
                            c.push(' ');
                        }
                        c.push_str(&w.text);
                    }
                }
                out.push(Item {
                    y: l.y,
                    text: format!("| {} |", cols.join(" | ")),
                    table: false,
                });
                j += 1;
            }
            i = j;
            continue;
        }
        // Side by side: gather each column's cells, top down, while the lines below keep to the
        // columns (the same number of cells, or one cell aligned with a column's last one).
        let mut columns: Vec<Vec<&Cell>> = row.iter().map(|c| vec![c]).collect();
        let mut last_y = line.y;
        let mut j = i + 1;
        while let (Some(l), Some(r)) = (lines.get(j), split.get(j)) {
            if last_y - l.y > 6.0 * line.size {
                break;
            }
            if r.len() == columns.len()
                && r.iter()
                    .enumerate()
                    .all(|(k, c)| column(&bounds, c.center()) == k)
            {
                for (col, c) in columns.iter_mut().zip(r) {
                    col.push(c);
                }
            } else if let [c] = r.as_slice()
                && let Some(col) = columns.iter_mut().find(|col| {
                    col.last().is_some_and(|p| {
                        (p.x0 - c.x0).abs() <= l.size || (p.center() - c.center()).abs() <= l.size
                    })
                })
            {
                col.push(c);
            } else {
                break;
            }
            last_y = l.y;
            j += 1;
        }
        // The region's items keep their place among the page's other items, which are sorted by
        // height: each a hair below the one before.
        let mut y = line.y;
        for c in columns.iter().flatten() {
            out.push(Item {
                y,
                text: c.text.clone(),
                table: false,
            });
            y -= 0.001;
        }
        i = j;
    }
    out
}

// ---------------------------------------------------------------- ruled tables

/// A grid of rules: column edges left to right, row edges top down, and which cells are merged.
struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// The group (merged cell) of each cell, row by row.
    group: Vec<usize>,
}

impl Grid {
    fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    fn rows(&self) -> usize {
        self.ys.len() - 1
    }

    /// The cell a point falls in, if inside the grid. Text that runs `slack` past the left or
    /// right edge (a word too long for its column) belongs to the cell at that edge.
    fn cell(&self, x: f32, y: f32, slack: f32) -> Option<usize> {
        let (first_x, last_x) = (*self.xs.first()?, *self.xs.last()?);
        let (top, bottom) = (*self.ys.first()?, *self.ys.last()?);
        if x < first_x - slack || x > last_x + slack || y > top || y < bottom {
            return None;
        }
        let c = self
            .xs
            .iter()
            .rposition(|&e| e <= x)
            .unwrap_or(0)
            .min(self.cols() - 1);
        let r = self.ys.iter().rposition(|&e| e >= y)?.min(self.rows() - 1);
        Some(r * self.cols() + c)
    }
}

const TOL: f32 = 3.0;

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut i = i;
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let gp = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = gp;
        }
        i = p;
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    let (lo, hi) = (ra.min(rb), ra.max(rb));
    if let Some(slot) = parent.get_mut(hi) {
        *slot = lo;
    }
}

/// Join collinear pieces of one rule (a border drawn cell by cell).
fn merge(mut segs: Vec<Segment>, horizontal: bool) -> Vec<Segment> {
    let key = |s: &Segment| {
        if horizontal {
            (s.y0, s.x0)
        } else {
            (s.x0, s.y0)
        }
    };
    segs.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    let mut out: Vec<Segment> = Vec::new();
    for s in segs {
        if let Some(last) = out.last_mut() {
            let joined = if horizontal {
                (last.y0 - s.y0).abs() <= 1.0 && s.x0 <= last.x1 + 2.0
            } else {
                (last.x0 - s.x0).abs() <= 1.0 && s.y0 <= last.y1 + 2.0
            };
            if joined {
                last.x1 = last.x1.max(s.x1);
                last.y1 = last.y1.max(s.y1);
                continue;
            }
        }
        out.push(s);
    }
    out
}

fn cluster(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for x in v {
        match out.last() {
            Some(&l) if x - l <= TOL => {}
            _ => out.push(x),
        }
    }
    out
}

/// The ruled tables of a page: connected sets of horizontal and vertical rules that make at least
/// two columns. A lone frame (a box round a paragraph or the page) is not a table.
fn grids(segments: &[Segment]) -> Vec<Grid> {
    let hs = merge(
        segments
            .iter()
            .filter(|s| s.y1 - s.y0 <= 1.0 && s.x1 - s.x0 >= 2.0)
            .copied()
            .collect(),
        true,
    );
    let vs = merge(
        segments
            .iter()
            .filter(|s| s.x1 - s.x0 <= 1.0 && s.y1 - s.y0 >= 2.0)
            .copied()
            .collect(),
        false,
    );
    if hs.len() < 2 || vs.len() < 3 || hs.len() + vs.len() > 4_000 {
        return Vec::new();
    }
    let mut parent: Vec<usize> = (0..hs.len() + vs.len()).collect();
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if v.x0 >= h.x0 - TOL && v.x0 <= h.x1 + TOL && h.y0 >= v.y0 - TOL && h.y0 <= v.y1 + TOL
            {
                union(&mut parent, i, hs.len() + j);
            }
        }
    }
    let mut comps: HashMap<usize, (Vec<Segment>, Vec<Segment>)> = HashMap::new();
    for (i, h) in hs.iter().enumerate() {
        comps.entry(find(&mut parent, i)).or_default().0.push(*h);
    }
    for (j, v) in vs.iter().enumerate() {
        comps
            .entry(find(&mut parent, hs.len() + j))
            .or_default()
            .1
            .push(*v);
    }
    let mut out = Vec::new();
    for (h, v) in comps.into_values() {
        let xs = cluster(v.iter().map(|s| s.x0).collect());
        let mut ys = cluster(h.iter().map(|s| s.y0).collect());
        ys.reverse();
        if xs.len() < 3 || ys.len() < 2 {
            continue;
        }
        let (cols, rows) = (xs.len() - 1, ys.len() - 1);
        // A real task table has some hundreds of cells a page; a mesh of thousands of rules (a
        // chart, hatching) is no table, and checking it cell by cell would take long.
        if rows * cols > 20_000 {
            continue;
        }
        let covers_v = |x: f32, y: f32| {
            v.iter()
                .any(|s| (s.x0 - x).abs() <= TOL && s.y0 - 1.0 <= y && y <= s.y1 + 1.0)
        };
        let covers_h = |y: f32, x: f32| {
            h.iter()
                .any(|s| (s.y0 - y).abs() <= TOL && s.x0 - 1.0 <= x && x <= s.x1 + 1.0)
        };
        let mut group: Vec<usize> = (0..rows * cols).collect();
        for r in 0..rows {
            let mid_y = (ys[r] + ys[r + 1]) / 2.0;
            for c in 0..cols {
                let mid_x = (xs[c] + xs[c + 1]) / 2.0;
                if c + 1 < cols && !covers_v(xs[c + 1], mid_y) {
                    union(&mut group, r * cols + c, r * cols + c + 1);
                }
                if r + 1 < rows && !covers_h(ys[r + 1], mid_x) {
                    union(&mut group, r * cols + c, (r + 1) * cols + c);
                }
            }
        }
        for i in 0..group.len() {
            let g = find(&mut group, i);
            group[i] = g;
        }
        out.push(Grid { xs, ys, group });
    }
    // Top down, so a page's tables keep their order.
    out.sort_by(|a, b| b.ys[0].total_cmp(&a.ys[0]));
    out
}

/// A grid's rows as '|' lines. A cell merged across columns is written once and followed by
/// empty cells; one merged down repeats its text in the rows below, except a row number (as the
/// DOCX reader does).
fn table_items(grid: &Grid, glyphs: &[&Glyph]) -> Vec<Item> {
    let cols = grid.cols();
    let mut texts: HashMap<usize, String> = HashMap::new();
    let mut members: HashMap<usize, Vec<&Glyph>> = HashMap::new();
    for g in glyphs {
        if let Some(cell) = grid.cell(g.x + g.w / 2.0, g.y + 0.3 * g.size, g.size)
            && let Some(&group) = grid.group.get(cell)
        {
            members.entry(group).or_default().push(g);
        }
    }
    for (group, gs) in members {
        let text: Vec<String> = lines(&gs)
            .iter()
            .map(|l| {
                l.words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        texts.insert(group, text.join(" "));
    }
    let mut out = Vec::new();
    for r in 0..grid.rows() {
        let mut cells = Vec::with_capacity(cols);
        let mut own = false;
        for c in 0..cols {
            let i = r * cols + c;
            let g = grid.group.get(i).copied().unwrap_or(i);
            let (gr, gc) = (g / cols, g % cols);
            let text = texts.get(&g).map(String::as_str).unwrap_or_default();
            let cell = if g == i {
                own |= !text.is_empty();
                text
            } else if gr == r || gc != c || crate::formats::is_row_number(text) {
                ""
            } else {
                text
            };
            cells.push(cell.to_string());
        }
        if own {
            out.push(Item {
                y: grid.ys[r],
                text: format!("| {} |", cells.join(" | ")),
                table: true,
            });
        }
    }
    out
}

/// A page's lines and table rows, top down.
pub fn page_items(page: &Page) -> Vec<Item> {
    let grids = grids(&page.segments);
    let mut in_grid: Vec<Vec<&Glyph>> = vec![Vec::new(); grids.len()];
    let mut free: Vec<&Glyph> = Vec::new();
    for g in &page.glyphs {
        let (cx, cy) = (g.x + g.w / 2.0, g.y + 0.3 * g.size);
        match grids.iter().position(|t| t.cell(cx, cy, g.size).is_some()) {
            Some(k) => in_grid[k].push(g),
            None => free.push(g),
        }
    }
    let mut items = free_items(&lines(&free));
    for (grid, gs) in grids.iter().zip(&in_grid) {
        items.extend(table_items(grid, gs));
    }
    // Stable: a table's rows, all at or below its top edge, stay in order.
    items.sort_by(|a, b| b.y.total_cmp(&a.y));
    items
}

/// "12", "- 12 -", "Trang 3", "3/10": a page number (no larger than the most pages read, so a
/// year alone on a line is not one).
fn is_page_number(s: &str) -> bool {
    let t = s.trim().trim_matches(['-', '–', ' ']);
    let t = t
        .strip_prefix("Trang ")
        .or_else(|| t.strip_prefix("trang "))
        .or_else(|| t.strip_prefix("Page "))
        .unwrap_or(t);
    let mut parts = t.split(['/', ' ']).filter(|p| !p.is_empty() && *p != "of");
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    first
        .parse::<usize>()
        .is_ok_and(|n| (1..=super::MAX_PDF_PAGES).contains(&n))
        && first.chars().all(|c| c.is_ascii_digit())
        && rest.len() <= 1
        && rest
            .iter()
            .all(|p| p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
}

/// The pages' items as one text, without page numbers and without a line that opens or closes
/// most pages (a running header or footer).
pub fn join(pages: Vec<Vec<Item>>) -> String {
    let shape = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    // The first and last lines of a page, each with the cells set beside it (a footer's address
    // and page number), which stand at its height.
    let edges = |items: &[Item]| -> Vec<usize> {
        let free: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, it)| !it.table)
            .map(|(i, _)| i)
            .collect();
        let y = |i: &usize| items.get(*i).map_or(0.0, |it| it.y);
        let (Some(top), Some(bottom)) = (free.first().map(y), free.last().map(y)) else {
            return Vec::new();
        };
        free.into_iter()
            .filter(|i| (y(i) - top).abs() <= 0.5 || (y(i) - bottom).abs() <= 0.5)
            .collect()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for items in &pages {
        let mut shapes: Vec<String> = edges(items)
            .iter()
            .filter_map(|&i| items.get(i))
            .map(|it| shape(&it.text))
            .collect();
        shapes.dedup();
        for s in shapes {
            *seen.entry(s).or_default() += 1;
        }
    }
    let n = pages.len();
    let running = |s: &str| n >= 2 && seen.get(&shape(s)).copied().unwrap_or(0) >= (n / 2).max(2);
    let mut out = String::new();
    for items in pages {
        let drop = edges(&items);
        for (i, it) in items.iter().enumerate() {
            if drop.contains(&i) && (is_page_number(&it.text) || running(&it.text)) {
                continue;
            }
            out.push_str(&it.text);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(text: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        let w = size * 0.5;
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + i as f32 * w,
                y,
                w,
                size,
                text: c.to_string(),
            })
            .collect()
    }

    fn h(x0: f32, x1: f32, y: f32) -> Segment {
        Segment {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    fn v(x: f32, y0: f32, y1: f32) -> Segment {
        Segment {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }

    #[test]
    fn words_lines_and_side_by_side_columns() {
        let mut gs = glyphs("ỦY BAN NHÂN DÂN", 60.0, 800.0, 12.0);
        gs.extend(glyphs("CỘNG HÒA XÃ HỘI", 300.0, 800.0, 12.0));
        gs.extend(glyphs("TỈNH LÀO CAI", 70.0, 786.0, 12.0));
        gs.extend(glyphs("Độc lập - Tự do", 310.0, 786.0, 12.0));
        gs.extend(glyphs("1. Tổ chức hội nghị", 60.0, 700.0, 12.0));
        let page = Page {
            glyphs: gs,
            ..Page::default()
        };
        let text: Vec<String> = page_items(&page).into_iter().map(|i| i.text).collect();
        // Read column by column, as the header is written.
        assert_eq!(
            text,
            [
                "ỦY BAN NHÂN DÂN",
                "TỈNH LÀO CAI",
                "CỘNG HÒA XÃ HỘI",
                "Độc lập - Tự do",
                "1. Tổ chức hội nghị"
            ]
        );
    }

    #[test]
    fn justified_gaps_and_markers_stay_in_one_line() {
        // Every gap alike: justified text, not columns.
        let mut gs = glyphs("Cơ", 60.0, 500.0, 12.0);
        gs.extend(glyphs("quan", 200.0, 500.0, 12.0));
        gs.extend(glyphs("chủ", 360.0, 500.0, 12.0));
        // A list marker followed by a tab.
        gs.extend(glyphs("1.", 60.0, 480.0, 12.0));
        gs.extend(glyphs("Tổ chức", 120.0, 480.0, 12.0));
        // A label followed by a tab.
        gs.extend(glyphs("Thời gian:", 60.0, 460.0, 12.0));
        gs.extend(glyphs("Quý II/2026", 160.0, 460.0, 12.0));
        let page = Page {
            glyphs: gs,
            ..Page::default()
        };
        let text: Vec<String> = page_items(&page).into_iter().map(|i| i.text).collect();
        assert_eq!(
            text,
            ["Cơ quan chủ", "1. Tổ chức", "Thời gian: Quý II/2026"]
        );
    }

    #[test]
    fn task_table_without_rules() {
        let mut gs = glyphs("STT", 50.0, 700.0, 10.0);
        gs.extend(glyphs("Nội dung", 100.0, 700.0, 10.0));
        gs.extend(glyphs("Chủ trì", 300.0, 700.0, 10.0));
        gs.extend(glyphs("1", 50.0, 685.0, 10.0));
        gs.extend(glyphs("Rà soát văn bản", 100.0, 685.0, 10.0));
        gs.extend(glyphs("Sở Tư pháp", 300.0, 685.0, 10.0));
        gs.extend(glyphs("quy phạm", 100.0, 673.0, 10.0));
        gs.extend(glyphs(
            "Một đoạn văn bản chạy suốt chiều ngang trang giấy",
            50.0,
            640.0,
            10.0,
        ));
        let page = Page {
            glyphs: gs,
            ..Page::default()
        };
        let text: Vec<String> = page_items(&page).into_iter().map(|i| i.text).collect();
        assert_eq!(
            text,
            [
                "| STT | Nội dung | Chủ trì |",
                "| 1 | Rà soát văn bản | Sở Tư pháp |",
                "|  | quy phạm |  |",
                "Một đoạn văn bản chạy suốt chiều ngang trang giấy"
            ]
        );
    }

    #[test]
    fn ruled_table_with_merged_cells() {
        // 3 columns × 3 rows; row 2 spans all columns; the last column's cell spans rows 1 and 3.
        let xs = [50.0, 100.0, 300.0, 450.0];
        let ys = [700.0, 680.0, 660.0, 640.0];
        let mut segs = vec![h(50.0, 450.0, 700.0), h(50.0, 450.0, 640.0)];
        segs.push(h(50.0, 300.0, 680.0));
        segs.push(h(50.0, 300.0, 660.0));
        segs.push(v(xs[0], 640.0, 700.0));
        segs.push(v(xs[3], 640.0, 700.0));
        segs.push(v(xs[1], 680.0, 700.0));
        segs.push(v(xs[1], 640.0, 660.0));
        segs.push(v(xs[2], 640.0, 700.0));
        let mut gs = glyphs("1", 60.0, ys[0] - 15.0, 10.0);
        gs.extend(glyphs("Rà soát", 110.0, ys[0] - 15.0, 10.0));
        gs.extend(glyphs("NHÓM", 60.0, ys[1] - 15.0, 10.0));
        gs.extend(glyphs("2", 60.0, ys[2] - 15.0, 10.0));
        gs.extend(glyphs("Kiểm tra", 110.0, ys[2] - 15.0, 10.0));
        gs.extend(glyphs("Sở Y tế", 310.0, 667.0, 10.0));
        gs.extend(glyphs("Ghi chú ngoài bảng", 50.0, 600.0, 10.0));
        let page = Page {
            glyphs: gs,
            segments: segs,
            ..Page::default()
        };
        let text: Vec<String> = page_items(&page).into_iter().map(|i| i.text).collect();
        assert_eq!(
            text,
            [
                "| 1 | Rà soát | Sở Y tế |",
                "| NHÓM |  | Sở Y tế |",
                "| 2 | Kiểm tra | Sở Y tế |",
                "Ghi chú ngoài bảng"
            ]
        );
    }

    #[test]
    fn page_numbers_and_running_headers() {
        assert!(is_page_number("12"));
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("Trang 2/10"));
        assert!(!is_page_number(""));
        assert!(!is_page_number("2026"), "a year");
        assert_eq!(point_marker("a. Hội nghị"), "a) Hội nghị");
        assert_eq!(point_marker("đ. Tổ chức"), "đ) Tổ chức");
        assert_eq!(point_marker("v. v. và các"), "v. v. và các");
        assert!(!is_page_number("1. Tổ chức"));
        let item = |t: &str| Item {
            y: 0.0,
            text: t.into(),
            table: false,
        };
        let pages = vec![
            vec![item("Kế hoạch số 5"), item("Nội dung một"), item("1")],
            vec![item("Kế hoạch số 5"), item("Nội dung hai"), item("2")],
            vec![item("Kế hoạch số 5"), item("Nội dung ba"), item("3")],
        ];
        assert_eq!(join(pages), "Nội dung một\nNội dung hai\nNội dung ba\n");
        // A footer set in two cells (an address and "n/3") goes whole, not only its number.
        let at = |t: &str, y: f32| Item {
            y,
            text: t.into(),
            table: false,
        };
        let pages = ["một", "hai", "ba"]
            .iter()
            .enumerate()
            .map(|(n, word)| {
                vec![
                    at(&format!("Nội dung {word}"), 700.0),
                    at("file:///ke-hoach.html", 40.0),
                    at(&format!("{}/3", n + 1), 39.999),
                ]
            })
            .collect();
        assert_eq!(join(pages), "Nội dung một\nNội dung hai\nNội dung ba\n");
    }
}
