//! Figures that look like a real half-year: magnitudes by kind of body (a commune trains tens of
//! officials, a department hundreds, the legal aid centre takes most legal-aid cases), figures
//! that agree with each other and with the plausibility rules (attendees per session, resolved ≤
//! received + carried over, on time ≤ resolved), women 45–60 % of attendees, and ethnic-minority
//! shares that follow the body's population.

use crate::Rng;
use std::collections::BTreeMap;
use theodoi_domain::Dimension;

/// What a body does, as far as its figures go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Sở Tư pháp: communication, training, State compensation, the plan's coordinator.
    Justice,
    /// Trung tâm Trợ giúp pháp lý nhà nước: most legal-aid cases.
    LegalAid,
    /// Đoàn Luật sư: some legal-aid cases by contracted lawyers.
    Bar,
    /// Thanh tra: complaints, denunciations and inspections.
    Inspectorate,
    /// Công an: large communication campaigns, complaints.
    Police,
    /// Tòa án, Viện kiểm sát: complaints and State compensation.
    Judicial,
    /// Mặt trận, hội, đoàn: communication to members.
    Mass,
    /// Any other department or agency of the city.
    Department,
    /// Xã, phường.
    Commune,
}

impl Profile {
    /// From the body's name and kind.
    pub fn of(name: &str, kind: &str) -> Self {
        let has = |s: &str| name.contains(s);
        if kind == "commune" || name.starts_with("Xã ") || name.starts_with("Phường ") {
            Self::Commune
        } else if has("Trợ giúp pháp lý") {
            Self::LegalAid
        } else if has("Sở Tư pháp") {
            Self::Justice
        } else if has("Luật sư") {
            Self::Bar
        } else if has("Thanh tra") {
            Self::Inspectorate
        } else if has("Công an") {
            Self::Police
        } else if has("Tòa án") || has("Toà án") || has("Viện kiểm sát") {
            Self::Judicial
        } else if has("Hội ") || name.starts_with("Đoàn ") || has("Liên đoàn") || has("Mặt trận")
        {
            Self::Mass
        } else {
            Self::Department
        }
    }

    pub fn is_commune(self) -> bool {
        self == Self::Commune
    }
}

/// Who the body serves: the share of ethnic minorities among the people it reaches.
#[derive(Debug, Clone, Copy)]
pub struct Population {
    pub minority: f64,
}

/// One body's figures: totals by indicator code, breakdowns by (code, dimension, category).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub totals: BTreeMap<&'static str, i64>,
    pub cells: Vec<(&'static str, Dimension, &'static str, i64)>,
}

impl Figures {
    pub fn get(&self, code: &str) -> Option<i64> {
        self.totals.get(code).copied()
    }
}

fn between(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    lo + i64::try_from(rng.below(u64::try_from(hi - lo + 1).unwrap_or(1))).unwrap_or(0)
}

/// A share in [lo, hi], in thousandths.
fn share(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    let t = f64::from(u32::try_from(rng.below(1001)).unwrap_or(0)) / 1000.0;
    lo + (hi - lo) * t
}

/// `part` of `total`, rounded, never above the total.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn part(total: i64, s: f64) -> i64 {
    ((total as f64 * s).round() as i64).clamp(0, total)
}

/// Per profile: sessions, attendees per session, classes, trainees per class, documents issued.
type Range = (i64, i64);
struct Shape {
    sessions: Range,
    per_session: Range,
    classes: Range,
    per_class: Range,
    documents: Range,
    /// Complaints received, when the body handles them (chance in %, range).
    complaints: Option<(u64, Range)>,
    denunciations: Range,
    citizens: Range,
    legal_aid: Option<(u64, Range)>,
    providers: Option<Range>,
    compensation: Option<(u64, Range)>,
    inspections: Option<(u64, Range)>,
}

