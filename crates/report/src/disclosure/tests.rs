//! The suppression rules on hand-made tables, and an independent check on random ones: for
//! tables counted from random people, nothing a reader can derive by linear algebra from the
//! published figures of one period, or of two periods side by side, is a small count.

use super::*;
use Dimension::*;
use proptest::prelude::*;

/// A breakdown's values from (code, value) pairs, zeros elsewhere.
fn cats(d: Dimension, pairs: &[(&str, f64)]) -> (Dimension, Vec<f64>) {
    let mut v = vec![0.0; d.categories().len()];
    for (code, x) in pairs {
        let i = d
            .categories()
            .iter()
            .position(|c| c.0 == *code)
            .unwrap_or_else(|| panic!("no category {code} in {d:?}"));
        v[i] = *x;
    }
    (d, v)
}

/// The codes shown (visible and non-zero) and hidden of breakdown `b`.
fn split(t: &Table, m: &Mask, b: usize) -> (Vec<&'static str>, Vec<&'static str>) {
    let (d, vals) = &t.breakdowns[b];
    let mut shown = Vec::new();
    let mut hidden = Vec::new();
    for (i, v) in vals.iter().enumerate() {
        let code = d.categories()[i].0;
        if !m.cells[b][i] {
            hidden.push(code);
        } else if *v != 0.0 {
            shown.push(code);
        }
    }
    (shown, hidden)
}

struct Case {
    name: &'static str,
    table: Table,
    total: bool,
    /// Per breakdown: the non-zero codes shown and the codes hidden.
    expect: Vec<(&'static [&'static str], &'static [&'static str])>,
}

