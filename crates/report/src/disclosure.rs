//! What of an indicator may be published without revealing a small count of sensitive data
//! (ethnicity, religion, disability; Nghị định 13/2023): primary and complementary suppression.
//!
//! A count from 1 to 4 in a sensitive category is never published, nor anything from which it
//! can be worked out: the total minus the visible categories of a breakdown, the same people
//! counted in two breakdowns (Kinh in "Dân tộc" and in "Kinh / dân tộc thiểu số"; persons with
//! disabilities in "Khuyết tật" and in "Nhóm yếu thế"), or the difference between two periods
//! shown. The rules work on equations "total = sum of members" that every consistent table
//! satisfies; under each, the cells a reader cannot see must be none, or at least two whose sum
//! is 5 or more and more than their number (every hidden cell is known to be at least 1, so four
//! hidden cells summing to 4 would each be 1). When a rule fails, the smallest visible non-zero
//! cell is hidden as well; when none is left, the equation's total goes. A total of 1 to 4 of an
//! indicator with a sensitive breakdown is itself a small count: the indicator is withheld whole.
//!
//! Periods are protected in order: an earlier period's mask is what was published then and is
//! never changed; a later one hides more until no difference with an earlier one reveals a small
//! count. Everything here is a pure function of the figures, so the public page, its tests and a
//! property test share it.

use theodoi_domain::indicator::Dimension;

/// Counts from 1 up to (not including) this are small.
pub const SMALL_UNDER: f64 = 5.0;

fn small(v: f64) -> bool {
    v > 0.0 && v < SMALL_UNDER
}

/// One period of one indicator: the total and its breakdowns, each breakdown's values in the
/// order of `Dimension::categories`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub total: f64,
    pub breakdowns: Vec<(Dimension, Vec<f64>)>,
}

/// What may be published of a [`Table`]: `true` where the figure may be shown, in the table's
/// shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    pub total: bool,
    pub cells: Vec<Vec<bool>>,
}

impl Mask {
    /// Whether nothing of the indicator may be shown.
    pub fn withheld(&self) -> bool {
        !self.total
    }
}

/// Categories of the (non-exhaustive, otherwise public) vulnerable groups that are sensitive
/// data: disability, minorities, health, victims.
const SENSITIVE_VULNERABLE: [&str; 4] = [
    "nguoi_khuyet_tat",
    "dtts_dbkk",
    "nhiem_hiv",
    "nan_nhan_bao_luc",
];

/// Whether a category of a breakdown is sensitive.
pub fn sensitive_category(dimension: Dimension, code: &str) -> bool {
    dimension.sensitive()
        || (dimension == Dimension::VulnerableGroup && SENSITIVE_VULNERABLE.contains(&code))
}

/// "total = sum of members" over cell indices (0 is the indicator's total).
#[derive(Debug, Clone)]
struct Equation {
    total: usize,
    members: Vec<usize>,
}

