//! The blog, `vlog` on the wire (CONTRACT §2.12, #88–#92), and its images (#60–#61), through the
//! real application, PostgreSQL and an upload folder: the app's payloads, the caller as author,
//! moderation by admins only, who sees what, offset paging and filters, bad input, and no
//! private field in any answer.
#![allow(clippy::unwrap_used)]

mod api;

use std::io::Cursor;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use api::community::{
    User, anonymous_refused, community_app, deletes, neither_edits_nor_deletes, post, user, uuids,
};
use api::privacy::{Privacy, assert_error};
use api::upload::{file, files, typed_file, upload, uploads};
use api::{authed, get, with_bearer};
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use serde_json::{Value, json};

const AUTHOR: &str = "99361999991";
const OTHER: &str = "99361999992";
const STRANGER: &str = "99361999993";
const ADMIN: &str = "99361999999";

/// A request as `who` (a token), or anonymous.
fn request(method: Method, uri: &str, who: Option<&str>, body: Option<Value>) -> Request {
    match who {
        Some(token) => authed(method, uri, token, body),
        None => {
            let req = test::TestRequest::default()
                .method(method)
                .uri(uri)
                .peer_addr(alpha_testkit::CLIENT.parse().unwrap());
            match body {
                Some(body) => req.set_json(body).to_request(),
                None => req.to_request(),
            }
        }
    }
}

