//! The consolidation of a round read from the store, for the web and the CLI alike.

use theodoi_domain::indicator::Aggregation;
use theodoi_report::{Consolidation, Figure, IndicatorInfo, Input, Missing};
use theodoi_store::{Db, Result, StoreError};

fn figures(rows: Vec<theodoi_store::rounds::FigureRow>) -> Vec<Figure> {
    rows.into_iter()
        .map(|f| Figure {
            indicator_id: f.indicator_id,
            dimension: f.dimension,
            category: f.category,
            sum: f.sum,
            average: f.average,
            bodies: f.bodies,
        })
        .collect()
}

/// Everything the annex needs for `round_id`: figures of the accepted reports, the previous
/// round's totals, and every expected body whose report is not accepted.
pub async fn build(db: &Db, round_id: i64) -> Result<Consolidation> {
    let round = db
        .round(round_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("round {round_id}")))?;
    let form_indicators: Vec<IndicatorInfo> = db
        .round_indicators(round_id)
        .await?
        .into_iter()
        .map(|i| IndicatorInfo {
            id: i.id,
            dimensions: i.dims(),
            aggregation: Aggregation::parse(&i.aggregation).unwrap_or(Aggregation::Sum),
            code: i.code,
            name: i.name,
            unit: i.unit,
        })
        .collect();
    let now = figures(db.round_figures(round_id).await?);
    let previous_round = db.previous_round(round_id).await?;
    let before = match &previous_round {
        Some(p) => figures(db.round_figures(p.id).await?),
        None => Vec::new(),
    };
    let bodies = db.round_progress(round_id).await?;
    let missing = bodies
        .iter()
        .filter(|b| b.status.as_deref() != Some("accepted"))
        .map(|b| Missing {
            agency: b.agency_name.clone(),
            status: b.status.clone().unwrap_or_default(),
        })
        .collect();
    Ok(theodoi_report::consolidate(Input {
        plan_number: round.plan_number.as_deref().unwrap_or(""),
        round_label: &round.label,
        previous_label: previous_round.as_ref().map(|p| p.label.as_str()),
        indicators: &form_indicators,
        figures: &now,
        previous: &before,
        expected: bodies.len(),
        missing,
    }))
}