fn shape(p: Profile) -> Shape {
    let base = Shape {
        sessions: (2, 15),
        per_session: (40, 130),
        classes: (1, 5),
        per_class: (15, 60),
        documents: (1, 6),
        complaints: Some((45, (0, 30))),
        denunciations: (0, 8),
        citizens: (10, 120),
        legal_aid: None,
        providers: None,
        compensation: Some((10, (0, 2))),
        inspections: Some((55, (1, 6))),
    };
    match p {
        Profile::Department => base,
        Profile::Commune => Shape {
            sessions: (2, 12),
            per_session: (30, 120),
            classes: (1, 2),
            per_class: (5, 20),
            documents: (1, 4),
            complaints: Some((100, (2, 40))),
            denunciations: (0, 6),
            citizens: (20, 250),
            legal_aid: Some((70, (0, 5))),
            providers: None,
            compensation: Some((8, (0, 1))),
            inspections: Some((40, (0, 2))),
        },
        Profile::Justice => Shape {
            sessions: (18, 32),
            per_session: (60, 140),
            classes: (4, 8),
            per_class: (30, 70),
            documents: (5, 9),
            complaints: Some((100, (2, 10))),
            denunciations: (0, 3),
            citizens: (20, 60),
            legal_aid: None,
            providers: None,
            compensation: Some((100, (2, 6))),
            inspections: Some((100, (3, 8))),
        },
        Profile::LegalAid => Shape {
            sessions: (8, 20),
            per_session: (40, 100),
            classes: (1, 3),
            per_class: (20, 40),
            documents: (2, 4),
            complaints: None,
            legal_aid: Some((100, (260, 560))),
            providers: Some((15, 32)),
            compensation: None,
            inspections: None,
            ..base
        },
        Profile::Bar => Shape {
            sessions: (2, 6),
            per_session: (30, 80),
            classes: (1, 3),
            per_class: (20, 60),
            documents: (1, 3),
            complaints: None,
            legal_aid: Some((100, (30, 110))),
            providers: Some((10, 28)),
            compensation: None,
            inspections: None,
            ..base
        },
        Profile::Inspectorate => Shape {
            sessions: (3, 8),
            complaints: Some((100, (60, 200))),
            denunciations: (15, 60),
            citizens: (200, 600),
            inspections: Some((100, (8, 20))),
            ..base
        },
        Profile::Police => Shape {
            sessions: (20, 60),
            per_session: (80, 200),
            classes: (4, 10),
            per_class: (40, 100),
            documents: (3, 8),
            complaints: Some((100, (20, 80))),
            denunciations: (10, 40),
            citizens: (100, 300),
            ..base
        },
        Profile::Judicial => Shape {
            sessions: (2, 8),
            complaints: Some((100, (10, 40))),
            denunciations: (2, 10),
            compensation: Some((100, (0, 2))),
            ..base
        },
        Profile::Mass => Shape {
            sessions: (8, 30),
            per_session: (60, 150),
            classes: (1, 4),
            complaints: None,
            compensation: None,
            inspections: Some((30, (1, 3))),
            ..base
        },
    }
}

/// Split `total` over categories by shares (the last takes what is left), so the cells add up.
fn split(total: i64, shares: &[f64]) -> Vec<i64> {
    let mut out = Vec::with_capacity(shares.len());
    let mut left = total;
    for (i, s) in shares.iter().enumerate() {
        let v = if i + 1 == shares.len() {
            left
        } else {
            part(total, *s).min(left)
        };
        left -= v;
        out.push(v);
    }
    out
}

