//! The JSON of `theodoi plan parse`: a contract other tools read. Field names here do not change;
//! new fields may be added.

use crate::ParsedPlan;
use serde::Serialize;
use theodoi_domain::{AgencyMention, SourceSpan, Timeframe};

#[derive(Serialize)]
pub struct PlanJson<'a> {
    pub document: DocumentJson<'a>,
    pub part: crate::Part,
    pub appendix_title: Option<&'a str>,
    pub purposes: &'a [String],
    pub requirements: &'a [String],
    pub sections: Vec<SectionJson<'a>>,
    pub tasks: Vec<TaskJson<'a>>,
    pub responsibilities: Vec<ResponsibilityJson<'a>>,
    pub closing: Option<&'a str>,
    pub recipients: &'a [String],
    pub signer: Option<SignerJson<'a>>,
    pub diagnostics: &'a [crate::Diagnostic],
}

#[derive(Serialize)]
pub struct DocumentJson<'a> {
    #[serde(rename = "type")]
    pub doc_type: &'static str,
    pub number: Option<&'a str>,
    pub issuer: Option<&'a str>,
    pub place: Option<&'a str>,
    pub date: Option<String>,
    pub title: &'a str,
    pub implements: Vec<&'a str>,
    pub appendix_of: Option<&'a str>,
    pub links: &'a [theodoi_domain::DocumentLink],
}

#[derive(Serialize)]
pub struct SectionJson<'a> {
    pub number: &'a str,
    pub heading: &'a str,
    pub lines: [u32; 2],
}

#[derive(Serialize)]
pub struct TaskJson<'a> {
    #[serde(rename = "ref")]
    pub reference: &'a str,
    pub title: &'a str,
    pub items: Vec<&'a str>,
    pub lead: Vec<&'a str>,
    pub coordinating: Vec<&'a str>,
    pub time: &'a Timeframe,
    /// Sản phẩm, as the task carries it; absent when the plan names none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<&'a str>,
    pub assignments: Vec<AssignmentJson<'a>>,
    pub lines: [u32; 2],
    /// Labelled lines kept but not assigned ("Sản phẩm", "Kinh phí"); absent when none.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub fields: &'a [crate::KeptField],
}

#[derive(Serialize)]
pub struct AssignmentJson<'a> {
    pub agency: &'a str,
    pub code: String,
    pub role: &'static str,
    pub kind: &'static str,
    pub group: bool,
    pub requested_only: bool,
}

#[derive(Serialize)]
pub struct ResponsibilityJson<'a> {
    pub number: u32,
    pub agency: String,
    pub agencies: Vec<&'a str>,
    pub requested_only: bool,
    pub duties: &'a [String],
    pub lines: [u32; 2],
}

#[derive(Serialize)]
pub struct SignerJson<'a> {
    pub on_behalf: Option<&'a str>,
    pub authority: Option<&'a str>,
    pub title: Option<&'a str>,
    pub name: Option<&'a str>,
}

fn lines(s: SourceSpan) -> [u32; 2] {
    [s.start_line, s.end_line]
}

fn names(v: &[AgencyMention]) -> Vec<&str> {
    v.iter().map(|a| a.name.as_str()).collect()
}

/// The contract view of a parse.
pub fn view(p: &ParsedPlan) -> PlanJson<'_> {
    let plan = &p.plan;
    let d = &plan.document;
    PlanJson {
        document: DocumentJson {
            doc_type: d.doc_type.abbreviation(),
            number: d.number.as_ref().map(|n| n.as_str()),
            issuer: d.issuer.as_deref(),
            place: d.place.as_deref(),
            date: d.date.map(|x| x.to_string()),
            title: &d.title,
            implements: d.implements().map(|n| n.as_str()).collect(),
            appendix_of: d
                .links
                .iter()
                .find(|l| l.kind == theodoi_domain::LinkKind::AppendixOf)
                .map(|l| l.number.as_str()),
            links: &d.links,
        },
        part: p.part,
        appendix_title: p.appendix_title.as_deref(),
        purposes: &plan.purposes,
        requirements: &plan.requirements,
        sections: plan
            .sections
            .iter()
            .map(|s| SectionJson {
                number: &s.number,
                heading: &s.heading,
                lines: lines(s.span),
            })
            .collect(),
        tasks: plan
            .tasks
            .iter()
            .map(|t| TaskJson {
                reference: t.reference.as_str(),
                title: &t.title,
                items: t.items.iter().map(|i| i.text.as_str()).collect(),
                lead: names(&t.lead),
                coordinating: names(&t.coordinating),
                time: &t.time,
                product: t.product.as_deref(),
                assignments: t
                    .assignments()
                    .map(|a| AssignmentJson {
                        agency: &a.agency.name,
                        code: a.agency.code(),
                        role: a.role.code(),
                        kind: a.agency.kind.code(),
                        group: a.agency.group,
                        requested_only: a.agency.requested_only,
                    })
                    .collect(),
                lines: lines(t.span),
                fields: p
                    .fields
                    .iter()
                    .find(|(r, _)| *r == t.reference)
                    .map_or(&[][..], |(_, f)| f.as_slice()),
            })
            .collect(),
        responsibilities: plan
            .responsibilities
            .iter()
            .map(|r| ResponsibilityJson {
                number: r.number,
                agency: crate::refs::strip_request(&r.heading).unwrap_or_else(|| r.heading.clone()),
                agencies: names(&r.agencies),
                requested_only: r.requested_only,
                duties: &r.duties,
                lines: lines(r.span),
            })
            .collect(),
        closing: plan.closing.as_deref(),
        recipients: &plan.recipients,
        signer: plan.signer.as_ref().map(|s| SignerJson {
            on_behalf: s.on_behalf.as_deref(),
            authority: s.authority.as_deref(),
            title: s.title.as_deref(),
            name: s.name.as_deref(),
        }),
        diagnostics: &p.diagnostics,
    }
}
