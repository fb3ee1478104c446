//! Users' reply templates in the database: checked before saving, one default per type and
//! language (also under concurrent saves), usage counted, soft delete; and `cams template`.

use std::process::Output;

use cams::db::templates::{self, NewTemplate, SaveError};
use cams::outbound::render::{Part, Renderer, ReplyContext, TemplateKind};

use crate::support::{self, TestDb};

fn new<'a>(name: &'a str, language: &'a str, is_default: bool) -> NewTemplate<'a> {
    NewTemplate {
        name,
        kind: TemplateKind::Availability,
        language,
        subject: "{{re subject}}",
        body: "Hi {{guest.display_name}},\n{{#each slots}}{{index}}) {{when}}\n{{/each}}",
        body_html: None,
        is_default,
    }
}

async fn default_id(db: &TestDb, user: uuid::Uuid, language: &str) -> Option<uuid::Uuid> {
    let mut conn = db.pool.acquire().await.unwrap();
    templates::default_for(&mut conn, user, TemplateKind::Availability, language)
        .await
        .unwrap()
        .map(|t| t.id)
}

#[tokio::test]
async fn a_new_default_replaces_the_old_one_of_its_language_only() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "owner@example.com").await;
    let mut conn = db.pool.acquire().await.unwrap();
    let first = templates::save(&mut conn, user, &new("first", "en", true))
        .await
        .unwrap();
    let french = templates::save(&mut conn, user, &new("fr", "fr", true))
        .await
        .unwrap();
    let plain = templates::save(&mut conn, user, &new("not default", "en", false))
        .await
        .unwrap();
    assert_eq!(default_id(&db, user, "en").await, Some(first));
    let second = templates::save(&mut conn, user, &new("second", "en", true))
        .await
        .unwrap();
    assert_eq!(default_id(&db, user, "en").await, Some(second));
    // A regional tag falls back to its language; a language without a default has none.
    assert_eq!(default_id(&db, user, "en-GB").await, Some(second));
    assert_eq!(default_id(&db, user, "fr_CA").await, Some(french));
    assert_eq!(default_id(&db, user, "de").await, None);
    let list = templates::list(&mut conn, user, Some(TemplateKind::Availability))
        .await
        .unwrap();
    let defaults: Vec<_> = list.iter().filter(|t| t.is_default).map(|t| t.id).collect();
    assert_eq!(defaults.len(), 2, "{list:?}");
    assert!(defaults.contains(&second) && defaults.contains(&french));
    assert_eq!(list.len(), 4);
    // Choosing an older one as default again swaps them.
    assert!(
        templates::set_default(&mut conn, user, plain)
            .await
            .unwrap()
    );
    assert_eq!(default_id(&db, user, "en").await, Some(plain));
    let other = support::user(&db.pool, "other@example.com").await;
    assert!(
        !templates::set_default(&mut conn, other, plain)
            .await
            .unwrap()
    );
    assert!(
        templates::list(&mut conn, user, Some(TemplateKind::Decline))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn racing_defaults_leave_exactly_one() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "owner@example.com").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let pool = db.pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = pool.acquire().await.unwrap();
            let name = format!("t{i}");
            templates::save(&mut conn, user, &new(&name, "en", true)).await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every save succeeds");
    }
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM email_templates WHERE user_id = $1 AND is_default",
    )
    .bind(user)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_template_with_an_unknown_variable_is_refused_and_not_stored() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "owner@example.com").await;
    let mut conn = db.pool.acquire().await.unwrap();
    let bad = NewTemplate {
        body: "Hi,\n\n{{#if slots}}\n{{guest.nickname}}\n{{/if}}",
        ..new("bad", "en", true)
    };
    match templates::save(&mut conn, user, &bad).await {
        Err(SaveError::Invalid(e)) => {
            assert_eq!((e.part, e.line), (Part::Text, Some(4)), "{e}");
            assert!(e.message.contains("guest.nickname"), "{e}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let bad_language = new("x", "english", false);
    assert!(matches!(
        templates::save(&mut conn, user, &bad_language).await,
        Err(SaveError::Refused(_))
    ));
    assert!(
        templates::list(&mut conn, user, None)
            .await
            .unwrap()
            .is_empty()
    );
    // The schema refuses what would dodge the one-default index.
    let null_language = sqlx::query(
        "INSERT INTO email_templates (user_id, name, type, subject, body, language)
         VALUES ($1, 'n', 'decline', 's', 'b', NULL)",
    )
    .bind(user)
    .execute(&db.pool)
    .await;
    assert!(null_language.is_err());
}

#[tokio::test]
async fn usage_is_counted_and_a_deleted_template_frees_the_default() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "owner@example.com").await;
    let mut conn = db.pool.acquire().await.unwrap();
    let id = templates::save(&mut conn, user, &new("mine", "en", true))
        .await
        .unwrap();
    let renderer = Renderer::new().unwrap();
    for _ in 0..3 {
        let t = templates::default_for(&mut conn, user, TemplateKind::Availability, "en")
            .await
            .unwrap()
            .unwrap();
        let r = renderer.render_user(&t, &ReplyContext::sample()).unwrap();
        assert!(
            r.text.starts_with("Hi Dana Lee,\n1) Tue 2 Mar"),
            "{}",
            r.text
        );
        templates::record_use(&mut conn, t.id).await.unwrap();
    }
    let t = templates::get(&mut conn, user, id).await.unwrap().unwrap();
    assert_eq!(t.usage_count, 3);
    assert!(templates::delete(&mut conn, user, id).await.unwrap());
    assert!(!templates::delete(&mut conn, user, id).await.unwrap());
    assert_eq!(default_id(&db, user, "en").await, None);
    assert!(templates::get(&mut conn, user, id).await.unwrap().is_none());
    // The row stays (responses may name it), and a new default can take the slot.
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM email_templates WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(kept, 1);
    let next = templates::save(&mut conn, user, &new("next", "en", true))
        .await
        .unwrap();
    assert_eq!(default_id(&db, user, "en").await, Some(next));
}

