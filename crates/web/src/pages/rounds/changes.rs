//! A body's report changed from outside its page (the JSON API): each change becomes the field
//! the page would post, over the stored report, and goes through the same reading, checks,
//! version and approval rule as a save from the page. Unlike the page, nothing is written when
//! any entry is refused: a program gets every reason at once and sends again.

use super::entry::{field_cell, field_task, field_total, read, stored_fields};
use super::*;
use crate::i18n::Lang;

/// One change to a report, named as the API names things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A task's status (a code such as "done", or its label), reason or results; the task by id.
    Status(i64, String),
    Reason(i64, String),
    Results(i64, String),
    /// An indicator's total (dimension and category empty) or a breakdown's cell, by codes;
    /// `None` clears it.
    Value {
        indicator: String,
        dimension: String,
        category: String,
        value: Option<i64>,
    },
    Difficulties(String),
    Proposals(String),
}

/// Why a change was not saved: each reason, in the language asked for.
#[derive(Debug)]
pub enum Refused {
    Checks(Vec<String>),
    /// The report was saved since the version the change names: the version it is at now.
    Stale(i32),
    App(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

/// Apply `changes` to the body's report at `version` (the version read; 0 before anything is
/// saved) as a save by `user`, the body's focal point or head. Returns the report's version
/// after it (the same when nothing changed). An approved report is changed only with
/// `void_approval`, as on the page.
pub async fn change_report(
    state: &AppState,
    user: &User,
    lang: Lang,
    (round_id, agency_id): (i64, i64),
    version: i32,
    changes: &[Change],
    void_approval: bool,
) -> Result<i32, Refused> {
    user.require(user.role.is_agency() && user.row.agency_id == Some(agency_id))?;
    let actor = actor(user).ok_or(AppError::Forbidden)?;
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .filter(|f| !f.tasks.is_empty())
        .ok_or(AppError::NotFound)?;
    // An outdated version first: the change was made over a report that is no longer there.
    let stored_version = form.report.as_ref().map_or(0, |r| r.version);
    if version != stored_version {
        return Err(Refused::Stale(stored_version));
    }
    let mut fields = stored_fields(&form);
    let mut seen = std::collections::HashSet::new();
    fields.insert("version".into(), version.to_string());
    let mut refused = Vec::new();
    let vi = lang == Lang::Vi;
    for c in changes {
        match c {
            Change::Status(task, v) | Change::Reason(task, v) | Change::Results(task, v) => {
                if !form.tasks.iter().any(|t| t.task_id == *task) {
                    refused.push(if vi {
                        format!("Nhiệm vụ mã số {task} không thuộc báo cáo này.")
                    } else {
                        format!("Task {task} is not one of this report's.")
                    });
                    continue;
                }
                let part = match c {
                    Change::Status(..) => "status",
                    Change::Reason(..) => "reason",
                    _ => "results",
                };
                fields.insert(field_task(*task, part), v.clone());
            }
            Change::Value {
                indicator,
                dimension,
                category,
                value,
            } => {
                let Some(ind) = form.indicators.iter().find(|i| i.code == *indicator) else {
                    refused.push(if vi {
                        format!(
                            "Chỉ tiêu \u{201C}{indicator}\u{201D} không được hỏi trong đợt này."
                        )
                    } else {
                        format!(
                            "The indicator \u{201C}{indicator}\u{201D} is not asked in this round."
                        )
                    });
                    continue;
                };
                let name = if dimension.is_empty() && category.is_empty() {
                    Some(field_total(ind))
                } else {
                    ind.dims()
                        .into_iter()
                        .find(|d| d.code() == dimension)
                        .filter(|d| {
                            d.categories()
                                .iter()
                                .any(|(code, ..)| *code == category.as_str())
                        })
                        .map(|d| field_cell(ind, d, category))
                };
                let Some(name) = name else {
                    refused.push(if vi {
                        format!(
                            "Chỉ tiêu \u{201C}{indicator}\u{201D} không có phân tổ \u{201C}{dimension}\u{201D} / \u{201C}{category}\u{201D}."
                        )
                    } else {
                        format!(
                            "The indicator \u{201C}{indicator}\u{201D} has no breakdown \u{201C}{dimension}\u{201D} / \u{201C}{category}\u{201D}."
                        )
                    });
                    continue;
                };
                if !seen.insert(name.clone()) {
                    refused.push(if vi {
                        format!(
                            "Ô \u{201C}{indicator}\u{201D} / \u{201C}{dimension}\u{201D} / \u{201C}{category}\u{201D} được gửi hai lần."
                        )
                    } else {
                        format!(
                            "The cell \u{201C}{indicator}\u{201D} / \u{201C}{dimension}\u{201D} / \u{201C}{category}\u{201D} is sent twice."
                        )
                    });
                    continue;
                }
                fields.insert(name, value.map(|v| v.to_string()).unwrap_or_default());
            }
            Change::Difficulties(v) => {
                fields.insert("difficulties".into(), v.clone());
            }
            Change::Proposals(v) => {
                fields.insert("proposals".into(), v.clone());
            }
        }
    }
    let entry = read(lang, &form.tasks, &form.indicators, &fields);
    refused.extend(
        entry
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.label, p.message)),
    );
    if !refused.is_empty() {
        return Err(Refused::Checks(refused));
    }
    if entry.changes_nothing(&form) {
        return Ok(stored_version);
    }
    if form
        .report
        .as_ref()
        .is_some_and(|r| r.status == ReportStatus::Approved.code())
        && !void_approval
    {
        return Err(Refused::Checks(vec![if vi {
            "Báo cáo đã được lãnh đạo duyệt: lưu thay đổi sẽ hủy phê duyệt và lãnh đạo phải duyệt lại. Gửi kèm \"void_approval\": true nếu vẫn cần sửa.".into()
        } else {
            "The report is approved: saving a change voids the approval and the head must approve again. Send \"void_approval\": true if it still needs changing.".into()
        }]));
    }
    let saved = state
        .db
        .save_report(
            round_id,
            agency_id,
            &entry.save,
            Some(user.id()),
            actor,
            OffsetDateTime::now_utc(),
        )
        .await;
    let version = match saved {
        Ok(v) => v,
        Err(StoreError::Conflict(_)) => {
            let now = state
                .db
                .report_form(round_id, agency_id)
                .await?
                .and_then(|f| f.report)
                .map_or(0, |r| r.version);
            return Err(Refused::Stale(now));
        }
        Err(StoreError::Invalid(m)) => {
            return Err(Refused::Checks(
                m.get(lang).lines().map(str::to_string).collect(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    audit_by(
        state,
        user,
        "report_saved",
        Some(&format!("round:{round_id}/agency:{agency_id}")),
        Some(&format!("version {version}, through the API")),
    )
    .await?;
    Ok(version)
}