/// A table flattened: cell 0 is the total, then each breakdown's categories.
struct Flat {
    values: Vec<f64>,
    sensitive: Vec<bool>,
    /// (dimension, category code) of each cell; the total has no dimension.
    key: Vec<Option<(Dimension, &'static str)>>,
    /// Index of each breakdown's first cell.
    starts: Vec<usize>,
    /// Equations whose members are sensitive: the ones the rules apply to.
    equations: Vec<Equation>,
    /// Whether the indicator has any sensitive category, making a small total a small count.
    has_sensitive: bool,
}

fn flatten(t: &Table) -> Flat {
    let mut values = vec![t.total];
    let mut sensitive = vec![false];
    let mut key = vec![None];
    let mut starts = Vec::new();
    let mut equations = Vec::new();
    let mut find: Vec<((Dimension, &'static str), usize)> = Vec::new();
    for (d, vals) in &t.breakdowns {
        starts.push(values.len());
        let mut members = Vec::new();
        for (i, v) in vals.iter().enumerate() {
            let code = d.categories().get(i).map_or("", |c| c.0);
            let idx = values.len();
            values.push(*v);
            sensitive.push(sensitive_category(*d, code));
            key.push(Some((*d, code)));
            find.push(((*d, code), idx));
            members.push(idx);
        }
        if d.sensitive() && d.exhaustive() {
            equations.push(Equation { total: 0, members });
        }
    }
    let cell = |d: Dimension, code: &str| {
        find.iter()
            .find(|((fd, fc), _)| *fd == d && *fc == code)
            .map(|(_, i)| *i)
    };
    // The same people counted twice.
    let same = [
        (
            (Dimension::Ethnicity, "kinh"),
            (Dimension::EthnicGroup, "kinh"),
        ),
        (
            (Dimension::Disability, "co"),
            (Dimension::VulnerableGroup, "nguoi_khuyet_tat"),
        ),
    ];
    for ((da, ca), (db, cb)) in same {
        if let (Some(a), Some(b)) = (cell(da, ca), cell(db, cb)) {
            equations.push(Equation {
                total: a,
                members: vec![b],
            });
            equations.push(Equation {
                total: b,
                members: vec![a],
            });
        }
    }
    // Ethnic minorities grouped = the sum of the minority groups.
    if let Some(dtts) = cell(Dimension::EthnicGroup, "dtts") {
        let minorities: Vec<usize> = find
            .iter()
            .filter(|((d, c), _)| *d == Dimension::Ethnicity && *c != "kinh")
            .map(|(_, i)| *i)
            .collect();
        if !minorities.is_empty() {
            equations.push(Equation {
                total: dtts,
                members: minorities,
            });
        }
    }
    let has_sensitive = sensitive.iter().any(|s| *s);
    Flat {
        values,
        sensitive,
        key,
        starts,
        equations,
        has_sensitive,
    }
}

/// Hidden cells of an equation are safe when none, or at least two summing to 5 or more and to
/// more than their number.
fn hidden_ok(values: &[f64], hidden: &[usize]) -> bool {
    if hidden.is_empty() {
        return true;
    }
    let sum: f64 = hidden.iter().map(|i| values[*i]).sum();
    hidden.len() >= 2 && sum >= SMALL_UNDER && sum > hidden.len() as f64
}

/// Hide the smallest visible non-zero cell among `candidates`; false when there is none.
fn hide_smallest(values: &[f64], visible: &mut [bool], candidates: &[usize]) -> bool {
    let pick = candidates
        .iter()
        .copied()
        .filter(|i| visible[*i] && values[*i] != 0.0)
        .min_by(|a, b| values[*a].total_cmp(&values[*b]).then(a.cmp(b)));
    match pick {
        Some(i) => {
            visible[i] = false;
            true
        }
        None => false,
    }
}

/// Hide cell `i`; hiding the indicator's total withholds the indicator whole, since the public
/// breakdowns (sex, age) add up to it.
fn hide(visible: &mut [bool], i: usize) {
    if i == 0 {
        visible.iter_mut().for_each(|v| *v = false);
    } else {
        visible[i] = false;
    }
}

/// One pass of the rules inside a period; true when something was hidden.
fn within(flat: &Flat, visible: &mut [bool]) -> bool {
    let v = &flat.values;
    if !visible[0] {
        return false;
    }
    for e in &flat.equations {
        let hidden: Vec<usize> = e.members.iter().copied().filter(|i| !visible[*i]).collect();
        if visible[e.total] {
            if !hidden_ok(v, &hidden) {
                if !hide_smallest(v, visible, &e.members) {
                    hide(visible, e.total);
                }
                return true;
            }
        } else if hidden.is_empty() && e.members.iter().any(|i| v[*i] != 0.0) {
            // The hidden total would be the sum of its visible members.
            hide_smallest(v, visible, &e.members);
            return true;
        }
    }
    false
}

/// One pass of the rules against an earlier period; true when something was hidden.
fn against(flat: &Flat, visible: &mut [bool], before: &Flat, shown: &[bool]) -> bool {
    if !visible[0] || !shown[0] {
        return false;
    }
    let at = |f: &Flat, k: Option<(Dimension, &'static str)>| f.key.iter().position(|x| *x == k);
    // The same sensitive cell shown in both: its change is a count.
    for (i, seen) in visible.iter_mut().enumerate().skip(1) {
        if !flat.sensitive[i] || !*seen {
            continue;
        }
        if let Some(j) = at(before, flat.key[i])
            && shown[j]
            && small((flat.values[i] - before.values[j]).abs())
        {
            *seen = false;
            return true;
        }
    }
    // A group of cells hidden in either period, worked out in both from the same equation: its
    // change is a count.
    for e in &flat.equations {
        let Some(bt) = at(before, flat.key[e.total]) else {
            continue;
        };
        if !visible[e.total] || !shown[bt] {
            continue;
        }
        let Some(pairs) = e
            .members
            .iter()
            .map(|m| at(before, flat.key[*m]).map(|j| (*m, j)))
            .collect::<Option<Vec<(usize, usize)>>>()
        else {
            continue;
        };
        // In each period the hidden members are known only together; a group whose change can
        // be worked out takes each period's hidden members whole or not at all.
        let hidden_now: Vec<usize> = (0..pairs.len()).filter(|p| !visible[pairs[*p].0]).collect();
        let hidden_then: Vec<usize> = (0..pairs.len()).filter(|p| !shown[pairs[*p].1]).collect();
        let union: Vec<usize> = (0..pairs.len())
            .filter(|p| hidden_now.contains(p) || hidden_then.contains(p))
            .collect();
        let cores: Vec<&[usize]> = if hidden_now.iter().any(|p| hidden_then.contains(p)) {
            vec![&union]
        } else {
            vec![&hidden_then, &hidden_now, &union]
        };
        let nonzero: Vec<usize> = (0..pairs.len())
            .filter(|p| flat.values[pairs[*p].0] != 0.0 || before.values[pairs[*p].1] != 0.0)
            .collect();
        for core in cores {
            // All of a breakdown together changes by the change of the total, which says
            // nothing of who is in which category.
            if core.is_empty() || (e.total == 0 && nonzero.iter().all(|p| core.contains(p))) {
                continue;
            }
            let change: f64 = core
                .iter()
                .map(|p| flat.values[pairs[*p].0] - before.values[pairs[*p].1])
                .sum();
            if small(change.abs()) {
                if !hide_smallest(&flat.values, visible, &e.members) {
                    hide(visible, e.total);
                }
                return true;
            }
        }
    }
    false
}

/// The masks of an indicator's periods, oldest first.
pub fn protect(periods: &[Table]) -> Vec<Mask> {
    let flats: Vec<Flat> = periods.iter().map(flatten).collect();
    let mut shown: Vec<Vec<bool>> = Vec::with_capacity(flats.len());
    for (k, flat) in flats.iter().enumerate() {
        let mut visible: Vec<bool> = flat
            .values
            .iter()
            .zip(&flat.sensitive)
            .map(|(v, s)| !(*s && small(*v)))
            .collect();
        if flat.has_sensitive && small(flat.values[0]) {
            hide(&mut visible, 0);
        }
        // Every pass hides at least one cell, so this ends.
        loop {
            if within(flat, &mut visible) {
                continue;
            }
            if (0..k).any(|j| against(flat, &mut visible, &flats[j], &shown[j])) {
                continue;
            }
            break;
        }
        shown.push(visible);
    }
    flats
        .iter()
        .zip(&shown)
        .zip(periods)
        .map(|((flat, visible), table)| Mask {
            total: visible[0],
            cells: table
                .breakdowns
                .iter()
                .zip(&flat.starts)
                .map(|((_, vals), start)| visible[*start..*start + vals.len()].to_vec())
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
