//! The báo cáo of a round as a file, built one way for the web and the CLI: the round's draft as
//! the coordinator left it (its sections and formal parts), or, before anyone opened the draft,
//! the sections drafted from the data now with the formal parts a new draft would propose. Marked
//! "DỰ THẢO" on every page until the head of the coordinating body approves the draft.

use crate::consolidation;
use theodoi_report::Consolidation;
use theodoi_store::Db;
use theodoi_store::drafts::{DraftRow, FormalParts};
use time::Date;

/// What the signature block says when nobody has named the signer yet, rather than ending on a
/// bare position.
pub const UNSIGNED: &str = "(Chưa ghi họ tên người ký)";

/// Formal parts given for this one file (the CLI's flags); `None` keeps the draft's.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub superior: Option<String>,
    pub place: Option<String>,
    pub signer: Option<String>,
    pub drafting_unit: Option<String>,
    /// Leave the date line for the clerk even if the draft fills it.
    pub no_date: bool,
    /// Task sections in the plan's order, or grouped under the recommendations or Covenant
    /// articles they are linked to.
    pub group: theodoi_report::Grouping,
    /// Refuse to build without a signer's name, the superior body or the place (a file to be
    /// issued). Otherwise an unapproved draft shows dotted blanks where they go, as a draft on
    /// paper would.
    pub require_all: bool,
}

/// What a draft shows where a formal part is still to be written.
pub const BLANK: &str = "……";

/// The built file and what it was built from.
#[derive(Debug)]
pub struct ReportFile {
    pub docx: Vec<u8>,
    /// The head approved the draft as it stands: the file is not marked "DỰ THẢO".
    pub approved: bool,
    /// No draft is stored: the sections were drafted from the data for this file.
    pub drafted_now: bool,
    /// A file name without extension: "bao-cao-dot-3", or "du-thao-bao-cao-dot-3".
    pub stem: String,
}

/// A formal part a report cannot be issued without; each front end says where to give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    Signer,
    Superior,
    /// The superior body's name (which names no city to take the place from).
    Place(String),
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("a formal part of the report is missing: {0:?}")]
    Missing(Missing),
    #[error(transparent)]
    Store(#[from] theodoi_store::StoreError),
    #[error("writing the DOCX: {0}")]
    Docx(#[from] std::io::Error),
}

/// The formal parts a new draft of this round would propose: the plan's previous draft, the
/// report settings, the plan's header.
pub async fn proposed_parts(
    db: &Db,
    round_id: i64,
    signer: &str,
    place: &str,
) -> Result<FormalParts, theodoi_store::StoreError> {
    let header = db.draft_header(round_id).await?;
    let issuer = db
        .coordinating_agency()
        .await?
        .map(|a| a.1)
        .unwrap_or_else(|| "Sở Tư pháp".into());
    let mut parts = FormalParts::propose(&header, &issuer, signer, place);
    if parts.drafting_unit.is_empty() {
        parts.drafting_unit = consolidation::DRAFTING_UNIT.into();
    }
    Ok(parts)
}

/// Build the round's báo cáo as a DOCX from `c` (the round's consolidation), dated `today`
/// unless the draft or `over` leaves the date line blank.
pub async fn build(
    db: &Db,
    c: &Consolidation,
    round_id: i64,
    over: &Overrides,
    today: Date,
) -> Result<ReportFile, BuildError> {
    let stored: Option<DraftRow> = db.draft(round_id).await?;
    let mut parts = match &stored {
        Some(d) => d.parts(),
        None => proposed_parts(db, round_id, "", "").await?,
    };
    let given = |s: &Option<String>| {
        s.as_deref()
            .map(theodoi_text_clean)
            .filter(|s| !s.is_empty())
    };
    if let Some(s) = given(&over.superior) {
        parts.superior = s.to_uppercase();
        // A superior given here names its own city; the draft's place was for another.
        if given(&over.place).is_none()
            && let Some(p) = theodoi_store::drafts::place_named_in(&parts.superior)
        {
            parts.place = p;
        }
    }
    if let Some(p) = given(&over.place) {
        parts.place = p;
    }
    if let Some(s) = given(&over.signer) {
        parts.signer = s;
    }
    if let Some(u) = given(&over.drafting_unit) {
        parts.drafting_unit = u;
    }
    // The signer first: without one nothing can be issued, whatever else is missing.
    let approved = stored.as_ref().is_some_and(DraftRow::is_approved);
    if over.require_all && parts.signer.trim().is_empty() {
        return Err(BuildError::Missing(Missing::Signer));
    }
    let strict = over.require_all || approved;
    if parts.superior.trim().is_empty() {
        if strict {
            return Err(BuildError::Missing(Missing::Superior));
        }
        parts.superior = format!("ỦY BAN NHÂN DÂN {BLANK}");
    }
    if parts.place.trim().is_empty() {
        if strict {
            return Err(BuildError::Missing(Missing::Place(parts.superior)));
        }
        parts.place = BLANK.into();
    }
    let sections = match &stored {
        Some(d) => db.draft_sections(d.id).await?,
        None => Vec::new(),
    };
    let drafted;
    let written: Vec<theodoi_report::docx::Written<'_>> = if sections.is_empty() {
        drafted = theodoi_report::draft::draft(c);
        drafted
            .iter()
            .map(|s| theodoi_report::docx::Written {
                key: &s.key,
                heading: &s.heading,
                level: s.level,
                text: &s.text,
            })
            .collect()
    } else {
        sections
            .iter()
            .map(|s| theodoi_report::docx::Written {
                key: &s.key,
                heading: &s.heading,
                level: u8::try_from(s.level).unwrap_or(0),
                text: s.text(),
            })
            .collect()
    };
    let position_lines: Vec<&str> = parts.position.lines().collect();
    let head = theodoi_report::docx::Letterhead {
        superior: &parts.superior,
        issuer: if parts.issuer.trim().is_empty() {
            "SỞ TƯ PHÁP"
        } else {
            &parts.issuer
        },
        symbol: "BC-STP",
        place: &parts.place,
        date: (!(parts.date_blank || over.no_date)).then_some(today),
        position: position_lines.first().copied().unwrap_or("GIÁM ĐỐC"),
        position2: position_lines.get(1).copied(),
        signer: if parts.signer.trim().is_empty() {
            UNSIGNED
        } else {
            &parts.signer
        },
        recipients: &consolidation::RECIPIENTS,
        drafting_unit: &parts.drafting_unit,
        group: over.group,
    };
    let docx = theodoi_report::docx::report_from_draft(c, &written, &head, !approved)?;
    // Each arrangement its own name, so downloading both keeps both.
    let arranged = match over.group {
        theodoi_report::Grouping::Plan => "",
        theodoi_report::Grouping::Recommendations => "-theo-khuyen-nghi",
        theodoi_report::Grouping::Articles => "-theo-dieu-cong-uoc",
    };
    let stem = if approved {
        format!("bao-cao-dot-{round_id}{arranged}")
    } else {
        format!("du-thao-bao-cao-dot-{round_id}{arranged}")
    };
    Ok(ReportFile {
        docx,
        approved,
        drafted_now: sections.is_empty(),
        stem,
    })
}

fn theodoi_text_clean(s: &str) -> String {
    s.lines()
        .map(theodoi_text::clean)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
