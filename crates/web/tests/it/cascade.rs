//! Plans of plans over HTTP: a body's own plan imported under KH 14 shows on the parent plan and
//! on the cascade page, its tasks are linked to the parent's by the body (not by another) and
//! listed on the parent's task page; the coordinator registers a plan a body sent on paper; the
//! bodies without a plan are filtered by kind, exported and reminded; downloads keep their
//! Vietnamese names.

use crate::{Case, Fut, TestApp};

pub const CASES: &[(&str, Case)] = &[
    (
        "body_plan_tasks_linked_to_parent_tasks",
        body_plan_tasks_linked_to_parent_tasks,
    ),
    (
        "imported_and_registered_plans_count",
        imported_and_registered_plans_count,
    ),
    (
        "missing_bodies_filtered_exported_reminded",
        missing_bodies_filtered_exported_reminded,
    ),
    (
        "downloads_keep_vietnamese_names",
        downloads_keep_vietnamese_names,
    ),
];

/// The Sở Tư pháp's own plan under KH 14 (the parser's fixture).
const BODY_PLAN: &str = include_str!("../../../plandoc/tests/fixtures/body_plan.txt");

async fn import_body_plan(app: &TestApp) -> Result<i64, libtest_mimic::Failed> {
    let p = theodoi_plandoc::parse(BODY_PLAN)?;
    Ok(app
        .db
        .import_plan(
            &p.plan,
            theodoi_store::ImportParts {
                body: true,
                appendix: false,
            },
        )
        .await?
        .plan_id)
}

async fn task_of(app: &TestApp, plan: i64, reference: &str) -> Result<i64, libtest_mimic::Failed> {
    Ok(app
        .db
        .load_plan(plan)
        .await?
        .tasks
        .iter()
        .find(|t| t.reference == reference)
        .map(|t| t.id)
        .ok_or(format!("no task {reference}"))?)
}

async fn audit(
    app: &TestApp,
    action: &str,
) -> Result<Vec<theodoi_store::accounts::AuditRow>, libtest_mimic::Failed> {
    Ok(app
        .db
        .audit_log(&theodoi_store::accounts::AuditFilter {
            action: action.into(),
            username: String::new(),
            limit: 500,
        })
        .await?)
}

async fn audited(app: &TestApp, action: &str) -> Result<usize, libtest_mimic::Failed> {
    Ok(audit(app, action).await?.len())
}

