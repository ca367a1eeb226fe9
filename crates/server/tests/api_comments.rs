//! Comments on posts (CONTRACT §2.11, #83–#87) through the real application and PostgreSQL: the
//! app's payload and `personalInfo`, ownership, no mass assignment, replies, the cached post
//! page, bad input, and no private field in any answer.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use api::community::{
    anonymous_refused, avatar, community_app, deletes, neither_edits_nor_deletes, post, sql, user,
    uuids,
};
use api::privacy::Privacy;
use api::{authed, get};
use serde_json::{Value, json};

const OWNER: &str = "99361999991";
const AUTHOR: &str = "99361999992";
const STRANGER: &str = "99361999993";
const ADMIN: &str = "99361999999";

fn comment(post: &str, message: &str, reply_to: Option<&str>) -> Value {
    json!({"postId": post, "message": message, "replyTo": reply_to})
}

#[actix_web::test]
async fn comments_show_their_author_and_only_the_author_or_an_admin_changes_them() {
    let (t, _base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let owner = user(&t, &app, &mut privacy, OWNER, "Seller").await;
    let author = user(&t, &app, &mut privacy, AUTHOR, "Aman").await;
    let stranger = user(&t, &app, &mut privacy, STRANGER, "Merdan").await;
    let admin = t.admin(&app, ADMIN).await;
    let medium = avatar(&t, &author).await;
    let post_id = post(&app, &owner).await;
    let page = format!("/api/v1/posts/{post_id}");

    // The post page, rendered once and cached: no comments yet.
    let (status, rendered, _) = privacy.call(&app, get(&page), None).await;
    assert_eq!(status, StatusCode::OK, "{rendered}");
    assert_eq!(rendered["comments"], json!([]));

    // The app's payload, `replyTo` null: 200 with the author as `personalInfo`.
    let (status, first, _) = privacy
        .call(
            &app,
            authed(
                Method::POST,
                "/api/v1/comments",
                &author.token,
                Some(comment(&post_id, "Is it still for sale?", None)),
            ),
            Some(AUTHOR),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["message"], "Is it still for sale?");
    assert_eq!(first["postId"], post_id.as_str());
    assert_eq!(first["userId"], author.uuid.as_str());
    assert!(first["replyTo"].is_null(), "{first}");
    assert_eq!(
        first["personalInfo"],
        json!({"name": "Aman", "avatar": medium})
    );
    assert_eq!(first["sender"], "Aman");
    let user_keys: Vec<&String> = first["user"].as_object().unwrap().keys().collect();
    assert_eq!(user_keys, ["avatar", "name", "uuid"], "{first}");
    assert_eq!(first["user"]["avatar"]["path"]["medium"], medium.as_str());
    assert!(first["parent"].is_null());
    let first_id = first["uuid"].as_str().unwrap().to_owned();

    // The cached post page shows it at once.
    let (_, rendered, _) = privacy.call(&app, get(&page), None).await;
    assert_eq!(
        uuids(&rendered["comments"]),
        [first_id.as_str()],
        "{rendered}"
    );

    // A reply in the same post carries its parent, public fields only.
    let (status, reply, _) = privacy
        .call(
            &app,
            authed(
                Method::POST,
                "/api/v1/comments",
                &stranger.token,
                Some(comment(&post_id, "Yes, come and see it", Some(&first_id))),
            ),
            Some(STRANGER),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["replyTo"], first_id.as_str());
    assert_eq!(reply["parent"]["uuid"], first_id.as_str());
    assert_eq!(reply["parent"]["user"]["name"], "Aman");
    assert_eq!(
        reply["personalInfo"],
        json!({"name": "Merdan", "avatar": null})
    );
    let reply_id = reply["uuid"].as_str().unwrap().to_owned();

    // The list is oldest first, and carries `personalInfo` too.
    let list_uri = format!("/api/v1/comments?postId={post_id}");
    let (status, list, _) = privacy.call(&app, get(&list_uri), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(uuids(&list), [first_id.as_str(), reply_id.as_str()]);
    assert_eq!(list[0]["personalInfo"]["name"], "Aman");
    let (status, one, _) = privacy
        .call(&app, get(&format!("/api/v1/comments/{first_id}")), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one, list[0]);

    // Strangers may neither edit nor delete it.
    let first_uri = format!("/api/v1/comments/{first_id}");
    neither_edits_nor_deletes(
        &app,
        &privacy,
        &first_uri,
        (&stranger.token, Some(STRANGER)),
        json!({"message": "hijacked"}),
        (StatusCode::FORBIDDEN, "FORBIDDEN"),
    )
    .await;

    // The author edits the message; nothing else is written (no mass assignment).
    let (status, edited, _) = privacy
        .call(
            &app,
            authed(
                Method::PATCH,
                &first_uri,
                &author.token,
                Some(json!({
                    "message": "Is it still for sale? Price?",
                    "userId": stranger.uuid,
                    "postId": uuid::Uuid::new_v4(),
                    "replyTo": reply_id,
                    "status": true,
                    "sender": "someone else",
                    "createdAt": "2000-01-01T00:00:00.000Z",
                })),
            ),
            Some(AUTHOR),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["message"], "Is it still for sale? Price?");
    for key in [
        "userId",
        "postId",
        "replyTo",
        "status",
        "sender",
        "createdAt",
    ] {
        assert_eq!(edited[key], first[key], "{key} changed: {edited}");
    }
    // An admin may edit it too.
    let (status, edited, _) = privacy
        .call(
            &app,
            authed(
                Method::PATCH,
                &first_uri,
                &admin,
                Some(json!({"message": "(edited by a moderator)"})),
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["userId"], author.uuid.as_str());

    // The author deletes it: the reply stays, with `replyTo` null; the post page follows.
    deletes(&app, &privacy, &first_uri, (&author.token, Some(AUTHOR))).await;
    privacy
        .refused(
            &app,
            get(&first_uri),
            None,
            StatusCode::NOT_FOUND,
            "COMMENT_NOT_FOUND",
        )
        .await;
    let (_, list, _) = privacy.call(&app, get(&list_uri), None).await;
    assert_eq!(uuids(&list), [reply_id.as_str()]);
    assert!(list[0]["replyTo"].is_null(), "{list}");
    assert!(list[0]["parent"].is_null(), "{list}");
    let (_, rendered, _) = privacy.call(&app, get(&page), None).await;
    assert_eq!(
        uuids(&rendered["comments"]),
        [reply_id.as_str()],
        "{rendered}"
    );

    // An admin deletes anyone's.
    let reply_uri = format!("/api/v1/comments/{reply_id}");
    deletes(&app, &privacy, &reply_uri, (&admin, None)).await;
    let (_, rendered, _) = privacy.call(&app, get(&page), None).await;
    assert_eq!(rendered["comments"], json!([]));
}

#[actix_web::test]
async fn bad_input_gets_a_4xx_with_a_code_and_never_a_database_error() {
    let (t, _base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let owner = user(&t, &app, &mut privacy, OWNER, "Seller").await;
    let author = user(&t, &app, &mut privacy, AUTHOR, "Aman").await;
    let post_id = post(&app, &owner).await;
    let other_post = post(&app, &owner).await;
    let create = |body: Value| authed(Method::POST, "/api/v1/comments", &author.token, Some(body));

    // Anonymous.
    let anonymous = test::TestRequest::post()
        .uri("/api/v1/comments")
        .peer_addr(alpha_testkit::CLIENT.parse().unwrap())
        .set_json(comment(&post_id, "hi", None))
        .to_request();
    let (status, err, _) = privacy.call(&app, anonymous, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    assert!(err["code"].is_string(), "{err}");
    let some = format!("/api/v1/comments/{}", uuid::Uuid::new_v4());
    anonymous_refused(
        &app,
        &privacy,
        &[(Method::PATCH, some.clone()), (Method::DELETE, some)],
    )
    .await;

    // The message: 1 to 1000 characters, counted as characters.
    let (status, ok, _) = privacy
        .call(
            &app,
            create(comment(&post_id, &"ü".repeat(1000), None)),
            Some(AUTHOR),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    let in_other_post = ok["uuid"].as_str().unwrap().to_owned();
    for message in [String::new(), "a".repeat(1001), "a\u{0}b".to_owned()] {
        privacy
            .refused(
                &app,
                create(comment(&post_id, &message, None)),
                Some(AUTHOR),
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD",
            )
            .await;
    }

    // Missing fields, wrong JSON types, junk uuids, not an object.
    for body in [
        json!({"postId": post_id}),
        json!({"message": "hi"}),
        json!({"postId": "not-a-uuid", "message": "hi"}),
        json!({"postId": post_id, "message": 42}),
        json!({"postId": post_id, "message": "hi", "replyTo": "junk"}),
        json!({"postId": 7, "message": "hi"}),
        json!(["hi"]),
    ] {
        privacy
            .refused(
                &app,
                create(body),
                Some(AUTHOR),
                StatusCode::BAD_REQUEST,
                "INVALID_BODY",
            )
            .await;
    }
    let broken = api::with_bearer(Method::POST, "/api/v1/comments", &author.token)
        .insert_header(("content-type", "application/json"))
        .set_payload("{\"postId\": ")
        .to_request();
    privacy
        .refused(
            &app,
            broken,
            Some(AUTHOR),
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
        )
        .await;

    // A post that does not exist; a parent that does not exist or is another post's.
    privacy
        .refused(
            &app,
            create(comment(&uuid::Uuid::new_v4().to_string(), "hi", None)),
            Some(AUTHOR),
            StatusCode::NOT_FOUND,
            "POST_NOT_FOUND",
        )
        .await;
    let (_, in_post, _) = privacy
        .call(
            &app,
            create(comment(&other_post, "elsewhere", None)),
            Some(AUTHOR),
        )
        .await;
    let in_post = in_post["uuid"].as_str().unwrap().to_owned();
    let unknown = uuid::Uuid::new_v4().to_string();
    for parent in [&unknown, &in_post] {
        privacy
            .refused(
                &app,
                create(comment(&post_id, "hi", Some(parent))),
                Some(AUTHOR),
                StatusCode::BAD_REQUEST,
                "INVALID_REPLY_TO",
            )
            .await;
    }

    // The list needs a post uuid.
    for uri in [
        "/api/v1/comments",
        "/api/v1/comments?postId=",
        "/api/v1/comments?postId=junk",
    ] {
        privacy
            .refused(
                &app,
                get(uri),
                None,
                StatusCode::BAD_REQUEST,
                "INVALID_QUERY",
            )
            .await;
    }
    let (status, none, _) = privacy
        .call(
            &app,
            get(&format!("/api/v1/comments?postId={unknown}")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!([]));

    // Ids in the path.
    privacy
        .refused(
            &app,
            get("/api/v1/comments/junk"),
            None,
            StatusCode::BAD_REQUEST,
            "INVALID_PATH_PARAMETER",
        )
        .await;
    let missing = format!("/api/v1/comments/{unknown}");
    privacy
        .refused(
            &app,
            get(&missing),
            None,
            StatusCode::NOT_FOUND,
            "COMMENT_NOT_FOUND",
        )
        .await;
    neither_edits_nor_deletes(
        &app,
        &privacy,
        &missing,
        (&author.token, Some(AUTHOR)),
        json!({"message": "x"}),
        (StatusCode::NOT_FOUND, "COMMENT_NOT_FOUND"),
    )
    .await;

    // An edit needs a valid message.
    let mine = format!("/api/v1/comments/{in_other_post}");
    for (body, code) in [
        (json!({}), "INVALID_BODY"),
        (json!({"message": null}), "INVALID_BODY"),
        (json!({"message": ""}), "INVALID_FIELD"),
        (json!({"message": "a".repeat(1001)}), "INVALID_FIELD"),
    ] {
        privacy
            .refused(
                &app,
                authed(Method::PATCH, &mine, &author.token, Some(body)),
                Some(AUTHOR),
                StatusCode::BAD_REQUEST,
                code,
            )
            .await;
    }
}

#[actix_web::test]
async fn a_legacy_sender_that_is_an_email_is_not_shown() {
    let (t, _base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let owner = user(&t, &app, &mut privacy, OWNER, "Seller").await;
    let post_id = post(&app, &owner).await;
    // The old API stored the e-mail as the sender of users without a name.
    privacy.keep("legacy", "old-user@mail.test");
    let id = uuid::Uuid::new_v4();
    sql(
        &t,
        &format!(
            "INSERT INTO comments (uuid, message, sender, \"postId\") \
             VALUES ('{id}', 'old comment', 'old-user@mail.test', '{post_id}')"
        ),
    )
    .await;
    let (status, list, _) = privacy
        .call(
            &app,
            get(&format!("/api/v1/comments?postId={post_id}")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(uuids(&list), [id.to_string()]);
    assert!(list[0]["sender"].is_null(), "{list}");
    assert!(list[0]["user"].is_null(), "{list}");
    assert_eq!(
        list[0]["personalInfo"],
        json!({"name": null, "avatar": null})
    );
    let (status, page, _) = privacy
        .call(&app, get(&format!("/api/v1/posts/{post_id}")), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page["comments"][0]["sender"].is_null(), "{page}");
}

#[actix_web::test]
async fn the_privacy_check_catches_another_users_private_values() {
    let (t, _base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let author = user(&t, &app, &mut privacy, AUTHOR, "Aman").await;
    let (_, me, _) = api::call(
        &app,
        authed(Method::GET, "/api/v1/auth/me", &author.token, None),
    )
    .await;
    // The profile shows the caller's own phone and e-mail: fine for them, a leak for others.
    privacy.check(&me, Some(AUTHOR));
    let leaked = std::panic::catch_unwind(|| privacy.check(&me, None));
    assert!(leaked.is_err(), "{me}");
    let keyed = std::panic::catch_unwind(|| privacy.check(&json!({"firebaseToken": null}), None));
    assert!(keyed.is_err());
}
