//! The posts routes (CONTRACT §2.7, #40–#49) through the real application and PostgreSQL, over
//! the fixture catalogue: moderation, ownership, validation of the feed and the bodies.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use api::{authed, call, get, seeded, v5};
use serde_json::{Value, json};

fn uuids(body: &Value) -> Vec<&str> {
    body["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows: {body}"))
        .iter()
        .map(|p| p["uuid"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_post_goes_through_moderation_ownership_and_delete() {
    let t = seeded().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, "99361999991").await;
    let (stranger, _) = t.login(&app, "99361999992").await;
    let admin = t.admin(&app, "99361999999").await;

    // Create: 201 with the uuid, pending moderation.
    let body = json!({
        "brandsId": v5("brand:toyota"),
        "price": 15000,
        "currency": "TMT",
        "year": 2015,
        "color": "white",
        "phone": "+99361999991",
        "personalInfo": {"name": "Aman", "location": "Ashgabat", "region": "Local"},
    });
    let (status, created, _) = call(
        &app,
        authed(Method::POST, "/api/v1/posts", &owner, Some(body)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["message"], "New Post successfully created");
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    let (status, post, _) = call(&app, get(&format!("/api/v1/posts/{uuid}"))).await;
    assert_eq!(status, StatusCode::OK, "{post}");
    assert!(post["status"].is_null(), "pending: {post}");
    assert!(post.get("userId").is_none(), "{post}");
    assert_eq!(post["personalInfo"]["phone"], "+99361999991");

    // The feed without status has it; with status=true not yet.
    let (status, feed, _) = call(&app, get("/api/v1/posts")).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert_eq!(uuids(&feed), [uuid.as_str()]);
    assert_eq!(feed["count"], 1);
    let (_, feed, _) = call(&app, get("/api/v1/posts?status=true")).await;
    assert!(uuids(&feed).is_empty(), "{feed}");
    assert_eq!(feed["count"], 0);

    // A stranger may neither edit nor delete it, nor the owner approve it.
    let path = format!("/api/v1/posts/{uuid}");
    for (method, body) in [
        (Method::PUT, Some(json!({"color": "red"}))),
        (Method::DELETE, None),
    ] {
        let (status, err, _) = call(&app, authed(method, &path, &stranger, body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
        assert_eq!(err["code"], "FORBIDDEN");
    }
    let (status, err, _) = call(
        &app,
        authed(Method::PUT, &path, &owner, Some(json!({"status": true}))),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");

    // The admin approves: the approved feed has it.
    let (status, saved, _) = call(
        &app,
        authed(Method::PUT, &path, &admin, Some(json!({"status": true}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["uuid"], uuid.as_str());
    let (_, feed, _) = call(
        &app,
        get("/api/v1/posts?status=true&brand=true&model=true&photo=true&subscription=true"),
    )
    .await;
    assert_eq!(uuids(&feed), [uuid.as_str()], "{feed}");
    assert_eq!(feed["count"], 1);
    assert_eq!(feed["rows"][0]["brand"]["name"], "toyota", "{feed}");
    let (_, count, _) = call(&app, get("/api/v1/posts?status=true&countOnly=true")).await;
    assert_eq!(count, json!({"count": 1}));

    // The owner's edit sends it back to pending.
    let (status, saved, _) = call(
        &app,
        authed(Method::PUT, &path, &owner, Some(json!({"color": "red"}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, post, _) = call(&app, get(&path)).await;
    assert!(post["status"].is_null(), "{post}");
    assert_eq!(post["color"], "red");
    let (_, feed, _) = call(&app, get("/api/v1/posts?status=true")).await;
    assert_eq!(feed["count"], 0, "{feed}");

    // `/posts/me`, `/posts/count`, `/posts/list`.
    let (status, mine, _) = call(&app, authed(Method::GET, "/api/v1/posts/me", &owner, None)).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert!(mine[0]["userId"].is_string(), "{mine}");
    let (_, theirs, _) = call(
        &app,
        authed(Method::GET, "/api/v1/posts/me", &stranger, None),
    )
    .await;
    assert_eq!(theirs, json!([]));
    let (status, count, _) = call(
        &app,
        authed(Method::GET, "/api/v1/posts/count", &stranger, None),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{count}");
    assert_eq!(count, json!({"posts_count": 1}));
    let (status, _, _) = call(&app, get("/api/v1/posts/count")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let list = test::TestRequest::post()
        .uri("/api/v1/posts/list")
        .peer_addr(alpha_testkit::CLIENT.parse().unwrap())
        .set_json(json!({"uuids": [uuid, uuid::Uuid::new_v4()], "brand": "true"}))
        .to_request();
    let (status, listed, _) = call(&app, list).await;
    assert_eq!(status, StatusCode::CREATED, "{listed}");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["uuid"], uuid.as_str());

    // The owner deletes it: 200, then 404.
    let (status, deleted, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted["message"], "Post Successfully deleted");
    let (status, err, _) = call(&app, get(&path)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["code"], "POST_NOT_FOUND");
    let (status, err, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
}

#[actix_web::test]
async fn bad_bodies_and_feed_queries_are_400_naming_the_field() {
    let t = seeded().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, "99361999991").await;

    for (body, code, field) in [
        (
            json!({"price": 10, "currency": "XYZ"}),
            "UNKNOWN_CURRENCY",
            "XYZ",
        ),
        (
            json!({"price": 10, "brandsId": uuid::Uuid::new_v4()}),
            "UNKNOWN_REFERENCE",
            "brandsId",
        ),
        (json!({"currency": "TMT"}), "INVALID_FIELD", "price"),
        (json!({"price": 10, "year": 1800}), "INVALID_FIELD", "year"),
    ] {
        let (status, err, _) = call(
            &app,
            authed(Method::POST, "/api/v1/posts", &owner, Some(body.clone())),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {err}");
        assert_eq!(err["code"], code, "{body}: {err}");
        assert!(
            err["message"].as_str().unwrap().contains(field),
            "{body}: {err}"
        );
    }

    for query in [
        "sortBy=password",
        "limit=ten",
        "offset=-1",
        "minPrice=abc",
        "minYear=2000&maxYear=1990",
        "status=maybe",
        "brandFilter[]=not-a-uuid",
        "limit=1&limit=2",
    ] {
        let (status, err, _) = call(&app, get(&format!("/api/v1/posts?{query}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {err}");
        assert_eq!(err["code"], "INVALID_FIELD", "{query}: {err}");
    }

    // Unknown ids and the fixed siblings of `/posts/{uuid}`.
    let (status, err, _) = call(
        &app,
        get(&format!("/api/v1/posts/{}", uuid::Uuid::new_v4())),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["code"], "POST_NOT_FOUND");
    let (status, _, _) = call(&app, get("/api/v1/posts/not-a-uuid")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = call(
        &app,
        authed(Method::DELETE, "/api/v1/posts/me", &owner, None),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[actix_web::test]
async fn the_feed_filters_and_sorts_as_the_app_asks() {
    let t = seeded().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, "99361999991").await;
    let admin = t.admin(&app, "99361999999").await;
    let mut made = Vec::new();
    for (brand, price, year) in [("toyota", 10_000, 2010), ("bmw", 30_000, 2020)] {
        let body = json!({"brandsId": v5(&format!("brand:{brand}")), "price": price, "year": year});
        let (status, created, _) = call(
            &app,
            authed(Method::POST, "/api/v1/posts", &owner, Some(body)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let uuid = created["uuid"].as_str().unwrap().to_owned();
        let (status, _, _) = call(
            &app,
            authed(
                Method::PUT,
                &format!("/api/v1/posts/{uuid}"),
                &admin,
                Some(json!({"status": true})),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        made.push(uuid);
    }
    let (toyota, bmw) = (made[0].as_str(), made[1].as_str());

    let (_, feed, _) = call(
        &app,
        get("/api/v1/posts?status=true&sortBy=price&sortAs=asc"),
    )
    .await;
    assert_eq!(uuids(&feed), [toyota, bmw], "{feed}");
    let (_, feed, _) = call(&app, get("/api/v1/posts?status=true&sortBy=year")).await;
    assert_eq!(uuids(&feed), [bmw, toyota], "{feed}");
    let uri = format!(
        "/api/v1/posts?status=true&brandFilter[]={}",
        v5("brand:bmw")
    );
    let (_, feed, _) = call(&app, get(&uri)).await;
    assert_eq!(uuids(&feed), [bmw], "{feed}");
    let (_, feed, _) = call(&app, get("/api/v1/posts?status=true&minPrice=20000")).await;
    assert_eq!(uuids(&feed), [bmw], "{feed}");
    let (_, feed, _) = call(&app, get("/api/v1/posts?status=true&limit=1&offset=1")).await;
    assert_eq!(uuids(&feed), [toyota], "{feed}");
    assert_eq!(feed["count"], 2);
    // Unknown keys are ignored, as before; empty values count as absent.
    let (status, feed, _) = call(&app, get("/api/v1/posts?comment=true&limit=&status=true")).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert_eq!(feed["count"], 2);
}

#[actix_web::test]
async fn feed_and_post_pages_revalidate_with_etags_and_change_with_a_write() {
    let t = seeded().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, "99361999991").await;
    let create = |body: Value| authed(Method::POST, "/api/v1/posts", &owner, Some(body));
    let body = json!({"brandsId": v5("brand:toyota"), "price": 15000, "currency": "TMT"});
    let (status, created, _) = call(&app, create(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let uuid = created["uuid"].as_str().unwrap().to_owned();

    for uri in [
        "/api/v1/posts?brand=true".to_owned(),
        format!("/api/v1/posts/{uuid}"),
    ] {
        let (status, _, headers) = call(&app, get(&uri)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers.get("cache-control").unwrap(), "no-cache");
        let etag = headers.get("etag").unwrap().to_str().unwrap().to_owned();
        let again = test::TestRequest::get()
            .uri(&uri)
            .peer_addr(api::CLIENT.parse().unwrap())
            .insert_header(("If-None-Match", etag.clone()))
            .to_request();
        let resp = test::call_service(&app, again).await;
        assert_eq!(resp.status(), StatusCode::NOT_MODIFIED, "{uri}");

        // A write through this instance shows at once, with a new ETag.
        let (status, _, _) = call(
            &app,
            authed(
                Method::PUT,
                &format!("/api/v1/posts/{uuid}"),
                &owner,
                Some(json!({"color": format!("c{}", etag.len() + uri.len())})),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body, headers) = call(&app, get(&uri)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_ne!(
            headers.get("etag").unwrap().to_str().unwrap(),
            etag,
            "{uri}"
        );
    }
    let (_, feed, _) = call(&app, get("/api/v1/posts")).await;
    assert_eq!(feed["count"], 1);
    let (status, _, _) = call(&app, create(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, feed, _) = call(&app, get("/api/v1/posts")).await;
    assert_eq!(feed["count"], 2, "the new post is counted at once: {feed}");
}
