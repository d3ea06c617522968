//! The round's report draft: creation, edits with their version check and history, approval
//! voided by an edit, refresh that never overwrites an edit, the formal parts and the
//! coordinating body, on both backends.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_store::accounts::NewUser;
use theodoi_store::drafts::{FormalParts, NewSection, Refreshed, Saved};
use theodoi_store::rounds::NewRound;
use theodoi_store::{Db, StoreError};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

pub const CASES: &[(&str, Case)] = &[
    ("draft_edit_version_approve", draft_edit_version_approve),
    ("draft_refresh_keeps_edits", draft_refresh_keeps_edits),
    (
        "draft_formal_parts_and_coordinator",
        draft_formal_parts_and_coordinator,
    ),
    ("draft_approved_with_parts", draft_approved_with_parts),
];

const NOW: OffsetDateTime = datetime!(2026-06-20 03:00 UTC);

fn sec(key: &str, heading: &str, level: u8, text: &str) -> NewSection {
    NewSection {
        key: key.into(),
        heading: heading.into(),
        level,
        text: text.into(),
    }
}

fn first_draft() -> Vec<NewSection> {
    vec![
        sec("intro", "", 0, "Thực hiện Kế hoạch số 14/KH-UBND…"),
        sec(
            "I",
            "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI",
            1,
            "Các cơ quan đã ban hành kế hoạch.",
        ),
        sec(
            "II.II.1",
            "1. Tuyên truyền",
            2,
            "Chưa có báo cáo của cơ quan chủ trì.",
        ),
        sec(
            "II.II.2",
            "2. Tập huấn",
            2,
            "3/5 cơ quan phối hợp đã báo cáo.",
        ),
        sec("closing", "", 0, "Sở Tư pháp kính báo cáo./."),
    ]
}

fn parts() -> FormalParts {
    FormalParts {
        superior: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG".into(),
        issuer: "SỞ TƯ PHÁP".into(),
        place: "Hải Phòng".into(),
        signer: "Nguyễn Văn A".into(),
        position: "GIÁM ĐỐC".into(),
        drafting_unit: "PBGDPL".into(),
        date_blank: true,
    }
}