#[test]
fn one_period_table() {
    let cases = [
        Case {
            name: "no small cell: all shown",
            table: Table {
                total: 30.0,
                breakdowns: vec![
                    cats(Ethnicity, &[("kinh", 20.0), ("tay", 10.0)]),
                    cats(Sex, &[("nam", 1.0), ("nu", 29.0)]),
                ],
            },
            total: true,
            expect: vec![(&["kinh", "tay"], &[]), (&["nam", "nu"], &[])],
        },
        Case {
            name: "one small cell and its complement; sex is not sensitive",
            table: Table {
                total: 33.0,
                breakdowns: vec![
                    cats(Ethnicity, &[("kinh", 20.0), ("tay", 10.0), ("nung", 3.0)]),
                    cats(Sex, &[("nam", 2.0), ("nu", 31.0)]),
                ],
            },
            total: true,
            expect: vec![(&["kinh"], &["tay", "nung"]), (&["nam", "nu"], &[])],
        },
        Case {
            name: "the issue's case: one non-zero category under 5 — the total is the count",
            table: Table {
                total: 3.0,
                breakdowns: vec![
                    cats(Religion, &[("cong_giao", 3.0)]),
                    cats(Sex, &[("nam", 3.0)]),
                ],
            },
            total: false,
            expect: vec![
                (
                    &[],
                    &[
                        "khong",
                        "phat_giao",
                        "cong_giao",
                        "tin_lanh",
                        "cao_dai",
                        "hoa_hao",
                        "hoi_giao",
                        "khac",
                    ],
                ),
                (&[], &["nam", "nu"]),
            ],
        },
        Case {
            name: "a small total with no sensitive breakdown is published",
            table: Table {
                total: 3.0,
                breakdowns: vec![cats(Sex, &[("nam", 3.0)])],
            },
            total: true,
            expect: vec![(&["nam"], &[])],
        },
        Case {
            name: "two small cells summing under 5 take a third",
            table: Table {
                total: 42.0,
                breakdowns: vec![cats(
                    Religion,
                    &[
                        ("khong", 30.0),
                        ("phat_giao", 9.0),
                        ("cong_giao", 2.0),
                        ("khac", 1.0),
                    ],
                )],
            },
            total: true,
            expect: vec![(&["khong"], &["phat_giao", "cong_giao", "khac"])],
        },
        Case {
            name: "five hidden ones would each be 1: the indicator is withheld",
            table: Table {
                total: 5.0,
                breakdowns: vec![cats(
                    Ethnicity,
                    &[
                        ("tay", 1.0),
                        ("nung", 1.0),
                        ("hoa", 1.0),
                        ("thai", 1.0),
                        ("muong", 1.0),
                    ],
                )],
            },
            total: false,
            expect: vec![(&[], &[])],
        },
        Case {
            name: "Kinh is in both ethnic breakdowns: hidden in one, hidden in the other",
            table: Table {
                total: 28.0,
                breakdowns: vec![
                    cats(Ethnicity, &[("kinh", 6.0), ("tay", 20.0), ("nung", 2.0)]),
                    cats(EthnicGroup, &[("kinh", 6.0), ("dtts", 22.0)]),
                ],
            },
            total: true,
            expect: vec![(&["tay"], &["kinh", "nung"]), (&[], &["kinh", "dtts"])],
        },
        Case {
            name: "persons with disabilities counted twice: both hidden",
            table: Table {
                total: 33.0,
                breakdowns: vec![
                    cats(Disability, &[("co", 3.0), ("khong", 30.0)]),
                    cats(
                        VulnerableGroup,
                        &[("nguoi_khuyet_tat", 3.0), ("tre_em", 2.0)],
                    ),
                ],
            },
            total: true,
            expect: vec![
                (&[], &["co", "khong"]),
                (&["tre_em"], &["nguoi_khuyet_tat"]),
            ],
        },
        Case {
            name: "a complement shown in the vulnerable groups is hidden there too",
            table: Table {
                total: 40.0,
                breakdowns: vec![
                    cats(Disability, &[("co", 8.0), ("khong", 32.0)]),
                    cats(VulnerableGroup, &[("nguoi_khuyet_tat", 8.0)]),
                    cats(Religion, &[("khong", 30.0), ("khac", 10.0)]),
                ],
            },
            total: true,
            expect: vec![
                (&["co", "khong"], &[]),
                (&["nguoi_khuyet_tat"], &[]),
                (&["khong", "khac"], &[]),
            ],
        },
    ];
    for c in cases {
        let m = &protect(std::slice::from_ref(&c.table))[0];
        assert_eq!(m.total, c.total, "{}: total", c.name);
        for (b, (shown, hidden)) in c.expect.iter().enumerate() {
            let (s, h) = split(&c.table, m, b);
            if c.total {
                assert_eq!(
                    (s.as_slice(), h.as_slice()),
                    (*shown, *hidden),
                    "{}: breakdown {b}",
                    c.name
                );
            } else {
                assert!(
                    s.is_empty() && h.len() == c.table.breakdowns[b].1.len(),
                    "{}: all withheld",
                    c.name
                );
            }
        }
    }
}

