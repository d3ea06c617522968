//! The body of a plan: title, preamble, sections I–III, Nơi nhận and the signature block.
//!
//! Lines are first joined into paragraphs (a PDF breaks every paragraph into lines and often puts a
//! blank line after the first), then paragraphs are read as the plan's structure: task groups with
//! their "Đơn vị chủ trì / phối hợp / Thời gian" lines, responsibility blocks, lists.

use crate::lexicon::Lexicon;
use crate::lines::{self, Kind, Line, ends_sentence, is_all_caps, starts_lower, starts_upper};
use crate::{Diagnostic, KeptField, inline, outline, refs};
use theodoi_domain::{Responsibility, Section, Signer, SourceSpan, Task, TaskRef};

/// A paragraph: the kind of its first line and the lines it spans.
#[derive(Debug, Clone)]
pub(crate) struct Paragraph<'a> {
    pub(crate) kind: Kind,
    pub(crate) lines: Vec<&'a Line>,
}

impl Paragraph<'_> {
    /// The paragraph's text after its marker ("1.", "-", "Đơn vị chủ trì:"), lines joined by a space.
    pub(crate) fn body(&self) -> String {
        let first = match &self.kind {
            Kind::Roman { rest, .. }
            | Kind::Numbered { rest, .. }
            | Kind::Item { rest }
            | Kind::Label { rest, .. }
            | Kind::Recipients { rest } => rest.clone(),
            Kind::SignatureAuthority | Kind::Text => self.lines[0].text.clone(),
        };
        let mut out = first;
        for l in &self.lines[1..] {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&l.text);
        }
        out
    }

    pub(crate) fn span(&self) -> SourceSpan {
        let first = self.lines.first().map_or(0, |l| l.no);
        let last = self.lines.last().map_or(first, |l| l.no);
        SourceSpan::new(first, last)
    }

    fn last_text(&self) -> &str {
        self.lines.last().map_or("", |l| l.text.as_str())
    }
}

/// What the body holds, before it becomes a [`theodoi_domain::Plan`].
#[derive(Debug, Default)]
pub struct Body {
    pub title: String,
    pub preamble: String,
    pub sections: Vec<Section>,
    pub purposes: Vec<String>,
    pub requirements: Vec<String>,
    pub tasks: Vec<Task>,
    /// The bodies each responsibility block "phối hợp với", in the order of `responsibilities`.
    pub responsibility_coordinating: Vec<Vec<theodoi_domain::AgencyMention>>,
    /// Labelled fields kept beside the tasks ("Sản phẩm", "Kinh phí"), by task reference.
    pub fields: Vec<(TaskRef, Vec<KeptField>)>,
    pub responsibilities: Vec<Responsibility>,
    pub closing: Option<String>,
    pub recipients: Vec<String>,
    pub signer: Option<Signer>,
}

/// Words that open a preamble ("Căn cứ …", "Thực hiện Quyết định …") and so end the title.
const PREAMBLE_OPENERS: &[&str] = &[
    "can cu",
    "thuc hien",
    "thi hanh",
    "nham",
    "de ",
    "theo de nghi",
];

/// Read a body. A fragment (no type line above it) has no title: its first lines are read as
/// plan text.
pub fn parse(
    lines: &[Line],
    fragment: bool,
    has_table_tasks: bool,
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let mut body = Body::default();
    let (title_end, title) = if fragment {
        (0, String::new())
    } else {
        title(lines)
    };
    body.title = title;
    let rest = &lines[title_end..];
    // What each line looks like, found once.
    let mut kinds: Vec<Kind> = rest.iter().map(|l| lines::classify(&l.text)).collect();
    // The tail (Nơi nhận and the signature) starts at "Nơi nhận:" or at the first "TM./KT." line.
    let tail_at = kinds
        .iter()
        .position(|k| matches!(k, Kind::Recipients { .. } | Kind::SignatureAuthority))
        .unwrap_or(rest.len());
    kinds.truncate(tail_at);
    let paragraphs = paragraphs(&rest[..tail_at], kinds, diags);
    structure(&paragraphs, &mut body, has_table_tasks, lex, diags);
    tail(&rest[tail_at..], &mut body);
    body
}

/// The title (trích yếu) runs from the first line after the type line to the preamble or the first
/// heading.
fn title(lines: &[Line]) -> (usize, String) {
    let mut parts: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(l) = lines.get(i) {
        let f = theodoi_text::fold_chars(&l.text);
        let opener = PREAMBLE_OPENERS.iter().any(|o| f.starts_with(o));
        let structural = !matches!(lines::classify(&l.text), Kind::Text);
        let separator = l.text.chars().all(|c| !c.is_alphanumeric());
        if separator {
            i += 1;
            if parts.is_empty() {
                continue;
            }
            break;
        }
        if ((opener || is_heading_line(&f)) && !parts.is_empty() && starts_upper(&l.text))
            || structural
        {
            break;
        }
        parts.push(&l.text);
        i += 1;
    }
    (i, parts.join(" "))
}

