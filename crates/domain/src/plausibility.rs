//! Kiểm tra hợp lý: relations between the figures one body reports in one round (attendees are at
//! least the sessions; cases resolved are at most those received plus those carried over), kept as
//! data so the coordinator can add or switch off a rule without a new release.
//!
//! A rule compares one indicator's total with a multiple of the sum of others. A broken rule is a
//! warning with a reason in Vietnamese, shown to the body when it saves and to the coordinator
//! when reviewing; it never refuses a save, because a figure can be odd and still true.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use theodoi_text::Message;

/// How the left figure must relate to the right side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// left ≥ factor × sum(right)
    AtLeast,
    /// left ≤ factor × sum(right)
    AtMost,
}

impl Relation {
    pub fn code(self) -> &'static str {
        match self {
            Self::AtLeast => "ge",
            Self::AtMost => "le",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "ge" => Some(Self::AtLeast),
            "le" => Some(Self::AtMost),
            _ => None,
        }
    }
}

/// One rule: `left` relates to `factor` times the sum of `right`, all indicator codes of the same
/// body and round. The labels are how a sentence names each side ("số lượt người tham dự").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlausibilityRule {
    pub code: String,
    pub left: String,
    pub relation: Relation,
    pub factor: i64,
    pub right: Vec<String>,
    pub left_label: String,
    pub right_label: String,
}

/// A broken rule for one body: which rule, the two sides' values and the reason to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub rule: String,
    pub left: i64,
    pub right: i64,
    pub reason: String,
}

/// Why a rule is refused as data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("quy tắc {0}: cần chỉ tiêu ở cả hai vế")]
    Empty(String),
    #[error("quy tắc {0}: hệ số phải từ 1 trở lên")]
    Factor(String),
    #[error("quy tắc {0}: thiếu cách gọi tên hai vế")]
    Label(String),
    #[error("quy tắc {0}: chỉ tiêu {1} ở cả hai vế")]
    SameSides(String, String),
}

impl RuleError {
    /// The refusal in both languages (`Display` is the Vietnamese).
    pub fn message(&self) -> Message {
        let en = match self {
            Self::Empty(r) => format!("rule {r}: a rule needs an indicator on each side"),
            Self::Factor(r) => format!("rule {r}: the factor must be at least 1"),
            Self::Label(r) => format!("rule {r}: both sides need a label"),
            Self::SameSides(r, i) => format!("rule {r}: indicator {i} is on both sides"),
        };
        Message::new(self.to_string(), en)
    }
}

impl PlausibilityRule {
    pub fn validate(&self) -> Result<(), RuleError> {
        if self.left.trim().is_empty()
            || self.right.is_empty()
            || self.right.iter().any(|r| r.trim().is_empty())
        {
            return Err(RuleError::Empty(self.code.clone()));
        }
        if self.factor < 1 {
            return Err(RuleError::Factor(self.code.clone()));
        }
        if self.left_label.trim().is_empty() || self.right_label.trim().is_empty() {
            return Err(RuleError::Label(self.code.clone()));
        }
        if self.right.contains(&self.left) {
            return Err(RuleError::SameSides(self.code.clone(), self.left.clone()));
        }
        Ok(())
    }

    /// Check one body's totals (indicator code → total). A rule whose left figure is blank, or
    /// whose right figures are all blank, says nothing: blank is "outside the body's remit", not 0.
    /// Blank figures among several on the right count as 0.
    pub fn check(&self, totals: &HashMap<&str, i64>) -> Option<Warning> {
        let left = *totals.get(self.left.as_str())?;
        let parts: Vec<Option<i64>> = self
            .right
            .iter()
            .map(|c| totals.get(c.as_str()).copied())
            .collect();
        if parts.iter().all(Option::is_none) {
            return None;
        }
        let sum: i64 = parts.iter().map(|p| p.unwrap_or(0)).sum();
        let bound = sum.saturating_mul(self.factor);
        let broken = match self.relation {
            Relation::AtLeast => left < bound,
            Relation::AtMost => left > bound,
        };
        if !broken {
            return None;
        }
        let shown = if parts.len() > 1 {
            let terms: Vec<String> = parts.iter().map(|p| number(p.unwrap_or(0))).collect();
            format!("{} = {}", terms.join(" + "), number(sum))
        } else {
            number(sum)
        };
        let times = if self.factor > 1 {
            format!("{} lần ", number(self.factor))
        } else {
            String::new()
        };
        let verb = match self.relation {
            Relation::AtLeast => "nhỏ hơn",
            Relation::AtMost => "lớn hơn",
        };
        Some(Warning {
            rule: self.code.clone(),
            left,
            right: sum,
            reason: format!(
                "{} ({}) {verb} {times}{} ({shown})",
                capitalise(self.left_label.trim()),
                number(left),
                self.right_label.trim()
            ),
        })
    }
}

/// Every broken rule for one body's totals, in the rules' order.
pub fn evaluate(rules: &[PlausibilityRule], totals: &HashMap<&str, i64>) -> Vec<Warning> {
    rules.iter().filter_map(|r| r.check(totals)).collect()
}