/// The figures of one body for a half-year.
pub fn generate(p: Profile, pop: Population, rng: &mut Rng) -> Figures {
    let s = shape(p);
    let mut f = Figures::default();
    let mut cells = Vec::new();
    let mut sex = |code: &'static str, total: i64, lo: f64, hi: f64, rng: &mut Rng| {
        let women = part(total, share(rng, lo, hi));
        cells.push((code, Dimension::Sex, "nam", total - women));
        cells.push((code, Dimension::Sex, "nu", women));
    };
    // Communication: attendees per session within the body's usual audience.
    let sessions = between(rng, s.sessions.0, s.sessions.1);
    let attendees = sessions * between(rng, s.per_session.0, s.per_session.1);
    f.totals
        .insert("VB_TRIEN_KHAI", between(rng, s.documents.0, s.documents.1));
    f.totals.insert("TT_BUOI", sessions);
    f.totals.insert("TT_NGUOI", attendees);
    sex("TT_NGUOI", attendees, 0.45, 0.60, rng);
    let minority = (pop.minority * share(rng, 0.7, 1.3)).min(0.95);
    let dtts = part(attendees, minority);
    let mut ethnic = vec![
        ("TT_NGUOI", Dimension::EthnicGroup, "kinh", attendees - dtts),
        ("TT_NGUOI", Dimension::EthnicGroup, "dtts", dtts),
    ];
    if dtts > 0 {
        // Sessions held in minority areas, and the minority people they reached.
        let in_areas = part(sessions, (minority * share(rng, 1.0, 1.6)).min(1.0));
        f.totals.insert("TT_BUOI_DTTS", in_areas);
        f.totals.insert("TT_NGUOI_DTTS", dtts);
        let women = part(dtts, share(rng, 0.46, 0.58));
        ethnic.push(("TT_NGUOI_DTTS", Dimension::Sex, "nam", dtts - women));
        ethnic.push(("TT_NGUOI_DTTS", Dimension::Sex, "nu", women));
        let tin_lanh = share(rng, 0.05, 0.30);
        let religions = split(
            dtts,
            &[
                share(rng, 0.45, 0.65),
                share(rng, 0.05, 0.15),
                share(rng, 0.02, 0.10),
                tin_lanh,
                0.0,
                0.0,
                0.0,
                1.0,
            ],
        );
        for ((code, _, _), v) in Dimension::Religion.categories().iter().zip(religions) {
            ethnic.push(("TT_NGUOI_DTTS", Dimension::Religion, code, v));
        }
    }
    // Training.
    let classes = between(rng, s.classes.0, s.classes.1);
    let trainees = classes * between(rng, s.per_class.0, s.per_class.1);
    f.totals.insert("TH_LOP", classes);
    f.totals.insert("TH_CAN_BO", trainees);
    sex("TH_CAN_BO", trainees, 0.38, 0.58, rng);
    let dtts_staff = part(trainees, minority * share(rng, 0.5, 1.0));
    ethnic.push((
        "TH_CAN_BO",
        Dimension::EthnicGroup,
        "kinh",
        trainees - dtts_staff,
    ));
    ethnic.push(("TH_CAN_BO", Dimension::EthnicGroup, "dtts", dtts_staff));
    // Complaints and denunciations: what came in, what was carried over, what was resolved.
    if let Some((chance, range)) = s.complaints
        && rng.below(100) < chance
    {
        let citizens = between(rng, s.citizens.0, s.citizens.1);
        f.totals.insert("TCD_LUOT", citizens);
        sex("TCD_LUOT", citizens, 0.35, 0.50, rng);
        let d = part(citizens, minority);
        ethnic.push(("TCD_LUOT", Dimension::EthnicGroup, "kinh", citizens - d));
        ethnic.push(("TCD_LUOT", Dimension::EthnicGroup, "dtts", d));
        for (received, carried, resolved, on_time, r) in [
            (
                "KN_NHAN",
                "KN_KY_TRUOC",
                "KN_GIAI_QUYET",
                "KN_DUNG_HAN",
                range,
            ),
            (
                "TC_NHAN",
                "TC_KY_TRUOC",
                "TC_GIAI_QUYET",
                "TC_DUNG_HAN",
                s.denunciations,
            ),
        ] {
            let n = between(rng, r.0, r.1);
            let c = part(n, share(rng, 0.05, 0.25));
            let done = part(n + c, share(rng, 0.70, 0.95));
            f.totals.insert(received, n);
            f.totals.insert(carried, c);
            f.totals.insert(resolved, done);
            f.totals.insert(on_time, part(done, share(rng, 0.60, 0.90)));
        }
    }
    // Legal aid: cases, the people helped (a person may bring several), the providers.
    if let Some((chance, range)) = s.legal_aid
        && rng.below(100) < chance
    {
        let cases = between(rng, range.0, range.1);
        f.totals.insert("TGPL_VU_VIEC", cases);
        sex("TGPL_VU_VIEC", cases, 0.45, 0.60, rng);
        let d = part(cases, (minority * share(rng, 1.0, 1.5)).min(0.95));
        ethnic.push(("TGPL_VU_VIEC", Dimension::EthnicGroup, "kinh", cases - d));
        ethnic.push(("TGPL_VU_VIEC", Dimension::EthnicGroup, "dtts", d));
        // Overlapping groups: each at most the total.
        for (code, lo, hi) in [
            ("tre_em", 0.05, 0.15),
            ("nguoi_cao_tuoi", 0.10, 0.20),
            ("nguoi_khuyet_tat", 0.05, 0.10),
            ("dtts_dbkk", 0.0, 0.0),
            ("ho_ngheo", 0.20, 0.35),
            ("nguoi_co_cong", 0.10, 0.20),
            ("nan_nhan_bao_luc", 0.02, 0.05),
            ("nhiem_hiv", 0.0, 0.02),
        ] {
            let v = if code == "dtts_dbkk" {
                part(d, share(rng, 0.3, 0.8))
            } else {
                part(cases, share(rng, lo, hi))
            };
            ethnic.push(("TGPL_VU_VIEC", Dimension::VulnerableGroup, code, v));
        }
        let people = part(cases, share(rng, 0.93, 1.0));
        f.totals.insert("TGPL_NGUOI", people);
        sex("TGPL_NGUOI", people, 0.45, 0.60, rng);
        let ages = split(
            people,
            &[
                share(rng, 0.04, 0.10),
                share(rng, 0.01, 0.04),
                share(rng, 0.55, 0.68),
                1.0,
            ],
        );
        for ((code, _, _), v) in Dimension::AgeGroup.categories().iter().zip(ages) {
            ethnic.push(("TGPL_NGUOI", Dimension::AgeGroup, code, v));
        }
        let disabled = part(people, share(rng, 0.05, 0.12));
        ethnic.push(("TGPL_NGUOI", Dimension::Disability, "co", disabled));
        ethnic.push((
            "TGPL_NGUOI",
            Dimension::Disability,
            "khong",
            people - disabled,
        ));
        if let Some(r) = s.providers {
            let n = between(rng, r.0, r.1);
            f.totals.insert("TGPL_CAN_BO", n);
            sex("TGPL_CAN_BO", n, 0.40, 0.65, rng);
        }
    }
    // State compensation: accepted claims, the resolved ones, the money paid (million đồng).
    if let Some((chance, r)) = s.compensation
        && rng.below(100) < chance
    {
        let accepted = between(rng, r.0, r.1);
        let resolved = part(accepted, share(rng, 0.4, 1.0));
        f.totals.insert("BT_THU_LY", accepted);
        f.totals.insert("BT_GIAI_QUYET", resolved);
        f.totals
            .insert("BT_SO_TIEN", resolved * between(rng, 30, 450));
    }
    if let Some((chance, r)) = s.inspections
        && rng.below(100) < chance
    {
        let n = between(rng, r.0, r.1);
        f.totals.insert("TTR_CUOC", n);
        f.totals.insert("TTR_KIEN_NGHI", n * between(rng, 0, 3));
    }
    cells.extend(ethnic);
    f.cells = cells;
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use theodoi_domain::indicator::{IndicatorValues, check_values, starter_set};
    use theodoi_domain::plausibility::{evaluate, starter_rules};

    const ALL: [Profile; 9] = [
        Profile::Justice,
        Profile::LegalAid,
        Profile::Bar,
        Profile::Inspectorate,
        Profile::Police,
        Profile::Judicial,
        Profile::Mass,
        Profile::Department,
        Profile::Commune,
    ];

    /// Every profile, many seeds: no plausibility warning, every breakdown adds up, women are
    /// 45–60 % of attendees, and the magnitudes stay within the body's kind.
    #[test]
    fn figures_are_plausible_and_add_up() {
        let rules = starter_rules();
        let defs = starter_set();
        for p in ALL {
            for seed in 0..300 {
                let mut rng = Rng::new(seed);
                let f = generate(
                    p,
                    Population {
                        minority: 0.08 * (seed % 5) as f64,
                    },
                    &mut rng,
                );
                let totals: HashMap<&str, i64> = f.totals.iter().map(|(k, v)| (*k, *v)).collect();
                assert_eq!(
                    evaluate(&rules, &totals),
                    vec![],
                    "{p:?} seed {seed}: {f:?}"
                );
                for d in &defs {
                    let v = IndicatorValues {
                        total: f.get(&d.code),
                        cells: f
                            .cells
                            .iter()
                            .filter(|c| c.0 == d.code)
                            .map(|c| (c.1, c.2.to_string(), c.3))
                            .collect(),
                    };
                    assert_eq!(
                        check_values(d, &v, true),
                        vec![],
                        "{p:?} {} seed {seed}",
                        d.code
                    );
                }
                let attendees = f.get("TT_NGUOI").unwrap_or(0);
                let women = f
                    .cells
                    .iter()
                    .find(|c| c.0 == "TT_NGUOI" && c.2 == "nu")
                    .map_or(0, |c| c.3);
                assert!(women * 100 >= attendees * 44 && women * 100 <= attendees * 61);
                let trainees = f.get("TH_CAN_BO").unwrap_or(0);
                match p {
                    Profile::Commune => assert!((5..=40).contains(&trainees), "{trainees}"),
                    Profile::Department => assert!((15..=300).contains(&trainees), "{trainees}"),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn profiles_from_names() {
        assert_eq!(Profile::of("Sở Tư pháp", "department"), Profile::Justice);
        assert_eq!(
            Profile::of("Trung tâm Trợ giúp pháp lý nhà nước", "department"),
            Profile::LegalAid
        );
        assert_eq!(Profile::of("Xã Bình Hưng", "commune"), Profile::Commune);
        assert_eq!(
            Profile::of("Hội Liên hiệp Phụ nữ", "department"),
            Profile::Mass
        );
        assert_eq!(Profile::of("Sở Y tế", "department"), Profile::Department);
    }
}