/// Posts `body` as `user`; returns the created entry.
async fn create<S, B>(app: &S, privacy: &Privacy, user: &User, body: Value) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, created, _) = privacy
        .call(
            app,
            authed(Method::POST, "/api/v1/vlog", &user.token, Some(body)),
            Some(user.phone),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

/// Moderates as an admin; returns the entry.
async fn moderate<S, B>(app: &S, privacy: &Privacy, admin: &str, id: &str, body: Value) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let uri = format!("/api/v1/vlog/{id}");
    let (status, entry, _) = privacy
        .call(app, authed(Method::PATCH, &uri, admin, Some(body)), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    entry
}

#[actix_web::test]
async fn an_entry_from_the_app_goes_through_moderation_and_ownership() {
    let (t, _base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let author = user(&t, &app, &mut privacy, AUTHOR, "Aman").await;
    let stranger = user(&t, &app, &mut privacy, STRANGER, "Merdan").await;
    let admin = t.admin(&app, ADMIN).await;

    // The app sends `{description}` alone; a `userId` or `status` in the body is not read.
    let entry = create(
        &app,
        &privacy,
        &author,
        json!({
            "description": "My first long drive in the new Land Cruiser: Ashgabat to Mary and back in one day",
            "userId": stranger.uuid,
            "status": "Accepted",
        }),
    )
    .await;
    assert_eq!(
        entry["title"],
        "My first long drive in the new Land Cruiser: Ashgabat to"
    );
    assert_eq!(entry["status"], "Pending");
    assert_eq!(entry["userId"], author.uuid.as_str());
    assert_eq!(
        entry["user"],
        json!({"uuid": author.uuid, "name": "Aman", "avatar": null})
    );
    assert!(entry["declineMessage"].is_null());
    assert_eq!(entry["isActive"], false);
    let id = entry["uuid"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/vlog/{id}");

    // Pending: the author and admins see it, nobody else.
    for (who, phone, total) in [
        (None, None, 0),
        (Some(stranger.token.as_str()), Some(STRANGER), 0),
        (Some(author.token.as_str()), Some(AUTHOR), 1),
        (Some(admin.as_str()), None, 1),
    ] {
        let (status, page, _) = privacy
            .call(&app, request(Method::GET, "/api/v1/vlog", who, None), phone)
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], total, "{phone:?}: {page}");
        let (status, one, _) = privacy
            .call(&app, request(Method::GET, &uri, who, None), phone)
            .await;
        if total == 1 {
            assert_eq!(status, StatusCode::OK, "{one}");
        } else {
            assert_error(status, &one, StatusCode::NOT_FOUND, "VLOG_NOT_FOUND");
        }
    }
    // A stale token reads as anonymous.
    let (status, page, _) = privacy
        .call(
            &app,
            request(Method::GET, "/api/v1/vlog", Some("junk.token.here"), None),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 0);

    // The author may not moderate; a stranger may neither edit nor delete.
    for body in [
        json!({"status": "Accepted"}),
        json!({"declineMessage": "fine"}),
    ] {
        privacy
            .refused(
                &app,
                authed(Method::PATCH, &uri, &author.token, Some(body)),
                Some(AUTHOR),
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
            )
            .await;
    }
    neither_edits_nor_deletes(
        &app,
        &privacy,
        &uri,
        (&stranger.token, Some(STRANGER)),
        json!({"title": "mine"}),
        (StatusCode::FORBIDDEN, "FORBIDDEN"),
    )
    .await;

    // An admin declines with a reason, then accepts: the reason goes, the public sees it.
    let declined = moderate(
        &app,
        &privacy,
        &admin,
        &id,
        json!({"status": "Declined", "declineMessage": "Add a photo"}),
    )
    .await;
    assert_eq!(declined["status"], "Declined");
    assert_eq!(declined["declineMessage"], "Add a photo");
    let accepted = moderate(&app, &privacy, &admin, &id, json!({"status": "Accepted"})).await;
    assert_eq!(accepted["status"], "Accepted");
    assert!(accepted["declineMessage"].is_null(), "{accepted}");
    let (_, page, _) = privacy.call(&app, get("/api/v1/vlog"), None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(uuids(&page), [id.as_str()]);
    let author_keys: Vec<&String> = page["data"][0]["user"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(author_keys, ["avatar", "name", "uuid"], "{page}");
    let (status, _, _) = privacy.call(&app, get(&uri), None).await;
    assert_eq!(status, StatusCode::OK);

    // The author's edit changes only what the body may change, and goes back to review.
    let (status, edited, _) = privacy
        .call(
            &app,
            authed(
                Method::PATCH,
                &uri,
                &author.token,
                Some(json!({
                    "title": "Ashgabat to Mary",
                    "tag": "trips",
                    "isActive": true,
                    "thumbnail": {"uuid": "x"},
                    "userId": stranger.uuid,
                    "createdAt": "2000-01-01T00:00:00.000Z",
                })),
            ),
            Some(AUTHOR),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["title"], "Ashgabat to Mary");
    assert_eq!(edited["tag"], "trips");
    assert_eq!(edited["isActive"], true);
    assert_eq!(edited["thumbnail"], json!({"uuid": "x"}));
    assert_eq!(edited["userId"], author.uuid.as_str());
    assert_eq!(edited["createdAt"], entry["createdAt"]);
    assert_eq!(edited["description"], entry["description"]);
    assert_eq!(edited["status"], "Pending");
    let (_, page, _) = privacy.call(&app, get("/api/v1/vlog"), None).await;
    assert_eq!(page["total"], 0, "{page}");

    // The author deletes it; an admin deletes anyone's.
    deletes(&app, &privacy, &uri, (&author.token, Some(AUTHOR))).await;
    privacy
        .refused(
            &app,
            authed(Method::GET, &uri, &admin, None),
            None,
            StatusCode::NOT_FOUND,
            "VLOG_NOT_FOUND",
        )
        .await;
    let other = create(
        &app,
        &privacy,
        &stranger,
        json!({"description": "x", "title": "Mine"}),
    )
    .await;
    assert_eq!(other["title"], "Mine");
    let other_uri = format!("/api/v1/vlog/{}", other["uuid"].as_str().unwrap());
    deletes(&app, &privacy, &other_uri, (&admin, None)).await;
}

#[actix_web::test]
async fn the_list_pages_by_offset_or_page_and_filters() {
    let (t, _base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let author = user(&t, &app, &mut privacy, AUTHOR, "Aman").await;
    let other = user(&t, &app, &mut privacy, OTHER, "Merdan").await;
    let admin = t.admin(&app, ADMIN).await;

    // Five accepted entries by the author, two by the other user, one of those pending.
    let mut ids = Vec::new();
    for (who, title) in [
        (&author, "Alpha road"),
        (&author, "Bravo 100% off-road"),
        (&author, "Charlie"),
        (&author, "Delta"),
        (&author, "Echo"),
        (&other, "Foxtrot"),
        (&other, "Golf"),
    ] {
        let entry = create(
            &app,
            &privacy,
            who,
            json!({"title": title, "description": format!("About {title}")}),
        )
        .await;
        ids.push(entry["uuid"].as_str().unwrap().to_owned());
    }
    for id in &ids[..6] {
        moderate(&app, &privacy, &admin, id, json!({"status": "Accepted"})).await;
    }
    // Newest first by default: the accepted ones, from "Foxtrot" back.
    let newest_first: Vec<String> = ids[..6].iter().rev().cloned().collect();
    let list = async |uri: &str| -> Value {
        let (status, page, _) = privacy.call(&app, get(uri), None).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        page
    };

    // Offset and limit as the app sends them.
    let page = list("/api/v1/vlog?offset=0&limit=2").await;
    assert_eq!(
        (
            page["total"].clone(),
            page["page"].clone(),
            page["limit"].clone()
        ),
        (json!(6), json!(1), json!(2))
    );
    assert_eq!(uuids(&page), newest_first[0..2]);
    let page = list("/api/v1/vlog?offset=2&limit=2").await;
    assert_eq!(uuids(&page), newest_first[2..4]);
    assert_eq!(page["page"], 2);
    let page = list("/api/v1/vlog?offset=5&limit=2").await;
    assert_eq!(uuids(&page), newest_first[5..6]);
    let page = list("/api/v1/vlog?offset=40&limit=2").await;
    assert_eq!(
        (page["total"].clone(), page["data"].clone()),
        (json!(6), json!([]))
    );
    // `page` for old callers; `offset` wins when both come.
    let page = list("/api/v1/vlog?page=2&limit=4").await;
    assert_eq!(uuids(&page), newest_first[4..6]);
    let page = list("/api/v1/vlog?page=2&offset=0&limit=4").await;
    assert_eq!(uuids(&page), newest_first[0..4]);
    let page = list("/api/v1/vlog").await;
    assert_eq!(page["limit"], 10);
    assert_eq!(uuids(&page).len(), 6);

    // Filters: author (B12), search in title or description (wildcards literal), order.
    let page = list(&format!("/api/v1/vlog?userId={}", other.uuid)).await;
    assert_eq!(uuids(&page), [ids[5].as_str()]);
    let page = list("/api/v1/vlog?search=ROAD").await;
    assert_eq!(uuids(&page), [ids[1].as_str(), ids[0].as_str()]);
    let page = list("/api/v1/vlog?search=100%25").await;
    assert_eq!(uuids(&page), [ids[1].as_str()]);
    let page = list("/api/v1/vlog?search=about%20charlie").await;
    assert_eq!(uuids(&page), [ids[2].as_str()]);
    let page = list("/api/v1/vlog?sortBy=title&sortOrder=asc&limit=3").await;
    assert_eq!(uuids(&page), ids[0..3]);
    let page = list("/api/v1/vlog?status=Pending").await;
    assert_eq!(page["total"], 0, "the public sees no pending entry: {page}");
    let (_, page, _) = privacy
        .call(
            &app,
            authed(Method::GET, "/api/v1/vlog?status=Pending", &admin, None),
            None,
        )
        .await;
    assert_eq!(uuids(&page), [ids[6].as_str()]);
    let (_, page, _) = privacy
        .call(
            &app,
            authed(
                Method::GET,
                &format!("/api/v1/vlog?userId={}", other.uuid),
                &other.token,
                None,
            ),
            Some(OTHER),
        )
        .await;
    assert_eq!(
        uuids(&page),
        [ids[6].as_str(), ids[5].as_str()],
        "their own pending one too"
    );

    // Junk and out-of-range values.
    for (uri, code) in [
        ("/api/v1/vlog?limit=abc", "INVALID_QUERY"),
        ("/api/v1/vlog?offset=-1", "INVALID_QUERY"),
        ("/api/v1/vlog?status=Bogus", "INVALID_QUERY"),
        ("/api/v1/vlog?userId=junk", "INVALID_QUERY"),
        ("/api/v1/vlog?sortBy=password", "INVALID_QUERY"),
        ("/api/v1/vlog?sortOrder=sideways", "INVALID_QUERY"),
        ("/api/v1/vlog?limit=0", "INVALID_FIELD"),
        ("/api/v1/vlog?limit=101", "INVALID_FIELD"),
        ("/api/v1/vlog?page=0", "INVALID_FIELD"),
        ("/api/v1/vlog?offset=1000000001", "INVALID_FIELD"),
    ] {
        privacy
            .refused(&app, get(uri), None, StatusCode::BAD_REQUEST, code)
            .await;
    }
    let long = format!("/api/v1/vlog?search={}", "s".repeat(256));
    privacy
        .refused(
            &app,
            get(&long),
            None,
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        )
        .await;
}

#[actix_web::test]
async fn bad_bodies_and_ids_get_a_4xx_with_a_code() {
    let (t, _base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let author = user(&t, &app, &mut privacy, AUTHOR, "Aman").await;
    let admin = t.admin(&app, ADMIN).await;
    let post_as = |body: Value| authed(Method::POST, "/api/v1/vlog", &author.token, Some(body));

    let (status, err, _) = privacy
        .call(
            &app,
            request(
                Method::POST,
                "/api/v1/vlog",
                None,
                Some(json!({"description": "x"})),
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    assert!(err["code"].is_string());
    let some = format!("/api/v1/vlog/{}", uuid::Uuid::new_v4());
    let photo = format!("/api/v1/photo/vlog/{}", uuid::Uuid::new_v4());
    anonymous_refused(
        &app,
        &privacy,
        &[
            (Method::PATCH, some.clone()),
            (Method::DELETE, some),
            (Method::DELETE, photo),
        ],
    )
    .await;

    for (body, code) in [
        (json!({}), "INVALID_BODY"),
        (json!({"title": "Only a title"}), "INVALID_BODY"),
        (json!({"description": 5}), "INVALID_BODY"),
        (json!({"description": "x", "title": 5}), "INVALID_BODY"),
        (
            json!({"description": "x", "isActive": "yes"}),
            "INVALID_BODY",
        ),
        (
            json!({"description": "x", "thumbnail": [1]}),
            "INVALID_BODY",
        ),
        (json!(["x"]), "INVALID_BODY"),
        (json!({"description": " \n\t "}), "INVALID_FIELD"),
        (json!({"description": "x", "title": ""}), "INVALID_FIELD"),
        (
            json!({"description": "x", "title": "t".repeat(256)}),
            "INVALID_FIELD",
        ),
        (json!({"description": "d".repeat(10_001)}), "INVALID_FIELD"),
        (json!({"description": "a\u{0}b"}), "INVALID_FIELD"),
        (
            json!({"description": "x", "tag": "t".repeat(256)}),
            "INVALID_FIELD",
        ),
    ] {
        privacy
            .refused(
                &app,
                post_as(body.clone()),
                Some(AUTHOR),
                StatusCode::BAD_REQUEST,
                code,
            )
            .await;
    }
    let broken = with_bearer(Method::POST, "/api/v1/vlog", &author.token)
        .insert_header(("content-type", "application/json"))
        .set_payload("{\"description\"")
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

    let entry = create(&app, &privacy, &author, json!({"description": "x"})).await;
    let uri = format!("/api/v1/vlog/{}", entry["uuid"].as_str().unwrap());
    for (body, code) in [
        (json!({"status": "Bogus"}), "INVALID_BODY"),
        (json!({"title": ""}), "INVALID_FIELD"),
        (json!({"declineMessage": "r".repeat(256)}), "INVALID_FIELD"),
        (json!({"description": "d".repeat(10_001)}), "INVALID_FIELD"),
    ] {
        privacy
            .refused(
                &app,
                authed(Method::PATCH, &uri, &admin, Some(body)),
                None,
                StatusCode::BAD_REQUEST,
                code,
            )
            .await;
    }

    privacy
        .refused(
            &app,
            get("/api/v1/vlog/junk"),
            None,
            StatusCode::BAD_REQUEST,
            "INVALID_PATH_PARAMETER",
        )
        .await;
    let missing = format!("/api/v1/vlog/{}", uuid::Uuid::new_v4());
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"title": "x"}))),
        (Method::DELETE, None),
    ] {
        privacy
            .refused(
                &app,
                authed(method, &missing, &admin, body),
                None,
                StatusCode::NOT_FOUND,
                "VLOG_NOT_FOUND",
            )
            .await;
    }
}

/// How many files the upload folder holds under `folder`.
fn in_folder(dir: &std::path::Path, folder: &str) -> usize {
    files(dir)
        .iter()
        .filter(|f| f.starts_with(&format!("{folder}/")))
        .count()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            90,
            if x < width / 2 { 255 } else { 128 },
        ])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgba8(pixels)
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

#[actix_web::test]
async fn blog_images_are_stored_in_three_sizes_and_only_admins_delete_them() {
    let (t, base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let author = user(&t, &app, &mut privacy, AUTHOR, "Aman").await;
    let admin = t.admin(&app, ADMIN).await;
    let dir = uploads(&base);

    // #60 as the app sends it: one file; the answer's `uuid` is the whole photo.
    let (status, saved, _) = privacy
        .call(
            &app,
            upload(
                Method::POST,
                "/api/v1/photo/vlog",
                &author.token,
                &[file("file", "blog.png", png(600, 300))],
            ),
            Some(AUTHOR),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["message"], "OK");
    let photo = &saved["uuid"];
    let id = photo["uuid"].as_str().unwrap().to_owned();
    let medium = photo["path"]["medium"].as_str().unwrap().to_owned();
    assert_eq!(medium, format!("uploads/vlog/medium_{id}.png"));
    assert_eq!(photo["originalPath"], format!("uploads/vlog/{id}.png"));
    assert!(
        photo["userId"].is_null() && photo["brandsId"].is_null(),
        "{photo}"
    );
    let (status, _, _) = privacy.call(&app, get(&format!("/{medium}")), None).await;
    assert_eq!(status, StatusCode::OK, "served where the app looks");
    assert_eq!(in_folder(&dir, "vlog"), 4);

    // Not an image, no file, no token: refused, and nothing is left behind.
    privacy
        .refused(
            &app,
            upload(
                Method::POST,
                "/api/v1/photo/vlog",
                &author.token,
                &[typed_file(
                    "file",
                    "blog.png",
                    "image/png",
                    b"<svg>not an image</svg>".to_vec(),
                )],
            ),
            Some(AUTHOR),
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        )
        .await;
    privacy
        .refused(
            &app,
            upload(Method::POST, "/api/v1/photo/vlog", &author.token, &[]),
            Some(AUTHOR),
            StatusCode::BAD_REQUEST,
            "NO_FILE",
        )
        .await;
    let (status, _, _) = privacy
        .call(
            &app,
            api::upload::anonymous(
                Method::POST,
                "/api/v1/photo/vlog",
                &[file("file", "a.png", png(10, 10))],
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(in_folder(&dir, "vlog"), 4);

    // #61: admins only; another kind of photo is not a blog image.
    let delete_uri = format!("/api/v1/photo/vlog/{id}");
    privacy
        .refused(
            &app,
            authed(Method::DELETE, &delete_uri, &author.token, None),
            Some(AUTHOR),
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
        )
        .await;
    let post_id = post(&app, &author).await;
    let (status, added, _) = privacy
        .call(
            &app,
            upload(
                Method::POST,
                "/api/v1/photo/posts",
                &author.token,
                &[
                    api::upload::text("uuid", &post_id),
                    file("file", "p.png", png(20, 20)),
                ],
            ),
            Some(AUTHOR),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    let post_photo = added["photos"][0].as_str().unwrap();
    privacy
        .refused(
            &app,
            authed(
                Method::DELETE,
                &format!("/api/v1/photo/vlog/{post_photo}"),
                &admin,
                None,
            ),
            None,
            StatusCode::NOT_FOUND,
            "PHOTO_NOT_FOUND",
        )
        .await;
    assert_eq!(in_folder(&dir, "posts"), 4);

    let (status, done, _) = privacy
        .call(
            &app,
            authed(Method::DELETE, &delete_uri, &admin, None),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done, json!({"message": "OK"}));
    assert_eq!(in_folder(&dir, "vlog"), 0);
    privacy
        .refused(
            &app,
            authed(Method::DELETE, &delete_uri, &admin, None),
            None,
            StatusCode::NOT_FOUND,
            "PHOTO_NOT_FOUND",
        )
        .await;
    privacy
        .refused(
            &app,
            authed(Method::DELETE, "/api/v1/photo/vlog/junk", &admin, None),
            None,
            StatusCode::BAD_REQUEST,
            "INVALID_PATH_PARAMETER",
        )
        .await;
}
