//! The task part of a plan as an outline tree, and the tasks read from it.
//!
//! Stage one builds the tree: a paragraph's depth comes from its marker (1. / 1.1. / a) / - / +),
//! not from a fixed scheme, and label lines ("Cơ quan chủ trì: …") attach to the nearest numbered
//! or lettered point above them. Stage two reads tasks from the tree with small extractors: a
//! point whose sub-points carry their own labels is a group of tasks (its labels are their
//! defaults); any other point is one task whose sub-points and bullets are its items. Where no
//! label names a lead, the prose does ("Sở X chủ trì, phối hợp với …"). Every guess is a diagnostic.

use crate::body::Paragraph;
use crate::inline;
use crate::lexicon::Lexicon;
use crate::lines::{self, Kind, Label, Marker};
use crate::{Diagnostic, KeptField, refs};
use theodoi_domain::{AgencyMention, SourceSpan, Task, TaskItem, TaskRef, Timeframe};

struct Node<'p, 'a> {
    para: Option<&'p Paragraph<'a>>,
    marker: Option<Marker>,
    children: Vec<usize>,
    labels: Vec<&'p Paragraph<'a>>,
}

/// A task with the labelled fields kept beside it.
pub struct Extracted {
    pub task: Task,
    pub fields: Vec<KeptField>,
}

/// Labelled fields of one point.
#[derive(Default, Clone)]
struct Fields {
    lead: Vec<AgencyMention>,
    coordinating: Vec<AgencyMention>,
    time: Option<Timeframe>,
    content: Vec<TaskItem>,
    kept: Vec<KeptField>,
    span: SourceSpan,
    line: u32,
}