#[test]
fn a_change_between_periods_is_a_count() {
    let first = Table {
        total: 40.0,
        breakdowns: vec![cats(
            Ethnicity,
            &[("kinh", 30.0), ("tay", 5.0), ("muong", 5.0)],
        )],
    };
    // Two more Tày people: every cell is 5 or more, but Tày changed by 2.
    let second = Table {
        total: 42.0,
        breakdowns: vec![cats(
            Ethnicity,
            &[("kinh", 30.0), ("tay", 7.0), ("muong", 5.0)],
        )],
    };
    let alone = &protect(std::slice::from_ref(&second))[0];
    assert!(alone.cells[0].iter().all(|v| *v), "alone, nothing is small");
    let both = protect(&[first.clone(), second.clone()]);
    assert_eq!(
        both[0],
        protect(std::slice::from_ref(&first))[0],
        "the past stays as published"
    );
    let (shown, hidden) = split(&second, &both[1], 0);
    assert!(hidden.contains(&"tay"), "{hidden:?}");
    // Kinh unchanged beside it would say the two new people are minorities: it goes too.
    assert!(
        shown.is_empty() || !shown.contains(&"kinh") || hidden.len() >= 2,
        "{shown:?} {hidden:?}"
    );
    audit(&[first, second], &both).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_old_helper_cases_still_hide() {
    // The cases the first version handled: a small cell and the next smallest.
    let t = Table {
        total: 35.0,
        breakdowns: vec![cats(
            Religion,
            &[("khong", 20.0), ("phat_giao", 12.0), ("cong_giao", 3.0)],
        )],
    };
    let (shown, hidden) = split(&t, &protect(std::slice::from_ref(&t))[0], 0);
    assert_eq!(
        (shown, hidden),
        (vec!["khong"], vec!["phat_giao", "cong_giao"])
    );
}

#[test]
fn the_check_catches_what_it_should() {
    let all_shown = |t: &Table| Mask {
        total: true,
        cells: t
            .breakdowns
            .iter()
            .map(|(_, v)| vec![true; v.len()])
            .collect(),
    };
    // Nothing hidden: the small cell is shown.
    let t = Table {
        total: 23.0,
        breakdowns: vec![cats(Ethnicity, &[("kinh", 20.0), ("tay", 3.0)])],
    };
    assert!(audit(std::slice::from_ref(&t), &[all_shown(&t)]).is_err());
    // Only the small cell hidden: total minus the rest gives it.
    let mut m = all_shown(&t);
    m.cells[0][1] = false;
    assert!(audit(std::slice::from_ref(&t), &[m]).is_err());
    // Hidden in one ethnic breakdown, Kinh shown in the other.
    let t = Table {
        total: 28.0,
        breakdowns: vec![
            cats(Ethnicity, &[("kinh", 6.0), ("tay", 20.0), ("nung", 2.0)]),
            cats(EthnicGroup, &[("kinh", 6.0), ("dtts", 22.0)]),
        ],
    };
    let mut m = all_shown(&t);
    m.cells[0][0] = false;
    m.cells[0][6] = false;
    assert!(audit(std::slice::from_ref(&t), &[m]).is_err());
    // Two periods each safe alone, their difference not.
    let a = Table {
        total: 40.0,
        breakdowns: vec![cats(
            Ethnicity,
            &[("kinh", 30.0), ("tay", 5.0), ("muong", 5.0)],
        )],
    };
    let b = Table {
        total: 42.0,
        breakdowns: vec![cats(
            Ethnicity,
            &[("kinh", 30.0), ("tay", 7.0), ("muong", 5.0)],
        )],
    };
    assert!(audit(&[a.clone(), b.clone()], &[all_shown(&a), all_shown(&b)]).is_err());
    assert!(audit(&[a.clone(), b.clone()], &protect(&[a, b])).is_ok());
}

// ---- the independent check -------------------------------------------------------------

/// Equations every consistent table satisfies, written apart from the implementation: each
/// row is (cell index, coefficient) over the flattened table (0 = total).
fn equations(t: &Table) -> Vec<Vec<(usize, f64)>> {
    let mut at = Vec::new();
    let mut next = 1;
    for (d, vals) in &t.breakdowns {
        at.push((*d, next));
        next += vals.len();
    }
    let idx = |d: Dimension, code: &str| {
        at.iter().find(|(x, _)| *x == d).and_then(|(_, s)| {
            d.categories()
                .iter()
                .position(|c| c.0 == code)
                .map(|i| s + i)
        })
    };
    let mut rows = Vec::new();
    for (d, s) in &at {
        if *d != VulnerableGroup {
            let mut r: Vec<(usize, f64)> =
                (0..d.categories().len()).map(|i| (s + i, 1.0)).collect();
            r.push((0, -1.0));
            rows.push(r);
        }
    }
    if let (Some(a), Some(b)) = (idx(Ethnicity, "kinh"), idx(EthnicGroup, "kinh")) {
        rows.push(vec![(a, 1.0), (b, -1.0)]);
    }
    if let (Some(s), Some(g)) = (
        at.iter().find(|x| x.0 == Ethnicity).map(|x| x.1),
        idx(EthnicGroup, "dtts"),
    ) {
        let mut r: Vec<(usize, f64)> = (1..Ethnicity.categories().len())
            .map(|i| (s + i, 1.0))
            .collect();
        r.push((g, -1.0));
        rows.push(r);
    }
    if let (Some(a), Some(b)) = (
        idx(Disability, "co"),
        idx(VulnerableGroup, "nguoi_khuyet_tat"),
    ) {
        rows.push(vec![(a, 1.0), (b, -1.0)]);
    }
    rows
}

fn flat_values(t: &Table) -> Vec<f64> {
    let mut v = vec![t.total];
    for (_, vals) in &t.breakdowns {
        v.extend(vals);
    }
    v
}

fn flat_mask(m: &Mask) -> Vec<bool> {
    let mut v = vec![m.total];
    for c in &m.cells {
        v.extend(c);
    }
    v
}

/// Row-reduce `rows` (dense) in place; returns the rank.
fn rank(mut rows: Vec<Vec<f64>>) -> usize {
    let cols = rows.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..rows.len()).find(|i| rows[*i][c].abs() > 1e-9) else {
            continue;
        };
        rows.swap(r, p);
        let pivot = rows[r][c];
        let pr = rows[r].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != r && row[c].abs() > 1e-9 {
                let f = row[c] / pivot;
                row.iter_mut().zip(&pr).for_each(|(x, y)| *x -= f * y);
            }
        }
        r += 1;
    }
    r
}