/// A whole number the Vietnamese way: 9.860, 1.234.567.
pub fn number(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The rules that go with the starter indicator set ([`crate::indicator::starter_set`]).
pub fn starter_rules() -> Vec<PlausibilityRule> {
    use Relation::{AtLeast, AtMost};
    let rule = |code: &str,
                left: &str,
                relation,
                factor,
                right: &[&str],
                left_label: &str,
                right_label: &str| PlausibilityRule {
        code: code.into(),
        left: left.into(),
        relation,
        factor,
        right: right.iter().map(|s| (*s).to_string()).collect(),
        left_label: left_label.into(),
        right_label: right_label.into(),
    };
    vec![
        rule(
            "TT_NGUOI_GE_BUOI",
            "TT_NGUOI",
            AtLeast,
            1,
            &["TT_BUOI"],
            "số lượt người tham dự",
            "số buổi tuyên truyền",
        ),
        rule(
            "TT_NGUOI_LE_BUOI",
            "TT_NGUOI",
            AtMost,
            2000,
            &["TT_BUOI"],
            "số lượt người tham dự",
            "số buổi tuyên truyền",
        ),
        rule(
            "TT_BUOI_DTTS_LE_BUOI",
            "TT_BUOI_DTTS",
            AtMost,
            1,
            &["TT_BUOI"],
            "số buổi tuyên truyền ở vùng đồng bào dân tộc thiểu số",
            "tổng số buổi tuyên truyền",
        ),
        rule(
            "TT_NGUOI_DTTS_LE_NGUOI",
            "TT_NGUOI_DTTS",
            AtMost,
            1,
            &["TT_NGUOI"],
            "số người dân tộc thiểu số được tuyên truyền",
            "tổng số lượt người tham dự",
        ),
        rule(
            "TH_CAN_BO_GE_LOP",
            "TH_CAN_BO",
            AtLeast,
            1,
            &["TH_LOP"],
            "số lượt cán bộ được tập huấn",
            "số lớp tập huấn",
        ),
        rule(
            "KN_GIAI_QUYET_LE_NHAN",
            "KN_GIAI_QUYET",
            AtMost,
            1,
            &["KN_NHAN", "KN_KY_TRUOC"],
            "số vụ việc khiếu nại đã giải quyết",
            "số đơn tiếp nhận trong kỳ và kỳ trước chuyển sang",
        ),
        rule(
            "KN_DUNG_HAN_LE_GIAI_QUYET",
            "KN_DUNG_HAN",
            AtMost,
            1,
            &["KN_GIAI_QUYET"],
            "số vụ việc khiếu nại giải quyết đúng thời hạn",
            "số vụ việc đã giải quyết",
        ),
        rule(
            "TC_GIAI_QUYET_LE_NHAN",
            "TC_GIAI_QUYET",
            AtMost,
            1,
            &["TC_NHAN", "TC_KY_TRUOC"],
            "số vụ việc tố cáo đã giải quyết",
            "số đơn tiếp nhận trong kỳ và kỳ trước chuyển sang",
        ),
        rule(
            "TC_DUNG_HAN_LE_GIAI_QUYET",
            "TC_DUNG_HAN",
            AtMost,
            1,
            &["TC_GIAI_QUYET"],
            "số vụ việc tố cáo giải quyết đúng thời hạn",
            "số vụ việc đã giải quyết",
        ),
        rule(
            "BT_GIAI_QUYET_LE_THU_LY",
            "BT_GIAI_QUYET",
            AtMost,
            1,
            &["BT_THU_LY"],
            "số vụ việc bồi thường nhà nước đã giải quyết",
            "số vụ việc đã thụ lý",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals<'a>(pairs: &[(&'a str, i64)]) -> HashMap<&'a str, i64> {
        pairs.iter().copied().collect()
    }

    fn find(code: &str) -> PlausibilityRule {
        starter_rules()
            .into_iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("no rule {code}"))
    }

    #[test]
    fn starter_rules_are_valid_and_name_starter_indicators() {
        let codes: Vec<String> = crate::indicator::starter_set()
            .into_iter()
            .map(|i| i.code)
            .collect();
        let rules = starter_rules();
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            assert_eq!(r.validate(), Ok(()), "{}", r.code);
            assert!(seen.insert(r.code.clone()), "{} is unique", r.code);
            for c in std::iter::once(&r.left).chain(&r.right) {
                assert!(codes.contains(c), "{}: {c} is a starter indicator", r.code);
            }
        }
    }

    /// (rule, totals, expected reason or None)
    #[test]
    fn table() {
        /// (what the case shows, a body's figures, the rule expected to warn).
        type Case<'a> = (&'a str, &'a [(&'a str, i64)], Option<&'a str>);
        let cases: &[Case<'_>] = &[
            (
                "TT_NGUOI_GE_BUOI",
                &[("TT_NGUOI", 120), ("TT_BUOI", 150)],
                Some("Số lượt người tham dự (120) nhỏ hơn số buổi tuyên truyền (150)"),
            ),
            (
                "TT_NGUOI_GE_BUOI",
                &[("TT_NGUOI", 150), ("TT_BUOI", 150)],
                None,
            ),
            ("TT_NGUOI_GE_BUOI", &[("TT_BUOI", 150)], None),
            ("TT_NGUOI_GE_BUOI", &[("TT_NGUOI", 0)], None),
            (
                "TT_NGUOI_LE_BUOI",
                &[("TT_NGUOI", 9_860), ("TT_BUOI", 0)],
                Some("Số lượt người tham dự (9.860) lớn hơn 2.000 lần số buổi tuyên truyền (0)"),
            ),
            (
                "TT_NGUOI_LE_BUOI",
                &[("TT_NGUOI", 9_860), ("TT_BUOI", 12)],
                None,
            ),
            (
                "TH_CAN_BO_GE_LOP",
                &[("TH_CAN_BO", 3), ("TH_LOP", 4)],
                Some("Số lượt cán bộ được tập huấn (3) nhỏ hơn số lớp tập huấn (4)"),
            ),
            (
                "KN_GIAI_QUYET_LE_NHAN",
                &[("KN_GIAI_QUYET", 95), ("KN_NHAN", 80), ("KN_KY_TRUOC", 12)],
                Some(
                    "Số vụ việc khiếu nại đã giải quyết (95) lớn hơn số đơn tiếp nhận trong kỳ và kỳ trước chuyển sang (80 + 12 = 92)",
                ),
            ),
            (
                "KN_GIAI_QUYET_LE_NHAN",
                &[("KN_GIAI_QUYET", 92), ("KN_NHAN", 80), ("KN_KY_TRUOC", 12)],
                None,
            ),
            (
                "KN_GIAI_QUYET_LE_NHAN",
                &[("KN_GIAI_QUYET", 81), ("KN_NHAN", 80)],
                Some(
                    "Số vụ việc khiếu nại đã giải quyết (81) lớn hơn số đơn tiếp nhận trong kỳ và kỳ trước chuyển sang (80 + 0 = 80)",
                ),
            ),
            (
                "KN_DUNG_HAN_LE_GIAI_QUYET",
                &[("KN_DUNG_HAN", 7), ("KN_GIAI_QUYET", 5)],
                Some(
                    "Số vụ việc khiếu nại giải quyết đúng thời hạn (7) lớn hơn số vụ việc đã giải quyết (5)",
                ),
            ),
            (
                "TC_GIAI_QUYET_LE_NHAN",
                &[("TC_GIAI_QUYET", 3), ("TC_NHAN", 1), ("TC_KY_TRUOC", 2)],
                None,
            ),
            (
                "TT_BUOI_DTTS_LE_BUOI",
                &[("TT_BUOI_DTTS", 4), ("TT_BUOI", 3)],
                Some(
                    "Số buổi tuyên truyền ở vùng đồng bào dân tộc thiểu số (4) lớn hơn tổng số buổi tuyên truyền (3)",
                ),
            ),
            (
                "BT_GIAI_QUYET_LE_THU_LY",
                &[("BT_GIAI_QUYET", 2), ("BT_THU_LY", 1)],
                Some(
                    "Số vụ việc bồi thường nhà nước đã giải quyết (2) lớn hơn số vụ việc đã thụ lý (1)",
                ),
            ),
        ];
        for (code, values, want) in cases {
            let got = find(code).check(&totals(values));
            assert_eq!(
                got.as_ref().map(|w| w.reason.as_str()),
                *want,
                "{code} {values:?}"
            );
        }
    }

    #[test]
    fn evaluate_keeps_rule_order() {
        let t = totals(&[
            ("TT_NGUOI", 10),
            ("TT_BUOI", 20),
            ("TH_CAN_BO", 1),
            ("TH_LOP", 2),
        ]);
        let w = evaluate(&starter_rules(), &t);
        let codes: Vec<&str> = w.iter().map(|w| w.rule.as_str()).collect();
        assert_eq!(codes, ["TT_NGUOI_GE_BUOI", "TH_CAN_BO_GE_LOP"]);
        assert_eq!((w[0].left, w[0].right), (10, 20));
    }

    #[test]
    fn invalid_rules() {
        let mut r = find("TT_NGUOI_GE_BUOI");
        r.factor = 0;
        assert!(matches!(r.validate(), Err(RuleError::Factor(_))));
        let mut r = find("TT_NGUOI_GE_BUOI");
        r.right = vec!["TT_NGUOI".into()];
        assert!(matches!(r.validate(), Err(RuleError::SameSides(..))));
        let mut r = find("TT_NGUOI_GE_BUOI");
        r.right.clear();
        assert!(matches!(r.validate(), Err(RuleError::Empty(_))));
        assert_eq!(Relation::parse("le"), Some(Relation::AtMost));
        assert_eq!(
            Relation::parse(Relation::AtLeast.code()),
            Some(Relation::AtLeast)
        );
        assert_eq!(Relation::parse("lt"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(9_860), "9.860");
        assert_eq!(number(1_234_567), "1.234.567");
        assert_eq!(number(-1_000), "-1.000");
    }
}