/// A plan, a round and two accounts; returns (round, specialist, head).
async fn setup(db: &Db) -> (i64, i64, i64) {
    import(db, &seed()).await;
    db.ensure_reporting_defaults(NOW)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = db
        .list_plans()
        .await
        .unwrap_or_default()
        .first()
        .map(|p| p.id)
        .unwrap_or_default();
    let round = db
        .open_round(
            &NewRound::ad_hoc(
                plan,
                "Báo cáo đột xuất",
                theodoi_domain::DateRange {
                    start: date!(2026 - 01 - 01),
                    end: date!(2026 - 06 - 10),
                },
                date!(2026 - 06 - 18),
            ),
            NOW,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .id;
    let mut ids = Vec::new();
    for (name, role) in [
        ("Chuyên viên Sở", "coordinator"),
        ("Giám đốc Sở", "agency_head"),
    ] {
        let u = NewUser {
            username: if role == "coordinator" { "cv" } else { "gd" },
            display_name: name,
            password_hash: "x",
            role,
            agency_id: None,
            must_change_password: false,
            email: None,
        };
        ids.push(db.create_user(&u).await.unwrap_or_else(|e| panic!("{e}")));
    }
    (round, ids[0], ids[1])
}

fn draft_edit_version_approve(db: Db) -> Fut {
    Box::pin(async move {
        let (round, cv, gd) = setup(&db).await;
        assert!(db.draft(round).await?.is_none());
        let id = db
            .create_draft(round, &parts(), &first_draft(), Some(cv), NOW)
            .await?;
        // A second opening (two people at once) finds the same draft and adds nothing.
        let again = db
            .create_draft(round, &parts(), &first_draft()[..1], Some(gd), NOW)
            .await?;
        assert_eq!(again, id);
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert_eq!((d.version, d.status.as_str()), (1, "draft"));
        let sections = db.draft_sections(id).await?;
        let keys: Vec<&str> = sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["intro", "I", "II.II.1", "II.II.2", "closing"]);
        assert!(sections.iter().all(|s| !s.is_edited() && s.version == 1));

        // An edit: a version with who and when; the draft's version grows.
        let later = NOW + Duration::minutes(5);
        let saved = db
            .save_draft_section(
                id,
                "II.II.1",
                1,
                "Sở đã tổ chức 12 hội nghị.\r\n\r\n- 1.200 lượt người dự  ",
                Some(cv),
                later,
            )
            .await?;
        assert_eq!(saved, Saved::Version(2));
        let s = db
            .draft_sections(id)
            .await?
            .into_iter()
            .find(|s| s.key == "II.II.1")
            .ok_or("no section")?;
        assert_eq!(
            s.text(),
            "Sở đã tổ chức 12 hội nghị.\n\n- 1.200 lượt người dự"
        );
        assert_eq!(s.drafted, "Chưa có báo cáo của cơ quan chủ trì.");
        assert_eq!(s.edited_by_name.as_deref(), Some("Chuyên viên Sở"));
        assert_eq!(s.edited_at, Some(later));
        // The same text again writes nothing.
        assert_eq!(
            db.save_draft_section(
                id,
                "II.II.1",
                2,
                "Sở đã tổ chức 12 hội nghị.\n\n- 1.200 lượt người dự",
                Some(cv),
                later
            )
            .await?,
            Saved::Unchanged
        );
        // A save from a page loaded before that edit is refused and changes nothing.
        let stale = db
            .save_draft_section(id, "II.II.1", 1, "Bản khác", Some(gd), later)
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        // Another section is not held up by that edit.
        assert_eq!(
            db.save_draft_section(id, "I", 1, "Đã ban hành 15 kế hoạch.", Some(gd), later)
                .await?,
            Saved::Version(2)
        );
        let missing = db
            .save_draft_section(id, "IX", 1, "x", Some(cv), later)
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{missing:?}"
        );
        let too_long = db
            .save_draft_section(id, "I", 2, &"a".repeat(70_000), Some(cv), later)
            .await;
        assert!(
            matches!(too_long, Err(StoreError::Invalid(_))),
            "{too_long:?}"
        );

        let history = db.draft_versions(id, "II.II.1").await?;
        let kinds: Vec<(i32, &str)> = history
            .iter()
            .map(|v| (v.version, v.kind.as_str()))
            .collect();
        assert_eq!(kinds, [(2, "edited"), (1, "drafted")]);
        assert_eq!(history[0].user_name.as_deref(), Some("Chuyên viên Sở"));

        // Approval holds for the version approved; an approval of an older version is refused.
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert_eq!(d.version, 3);
        let old = db.approve_draft(id, 2, gd, later).await;
        assert!(matches!(old, Err(StoreError::Conflict(_))), "{old:?}");
        db.approve_draft(id, 3, gd, later).await?;
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert!(d.is_approved());
        assert_eq!(d.approved_by_name.as_deref(), Some("Giám đốc Sở"));
        assert!(matches!(
            db.approve_draft(id, 3, gd, later).await,
            Err(StoreError::Invalid(_))
        ));

        // Any edit after approval voids it.
        db.save_draft_section(
            id,
            "closing",
            1,
            "Sở Tư pháp kính báo cáo Ủy ban nhân dân thành phố./.",
            Some(cv),
            later,
        )
        .await?;
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert!(!d.is_approved());
        assert!(d.approval_voided());
        assert_eq!((d.status.as_str(), d.version), ("draft", 4));

        // The history is append-only.
        let sql = "DELETE FROM report_draft_versions";
        let deleted = match &db {
            Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        };
        assert!(deleted.is_err(), "history rows could be deleted");
        Ok(())
    })
}

