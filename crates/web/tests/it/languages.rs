//! Vietnamese pages in Vietnamese, English pages in English: key pages, refusals and error pages
//! carry no message of the other language, and error pages keep the site's menu.

use crate::client::Resp;
use crate::{Case, Fut, TestApp};
use theodoi_web::i18n::{EN, VI};

pub const CASES: &[(&str, Case)] = &[
    ("pages_speak_one_language", pages_speak_one_language),
    (
        "error_pages_keep_the_menu_and_say_what_to_do",
        error_pages_keep_the_menu_and_say_what_to_do,
    ),
    (
        "the_language_link_stays_on_the_page",
        the_language_link_stays_on_the_page,
    ),
];

/// The messages of the interface in one language long enough to be its own (short ones such as
/// "OK" or "Email" are the same in both).
fn own_messages(vi: bool) -> Vec<&'static str> {
    let m = if vi { &VI } else { &EN };
    m.entries()
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| s.chars().count() > 12 && !s.contains('{'))
        .collect()
}

/// Fails when `page` holds a message of the other language than `vi` says.
fn one_language(what: &str, page: &Resp, vi: bool) {
    for m in own_messages(!vi) {
        let escaped = m
            .replace('&', "&amp;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        assert!(
            !page.body.contains(m) && !page.body.contains(&escaped),
            "{what} ({}) holds {m:?}",
            if vi { "vi" } else { "en" }
        );
    }
    let lang = if vi { "lang=\"vi\"" } else { "lang=\"en\"" };
    assert!(page.body.contains(lang), "{what}: {lang}");
}

/// The signed-in menu: the plans, the account and the sign-out form.
fn has_menu(what: &str, page: &Resp) {
    assert!(
        page.body.contains("href=\"/plans\"")
            && page.body.contains("href=\"/account\"")
            && page.body.contains("action=\"/logout\""),
        "{what} carries the menu: {}",
        page.body
    );
}

fn pages_speak_one_language(app: TestApp) -> Fut {
    Box::pin(async move {
        let task = app.task_id("II.1").await;
        let police = app
            .db
            .agency(app.police)
            .await?
            .ok_or("no police agency")?
            .name;
        for vi in [true, false] {
            let mut c = app.signed_in("coord").await;
            c.cookies
                .insert("lang".into(), if vi { "vi" } else { "en" }.into());
            for path in [
                "/plans".to_string(),
                format!("/plans/{}", app.plan_id),
                format!("/plans/{}/matrix", app.plan_id),
                format!("/tasks/{task}"),
                "/agencies".into(),
                "/rounds".into(),
                "/regimes".into(),
                "/indicators".into(),
                "/escalations".into(),
                "/notifications".into(),
                "/account".into(),
                "/no/such/page".into(),
            ] {
                let r = c.get(&path).await;
                assert!(
                    r.status == 200 || (path == "/no/such/page" && r.status == 404),
                    "{path}: {}",
                    r.status
                );
                one_language(&path, &r, vi);
            }
            // A refusal of the web layer, with the field named as the page labels it.
            c.get("/agencies").await;
            let r = c
                .post("/agencies", &[("name", " "), ("kind", "department")])
                .await;
            assert_eq!(r.status, 422, "{}", r.body);
            one_language("an empty agency name", &r, vi);
            let (said, other) = if vi {
                (
                    "Tên cơ quan dài 1–200 ký tự",
                    "An agency&#39;s name has 1 to 200 characters",
                )
            } else {
                (
                    "An agency&#39;s name has 1 to 200 characters",
                    "Tên cơ quan dài 1–200 ký tự",
                )
            };
            assert!(r.body.contains(said), "{}", r.body);
            assert!(!r.body.contains(other) && !r.body.contains(" / "));
            // A refusal of the store, in the page's language only.
            let r = c
                .post("/agencies", &[("name", &police), ("kind", "department")])
                .await;
            assert_eq!(r.status, 422, "{}", r.body);
            one_language("a second agency of one name", &r, vi);
            let vi_msg = format!("Đã có cơ quan tên &#34;{police}&#34;");
            let en_msg = format!("An agency named &#34;{police}&#34; exists already");
            let (said, other) = if vi {
                (&vi_msg, &en_msg)
            } else {
                (&en_msg, &vi_msg)
            };
            assert!(r.body.contains(said.as_str()), "{}", r.body);
            assert!(!r.body.contains(other.as_str()));
            // A refusal at the form boundary names no field key.
            let r = c
                .post("/agencies", &[("name", "Ban\0thử"), ("kind", "department")])
                .await;
            assert_eq!(r.status, 422);
            one_language("a control character", &r, vi);
            assert!(
                r.body.contains(if vi {
                    "Một ô trong biểu mẫu chứa ký tự không hợp lệ"
                } else {
                    "A field of the form contains a character that is not allowed"
                }),
                "{}",
                r.body
            );
        }
        Ok(())
    })
}