/// Read the tasks of one section ("II") from its paragraphs.
pub fn tasks(
    section: &str,
    paras: &[Paragraph<'_>],
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Extracted> {
    let nodes = build(paras);
    let mut out = Vec::new();
    // The root's labels are a task only when nothing below is one: their warnings ("two time
    // lines") wait until then, or labels of several tasks read as one would warn falsely.
    let mut root_diags = Vec::new();
    let root_fields = fields(&nodes[0], lex, &mut root_diags);
    let heading_kids: Vec<usize> = nodes[0]
        .children
        .iter()
        .copied()
        .filter(|&c| nodes[c].marker.is_some_and(Marker::is_heading))
        .collect();
    let first_heading = heading_kids.first().copied();
    // Paragraphs before the first point: tasks of their own when they assign in prose.
    let mut position = 0;
    for &c in &nodes[0].children {
        if Some(c) == first_heading {
            break;
        }
        let Some(p) = nodes[c].para else { continue };
        position += 1;
        match inline::assignment(&p.body(), lex) {
            Some(found) if !found.lead.is_empty() => {
                diags.push(Diagnostic::new(
                    p.span().start_line,
                    "lead_from_text",
                    "Đơn vị chủ trì đọc từ câu văn (\"… chủ trì, phối hợp với …\")".into(),
                ));
                let mut task = prose_task(TaskRef::section(section, position), p, found);
                flatten(&nodes, c, &mut task.items);
                out.push(Extracted {
                    task,
                    fields: Vec::new(),
                });
            }
            _ if first_heading.is_some() || !root_fields.has_any() => {
                diags.push(Diagnostic::new(
                    p.span().start_line,
                    "orphan_text",
                    "Đoạn văn trước nhiệm vụ đầu tiên của mục không thuộc nhiệm vụ nào".to_string(),
                ));
            }
            _ => {}
        }
    }
    if heading_kids.is_empty() && out.is_empty() && root_fields.has_any() {
        // Bullets followed by one set of labels, without a numbered point: one task.
        let mut items = Vec::new();
        flatten(&nodes, 0, &mut items);
        if let Some(first) = items.first().cloned() {
            diags.append(&mut root_diags);
            items.remove(0);
            let task = Task {
                reference: TaskRef::section(section, 1),
                title: first.text,
                items,
                lead: root_fields.lead.clone(),
                coordinating: root_fields.coordinating.clone(),
                time: root_fields
                    .time
                    .clone()
                    .unwrap_or_else(Timeframe::unspecified),
                product: None,
                span: if root_fields.span == SourceSpan::default() {
                    first.span
                } else {
                    first.span.join(root_fields.span)
                },
            };
            out.push(Extracted {
                task,
                fields: root_fields.kept.clone(),
            });
        }
        return out;
    }
    let mut used: Vec<u32> = Vec::new();
    for (i, &c) in heading_kids.iter().enumerate() {
        let own = match nodes[c].para.map(|p| &p.kind) {
            Some(Kind::Numbered { number, .. }) => *number,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        let number = if used.contains(&own) {
            let free = used.iter().max().map_or(1, |m| m + 1);
            if let Some(p) = nodes[c].para {
                diags.push(Diagnostic::new(
                    p.span().start_line,
                    "duplicate_number",
                    format!("Số thứ tự {own} lặp lại trong mục; nhiệm vụ được đánh số {free}"),
                ));
            }
            free
        } else {
            own
        };
        used.push(number);
        extract(
            &nodes,
            c,
            TaskRef::section(section, number),
            &root_fields,
            lex,
            diags,
            &mut out,
        );
    }
    out
}

fn build<'p, 'a>(paras: &'p [Paragraph<'a>]) -> Vec<Node<'p, 'a>> {
    let mut nodes = vec![Node {
        para: None,
        marker: None,
        children: Vec::new(),
        labels: Vec::new(),
    }];
    let mut stack: Vec<usize> = vec![0];
    for p in paras {
        match &p.kind {
            Kind::Label { .. } => {
                let owner = stack
                    .iter()
                    .rev()
                    .copied()
                    .find(|&n| n == 0 || nodes[n].marker.is_some_and(Marker::is_heading))
                    .unwrap_or(0);
                nodes[owner].labels.push(p);
            }
            Kind::Numbered { .. } | Kind::Item { .. } => {
                let m = lines::marker(&p.lines[0].text).unwrap_or(Marker::Dash);
                while let Some(&top) = stack.last() {
                    if top != 0 && nodes[top].marker.is_some_and(|t| t.rank() >= m.rank()) {
                        stack.pop();
                    } else {
                        break;
                    }
                }
                let id = nodes.len();
                nodes.push(Node {
                    para: Some(p),
                    marker: Some(m),
                    children: Vec::new(),
                    labels: Vec::new(),
                });
                let parent = stack.last().copied().unwrap_or(0);
                nodes[parent].children.push(id);
                stack.push(id);
            }
            _ => {
                let id = nodes.len();
                nodes.push(Node {
                    para: Some(p),
                    marker: None,
                    children: Vec::new(),
                    labels: Vec::new(),
                });
                let parent = stack.last().copied().unwrap_or(0);
                nodes[parent].children.push(id);
            }
        }
    }
    hoist_labels(&mut nodes);
    nodes
}

/// One set of labels after the last sub-point of a point, its sub-points carrying none of their
/// own ("1.1. …", "1.2. …", then "Đơn vị chủ trì: …"), belongs to the point: its sub-points are
/// items. Children come after their parents in the arena, so a backward pass settles the deepest
/// first.
fn hoist_labels(nodes: &mut [Node<'_, '_>]) {
    for n in (1..nodes.len()).rev() {
        if !nodes[n].labels.is_empty() {
            continue;
        }
        let kids: Vec<usize> = nodes[n]
            .children
            .iter()
            .copied()
            .filter(|&c| nodes[c].marker.is_some_and(Marker::is_heading))
            .collect();
        let labelled: Vec<usize> = kids
            .iter()
            .copied()
            .filter(|&c| !nodes[c].labels.is_empty())
            .collect();
        if let ([one], Some(last)) = (labelled.as_slice(), kids.last())
            && one == last
        {
            let moved = std::mem::take(&mut nodes[*one].labels);
            nodes[n].labels = moved;
        }
    }
}

impl Fields {
    fn has_any(&self) -> bool {
        !self.lead.is_empty() || !self.coordinating.is_empty() || self.time.is_some()
    }
}

/// The labelled fields of a point; several labels on one line ("Chủ trì: X; Thời gian: Y") are
/// split first.
fn fields(node: &Node<'_, '_>, lex: &Lexicon, diags: &mut Vec<Diagnostic>) -> Fields {
    let mut f = Fields::default();
    for p in &node.labels {
        let Kind::Label { label, .. } = &p.kind else {
            continue;
        };
        f.span = f.span.join(p.span());
        if f.line == 0 {
            f.line = p.span().start_line;
        }
        let head = p.lines[0].text.split(':').next().unwrap_or_default().trim();
        let body = p.body();
        for (label, head, text) in split_labels(*label, head, &body) {
            match label {
                Label::Lead => f.lead.extend(refs::agencies(&text, false, lex)),
                Label::Coordinating => f.coordinating.extend(refs::agencies(&text, false, lex)),
                Label::Time => {
                    if f.time.is_some() {
                        diags.push(Diagnostic::new(
                            p.span().start_line,
                            "second_time",
                            "Nhiệm vụ có hai dòng thời gian; giữ dòng sau".into(),
                        ));
                    }
                    f.time = Some(crate::norm::timeframe(&text));
                }
                Label::Content => f.content.push(TaskItem {
                    text,
                    span: p.span(),
                }),
                Label::Kept => f.kept.push(KeptField {
                    label: head
                        .trim_start_matches(|c: char| !c.is_alphabetic())
                        .to_string(),
                    text,
                    line: p.span().start_line,
                }),
            }
        }
    }
    f
}

/// "Sở Tư pháp; Phối hợp: Sở Nội vụ; Thời gian: Quý II/2026" → three labelled texts.
fn split_labels(label: Label, head: &str, text: &str) -> Vec<(Label, String, String)> {
    let mut out = Vec::new();
    let mut cur = (label, head.to_string(), String::new());
    let mut rest = text;
    loop {
        let next = rest.char_indices().find_map(|(i, c)| {
            if !matches!(c, ';' | '.' | ',') {
                return None;
            }
            let after = rest[i + 1..].trim_start();
            let (h, body) = after.split_once(':')?;
            let l = lines::label_of(h)?;
            (lines::starts_upper(h)).then(|| (i, l, h.trim().to_string(), body))
        });
        match next {
            Some((i, l, h, body)) => {
                cur.2 = rest[..i].trim().to_string();
                out.push(cur);
                cur = (l, h, String::new());
                rest = body;
            }
            None => {
                cur.2 = rest.trim().to_string();
                out.push(cur);
                return out;
            }
        }
    }
}

/// Whether a point or one of its numbered/lettered descendants carries labels.
fn labelled_heading_below(nodes: &[Node<'_, '_>], n: usize) -> bool {
    nodes[n].children.iter().any(|&c| {
        nodes[c].marker.is_some_and(Marker::is_heading)
            && (!nodes[c].labels.is_empty() || labelled_heading_below(nodes, c))
    })
}

fn extract(
    nodes: &[Node<'_, '_>],
    n: usize,
    reference: TaskRef,
    inherited: &Fields,
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
    out: &mut Vec<Extracted>,
) {
    let node = &nodes[n];
    let Some(p) = node.para else { return };
    let own = fields(node, lex, diags);
    if labelled_heading_below(nodes, n) {
        // A group: its points are the tasks, its own labels their defaults.
        let defaults = Fields {
            lead: pick(&own.lead, &inherited.lead),
            coordinating: pick(&own.coordinating, &inherited.coordinating),
            time: own.time.clone().or_else(|| inherited.time.clone()),
            ..Fields::default()
        };
        let mut k = 0;
        for &c in &node.children {
            if nodes[c].marker.is_some_and(Marker::is_heading) {
                k += 1;
                let r = TaskRef::section(reference.as_str(), k);
                extract(nodes, c, r, &defaults, lex, diags, out);
            } else if let Some(cp) = nodes[c].para {
                diags.push(Diagnostic::new(
                    cp.span().start_line,
                    "group_text",
                    format!("Đoạn văn của nhóm nhiệm vụ {reference} không thuộc nhiệm vụ con nào"),
                ));
            }
        }
        return;
    }
    let title = title_of(p);
    let mut items = own.content.clone();
    flatten(nodes, n, &mut items);
    let mut span = p.span();
    for i in &items {
        span = span.join(i.span);
    }
    if own.span != SourceSpan::default() {
        span = span.join(own.span);
    }
    let mut task = Task {
        reference,
        title,
        items,
        lead: own.lead.clone(),
        coordinating: own.coordinating.clone(),
        time: own.time.clone().unwrap_or_else(Timeframe::unspecified),
        product: None,
        span,
    };
    let line = p.span().start_line;
    if task.lead.is_empty() {
        // Several bullets each naming its own lead in prose: each bullet is a task.
        let bullets: Vec<usize> = node
            .children
            .iter()
            .copied()
            .filter(|&c| nodes[c].para.is_some())
            .collect();
        let found: Vec<Option<inline::Inline>> = bullets
            .iter()
            .map(|&c| {
                nodes[c]
                    .para
                    .and_then(|cp| inline::assignment(&cp.body(), lex))
                    .filter(|a| !a.lead.is_empty())
            })
            .collect();
        if inherited.lead.is_empty() && found.len() >= 2 && found.iter().all(Option::is_some) {
            diags.push(Diagnostic::new(
                line,
                "tasks_from_prose",
                format!(
                    "Mỗi gạch đầu dòng của {} giao việc cho một đơn vị trong câu văn: mỗi gạch là một nhiệm vụ",
                    task.reference
                ),
            ));
            for (k, (&c, a)) in bullets.iter().zip(found).enumerate() {
                let (Some(cp), Some(a)) = (nodes[c].para, a) else {
                    continue;
                };
                let r =
                    TaskRef::section(task.reference.as_str(), u32::try_from(k + 1).unwrap_or(0));
                let mut t = prose_task(r, cp, a);
                if t.time.text.is_empty() {
                    t.time = task.time.clone();
                }
                flatten(nodes, c, &mut t.items);
                out.push(Extracted {
                    task: t,
                    fields: own.kept.clone(),
                });
            }
            return;
        }
        if let Some(a) = inline::assignment(&task.title, lex).filter(|a| !a.lead.is_empty()) {
            diags.push(Diagnostic::new(
                line,
                "lead_from_text",
                format!(
                    "Đơn vị chủ trì của {} đọc từ câu văn (\"… chủ trì, phối hợp với …\")",
                    task.reference
                ),
            ));
            task.lead = a.lead;
            if task.coordinating.is_empty() {
                task.coordinating = a.coordinating;
            }
            if task.time.text.is_empty()
                && let Some(t) = a.time
            {
                diags.push(time_guess(line, &task.reference));
                task.time = t;
            }
        }
    }
    if task.lead.is_empty() && !inherited.lead.is_empty() {
        diags.push(Diagnostic::new(
            line,
            "inherited_lead",
            format!(
                "Nhiệm vụ {} không ghi đơn vị chủ trì: lấy đơn vị chủ trì của mục trên",
                task.reference
            ),
        ));
        task.lead = inherited.lead.clone();
        if task.coordinating.is_empty() {
            task.coordinating = inherited.coordinating.clone();
        }
    }
    if task.time.text.is_empty()
        && let Some(t) = &inherited.time
    {
        diags.push(Diagnostic::new(
            line,
            "inherited_time",
            format!(
                "Nhiệm vụ {} không ghi thời gian: lấy thời gian của mục trên",
                task.reference
            ),
        ));
        task.time = t.clone();
    }
    out.push(Extracted {
        task,
        fields: own.kept,
    });
}

fn time_guess(line: u32, r: &TaskRef) -> Diagnostic {
    Diagnostic::new(
        line,
        "time_from_text",
        format!("Thời gian của {r} đọc từ câu văn, không có dòng \"Thời gian:\""),
    )
}

fn pick(own: &[AgencyMention], inherited: &[AgencyMention]) -> Vec<AgencyMention> {
    if own.is_empty() {
        inherited.to_vec()
    } else {
        own.to_vec()
    }
}

/// A task from one sentence of prose.
fn prose_task(reference: TaskRef, p: &Paragraph<'_>, a: inline::Inline) -> Task {
    Task {
        reference,
        title: title_of(p),
        items: Vec::new(),
        lead: a.lead,
        coordinating: a.coordinating,
        time: a.time.unwrap_or_else(Timeframe::unspecified),
        product: None,
        span: p.span(),
    }
}

/// A point's text without its marker ("1.2. Tập huấn" → "Tập huấn").
fn title_of(p: &Paragraph<'_>) -> String {
    match p.kind {
        Kind::Item { .. } => lines::strip_marker(&p.body()).to_string(),
        _ => p.body(),
    }
}

/// The descendants of `n` in reading order as items: numbered and lettered points keep their
/// marker ("1.1. …", "a) …"), bullets lose it.
fn flatten(nodes: &[Node<'_, '_>], n: usize, items: &mut Vec<TaskItem>) {
    for &c in &nodes[n].children {
        if let Some(p) = nodes[c].para {
            items.push(TaskItem {
                text: p.body(),
                span: p.span(),
            });
        }
        flatten(nodes, c, items);
    }
}