/// POST the cascade form as multipart, without a file.
async fn send(
    client: &mut crate::client::Client,
    plan: i64,
    fields: Vec<(&'static str, String)>,
) -> crate::client::Resp {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client
        .post_multipart(&format!("/plans/{plan}/cascade"), &refs, &[])
        .await
}

fn body_plan_tasks_linked_to_parent_tasks(app: TestApp) -> Fut {
    Box::pin(async move {
        let p = app.plan_id;
        let child = import_body_plan(&app).await?;
        let c1 = task_of(&app, child, "II.1").await?;
        let p1 = task_of(&app, p, "II.1").await?;
        let p1_title = app
            .db
            .load_plan(p)
            .await?
            .tasks
            .iter()
            .find(|t| t.id == p1)
            .map(|t| t.title.clone())
            .unwrap_or_default();

        // The parent plan says which plans implement it; the child links back to its parent.
        let mut coord = app.signed_in("coord").await;
        let page = coord.get(&format!("/plans/{p}")).await;
        assert!(
            page.body
                .contains("Kế hoạch của cơ quan, địa phương thực hiện Kế hoạch này")
        );
        assert!(
            page.body
                .contains(&format!("<a href=\"/plans/{child}\">25/KH-STP</a>"))
        );
        let page = coord.get(&format!("/plans/{child}")).await;
        assert!(
            page.body
                .contains(&format!("<a href=\"/plans/{p}\">14/KH-UBND</a>"))
        );

        // The body that issued the plan (the Sở Tư pháp's focal point) links its task.
        let mut focal = app.signed_in("focal").await;
        let page = focal.get(&format!("/tasks/{c1}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Thực hiện nhiệm vụ của"));
        assert!(page.body.contains("Chưa liên kết nhiệm vụ này"));
        assert!(
            page.body
                .contains(&format!("<option value=\"{p1}\">II.1 — "))
        );
        let path = format!("/tasks/{c1}/links");
        // Another agency may not, nor a leader; a bad choice is a clear refusal.
        let mut police = app.signed_in("police").await;
        let page = police.get(&format!("/tasks/{c1}")).await;
        assert!(
            !page.body.contains("name=\"parent\""),
            "no form for another agency"
        );
        assert_eq!(
            police
                .post(&path, &[("parent", &p1.to_string())])
                .await
                .status,
            403
        );
        let mut leader = app.signed_in("leader").await;
        leader.get(&format!("/tasks/{c1}")).await;
        assert_eq!(
            leader
                .post(&path, &[("parent", &p1.to_string())])
                .await
                .status,
            403
        );
        let r = focal.post(&path, &[("parent", "II.1")]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Chọn nhiệm vụ của kế hoạch cấp trên"));
        let r = focal.post(&path, &[("parent", &c1.to_string())]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body
                .contains("không thuộc kế hoạch mà kế hoạch này thực hiện")
        );
        let r = focal.post(&path, &[("parent", &p1.to_string())]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location(), format!("/tasks/{c1}#links"));
        assert_eq!(audited(&app, "task_linked").await?, 1);

        // The child's page lists the parent task; the parent's page lists the body's task.
        let page = focal.get(&format!("/tasks/{c1}")).await;
        assert!(
            page.body
                .contains(&format!("<a href=\"/tasks/{p1}\"><strong>II.1</strong>"))
        );
        assert!(!page.body.contains("Chưa liên kết nhiệm vụ này"));
        assert!(
            !page.body.contains(&format!("<option value=\"{p1}\">")),
            "no longer offered"
        );
        let page = police.get(&format!("/tasks/{p1}")).await;
        assert!(
            page.body
                .contains("Triển khai tại kế hoạch của các cơ quan, địa phương (1)")
        );
        assert!(
            page.body
                .contains(&format!("<a href=\"/plans/{child}\">25/KH-STP</a>"))
        );
        assert!(page.body.contains(">Sở Tư pháp</a>"));
        assert!(page.body.contains(&format!(
            "<a href=\"/tasks/{c1}\"><strong>II.1</strong> Tuyên truyền"
        )));
        assert!(!p1_title.is_empty() && page.body.contains(&p1_title));

        // The coordinator may link too; removing is audited and the parent's list empties.
        let c2 = task_of(&app, child, "II.2").await?;
        coord.get(&format!("/tasks/{c2}")).await;
        let r = coord
            .post(
                &format!("/tasks/{c2}/links"),
                &[("parent", &p1.to_string())],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = coord.get(&format!("/tasks/{p1}")).await;
        assert!(
            page.body
                .contains("Triển khai tại kế hoạch của các cơ quan, địa phương (2)")
        );
        assert_eq!(
            police
                .post(
                    &format!("/tasks/{c1}/links/remove"),
                    &[("parent", &p1.to_string())]
                )
                .await
                .status,
            403
        );
        for (client, task) in [(&mut focal, c1), (&mut coord, c2)] {
            let r = client
                .post(
                    &format!("/tasks/{task}/links/remove"),
                    &[("parent", &p1.to_string())],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        assert_eq!(audited(&app, "task_unlinked").await?, 2);
        let page = coord.get(&format!("/tasks/{p1}")).await;
        assert!(
            !page
                .body
                .contains("Triển khai tại kế hoạch của các cơ quan")
        );
        Ok(())
    })
}

fn imported_and_registered_plans_count(app: TestApp) -> Fut {
    Box::pin(async move {
        let p = app.plan_id;
        let mut coord = app.signed_in("coord").await;
        let before = coord.get(&format!("/plans/{p}/cascade")).await.body;
        assert!(before.contains("<strong>0</strong> đã ban hành"));
        let child = import_body_plan(&app).await?;
        let after = coord.get(&format!("/plans/{p}/cascade")).await.body;
        assert!(
            after.contains("<strong>1</strong> đã ban hành"),
            "the imported plan counts"
        );
        assert!(after.contains(&format!("<a href=\"/plans/{child}\">25/KH-STP</a>")));
        assert!(after.contains("Đã nhập vào hệ thống"));
        // The Sở Tư pháp sees its imported plan on its own part of the page.
        let mut focal = app.signed_in("focal").await;
        let own = focal.get(&format!("/plans/{p}/cascade")).await.body;
        assert!(own.contains("Kế hoạch đã nhập vào hệ thống"));
        assert!(own.contains("25/KH-STP"));
        assert!(
            !own.contains("Đăng ký kế hoạch cơ quan"),
            "only the coordinator registers for others"
        );

        // The coordinator registers the police's plan, received on paper.
        assert!(after.contains(
            "Đăng ký kế hoạch cơ quan, địa phương gửi bằng bản giấy hoặc qua văn phòng điện tử"
        ));
        assert!(after.contains(&format!("<option value=\"{}\">", app.police)));
        let police = app.police.to_string();
        let fields = |via: &'static str, agency: String| {
            vec![
                ("agency_id", agency),
                ("via", via.to_string()),
                ("number", "30/KH-CAT".to_string()),
                ("date", "03/02/2026".to_string()),
                (
                    "title",
                    "Kế hoạch thực hiện Kế hoạch số 14/KH-UBND".to_string(),
                ),
            ]
        };
        let r = send(&mut coord, p, fields("fax", police.clone())).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Chọn cách nhận kế hoạch"));
        let r = send(&mut coord, p, fields("paper", "abc".into())).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let mut bad_date = fields("paper", police.clone());
        bad_date[3].1 = "31/02/2026".into();
        let r = send(&mut coord, p, bad_date).await;
        assert!(r.body.contains("ghi ngày/tháng/năm"), "{}", r.body);
        assert_eq!(r.status, 422, "{}", r.body);
        let group = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.is_group)
            .map(|a| a.id)
            .ok_or("a group")?;
        let r = send(&mut coord, p, fields("paper", group.to_string())).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("không thuộc diện phải ban hành kế hoạch"));
        let r = send(&mut coord, p, fields("paper", police.clone())).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location(), format!("/plans/{p}/cascade?saved={police}"));
        let page = coord.get(r.location()).await.body;
        assert!(page.contains("Đã đăng ký kế hoạch của Công an thành phố."));
        assert!(page.contains("<strong>2</strong> đã ban hành"));
        assert!(page.contains("Nhận bản giấy; đăng ký: Người dùng coord"));
        assert_eq!(audited(&app, "cascade_plan_registered").await?, 1);
        let entry = audit(&app, "cascade_plan_registered")
            .await?
            .into_iter()
            .next()
            .ok_or("audit entry")?;
        assert_eq!(entry.username.as_deref(), Some("coord"));
        assert!(
            entry
                .detail
                .as_deref()
                .is_some_and(|d| d.contains(&format!("agency:{police}; via:paper")))
        );

        // A focal point's agency_id field is ignored: it records for its own body only; a leader
        // may not record at all.
        let mut other = app.signed_in("police").await;
        other.get(&format!("/plans/{p}/cascade")).await;
        let r = send(&mut other, p, fields("eoffice", app.justice.to_string())).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location(), format!("/agencies/{}/home", app.police));
        let records = app.db.cascade_records(p).await?;
        assert_eq!(
            records.len(),
            1,
            "the police's row, replaced; none for the Sở Tư pháp"
        );
        assert_eq!(records[0].received_via, None);
        let mut leader = app.signed_in("leader").await;
        leader.get(&format!("/plans/{p}/cascade")).await;
        let r = send(&mut leader, p, fields("paper", police.clone())).await;
        assert_eq!(r.status, 403);
        Ok(())
    })
}