fn draft_refresh_keeps_edits(db: Db) -> Fut {
    Box::pin(async move {
        let (round, cv, gd) = setup(&db).await;
        let id = db
            .create_draft(round, &parts(), &first_draft(), Some(cv), NOW)
            .await?;
        db.save_draft_section(
            id,
            "II.II.2",
            1,
            "Bản đã sửa của chuyên viên.",
            Some(cv),
            NOW,
        )
        .await?;
        db.approve_draft(id, 2, gd, NOW).await?;

        // More reports arrived: the drafting gives new texts, a new task, and drops one.
        let mut newer = first_draft();
        newer[2].text = "Sở Văn hóa đã tổ chức 8 lớp tập huấn.".into();
        newer[3].text = "5/5 cơ quan phối hợp đã báo cáo.".into();
        newer.remove(4);
        newer.push(sec(
            "II.II.3",
            "3. Kiểm tra",
            2,
            "Chưa có báo cáo của cơ quan chủ trì.",
        ));
        let later = NOW + Duration::hours(1);
        let r = db.refresh_draft(id, &newer, Some(cv), later).await?;
        assert_eq!(
            r,
            Refreshed {
                updated: 1,
                pending: 1,
                added: 1,
                removed: 1
            }
        );
        let by_key = |v: &[theodoi_store::drafts::SectionRow], k: &str| {
            v.iter().find(|s| s.key == k).cloned()
        };
        let s = db.draft_sections(id).await?;
        let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["intro", "I", "II.II.1", "II.II.2", "II.II.3"]);
        let never_edited = by_key(&s, "II.II.1").ok_or("II.II.1")?;
        assert_eq!(never_edited.text(), "Sở Văn hóa đã tổ chức 8 lớp tập huấn.");
        let edited = by_key(&s, "II.II.2").ok_or("II.II.2")?;
        assert_eq!(edited.text(), "Bản đã sửa của chuyên viên.");
        assert_eq!(
            edited.fresh.as_deref(),
            Some("5/5 cơ quan phối hợp đã báo cáo.")
        );
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert!(
            d.approval_voided(),
            "a refresh that changed the text voids the approval"
        );
        assert_eq!(d.drafted_at, later);

        // Refreshing again with the same data changes nothing.
        let v = d.version;
        let again = db.refresh_draft(id, &newer, Some(cv), later).await?;
        assert_eq!(
            (again.updated, again.added, again.removed, again.pending),
            (0, 0, 0, 1)
        );
        assert_eq!(db.draft(round).await?.ok_or("no draft")?.version, v);

        // "Lấy bản mới": the new text replaces the edit, as a version; the section is no longer edited.
        let stale = db
            .resolve_fresh(id, "II.II.2", 1, true, Some(cv), later)
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        let n = db
            .resolve_fresh(id, "II.II.2", edited.version, true, Some(cv), later)
            .await?;
        let taken = by_key(&db.draft_sections(id).await?, "II.II.2").ok_or("II.II.2")?;
        assert_eq!(
            (
                taken.text(),
                taken.is_edited(),
                taken.fresh.clone(),
                taken.version
            ),
            ("5/5 cơ quan phối hợp đã báo cáo.", false, None, n)
        );
        let history = db.draft_versions(id, "II.II.2").await?;
        assert_eq!(history[0].kind, "taken");
        assert_eq!(history[1].text, "Bản đã sửa của chuyên viên.");
        let none_left = db
            .resolve_fresh(id, "II.II.2", n, true, Some(cv), later)
            .await;
        assert!(
            matches!(none_left, Err(StoreError::Invalid(_))),
            "{none_left:?}"
        );

        // Keeping the edit instead: the edit stays, the new text is set aside.
        db.save_draft_section(id, "II.II.3", 1, "Đã kiểm tra 4 xã.", Some(cv), later)
            .await?;
        newer[4].text = "Sở Nội vụ đã kiểm tra.".into();
        db.refresh_draft(id, &newer, Some(cv), later).await?;
        let s3 = by_key(&db.draft_sections(id).await?, "II.II.3").ok_or("II.II.3")?;
        assert_eq!(s3.fresh.as_deref(), Some("Sở Nội vụ đã kiểm tra."));
        db.resolve_fresh(id, "II.II.3", s3.version, false, Some(cv), later)
            .await?;
        let s3 = by_key(&db.draft_sections(id).await?, "II.II.3").ok_or("II.II.3")?;
        assert_eq!(
            (s3.text(), s3.fresh.as_deref()),
            ("Đã kiểm tra 4 xã.", None)
        );
        // An edited section the drafting no longer produces is kept.
        newer.remove(4);
        let r = db.refresh_draft(id, &newer, Some(cv), later).await?;
        assert_eq!(r.removed, 0);
        assert!(by_key(&db.draft_sections(id).await?, "II.II.3").is_some());
        Ok(())
    })
}

