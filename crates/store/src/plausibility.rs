//! Plausibility rules as data (`plausibility_rules`), and the warnings they give on the figures
//! the bodies of a round have entered. Warnings are computed when asked, never stored, so a rule
//! switched off or corrected changes every page at once.

use crate::{Db, Result, StoreError};
use std::collections::{BTreeMap, HashMap};
use theodoi_domain::plausibility::{self, PlausibilityRule, Relation, Warning};

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RuleRow {
    pub id: i64,
    pub code: String,
    pub left_indicator: String,
    pub relation: String,
    pub factor: i64,
    pub right_indicators: String,
    pub left_label: String,
    pub right_label: String,
    pub active: bool,
    pub position: i32,
}

impl RuleRow {
    /// The rule as the domain checks it; `None` for a row whose relation this version does not
    /// know (it is skipped rather than guessed).
    pub fn rule(&self) -> Option<PlausibilityRule> {
        Some(PlausibilityRule {
            code: self.code.clone(),
            left: self.left_indicator.clone(),
            relation: Relation::parse(&self.relation)?,
            factor: self.factor,
            right: self
                .right_indicators
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            left_label: self.left_label.clone(),
            right_label: self.right_label.clone(),
        })
    }
}

/// One body's broken rules in a round, with its report's status so a caller can keep only the
/// accepted reports (the consolidation) or show all (the coordinator's review).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyWarnings {
    pub agency_id: i64,
    pub agency_name: String,
    pub status: String,
    pub warnings: Vec<Warning>,
}

const RULE_COLUMNS: &str = "id, code, left_indicator, relation, factor, right_indicators, \
     left_label, right_label, active, position";

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

            pub async fn plausibility_rules(pool: &Pool<$db>, active_only: bool) -> Result<Vec<RuleRow>> {
                let sql = format!(
                    "SELECT {RULE_COLUMNS} FROM plausibility_rules {} ORDER BY position, id",
                    if active_only { "WHERE active" } else { "" }
                );
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?)
            }

            pub async fn save_plausibility_rule(
                pool: &Pool<$db>,
                r: &PlausibilityRule,
                active: bool,
            ) -> Result<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO plausibility_rules (code, left_indicator, relation, factor, right_indicators, \
                     left_label, right_label, active, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT COALESCE(MAX(position), 0) + 1 FROM plausibility_rules)) \
                     ON CONFLICT (code) DO UPDATE SET left_indicator = excluded.left_indicator, \
                     relation = excluded.relation, factor = excluded.factor, \
                     right_indicators = excluded.right_indicators, left_label = excluded.left_label, \
                     right_label = excluded.right_label, active = excluded.active RETURNING id",
                )
                .bind(&r.code)
                .bind(&r.left)
                .bind(r.relation.code())
                .bind(r.factor)
                .bind(r.right.join(","))
                .bind(r.left_label.trim())
                .bind(r.right_label.trim())
                .bind(active)
                .fetch_one(pool)
                .await?)
            }

            /// Every report's totals in a round: (agency, name, status, indicator code, value).
            pub async fn round_totals(
                pool: &Pool<$db>,
                round_id: i64,
                agency_id: Option<i64>,
            ) -> Result<Vec<(i64, String, String, String, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT r.agency_id, g.name, r.status, i.code, dv.value \
                     FROM data_values dv JOIN reports r ON r.id = dv.report_id \
                     JOIN indicators i ON i.id = dv.indicator_id JOIN agencies g ON g.id = r.agency_id \
                     WHERE dv.round_id = $1 AND dv.dimension = '' AND ($2 IS NULL OR r.agency_id = $2) \
                     ORDER BY r.agency_id",
                )
                .bind(round_id)
                .bind(agency_id)
                .fetch_all(pool)
                .await?)
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// The rules, in order; `active_only` for the ones that are checked.
    pub async fn plausibility_rules(&self, active_only: bool) -> Result<Vec<RuleRow>> {
        crate::dispatch!(self, plausibility_rules(active_only))
    }

    /// Add a rule, or replace the one with the same code.
    pub async fn save_plausibility_rule(&self, r: &PlausibilityRule, active: bool) -> Result<i64> {
        r.validate().map_err(|e| StoreError::Invalid(e.message()))?;
        crate::dispatch!(self, save_plausibility_rule(r, active))
    }

    /// First start: the starter rules, when there are none. Safe to call on every start.
    pub async fn ensure_plausibility_rules(&self) -> Result<()> {
        if self.plausibility_rules(false).await?.is_empty() {
            for r in plausibility::starter_rules() {
                self.save_plausibility_rule(&r, true).await?;
            }
        }
        Ok(())
    }

    /// The active rules as the domain checks them.
    pub async fn active_plausibility_rules(&self) -> Result<Vec<PlausibilityRule>> {
        Ok(self
            .plausibility_rules(true)
            .await?
            .iter()
            .filter_map(RuleRow::rule)
            .collect())
    }

    /// Broken rules for every body with figures in a round, by agency id; bodies without a
    /// warning are left out. The drafting notes these beside the figures; `status` tells which
    /// reports the consolidation counts (accepted).
    pub async fn plausibility_warnings(&self, round_id: i64) -> Result<Vec<BodyWarnings>> {
        let rules = self.active_plausibility_rules().await?;
        let rows = crate::dispatch!(self, round_totals(round_id, None))?;
        Ok(warnings_by_body(&rules, rows))
    }

    /// Broken rules for one body's report in a round, from its saved figures.
    pub async fn report_warnings(&self, round_id: i64, agency_id: i64) -> Result<Vec<Warning>> {
        let rules = self.active_plausibility_rules().await?;
        let rows = crate::dispatch!(self, round_totals(round_id, Some(agency_id)))?;
        Ok(warnings_by_body(&rules, rows)
            .into_iter()
            .flat_map(|b| b.warnings)
            .collect())
    }
}

fn warnings_by_body(
    rules: &[PlausibilityRule],
    rows: Vec<(i64, String, String, String, i64)>,
) -> Vec<BodyWarnings> {
    /// A body's name, report status and (indicator code, value) totals.
    type Body = (String, String, Vec<(String, i64)>);
    let mut bodies: BTreeMap<i64, Body> = BTreeMap::new();
    for (agency, name, status, code, value) in rows {
        bodies
            .entry(agency)
            .or_insert_with(|| (name, status, Vec::new()))
            .2
            .push((code, value));
    }
    bodies
        .into_iter()
        .filter_map(|(agency_id, (agency_name, status, values))| {
            let totals: HashMap<&str, i64> = values.iter().map(|(c, v)| (c.as_str(), *v)).collect();
            let warnings = plausibility::evaluate(rules, &totals);
            (!warnings.is_empty()).then_some(BodyWarnings {
                agency_id,
                agency_name,
                status,
                warnings,
            })
        })
        .collect()
}