/// Words that open an unnumbered heading ("Nhiệm vụ cụ thể", "Mục đích, yêu cầu"), folded.
const HEADING_OPENERS: &[&str] = &[
    "nhiem vu",
    "noi dung",
    "muc dich",
    "yeu cau",
    "giai phap",
    "to chuc thuc hien",
    "phan cong",
];

/// A short line opening with a heading word: a heading above the tasks, not the title's tail.
fn is_heading_line(folded: &str) -> bool {
    HEADING_OPENERS.iter().any(|h| {
        folded
            .strip_prefix(h)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', ',', ':']))
    }) && folded.split_whitespace().count() <= 8
        && !folded.ends_with([',', ';'])
}

/// A line that is only a number (a page number left by extraction).
fn is_page_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 4 && text.chars().all(|c| c.is_ascii_digit())
}

/// Lines joined into paragraphs; `kinds` says what each line looks like ([`lines::classify`]).
fn paragraphs<'a>(
    lines: &'a [Line],
    kinds: Vec<Kind>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Paragraph<'a>> {
    let mut out: Vec<Paragraph<'a>> = Vec::new();
    for (line, kind) in lines.iter().zip(kinds) {
        if is_page_number(&line.text) {
            diags.push(Diagnostic::new(
                line.no,
                "page_number",
                format!("Bỏ qua số trang \"{}\"", line.text),
            ));
            continue;
        }
        let continues = match (&kind, out.last()) {
            (Kind::Text, Some(p)) => match &p.kind {
                Kind::Roman { .. } | Kind::Numbered { .. } => starts_lower(&line.text),
                Kind::Label { .. } => !ends_sentence(p.last_text()) || starts_lower(&line.text),
                Kind::Item { .. } => true,
                Kind::Text => !(ends_sentence(p.last_text()) && starts_upper(&line.text)),
                Kind::Recipients { .. } | Kind::SignatureAuthority => false,
            },
            _ => false,
        };
        match out.last_mut() {
            Some(p) if continues => p.lines.push(line),
            _ => out.push(Paragraph {
                kind,
                lines: vec![line],
            }),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionRole {
    Purposes,
    Tasks,
    Organisation,
    Other,
}

fn section_role(heading: &str) -> SectionRole {
    let f = theodoi_text::fold_chars(heading);
    if f.contains("muc dich") || f.contains("yeu cau") {
        SectionRole::Purposes
    } else if f.contains("nhiem vu") || f.contains("giai phap") || f.contains("noi dung") {
        SectionRole::Tasks
    } else if f.contains("to chuc thuc hien") || f.contains("trach nhiem") {
        SectionRole::Organisation
    } else {
        SectionRole::Other
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    None,
    Purposes,
    Requirements,
}

fn structure(
    paragraphs: &[Paragraph<'_>],
    body: &mut Body,
    has_table_tasks: bool,
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
) {
    // A text without roman sections (a pasted task list, a body's short plan) is all tasks.
    let sectioned = paragraphs
        .iter()
        .any(|p| matches!(p.kind, Kind::Roman { .. }));
    let mut role = (!sectioned).then_some(SectionRole::Tasks);
    let mut section_no = if sectioned {
        String::new()
    } else {
        "NV".to_string()
    };
    let mut organisation_no = String::new();
    let mut list = List::None;
    // The last duty paragraph of section III, so the closing paragraph can be told apart after
    // the whole section has been read.
    let mut last_duty: Option<LastDuty> = None;
    let mut preamble: Vec<String> = Vec::new();
    let mut task_paras: Vec<Paragraph<'_>> = Vec::new();
    for p in paragraphs {
        match &p.kind {
            Kind::Roman { number, rest } => {
                flush_tasks(&section_no, &mut task_paras, body, lex, diags);
                let heading = p.body();
                role = Some(section_role(rest));
                section_no.clone_from(number);
                if role == Some(SectionRole::Organisation) {
                    organisation_no.clone_from(number);
                }
                list = List::None;
                body.sections.push(Section {
                    number: number.clone(),
                    heading,
                    span: p.span(),
                });
                continue;
            }
            _ if role.is_none() => {
                preamble.push(p.body());
                continue;
            }
            _ => {}
        }
        if let Some(s) = body.sections.last_mut() {
            s.span = s.span.join(p.span());
        }
        match role {
            Some(SectionRole::Purposes) => purposes(p, &mut list, body),
            Some(SectionRole::Tasks) => {
                if !sectioned && is_purpose_heading(p) {
                    role = Some(SectionRole::Purposes);
                    purposes(p, &mut list, body);
                } else {
                    task_paras.push(p.clone());
                }
            }
            Some(SectionRole::Organisation) => organisation(p, body, lex, &mut last_duty),
            Some(SectionRole::Other) | None => {}
        }
    }
    flush_tasks(&section_no, &mut task_paras, body, lex, diags);
    body.preamble = preamble.join("\n");
    if let Some(last) = last_duty {
        split_closing(body, &last);
    }
    if body.tasks.is_empty() && !has_table_tasks && !body.responsibilities.is_empty() {
        let mut tasks = Vec::new();
        tasks_from_bodies(body, &organisation_no, &mut tasks, diags);
        body.tasks = tasks;
    }
    for t in &body.tasks {
        if t.time.text.is_empty() {
            diags.push(Diagnostic::new(
                t.span.start_line,
                "no_time",
                format!("Nhiệm vụ {} không ghi thời gian thực hiện", t.reference),
            ));
        }
        if t.lead.is_empty() {
            diags.push(Diagnostic::new(
                t.span.start_line,
                "no_lead",
                format!("Nhiệm vụ {} không ghi đơn vị chủ trì", t.reference),
            ));
        }
    }
}

/// "1. Mục đích" in a text without sections: the purposes, not a task.
fn is_purpose_heading(p: &Paragraph<'_>) -> bool {
    let Kind::Numbered { rest, .. } = &p.kind else {
        return false;
    };
    let f = theodoi_text::fold_chars(rest);
    let f = f.trim_end_matches(['.', ':']);
    matches!(
        f,
        "muc dich" | "yeu cau" | "muc dich, yeu cau" | "muc dich va yeu cau"
    )
}

/// Read the tasks of the section just ended.
fn flush_tasks(
    section_no: &str,
    paras: &mut Vec<Paragraph<'_>>,
    body: &mut Body,
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
) {
    if paras.is_empty() {
        return;
    }
    for e in outline::tasks(section_no, paras, lex, diags) {
        for m in e.task.lead.iter().chain(&e.task.coordinating) {
            if let Some(new) = lex.successor(&m.name) {
                diags.push(Diagnostic::new(
                    e.task.span.start_line,
                    "old_body_name",
                    format!("\"{}\" là tên cũ; nay là {new}", m.name),
                ));
            }
        }
        if !e.fields.is_empty() {
            body.fields.push((e.task.reference.clone(), e.fields));
        }
        body.tasks.push(e.task);
    }
    paras.clear();
}

/// A document without a task list assigns by body ("3. Sở Giáo dục và Đào tạo chủ trì, phối hợp
/// với …" and its bullets): each block becomes a task led by that body.
fn tasks_from_bodies(
    body: &Body,
    section_no: &str,
    tasks: &mut Vec<Task>,
    diags: &mut Vec<Diagnostic>,
) {
    let section = if section_no.is_empty() {
        "NV"
    } else {
        section_no
    };
    let mut first = true;
    for (i, r) in body.responsibilities.iter().enumerate() {
        if r.agencies.is_empty() {
            continue;
        }
        if first {
            diags.push(Diagnostic::new(
                r.span.start_line,
                "tasks_from_bodies",
                "Kế hoạch không có danh sách nhiệm vụ: mỗi đơn vị ở mục Tổ chức thực hiện là một nhiệm vụ do đơn vị đó chủ trì".into(),
            ));
            first = false;
        }
        let coordinating = body
            .responsibility_coordinating
            .get(i)
            .cloned()
            .unwrap_or_default();
        let title = r.heading.trim_end_matches(':').trim().to_string();
        let items = r
            .duties
            .iter()
            .map(|d| theodoi_domain::TaskItem {
                text: d.clone(),
                span: r.span,
            })
            .collect();
        tasks.push(Task {
            reference: TaskRef::section(section, r.number),
            title,
            items,
            lead: r.agencies.clone(),
            coordinating,
            time: inline::time_in(&r.heading)
                .unwrap_or_else(theodoi_domain::Timeframe::unspecified),
            product: None,
            span: r.span,
        });
    }
}

fn purposes(p: &Paragraph<'_>, list: &mut List, body: &mut Body) {
    match &p.kind {
        Kind::Numbered { rest, .. } => {
            let f = theodoi_text::fold_chars(rest);
            *list = if f.contains("muc dich") {
                List::Purposes
            } else if f.contains("yeu cau") {
                List::Requirements
            } else {
                List::None
            };
        }
        Kind::Item { .. } | Kind::Text => match list {
            List::Purposes => body.purposes.push(p.body()),
            List::Requirements => body.requirements.push(p.body()),
            List::None => {}
        },
        _ => {}
    }
}

/// The last duty paragraph read in section III: whether it was a "-" item, and its lines.
struct LastDuty {
    was_item: bool,
    lines: Vec<(u32, String)>,
}

fn organisation(
    p: &Paragraph<'_>,
    body: &mut Body,
    lex: &Lexicon,
    last_duty: &mut Option<LastDuty>,
) {
    match &p.kind {
        Kind::Numbered { number, .. } => {
            let heading = p.body();
            let requested = refs::strip_request(&heading).is_some();
            // "Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Y tế, UBND các xã:" names the body
            // and those it works with; a plain heading is the body's name.
            let (agencies, coordinating) = match inline::assignment(&heading, lex) {
                Some(a) if !a.lead.is_empty() => (a.lead, a.coordinating),
                _ => (refs::agencies(&heading, false, lex), Vec::new()),
            };
            body.responsibility_coordinating.push(coordinating);
            body.responsibilities.push(Responsibility {
                number: *number,
                heading,
                agencies,
                requested_only: requested,
                duties: Vec::new(),
                span: p.span(),
            });
        }
        Kind::Item { .. } | Kind::Text | Kind::Label { .. } => {
            if let Some(r) = body.responsibilities.last_mut() {
                r.span = r.span.join(p.span());
                r.duties.push(p.body());
                *last_duty = Some(LastDuty {
                    was_item: matches!(p.kind, Kind::Item { .. }),
                    lines: p.lines.iter().map(|l| (l.no, l.text.clone())).collect(),
                });
            } else {
                body.closing = Some(p.body());
            }
        }
        _ => {}
    }
}

/// Section III often ends with a paragraph for the whole plan ("Trong quá trình triển khai …, nếu
/// phát sinh vướng mắc … phản ánh về Sở Tư pháp …./.") that extraction glues onto the last duty.
/// It is the last paragraph, it ends with the end-of-text mark "./.", and it starts a new sentence.
fn split_closing(body: &mut Body, last_duty: &LastDuty) {
    let LastDuty { was_item, lines } = last_duty;
    let was_item = *was_item;
    let Some(r) = body.responsibilities.last_mut() else {
        return;
    };
    let Some(last) = r.duties.last().cloned() else {
        return;
    };
    let ends_document = last.trim_end().ends_with("/.");
    if !was_item {
        // A separate unmarked paragraph after "-" duties is the closing paragraph.
        if r.duties.len() > 1 && ends_document {
            body.closing = r.duties.pop();
        }
        return;
    }
    if !ends_document {
        return;
    }
    let split_at = (1..lines.len())
        .rev()
        .find(|&k| starts_upper(&lines[k].1) && ends_sentence(&lines[k - 1].1));
    if let Some(k) = split_at {
        let closing: Vec<&str> = lines[k..].iter().map(|(_, t)| t.as_str()).collect();
        let closing = closing.join(" ");
        if let Some(d) = r.duties.last_mut() {
            let keep = d.len().saturating_sub(closing.len() + 1);
            d.truncate(keep);
            *d = d.trim_end().to_string();
        }
        if let Some(first) = lines.get(k) {
            r.span = SourceSpan::new(r.span.start_line, first.0.saturating_sub(1));
        }
        body.closing = Some(closing);
    }
}

/// Nơi nhận and the signature block, in whichever order extraction left them.
fn tail(lines: &[Line], body: &mut Body) {
    let mut signer = Signer::default();
    let mut in_recipients = false;
    let mut any_signer = false;
    for l in lines {
        let text = l.text.as_str();
        match lines::classify(text) {
            Kind::Recipients { rest } => {
                in_recipients = true;
                if !rest.is_empty() {
                    body.recipients.push(recipient(&rest));
                }
            }
            Kind::Item { rest } if in_recipients => body.recipients.push(recipient(&rest)),
            Kind::SignatureAuthority => {
                in_recipients = false;
                any_signer = true;
                if text.starts_with("TM.") {
                    signer.on_behalf = Some(text.to_string());
                } else {
                    signer.authority = Some(text.to_string());
                }
            }
            _ if is_all_caps(text) && any_signer && signer.title.is_none() => {
                signer.title = Some(text.to_string());
            }
            _ if any_signer && signer.name.is_none() && looks_like_name(text) => {
                signer.name = Some(text.to_string());
            }
            _ => {}
        }
    }
    if any_signer {
        body.signer = Some(signer);
    }
}

fn recipient(text: &str) -> String {
    text.trim().trim_end_matches([';', ',']).trim().to_string()
}

/// A person's name: two to six capitalised words, no digits ("Trần Hữu Thuỳ Giang").
fn looks_like_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=6).contains(&words.len())
        && words
            .iter()
            .all(|w| starts_upper(w) && w.chars().all(char::is_alphabetic))
        && !is_all_caps(text)
}