fn error_pages_keep_the_menu_and_say_what_to_do(app: TestApp) -> Fut {
    Box::pin(async move {
        // Signed in: the account's menu, the heading, what to do, and the way back.
        let mut c = app.signed_in("police").await;
        let r = c.get("/no/such/page").await;
        assert_eq!(r.status, 404);
        has_menu("the 404 page", &r);
        one_language("the 404 page", &r, true);
        assert!(r.body.contains(VI.not_found) && r.body.contains(VI.not_found_hint));
        assert!(r.body.contains("href=\"/\"") && r.body.contains(VI.back_home));
        let r = c.get("/admin/users").await;
        assert_eq!(r.status, 403);
        has_menu("the 403 page", &r);
        assert!(r.body.contains(VI.forbidden) && r.body.contains(VI.forbidden_hint));
        // A refusal links back to the page it came from.
        c.get("/escalations").await;
        c.header("referer", &format!("http://{}/agencies", app.addr));
        let r = c
            .post(
                &format!("/tasks/{}/escalations", app.task_id("II.1").await),
                &[("subject", " "), ("body", "x")],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        has_menu("a refusal", &r);
        assert!(r.body.contains("Tiêu đề: cần nhập nội dung"), "{}", r.body);
        assert!(r.body.contains(VI.refused_hint));
        assert!(
            r.body.contains("href=\"/agencies\"") && r.body.contains(VI.go_back),
            "{}",
            r.body
        );
        // In English, the same refusal in English only.
        c.cookies.insert("lang".into(), "en".into());
        let r = c
            .post(
                &format!("/tasks/{}/escalations", app.task_id("II.1").await),
                &[("subject", " "), ("body", "x")],
            )
            .await;
        assert_eq!(r.status, 422);
        has_menu("an English refusal", &r);
        one_language("an English refusal", &r, false);
        assert!(r.body.contains("Subject: cannot be empty"), "{}", r.body);
        assert!(!r.body.contains("cần nhập nội dung"));
        // Signed out: the site's header and the language switch, no account menu.
        let mut out = app.client();
        out.cookies.insert("lang".into(), "en".into());
        let r = out.get("/no/such/page").await;
        assert_eq!(r.status, 404);
        one_language("the signed-out 404 page", &r, false);
        assert!(r.body.contains(EN.not_found) && r.body.contains("href=\"/lang/vi"));
        assert!(!r.body.contains("action=\"/logout\""));
        Ok(())
    })
}

fn the_language_link_stays_on_the_page(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("police").await;
        let task = app.task_id("II.1").await;
        // Every page's link names the page it is on, query included.
        let r = c.get(&format!("/tasks/{task}?tab=1")).await;
        assert_eq!(r.status, 200);
        let link = format!("href=\"/lang/en?next=%2Ftasks%2F{task}%3Ftab%3D1\"");
        assert!(r.body.contains(&link), "no {link} in the task page");
        let r = c
            .get(&format!("/lang/en?next=%2Ftasks%2F{task}%3Ftab%3D1"))
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location(), format!("/tasks/{task}?tab=1"));
        // The answer to a form cannot be asked for again: its link goes back by the referring page.
        c.header("referer", &format!("http://{}/escalations", app.addr));
        let r = c
            .post(
                &format!("/tasks/{task}/escalations"),
                &[("subject", " "), ("body", "x")],
            )
            .await;
        assert_eq!(r.status, 422);
        // (In English now: the switch above set the language.)
        assert!(r.body.contains("href=\"/lang/vi\""), "{}", r.body);
        let r = c.get("/lang/vi").await;
        assert_eq!(r.location(), "/escalations");
        // Never to another site, whatever the link or the referring page says.
        let mut out = app.client();
        out.header("referer", "http://evil.example//evil.example/x");
        let r = out.get("/lang/en?next=%2F%2Fevil.example").await;
        assert_eq!(r.location(), "/");
        // A word where an id belongs names no page: the site's "not found" page, not axum's text.
        let r = c.get("/rounds/abc").await;
        assert_eq!(r.status, 404);
        has_menu("a malformed id", &r);
        assert!(r.body.contains(VI.not_found), "{}", r.body);
        let r = c.get(&format!("/tasks/{task}x")).await;
        assert_eq!(r.status, 404);
        Ok(())
    })
}
