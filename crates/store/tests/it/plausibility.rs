//! Plausibility rules as data, on both backends: seeded at first start with the indicators they
//! compare, checked against what a body saved, switched off without a release.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_domain::DateRange;
use theodoi_domain::indicator::starter_set;
use theodoi_domain::plausibility::starter_rules;
use theodoi_domain::report::Actor;
use theodoi_store::rounds::{NewRound, SaveReport, ValueRow};
use theodoi_store::{Db, StoreError};
use time::OffsetDateTime;
use time::macros::{date, datetime};

pub const CASES: &[(&str, Case)] = &[
    (
        "plausibility_rules_are_seeded_with_their_indicators",
        plausibility_rules_are_seeded_with_their_indicators,
    ),
    (
        "plausibility_warnings_from_saved_figures",
        plausibility_warnings_from_saved_figures,
    ),
];

const NOW: OffsetDateTime = datetime!(2026-06-10 03:00 UTC);

/// An older database has the first twenty starter indicators; the first start after the upgrade
/// adds the carried-over and on-time counts and the rules, once.
fn plausibility_rules_are_seeded_with_their_indicators(db: Db) -> Fut {
    Box::pin(async move {
        let added = ["KN_KY_TRUOC", "KN_DUNG_HAN", "TC_KY_TRUOC", "TC_DUNG_HAN"];
        for d in starter_set()
            .iter()
            .filter(|d| !added.contains(&d.code.as_str()))
        {
            db.save_indicator(d, true, false).await?;
        }
        assert_eq!(db.indicators(false).await?.len(), 20);
        assert!(db.plausibility_rules(false).await?.is_empty());
        db.ensure_reporting_defaults(NOW).await?;
        db.ensure_reporting_defaults(NOW).await?;
        let codes: Vec<String> = db
            .indicators(false)
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        assert_eq!(codes.len(), 24);
        for a in added {
            assert!(codes.iter().any(|c| c == a), "{a} added");
        }
        let stored = db.active_plausibility_rules().await?;
        assert_eq!(stored, starter_rules(), "stored as given, in order, once");
        // A rule is data: switched off, it is no longer checked; a bad one is refused.
        let mut first = starter_rules().remove(0);
        db.save_plausibility_rule(&first, false).await?;
        assert_eq!(
            db.active_plausibility_rules().await?.len(),
            starter_rules().len() - 1
        );
        assert_eq!(
            db.plausibility_rules(false).await?.len(),
            starter_rules().len()
        );
        first.factor = 0;
        assert!(matches!(
            db.save_plausibility_rule(&first, true).await,
            Err(StoreError::Invalid(m))
                if m.vi == format!("quy tắc {}: hệ số phải từ 1 trở lên", first.code)
                    && m.en == format!("rule {}: the factor must be at least 1", first.code)
        ));
        Ok(())
    })
}

fn plausibility_warnings_from_saved_figures(db: Db) -> Fut {
    Box::pin(async move {
        import(&db, &seed()).await;
        db.ensure_reporting_defaults(NOW).await?;
        let plan = db
            .list_plans()
            .await?
            .first()
            .map(|p| p.id)
            .ok_or("no plan")?;
        let round = db
            .open_round(
                &NewRound {
                    plan_id: plan,
                    regime_id: None,
                    kind: "periodic",
                    title: "Báo cáo 6 tháng đầu năm 2026",
                    label: "6 tháng đầu năm 2026",
                    period: Some((date!(2026 - 01 - 01), 6)),
                    window: DateRange {
                        start: date!(2025 - 12 - 15),
                        end: date!(2026 - 06 - 14),
                    },
                    agency_deadline: date!(2026 - 06 - 15),
                    coordinator_deadline: None,
                    committee_deadline: None,
                    reminder_offsets: "-7,-1,1,3",
                    opened_by: None,
                },
                NOW,
            )
            .await?
            .id;
        let stp = db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.name == "Sở Tư pháp")
            .ok_or("no Sở Tư pháp")?
            .id;
        let ids: std::collections::HashMap<String, i64> = db
            .indicators(true)
            .await?
            .into_iter()
            .map(|i| (i.code, i.id))
            .collect();
        let values = |pairs: &[(&str, i64)]| -> Vec<ValueRow> {
            pairs
                .iter()
                .map(|(c, v)| ValueRow {
                    indicator_id: ids.get(*c).copied().unwrap_or_default(),
                    dimension: String::new(),
                    category: String::new(),
                    value: *v,
                })
                .collect()
        };
        assert!(
            db.plausibility_warnings(round).await?.is_empty(),
            "nothing saved yet"
        );
        let save = SaveReport {
            expected_version: 0,
            values: values(&[
                ("TT_BUOI", 150),
                ("TT_NGUOI", 120),
                ("KN_NHAN", 80),
                ("KN_KY_TRUOC", 12),
                ("KN_GIAI_QUYET", 95),
                ("KN_DUNG_HAN", 60),
            ]),
            ..SaveReport::default()
        };
        let v = db
            .save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
            .await?;
        let reasons: Vec<String> = db
            .report_warnings(round, stp)
            .await?
            .into_iter()
            .map(|w| w.reason)
            .collect();
        assert_eq!(
            reasons,
            [
                "Số lượt người tham dự (120) nhỏ hơn số buổi tuyên truyền (150)",
                "Số vụ việc khiếu nại đã giải quyết (95) lớn hơn số đơn tiếp nhận trong kỳ và kỳ trước chuyển sang (80 + 12 = 92)",
            ]
        );
        let all = db.plausibility_warnings(round).await?;
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].agency_id, all[0].status.as_str()), (stp, "draft"));
        assert_eq!(all[0].agency_name, "Sở Tư pháp");
        // Corrected figures: no warning left.
        let save = SaveReport {
            expected_version: v,
            values: values(&[
                ("TT_BUOI", 150),
                ("TT_NGUOI", 9_860),
                ("KN_NHAN", 80),
                ("KN_KY_TRUOC", 15),
                ("KN_GIAI_QUYET", 95),
                ("KN_DUNG_HAN", 60),
            ]),
            ..SaveReport::default()
        };
        db.save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
            .await?;
        assert!(db.report_warnings(round, stp).await?.is_empty());
        assert!(db.plausibility_warnings(round).await?.is_empty());
        Ok(())
    })
}