fn draft_formal_parts_and_coordinator(db: Db) -> Fut {
    Box::pin(async move {
        let (round, cv, gd) = setup(&db).await;
        // Proposed from the plan's header: its issuer in full and its place.
        let h = db.draft_header(round).await?;
        assert!(h.previous.is_none());
        let proposed = FormalParts::propose(&h, "Sở Tư pháp", "", "Hải Phòng");
        assert_eq!(proposed.issuer, "SỞ TƯ PHÁP");
        assert!(
            proposed.superior.starts_with("ỦY BAN NHÂN DÂN"),
            "{proposed:?} from {h:?}"
        );
        let bad = FormalParts {
            signer: "x".repeat(theodoi_store::drafts::MAX_PART_CHARS + 1),
            ..parts()
        };
        assert!(matches!(
            db.create_draft(round, &bad, &first_draft(), Some(cv), NOW)
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(
            db.draft(round).await?.is_none(),
            "a refused start leaves nothing"
        );
        // Nothing named the city: the draft starts, but no one approves it without the place,
        // and saving the parts asks for it.
        let unplaced = FormalParts {
            place: String::new(),
            ..parts()
        };
        let id = db
            .create_draft(round, &unplaced, &first_draft(), Some(cv), NOW)
            .await?;
        let refused = db.approve_draft(id, 1, gd, NOW).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.vi.contains("địa danh") && m.en.contains("place")),
            "{refused:?}"
        );
        let refused = db.save_formal_parts(id, 1, &unplaced, Some(cv), NOW).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.vi.contains("địa danh") && m.en.contains("place")),
            "{refused:?}"
        );
        let unsigned = FormalParts {
            signer: String::new(),
            ..parts()
        };
        assert!(
            db.save_formal_parts(id, 1, &unsigned, Some(cv), NOW)
                .await?
        );
        let refused = db.approve_draft(id, 2, gd, NOW).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.vi.contains("người ký") && m.en.contains("signer")),
            "{refused:?}"
        );
        assert!(db.save_formal_parts(id, 2, &parts(), Some(cv), NOW).await?);
        assert!(!db.save_formal_parts(id, 3, &parts(), Some(cv), NOW).await?);
        let stale = db.save_formal_parts(id, 2, &unsigned, Some(cv), NOW).await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        db.approve_draft(id, 3, gd, NOW).await?;
        let changed = FormalParts {
            date_blank: false,
            ..parts()
        };
        db.save_formal_parts(id, 3, &changed, Some(cv), NOW).await?;
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert!(
            d.approval_voided(),
            "changing the formal parts voids the approval"
        );
        assert_eq!(d.parts(), changed);

        // The coordinating body: the agency coded "so tu phap" unless set.
        let (so, name) = db
            .coordinating_agency()
            .await?
            .ok_or("no coordinating body")?;
        assert_eq!(name, "Sở Tư pháp");
        let other = db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.id != so && !a.is_group)
            .ok_or("no other agency")?;
        db.set_coordinating_agency(other.id, Some(cv), NOW).await?;
        assert_eq!(db.coordinating_agency().await?.map(|a| a.0), Some(other.id));
        let group = db.list_agencies().await?.into_iter().find(|a| a.is_group);
        if let Some(g) = group {
            assert!(
                db.set_coordinating_agency(g.id, Some(cv), NOW)
                    .await
                    .is_err()
            );
        }
        assert!(matches!(
            db.set_coordinating_agency(999_999, Some(cv), NOW).await,
            Err(StoreError::NotFound(_))
        ));

        // The report settings: set once, with the coordinating body, in one transaction; a new
        // draft of a plan without a previous draft proposes from them.
        assert_eq!(
            db.report_settings().await?,
            theodoi_store::drafts::ReportSettings::default()
        );
        let settings = theodoi_store::drafts::ReportSettings {
            superior: "ủy ban nhân dân thành phố  Hải Phòng".into(),
            place: String::new(),
            drafting_unit: "PBGDPL".into(),
        };
        db.set_report_settings(Some(so), &settings, Some(cv), NOW)
            .await?;
        let stored = db.report_settings().await?;
        assert_eq!(stored.superior, "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG");
        assert_eq!(db.coordinating_agency().await?.map(|a| a.0), Some(so));
        let too_long = theodoi_store::drafts::ReportSettings {
            place: "x".repeat(theodoi_store::drafts::MAX_PART_CHARS + 1),
            ..settings.clone()
        };
        assert!(matches!(
            db.set_report_settings(Some(other.id), &too_long, Some(cv), NOW)
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            db.coordinating_agency().await?.map(|a| a.0),
            Some(so),
            "a refused save changes nothing"
        );
        let h = db.draft_header(round).await?;
        assert_eq!(h.settings, stored);
        let fresh = FormalParts::propose(
            &theodoi_store::drafts::DraftHeader {
                previous: None,
                ..h
            },
            "Sở Tư pháp",
            "",
            "",
        );
        assert_eq!(fresh.superior, "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG");
        assert_eq!(fresh.place, "Hải Phòng");
        Ok(())
    })
}