/// Whether the combination `w` of cells (index → coefficient) is known from the published cells
/// and the equations: its part on hidden cells lies in the span of the equations' hidden parts.
fn derivable(eqs: &[Vec<(usize, f64)>], hidden: &[usize], w: &[(usize, f64)]) -> bool {
    let dense = |row: &[(usize, f64)]| {
        let mut v = vec![0.0; hidden.len()];
        for (i, c) in row {
            if let Some(p) = hidden.iter().position(|h| h == i) {
                v[p] += c;
            }
        }
        v
    };
    let base: Vec<Vec<f64>> = eqs.iter().map(|r| dense(r)).collect();
    let wd = dense(w);
    if wd.iter().all(|x| x.abs() < 1e-9) {
        return true;
    }
    if base.is_empty() {
        return false;
    }
    let r0 = rank(base.clone());
    let mut with = base;
    with.push(wd);
    rank(with) == r0
}

/// Subsets of `items` (capped, so the check stays quick).
fn subsets<T: Copy>(items: &[T]) -> Vec<Vec<T>> {
    let n = items.len().min(10);
    (1u32..(1 << n))
        .map(|bits| {
            (0..n)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| items[i])
                .collect()
        })
        .collect()
}

/// The check: Err names what a reader could work out.
fn audit(periods: &[Table], masks: &[Mask]) -> Result<(), String> {
    // All periods' cells in one vector; equations per period shifted to their place.
    let mut offset = Vec::new();
    let mut values = Vec::new();
    let mut visible = Vec::new();
    let mut eqs = Vec::new();
    let mut sens = Vec::new();
    let mut keys: Vec<Option<(Dimension, usize)>> = Vec::new();
    for (t, m) in periods.iter().zip(masks) {
        let o = values.len();
        offset.push(o);
        values.extend(flat_values(t));
        visible.extend(flat_mask(m));
        for r in equations(t) {
            eqs.push(r.into_iter().map(|(i, c)| (i + o, c)).collect::<Vec<_>>());
        }
        let has = t
            .breakdowns
            .iter()
            .any(|(d, _)| d.categories().iter().any(|c| sensitive_category(*d, c.0)));
        sens.push(has);
        keys.push(None);
        for (d, vals) in &t.breakdowns {
            for i in 0..vals.len() {
                keys.push(Some((*d, i)));
            }
        }
    }
    let hidden: Vec<usize> = (0..values.len()).filter(|i| !visible[*i]).collect();
    let is_sensitive =
        |i: usize| keys[i].is_some_and(|(d, c)| sensitive_category(d, d.categories()[c].0));
    // Shown: no small sensitive cell, no small total of an indicator with sensitive breakdowns.
    for (p, o) in offset.iter().enumerate() {
        if sens[p] && visible[*o] && small(values[*o]) {
            return Err(format!("period {p}: small total {} shown", values[*o]));
        }
    }
    for i in 0..values.len() {
        if visible[i] && is_sensitive(i) && small(values[i]) {
            return Err(format!("cell {i} = {} shown", values[i]));
        }
    }
    // One period: a group of hidden categories of one breakdown whose sum is known.
    let dims: Vec<Dimension> = ALL.to_vec();
    for (p, o) in offset.iter().enumerate() {
        let end = offset.get(p + 1).copied().unwrap_or(values.len());
        if !visible[*o]
            && values[*o] != 0.0
            && derivable(&eqs, &hidden, &[(*o, 1.0)])
            && small(values[*o])
        {
            return Err(format!("period {p}: hidden total {} derivable", values[*o]));
        }
        for d in &dims {
            let cells: Vec<usize> = (*o..end)
                .filter(|i| keys[*i].is_some_and(|(x, _)| x == *d))
                .filter(|i| !visible[*i] && values[*i] != 0.0 && is_sensitive(*i))
                .collect();
            for s in subsets(&cells) {
                let w: Vec<(usize, f64)> = s.iter().map(|i| (*i, 1.0)).collect();
                let sum: f64 = s.iter().map(|i| values[*i]).sum();
                if derivable(&eqs, &hidden, &w) && (small(sum) || sum == s.len() as f64) {
                    return Err(format!(
                        "period {p}: hidden cells {s:?} known to sum to {sum}"
                    ));
                }
            }
        }
    }
    // Two periods: the change of a group of one breakdown's categories, hidden in either.
    for k in 0..offset.len() {
        for j in 0..k {
            let (ok, oj) = (offset[k], offset[j]);
            let endk = offset.get(k + 1).copied().unwrap_or(values.len());
            let endj = offset[j + 1];
            for d in &dims {
                let find =
                    |o: usize, end: usize, c: usize| (o..end).find(|i| keys[*i] == Some((*d, c)));
                let n = d.categories().len();
                let pairs: Vec<(usize, usize)> = (0..n)
                    .filter_map(|c| Some((find(ok, endk, c)?, find(oj, endj, c)?)))
                    .collect();
                if pairs.is_empty() || !is_sensitive(pairs[0].0) && *d != VulnerableGroup {
                    continue;
                }
                let nonzero: Vec<(usize, usize)> = pairs
                    .iter()
                    .copied()
                    .filter(|(a, b)| values[*a] != 0.0 || values[*b] != 0.0)
                    .filter(|(a, _)| is_sensitive(*a))
                    .collect();
                let cand: Vec<(usize, usize)> = nonzero
                    .iter()
                    .copied()
                    .filter(|(a, b)| !visible[*a] || !visible[*b])
                    .collect();
                let mut sets: Vec<Vec<(usize, usize)>> = subsets(&cand);
                sets.extend(nonzero.iter().map(|p| vec![*p]));
                for s in sets {
                    // The whole of an exhaustive breakdown changes as its total does.
                    if *d != VulnerableGroup && nonzero.iter().all(|p| s.contains(p)) {
                        continue;
                    }
                    let mut w: Vec<(usize, f64)> = s.iter().map(|(a, _)| (*a, 1.0)).collect();
                    w.extend(s.iter().map(|(_, b)| (*b, -1.0)));
                    let change: f64 = s.iter().map(|(a, b)| values[*a] - values[*b]).sum();
                    if small(change.abs()) && derivable(&eqs, &hidden, &w) {
                        return Err(format!(
                            "periods {j}→{k}: {d:?} {s:?} known to change by {change}"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Periods as "total(shown) dim: code=value(shown)…", non-zero cells only, for failures.
fn compact(periods: &[Table], masks: &[Mask]) -> String {
    let mut out = String::new();
    for (t, m) in periods.iter().zip(masks) {
        out.push_str(&format!(
            "T={}{} |",
            t.total,
            if m.total { "" } else { "*" }
        ));
        for ((d, vals), shown) in t.breakdowns.iter().zip(&m.cells) {
            out.push_str(&format!(" {}:", d.code()));
            for (i, v) in vals.iter().enumerate() {
                if *v != 0.0 || !shown[i] {
                    let star = if shown[i] { "" } else { "*" };
                    out.push_str(&format!(" {}={v}{star}", d.categories()[i].0));
                }
            }
        }
        out.push('\n');
    }
    out
}

const ALL: [Dimension; 7] = theodoi_domain::indicator::ALL_DIMENSIONS;

/// A person as the tables count them.
#[derive(Debug, Clone, Copy)]
struct Person {
    ethnicity: usize,
    religion: usize,
    disability: bool,
    female: bool,
    child: bool,
}

const ETHNIC: [&str; 5] = ["kinh", "tay", "nung", "hoa", "thai"];
const FAITH: [&str; 4] = ["khong", "phat_giao", "cong_giao", "khac"];

fn person() -> impl Strategy<Value = Person> {
    (
        prop_oneof![3 => Just(0usize), 2 => 1usize..5],
        prop_oneof![2 => Just(0usize), 1 => 1usize..4],
        prop::bool::weighted(0.2),
        any::<bool>(),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(ethnicity, religion, disability, female, child)| Person {
            ethnicity,
            religion,
            disability,
            female,
            child,
        })
}

fn count(people: &[Person], dims: &[Dimension]) -> Table {
    let breakdowns = dims
        .iter()
        .map(|d| {
            let mut v = vec![0.0; d.categories().len()];
            let mut add = |code: &str| {
                if let Some(i) = d.categories().iter().position(|c| c.0 == code) {
                    v[i] += 1.0;
                }
            };
            for p in people {
                match d {
                    Sex => add(if p.female { "nu" } else { "nam" }),
                    Ethnicity => add(ETHNIC[p.ethnicity]),
                    EthnicGroup => add(if p.ethnicity == 0 { "kinh" } else { "dtts" }),
                    Religion => add(FAITH[p.religion]),
                    Disability => add(if p.disability { "co" } else { "khong" }),
                    AgeGroup => add(if p.child { "duoi_16" } else { "18_59" }),
                    VulnerableGroup => {
                        if p.disability {
                            add("nguoi_khuyet_tat");
                        }
                        if p.child {
                            add("tre_em");
                        }
                    }
                }
            }
            (*d, v)
        })
        .collect();
    Table {
        total: people.len() as f64,
        breakdowns,
    }
}

fn tables() -> impl Strategy<Value = Vec<Table>> {
    (
        prop::collection::vec(prop::collection::vec(person(), 0..16), 1..4),
        prop::collection::vec(any::<bool>(), 7),
        prop::collection::vec(any::<bool>(), 3),
    )
        .prop_map(|(waves, keep, nested)| {
            let dims: Vec<Dimension> = ALL
                .iter()
                .zip(&keep)
                .filter(|(d, k)| **k || **d == Ethnicity)
                .map(|(d, _)| *d)
                .collect();
            // A period either adds to the one before (a year after its first half) or stands
            // alone.
            let mut people: Vec<Person> = Vec::new();
            waves
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if !nested[i] {
                        people.clear();
                    }
                    people.extend(w);
                    count(&people, &dims)
                })
                .collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn nothing_small_can_be_worked_out(periods in tables()) {
        let masks = protect(&periods);
        prop_assert_eq!(masks.len(), periods.len());
        // Earlier periods are what they were alone.
        for k in 1..periods.len() {
            prop_assert_eq!(&protect(&periods[..k]), &masks[..k].to_vec());
        }
        if let Err(e) = audit(&periods, &masks) {
            prop_assert!(false, "{}\n{}", e, compact(&periods, &masks));
        }
    }
}