fn cams(db: Option<&TestDb>, args: &[&str]) -> Output {
    let mut c = crate::service::cams();
    if let Some(db) = db {
        c.env("DATABASE_URL", db.url());
    }
    c.args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn the_template_commands_check_add_and_list() {
    let dir = std::env::temp_dir().join(format!("cams-tpl-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.txt");
    std::fs::write(
        &good,
        "Hello {{guest.display_name}},\n\n{{#each slots}}{{index}}. {{when}}\n{{/each}}",
    )
    .unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "Hello,\n{{guest.firstname}}\n").unwrap();
    let (good_s, bad_s) = (good.to_str().unwrap(), bad.to_str().unwrap());

    // check needs no database.
    let out = cams(
        None,
        &[
            "template",
            "check",
            "--type",
            "availability",
            "--subject",
            "{{re subject}}",
            "--text",
            good_s,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Subject: Re: Meeting next week?"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("1. Tue 2 Mar"), "{}", stdout(&out));
    let out = cams(
        None,
        &[
            "template",
            "check",
            "--type",
            "availability",
            "--subject",
            "s",
            "--text",
            bad_s,
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("text body, line 2: unknown variable `guest.firstname`"),
        "{}",
        stderr(&out)
    );

    let db = TestDb::new().await;
    support::user(&db.pool, "owner@example.com").await;
    let add = |name: &'static str, text: &str, default: bool| {
        let mut args = vec![
            "template",
            "add",
            "--user",
            "owner@example.com",
            "--type",
            "follow_up",
            "--name",
            name,
            "--subject",
            "Following up",
            "--text",
        ];
        args.push(text);
        if default {
            args.push("--default");
        }
        cams(Some(&db), &args)
    };
    let out = add("nudge", good_s, true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("(default)"), "{}", stdout(&out));
    let out = add("broken", bad_s, false);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    let out = cams(
        Some(&db),
        &["template", "list", "--user", "owner@example.com"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = stdout(&out);
    assert_eq!(listing.lines().count(), 1, "{listing}");
    assert!(
        listing.contains("follow_up") && listing.contains("default") && listing.contains("nudge"),
        "{listing}"
    );
    let out = cams(
        Some(&db),
        &["template", "list", "--user", "nobody@example.com"],
    );
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