/// The head completes the missing signer and place as he approves: one transaction, a new version
/// approved as it stands; a refusal of the parts or of the approval writes neither.
fn draft_approved_with_parts(db: Db) -> Fut {
    Box::pin(async move {
        let (round, cv, gd) = setup(&db).await;
        let unsigned = FormalParts {
            signer: String::new(),
            place: String::new(),
            ..parts()
        };
        let id = db
            .create_draft(round, &unsigned, &first_draft(), Some(cv), NOW)
            .await?;
        let completed = FormalParts {
            signer: "  Trần   Văn Bình ".into(),
            place: "Hải Phòng".into(),
            ..unsigned.clone()
        };
        // Stale: nothing written, not even the parts.
        let stale = db
            .approve_draft_with_parts(id, 0, Some(&completed), gd, NOW)
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        // Too long a name: refused before anything is written.
        let long = FormalParts {
            signer: "x".repeat(theodoi_store::drafts::MAX_PART_CHARS + 1),
            ..completed.clone()
        };
        let refused = db
            .approve_draft_with_parts(id, 1, Some(&long), gd, NOW)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(_))),
            "{refused:?}"
        );
        // Parts given but still without a signer: the approval is refused and the place typed
        // with it is not kept either.
        let placed_only = FormalParts {
            place: "Hải Phòng".into(),
            ..unsigned.clone()
        };
        let refused = db
            .approve_draft_with_parts(id, 1, Some(&placed_only), gd, NOW)
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.vi.contains("người ký") && m.en.contains("signer")),
            "{refused:?}"
        );
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert_eq!((d.version, d.parts()), (1, unsigned.clone()));

        let later = NOW + Duration::minutes(1);
        assert!(
            db.approve_draft_with_parts(id, 1, Some(&completed), gd, later)
                .await?
        );
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert!(d.is_approved());
        assert_eq!(
            (d.version, d.approved_version, d.approved_by),
            (2, Some(2), Some(gd))
        );
        assert_eq!(d.signer, "Trần Văn Bình");
        assert_eq!(d.place, "Hải Phòng");
        assert_eq!(d.updated_at, later);
        // Approved already: a second approval with the same parts is refused.
        let again = db
            .approve_draft_with_parts(id, 2, Some(&d.parts()), gd, later)
            .await;
        assert!(matches!(again, Err(StoreError::Invalid(_))), "{again:?}");

        // Parts as they are: no new version, approved as before.
        let changed = FormalParts {
            date_blank: false,
            ..d.parts()
        };
        db.save_formal_parts(id, 2, &changed, Some(cv), later)
            .await?;
        assert!(
            !db.approve_draft_with_parts(id, 3, Some(&changed), gd, later)
                .await?
        );
        let d = db.draft(round).await?.ok_or("no draft")?;
        assert_eq!((d.version, d.approved_version), (3, Some(3)));
        assert!(d.is_approved());
        Ok(())
    })
}