fn missing_bodies_filtered_exported_reminded(app: TestApp) -> Fut {
    Box::pin(async move {
        let p = app.plan_id;
        let bac_hung = app
            .db
            .create_agency("Xã Bắc Hưng", "commune", false, None)
            .await?;
        app.db
            .create_agency("Phường Lê Chân", "commune", false, None)
            .await?;
        let hash = theodoi_web::auth::hash_password(crate::PASSWORD)?;
        app.db
            .create_user(&theodoi_store::accounts::NewUser {
                username: "bachung",
                display_name: "Đầu mối xã Bắc Hưng",
                password_hash: &hash,
                role: "focal_point",
                agency_id: Some(bac_hung),
                must_change_password: false,
                email: Some("bachung@example.vn"),
            })
            .await?;
        let mut coord = app.signed_in("coord").await;
        let all = coord.get(&format!("/plans/{p}/cascade")).await.body;
        assert!(all.contains("Công an thành phố") && all.contains("Xã Bắc Hưng"));
        assert!(all.contains("<option value=\"commune\">Xã, phường (2)</option>"));
        let communes = coord.get(&format!("/plans/{p}/cascade?kind=commune")).await;
        assert_eq!(communes.status, 200);
        let list = communes
            .body
            .split("id=\"missing\"")
            .nth(1)
            .and_then(|s| s.split("<h2>").next())
            .ok_or("the list")?;
        assert!(list.contains("Xã Bắc Hưng") && list.contains("Phường Lê Chân"));
        assert!(!list.contains("Công an thành phố"), "filtered by kind");
        assert!(
            communes
                .body
                .contains("<option value=\"commune\" selected>")
        );
        assert!(
            communes
                .body
                .contains(&format!("/plans/{p}/cascade/missing/csv?kind=commune"))
        );
        let bad = coord.get(&format!("/plans/{p}/cascade?kind=bogus")).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Không có loại cơ quan"));

        // The export keeps the filter: a CSV of the two communes, Vietnamese order.
        let csv = coord
            .get(&format!("/plans/{p}/cascade/missing/csv?kind=commune"))
            .await;
        assert_eq!(csv.status, 200);
        assert!(
            csv.header("content-type")
                .is_some_and(|t| t.starts_with("text/csv"))
        );
        let text = csv.body.trim_start_matches('\u{feff}');
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "STT,\"Cơ quan, địa phương\",Loại,Tài khoản đầu mối",
                "1,Phường Lê Chân,\"Xã, phường\",Chưa có",
                "2,Xã Bắc Hưng,\"Xã, phường\",Có",
            ]
        );
        let disposition = csv.header("content-disposition").unwrap_or_default();
        assert!(
            disposition.contains(
                "filename*=UTF-8''Ch%C6%B0a%20ban%20h%C3%A0nh%20k%E1%BA%BF%20ho%E1%BA%A1ch"
            ),
            "{disposition}"
        );
        assert!(
            disposition.contains(
                "filename=\"Chua_ban_hanh_ke_hoach_thuc_hien_KH_14-KH-UBND_-_Xa__phuong.csv\""
            ),
            "{disposition}"
        );
        let xlsx = coord.get(&format!("/plans/{p}/cascade/missing/xlsx")).await;
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.bytes.starts_with(b"PK"));
        assert_eq!(
            coord
                .get(&format!("/plans/{p}/cascade/missing/pdf"))
                .await
                .status,
            422
        );
        let mut police = app.signed_in("police").await;
        assert_eq!(
            police
                .get(&format!("/plans/{p}/cascade/missing/csv"))
                .await
                .status,
            403
        );

        // Reminding the communes: Bắc Hưng's focal point hears, Lê Chân has no one to hear.
        let r = police
            .post(
                &format!("/plans/{p}/cascade/remind"),
                &[("kind", "commune")],
            )
            .await;
        assert_eq!(r.status, 403);
        coord.get(&format!("/plans/{p}/cascade?kind=commune")).await;
        let r = coord
            .post(
                &format!("/plans/{p}/cascade/remind"),
                &[("kind", "commune")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.location(),
            format!("/plans/{p}/cascade?kind=commune&reminded=1&created=1&no_contact=1#missing")
        );
        let page = coord
            .get(r.location().trim_end_matches("#missing"))
            .await
            .body;
        assert!(page.contains("Đã nhắc nhở đầu mối của 1 cơ quan, địa phương (1 thông báo mới)."));
        assert!(
            page.contains("1 cơ quan, địa phương chưa có tài khoản đầu mối nên chưa nhắc được.")
        );
        let mut hung = app.signed_in("bachung").await;
        let inbox = hung.get("/notifications").await.body;
        assert!(inbox.contains(&format!("<a href=\"/plans/{p}/cascade\">[theodoi] Đề nghị ban hành kế hoạch thực hiện Kế hoạch số 14/KH-UBND")));
        assert!(inbox.contains("Kính gửi: Xã Bắc Hưng."));
        assert!(inbox.contains(
            "Thực hiện Kế hoạch số 14/KH-UBND ngày 09/01/2026 của Ủy ban nhân dân thành phố \
             về triển khai thực hiện Quyết định số 2715/QĐ-TTg"
        ));
        assert!(inbox.contains("Sở Tư pháp chưa nhận được kế hoạch triển khai của Xã Bắc Hưng."));
        // The police (not a commune) heard nothing; reminding again the same day sends nothing.
        let police_inbox = police.get("/notifications").await.body;
        assert!(!police_inbox.contains("Đề nghị ban hành kế hoạch"));
        let r = coord
            .post(
                &format!("/plans/{p}/cascade/remind"),
                &[("kind", "commune")],
            )
            .await;
        assert!(
            r.location().contains("reminded=1&created=0"),
            "{}",
            r.location()
        );
        assert_eq!(audited(&app, "cascade_reminded").await?, 2);
        // Without a filter: every body without a plan that has a focal point (the police, the
        // Sở Tư pháp; Bắc Hưng already today).
        let r = coord
            .post(&format!("/plans/{p}/cascade/remind"), &[("kind", "")])
            .await;
        assert!(
            r.location().contains("reminded=3&created=2"),
            "{}",
            r.location()
        );
        let police_inbox = police.get("/notifications").await.body;
        assert!(police_inbox.contains("Kính gửi: Công an thành phố."));
        Ok(())
    })
}

