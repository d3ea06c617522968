//! Every page renders for the people who use it, in both languages, well under 100 KB.

use crate::{Case, Fut, TestApp};

pub const CASES: &[(&str, Case)] = &[
    (
        "pages_render_for_the_coordinator",
        pages_render_for_the_coordinator,
    ),
    ("admin_pages_render", admin_pages_render),
    (
        "agency_home_shows_work_by_role",
        agency_home_shows_work_by_role,
    ),
    ("english_switch", english_switch),
    ("health_404_and_static", health_404_and_static),
    ("markup_is_escaped", markup_is_escaped),
    (
        "redirects_stay_on_site_and_pages_are_bounded",
        redirects_stay_on_site_and_pages_are_bounded,
    ),
];

/// The language switch sends back only to a path of this site, and a huge page number is a page
/// like any other, never a 500.
fn redirects_stay_on_site_and_pages_are_bounded(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.client();
        for (next, to) in [
            ("/plans/1?x=2", "/plans/1?x=2"),
            ("/%5Cevil.example", "/"),
            ("/%09/evil.example", "/"),
            ("//evil.example", "/"),
            ("/%0D%0ASet-Cookie:%20x=1", "/"),
            ("%0D%0A", "/"),
            ("https://evil.example/", "/"),
            ("/%20/evil.example", "/"),
        ] {
            let r = c.get(&format!("/lang/en?next={next}")).await;
            assert_eq!(r.status, 303, "{next}: {}", r.body);
            assert_eq!(r.location(), to, "{next}");
        }
        let mut coord = app.signed_in("coord").await;
        // Signed-in pages and downloads are kept out of caches; the public page is not.
        for path in ["/plans", "/agencies/export/csv"] {
            let r = coord.get(path).await;
            assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        }
        let public = c.get("/public").await;
        assert_ne!(public.header("cache-control"), Some("no-store"));
        let round = crate::drafts::round(&app).await?;
        for page in [
            "9223372036854775807",
            "-9223372036854775808",
            "4611686018427387904",
        ] {
            let r = coord
                .get(&format!("/rounds/{round}?show=all&page={page}"))
                .await;
            assert_eq!(r.status, 200, "page={page}: {}", r.body);
        }
        Ok(())
    })
}

fn light(path: &str, r: &crate::client::Resp) {
    assert!(
        r.bytes.len() < 100 * 1024,
        "{path} weighs {} bytes",
        r.bytes.len()
    );
}

fn pages_render_for_the_coordinator(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        let p = app.plan_id;
        let task = app.task_id("II.2").await;
        let checks: Vec<(String, &[&str])> = vec![
            (
                "/plans".into(),
                &[
                    "14/KH-UBND",
                    "Triển khai thực hiện Quyết định số 2715/QĐ-TTg",
                ],
            ),
            (
                format!("/plans/{p}"),
                &[
                    "II.1",
                    "PL.6",
                    "Sở Tư pháp",
                    "Theo hướng dẫn Bộ, Ban ngành Trung ương",
                    "Trần Hữu Thuỳ Giang",
                    "Mục đích",
                ],
            ),
            (
                format!("/plans/{p}/matrix"),
                &["Ma trận phân công", "Thanh tra thành phố", "cCT", "cPH"],
            ),
            (
                format!("/plans/{p}/matrix?kind=department&role=lead&q=tu+phap"),
                &["Sở Tư pháp"],
            ),
            (
                format!("/tasks/{task}"),
                &[
                    "II.2",
                    "Tiếp nhận, giải quyết dứt điểm",
                    "Viện Kiểm sát nhân dân thành phố",
                ],
            ),
            (
                "/agencies".into(),
                &["Sở Văn hoá và Thể thao", "Thêm cơ quan, đơn vị", "Gộp"],
            ),
            (
                format!("/agencies/{}", app.justice),
                &["<h1>Sở Tư pháp</h1>", "Các cách viết đã gặp"],
            ),
            (
                format!("/agencies/{}/home", app.justice),
                &["Nhiệm vụ chủ trì", "II.1", "PL.5", "Trách nhiệm (mục III)"],
            ),
            ("/import".into(), &["Nhập kế hoạch", "multipart/form-data"]),
            (
                format!("/plans/{p}/cascade"),
                &["Danh sách cần đôn đốc", "Sở Tài chính"],
            ),
            ("/escalations".into(), &["Vướng mắc"]),
            ("/account".into(), &["Đổi mật khẩu", "Xác thực hai lớp"]),
        ];
        for (path, needles) in &checks {
            let r = c.get(path).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            light(path, &r);
            for n in *needles {
                assert!(r.body.contains(n), "{path} lacks {n:?}");
            }
            assert!(
                r.header("content-security-policy").is_some(),
                "{path} has no CSP"
            );
        }
        // The matrix filter keeps only what matches.
        let r = c.get(&format!("/plans/{p}/matrix?kind=police")).await;
        assert!(
            r.body.contains("Công an thành phố") && !r.body.contains(">Sở Tư pháp<"),
            "kind filter"
        );
        let r = c.get(&format!("/plans/{p}/matrix?role=coordinating")).await;
        assert!(
            !r.body.contains("class=\"cCT\""),
            "role filter keeps only PH cells"
        );
        Ok(())
    })
}