fn downloads_keep_vietnamese_names(app: TestApp) -> Fut {
    Box::pin(async move {
        let p = app.plan_id;
        let mut focal = app.signed_in("focal").await;
        focal.get(&format!("/plans/{p}/cascade")).await;
        let r = focal
            .post_multipart(
                &format!("/plans/{p}/cascade"),
                &[
                    ("number", "21/KH-STP"),
                    ("date", "2026-02-10"),
                    ("title", "Kế hoạch triển khai KH 14"),
                ],
                &[("file", "Kế hoạch số 21: Sở Tư pháp.pdf", b"%PDF-1.4 test")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = focal.get(&format!("/plans/{p}/cascade")).await.body;
        let id = page
            .split("href=\"/cascade/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .ok_or("file link")?
            .to_string();
        let r = focal.get(&format!("/cascade/{id}/file")).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.bytes, b"%PDF-1.4 test");
        assert_eq!(
            r.header("content-disposition"),
            Some(
                "attachment; filename=\"Ke_hoach_so_21__So_Tu_phap.pdf\"; \
                 filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2021_%20S%E1%BB%9F%20T%C6%B0%20ph%C3%A1p.pdf"
            )
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        // Exports of lists too.
        let r = focal.get(&format!("/plans/{p}/export/tasks/csv")).await;
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"nhiem-vu-ke-hoach-{p}.csv\"").as_str())
        );
        Ok(())
    })
}