fn admin_pages_render(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("admin").await;
        for (path, needle) in [
            ("/admin/users", "Tạo người dùng"),
            ("/admin/policies", "Bắt buộc xác thực hai lớp"),
            ("/admin/audit", "login"),
        ] {
            let r = c.get(path).await;
            assert_eq!(r.status, 200, "{path}");
            light(path, &r);
            assert!(r.body.contains(needle), "{path} lacks {needle}");
        }
        let r = c.get("/admin/audit?action=login&user=coord").await;
        assert_eq!(r.status, 200);
        Ok(())
    })
}

fn agency_home_shows_work_by_role(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("police").await;
        let r = c.get("/").await;
        assert_eq!(r.status, 303);
        assert_eq!(r.location(), format!("/agencies/{}/home", app.police));
        let r = c.get(r.location()).await;
        assert_eq!(r.status, 200);
        // Lead of PL.1; coordinating through the group "Các cơ quan, địa phương có liên quan".
        assert!(r.body.contains("PL.1"), "lead task");
        assert!(
            r.body.contains("qua nhóm"),
            "tasks through a group are shown as such"
        );
        assert!(
            r.body.contains("III.3. Công an thành phố"),
            "its own section III block"
        );
        Ok(())
    })
}

fn english_switch(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        let r = c.get("/lang/en").await;
        assert_eq!(r.status, 303);
        assert_eq!(c.cookies.get("lang").map(String::as_str), Some("en"));
        let r = c.get("/plans").await;
        assert!(r.body.contains("Assignment matrix") && r.body.contains("lang=\"en\""));
        let r = c.get("/lang/xx").await;
        assert_eq!(r.status, 404);
        let r = c.get("/lang/vi?next=//evil.example").await;
        assert_eq!(r.location(), "/", "no open redirect");
        Ok(())
    })
}

fn health_404_and_static(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.client();
        let r = c.get("/healthz").await;
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
        let r = c.get("/no/such/page").await;
        assert_eq!(r.status, 404);
        // Signed out and without a language chosen: Vietnamese only.
        assert!(
            r.body.contains("Không tìm thấy trang này")
                && !r.body.contains("This page does not exist"),
            "{}",
            r.body
        );
        let r = c.get("/static/style.css").await;
        assert_eq!(r.status, 200);
        assert!(r.bytes.len() < 10 * 1024);
        let r = c.get("/plans").await;
        assert_eq!(
            (r.status, r.location()),
            (303, "/login"),
            "pages need a sign-in"
        );
        Ok(())
    })
}

fn markup_is_escaped(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        c.get("/agencies").await;
        let r = c
            .post(
                "/agencies",
                &[
                    ("name", "Sở <script>alert(1)</script> thử"),
                    ("kind", "department"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = c.get("/agencies").await;
        assert!(!r.body.contains("<script>alert(1)</script>"));
        assert!(
            r.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "shown escaped"
        );
        Ok(())
    })
}
