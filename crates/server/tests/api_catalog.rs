//! The catalog routes (CONTRACT §2.4–2.6, §2.13, §2.14, #42) through the real application and
//! PostgreSQL, over the fixture catalogue (toyota, bmw, lada, mercedes-benz; 8 models).
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode, header};
use actix_web::test;
use alpha_testkit::post_json;
use api::{TestApp, authed, call, get, seeded, v5};
use diesel_async::SimpleAsyncConnection;
use serde_json::{Value, json};

fn names(body: &Value) -> Vec<&str> {
    body.as_array()
        .unwrap_or_else(|| panic!("not an array: {body}"))
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect()
}

const TOYOTA: &str = "brand:toyota";

#[actix_web::test]
async fn brands_list_as_the_app_reads_it() {
    let t = seeded().await;
    let app = t.http().await;
    let (status, body, headers) = call(&app, get("/api/v1/brands")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(names(&body), ["bmw", "lada", "mercedes-benz", "toyota"]);
    let toyota = &body[3];
    assert_eq!(toyota["uuid"], v5(TOYOTA));
    for key in [
        "uuid",
        "name",
        "location",
        "createdAt",
        "updatedAt",
        "photo",
    ] {
        assert!(toyota.get(key).is_some(), "{key} missing in {toyota}");
    }
    assert!(toyota["photo"].is_null());
    assert!(toyota.get("models").is_none() && toyota.get("posts").is_none());
    assert!(headers.contains_key(header::ETAG));
    assert_eq!(
        headers.get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=60"
    );

    let (_, body, _) = call(&app, get("/api/v1/brands?sortAs=DESC&limit=2&offset=1")).await;
    assert_eq!(names(&body), ["mercedes-benz", "lada"]);
    let (_, body, _) = call(&app, get("/api/v1/brands?search=ERC")).await;
    assert_eq!(names(&body), ["mercedes-benz"]);
    let (_, body, _) = call(&app, get("/api/v1/brands?search=100%25")).await;
    assert_eq!(names(&body), Vec::<&str>::new(), "% is matched literally");
    let (_, body, _) = call(&app, get("/api/v1/brands?model=1&post=true&search=toy")).await;
    let models: Vec<&str> = body[0]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["4Runner", "Camry", "Corolla", "Land Cruiser"]);
    assert_eq!(body[0]["posts"], json!([]));
}

#[actix_web::test]
async fn a_client_that_asks_again_gets_not_modified() {
    let t = seeded().await;
    let app = t.http().await;
    let (_, _, headers) = call(&app, get("/api/v1/brands")).await;
    let etag = headers
        .get(header::ETAG)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let again = test::TestRequest::get()
        .uri("/api/v1/brands")
        .insert_header((header::IF_NONE_MATCH, etag.clone()))
        .to_request();
    let res = test::call_service(&app, again).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(test::read_body(res).await.is_empty());

    // An admin change makes the old validator stale.
    let admin = t.admin(&app, "99361999999").await;
    let (status, body, _) = call(
        &app,
        authed(
            Method::POST,
            "/api/v1/brands",
            &admin,
            Some(json!({"name": "zaz"})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let again = test::TestRequest::get()
        .uri("/api/v1/brands")
        .insert_header((header::IF_NONE_MATCH, etag))
        .to_request();
    let (status, body, _) = call(&app, again).await;
    assert_eq!(status, StatusCode::OK);
    assert!(names(&body).contains(&"zaz"));
}

fn vary<B>(res: &actix_web::dev::ServiceResponse<B>) -> String {
    res.headers()
        .get(header::VARY)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[actix_web::test]
async fn a_client_that_takes_gzip_gets_the_same_answer_gzipped() {
    use std::io::Read;

    let t = seeded().await;
    let app = t.http().await;
    let uri = "/api/v1/brands?model=1";
    let plain = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(vary(&plain).contains("Accept-Encoding"));
    let plain_etag = plain.headers().get(header::ETAG).unwrap().clone();
    let plain = test::read_body(plain).await;
    assert!(
        plain.len() > 1024,
        "the answer must be long enough to be gzipped"
    );

    let zipped_request = || {
        test::TestRequest::get()
            .uri(uri)
            .insert_header((header::ACCEPT_ENCODING, "br;q=1.0, gzip;q=0.8"))
    };
    let zipped = test::call_service(&app, zipped_request().to_request()).await;
    assert_eq!(zipped.status(), StatusCode::OK);
    assert_eq!(
        zipped.headers().get(header::CONTENT_ENCODING).unwrap(),
        "gzip"
    );
    assert!(vary(&zipped).contains("Accept-Encoding"));
    let zipped_etag = zipped.headers().get(header::ETAG).unwrap().clone();
    assert_ne!(
        zipped_etag, plain_etag,
        "another representation, another validator"
    );
    let zipped = test::read_body(zipped).await;
    assert!(
        zipped.len() < plain.len() / 2,
        "{} of {}",
        zipped.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);

    // Each representation revalidates against its own validator.
    let again = zipped_request()
        .insert_header((header::IF_NONE_MATCH, zipped_etag))
        .to_request();
    assert_eq!(
        test::call_service(&app, again).await.status(),
        StatusCode::NOT_MODIFIED
    );
    let again = zipped_request()
        .insert_header((header::IF_NONE_MATCH, plain_etag))
        .to_request();
    assert_eq!(
        test::call_service(&app, again).await.status(),
        StatusCode::OK
    );

    // gzip;q=0 refuses it.
    let refused = test::TestRequest::get()
        .uri(uri)
        .insert_header((header::ACCEPT_ENCODING, "gzip;q=0, identity"))
        .to_request();
    let refused = test::call_service(&app, refused).await;
    assert!(refused.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(test::read_body(refused).await, plain);
}

#[actix_web::test]
async fn junk_query_values_are_400_not_500() {
    let t = seeded().await;
    let app = t.http().await;
    for uri in [
        "/api/v1/brands?limit=abc",
        "/api/v1/brands?offset=1.5",
        "/api/v1/brands?model=maybe",
        "/api/v1/brands?sortAs=sideways",
        "/api/v1/models?filter=not-a-uuid",
        "/api/v1/models?brand=2",
        "/api/v1/categories?photo=yes",
        "/api/v1/categories?sort=up",
        "/api/v1/subscription?sortBy=password",
        "/api/v1/subscription?order=random",
        "/api/v1/banners?limit=-x",
        "/api/v1/brands/search?limit=ten",
        "/api/v1/categories/not-a-uuid",
        "/api/v1/banners/123",
        "/api/v1/subscription/xyz",
        "/api/v1/brands?offset=-1",
        "/api/v1/models?limit=4294967296",
        "/api/v1/models?search=a%00b",
        "/api/v1/brands?location=%00",
    ] {
        let (status, body, _) = call(&app, get(uri)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert!(body["code"].is_string(), "{uri}: {body}");
    }
}

#[actix_web::test]
async fn one_brand_or_model_needs_a_token_and_unknown_ids_are_404() {
    let t = seeded().await;
    let app = t.http().await;
    let (token, _) = t.login(&app, "99361999991").await;
    let toyota = v5(TOYOTA);
    let (status, _, _) = call(&app, get(&format!("/api/v1/brands/{toyota}"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let uri = format!("/api/v1/brands/{toyota}?model=true");
    let (status, body, _) = call(&app, authed(Method::GET, &uri, &token, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "toyota");
    assert_eq!(body["models"].as_array().unwrap().len(), 4);

    let camry = v5("model:toyota:camry");
    let uri = format!("/api/v1/models/{camry}?brand=true");
    let (status, body, _) = call(&app, authed(Method::GET, &uri, &token, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["name"].as_str(), body["brand"]["name"].as_str()),
        (Some("Camry"), Some("toyota"))
    );
    assert_eq!(body["brandId"], toyota);

    let unknown = uuid::Uuid::new_v4();
    for (uri, code) in [
        (format!("/api/v1/brands/{unknown}"), "BRAND_NOT_FOUND"),
        (format!("/api/v1/models/{unknown}"), "MODEL_NOT_FOUND"),
        (
            format!("/api/v1/categories/{unknown}"),
            "CATEGORY_NOT_FOUND",
        ),
        (format!("/api/v1/banners/{unknown}"), "BANNER_NOT_FOUND"),
        (
            format!("/api/v1/subscription/{unknown}"),
            "SUBSCRIPTION_NOT_FOUND",
        ),
    ] {
        let (status, body, _) = call(&app, authed(Method::GET, &uri, &token, None)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some(code)),
            "{uri}"
        );
    }
    let (status, body, _) = call(
        &app,
        authed(Method::GET, "/api/v1/brands/faker", &token, None),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[actix_web::test]
async fn models_filter_by_brand_combines_with_search() {
    let t = seeded().await;
    let app = t.http().await;
    let (_, body, _) = call(&app, get("/api/v1/models?filter=")).await;
    assert_eq!(
        body.as_array().unwrap().len(),
        8,
        "an empty filter means all"
    );
    assert_eq!(
        names(&body),
        [
            "3 Series",
            "4Runner",
            "C-Class",
            "Camry",
            "Corolla",
            "E-Class",
            "Land Cruiser",
            "X5"
        ]
    );
    let toyota = v5(TOYOTA);
    let (_, body, _) = call(&app, get(&format!("/api/v1/models?filter={toyota}"))).await;
    assert_eq!(
        names(&body),
        ["4Runner", "Camry", "Corolla", "Land Cruiser"]
    );
    let (_, body, _) = call(
        &app,
        get(&format!("/api/v1/models?filter={toyota}&search=co")),
    )
    .await;
    assert_eq!(
        names(&body),
        ["Corolla"],
        "filter and search both apply (B12)"
    );
    let (_, body, _) = call(
        &app,
        get("/api/v1/models?search=class&sortAs=desc&brand=true"),
    )
    .await;
    assert_eq!(names(&body), ["E-Class", "C-Class"]);
    assert_eq!(body[0]["brand"]["name"], "mercedes-benz");
}

#[actix_web::test]
async fn search_suggests_brands_and_models_and_an_empty_query_returns_the_index() {
    let t = seeded().await;
    let app = t.http().await;
    let (status, body, _) = call(&app, get("/api/v1/brands/search?search=cam")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"results": [{
            "label": "toyota Camry",
            "brand_label": "toyota",
            "model_label": "Camry",
            "brand_uuid": v5(TOYOTA),
            "model_uuid": v5("model:toyota:camry"),
            "compare": "toyotaCamry",
        }]})
    );
    let (_, body, _) = call(&app, get("/api/v1/brands/search?search=LAND%20cru")).await;
    assert_eq!(body["results"][0]["label"], "toyota Land Cruiser");
    let (_, body, _) = call(&app, get("/api/v1/brands/search?search=bmw")).await;
    let first = &body["results"][0];
    assert_eq!(
        (first["label"].as_str(), first["compare"].as_str()),
        (Some("bmw"), Some("bmw"))
    );
    assert!(first.get("model_uuid").is_none() && first.get("model_label").is_none());

    // The app's ensureIndex: every brand and every model.
    let (status, body, _) = call(
        &app,
        get("/api/v1/brands/search?search=&limit=10000&offset=0"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"].as_array().unwrap().len(), 4 + 8);
    let (_, body, _) = call(&app, get("/api/v1/brands/search")).await;
    assert_eq!(
        body["results"].as_array().unwrap().len(),
        12,
        "no search at all: the index too"
    );
    let (_, body, _) = call(
        &app,
        get("/api/v1/brands/search?search=%20&limit=2&offset=1"),
    )
    .await;
    let labels: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["bmw 3 Series", "bmw X5"]);

    // A brand added by an admin is found without a restart.
    let admin = t.admin(&app, "99361999999").await;
    call(
        &app,
        authed(
            Method::POST,
            "/api/v1/brands",
            &admin,
            Some(json!({"name": "camaro-motors"})),
        ),
    )
    .await;
    let (_, body, _) = call(&app, get("/api/v1/brands/search?search=cam")).await;
    assert_eq!(body["results"].as_array().unwrap().len(), 2, "{body}");
}

async fn subscription_rows(t: &TestApp) -> i64 {
    use diesel::QueryableByName;
    use diesel::sql_types::BigInt;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<N> = diesel::sql_query("SELECT count(*) AS n FROM brands_user")
        .load(&mut t.db().conn().await)
        .await
        .unwrap();
    rows[0].n
}

#[actix_web::test]
async fn subscribing_is_idempotent_and_unsubscribing_touches_only_the_caller() {
    let t = seeded().await;
    let app = t.http().await;
    let (alice, _) = t.login(&app, "99361999991").await;
    let (bob, _) = t.login(&app, "99361999992").await;
    let toyota = v5(TOYOTA);
    let sub = |token: &str, path: &str, body: Value| {
        authed(
            Method::POST,
            &format!("/api/v1/brands/{path}"),
            token,
            Some(body),
        )
    };
    for _ in 0..2 {
        let (status, body, _) = call(&app, sub(&alice, "subscribe", json!({"uuid": toyota}))).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (StatusCode::OK, Some("Subscribed")),
            "{body}"
        );
    }
    assert_eq!(
        subscription_rows(&t).await,
        1,
        "subscribing twice keeps one row"
    );
    call(&app, sub(&bob, "subscribe", json!({"uuid": toyota}))).await;
    assert_eq!(subscription_rows(&t).await, 2);

    let (status, body, _) = call(&app, sub(&alice, "unsubscribe", json!({"uuid": toyota}))).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("Unubscribed"))
    );
    assert_eq!(
        subscription_rows(&t).await,
        1,
        "bob's subscription stays (B1)"
    );
    let (status, _, _) = call(&app, sub(&alice, "unsubscribe", json!({"uuid": toyota}))).await;
    assert_eq!(status, StatusCode::OK, "not following is not an error");

    let unknown = uuid::Uuid::new_v4();
    let (status, body, _) = call(&app, sub(&alice, "subscribe", json!({"uuid": unknown}))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("BRAND_NOT_FOUND"))
    );
    let (status, body, _) = call(&app, sub(&alice, "subscribe", json!({"uuid": null}))).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE, "{body}");
    let (status, body, _) = call(&app, sub(&alice, "unsubscribe", json!({}))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_ACCEPTABLE, Some("MISSING_FIELDS"))
    );
    let (status, body, _) = call(&app, sub(&alice, "subscribe", json!({"uuid": "nope"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _, _) = call(
        &app,
        post_json("/api/v1/brands/subscribe", &json!({"uuid": toyota})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn brands_list_returns_the_brands_asked_for_with_their_approved_posts() {
    let t = seeded().await;
    let app = t.http().await;
    let (toyota, bmw, camry) = (v5(TOYOTA), v5("brand:bmw"), v5("model:toyota:camry"));
    t.db()
        .conn()
        .await
        .batch_execute(&format!(
            "INSERT INTO posts (uuid, \"brandsId\", \"modelsId\", price, status) VALUES
             ('{}', '{toyota}', '{camry}', 25000, true),
             ('{}', '{toyota}', '{camry}', 1, NULL)",
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4()
        ))
        .await
        .unwrap();
    let body = json!({"uuids": [toyota, bmw, uuid::Uuid::new_v4()], "post": true});
    for path in ["/api/v1/brands/list", "/api/v1/brands/history"] {
        let (status, body, _) = call(&app, post_json(path, &body)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let brands = body.as_array().unwrap();
        assert_eq!(brands.len(), 2, "unknown uuids are left out");
        let toyota_entry = brands.iter().find(|b| b["name"] == "toyota").unwrap();
        let posts = toyota_entry["posts"].as_array().unwrap();
        assert_eq!(posts.len(), 1, "only the approved post: {posts:?}");
        assert_eq!(posts[0]["brand"]["name"], "toyota");
        assert_eq!(posts[0]["model"]["name"], "Camry");
        assert_eq!(posts[0]["price"], 25000.0);
        assert!(posts[0].get("userId").is_none());
        assert!(
            toyota_entry.get("createdAt").is_none(),
            "only uuid, name, photo, posts"
        );
    }
    let (_, body, _) = call(
        &app,
        post_json("/api/v1/brands/list", &json!({"uuids": [toyota]})),
    )
    .await;
    assert!(body[0].get("posts").is_none());
    for bad in [
        json!({}),
        json!({"uuids": "x"}),
        json!({"uuids": ["not-a-uuid"]}),
        json!({"uuids": [], "post": "yes"}),
        json!([toyota]),
    ] {
        let (status, body, _) = call(&app, post_json("/api/v1/brands/list", &bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

#[actix_web::test]
async fn catalog_writes_need_an_admin_and_a_deleted_one_gets_user_deleted() {
    let t = seeded().await;
    let app = t.http().await;
    let (user, _) = t.login(&app, "99361999991").await;
    let toyota = v5(TOYOTA);
    let writes = [
        (
            Method::POST,
            "/api/v1/brands".to_owned(),
            json!({"name": "x"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/brands/{toyota}"),
            json!({"name": "x"}),
        ),
        (
            Method::DELETE,
            format!("/api/v1/brands/{toyota}"),
            json!({}),
        ),
        (
            Method::POST,
            "/api/v1/models".to_owned(),
            json!({"name": "x"}),
        ),
        (
            Method::POST,
            "/api/v1/categories".to_owned(),
            json!({"name": {"en": "x"}}),
        ),
        (Method::POST, "/api/v1/banners".to_owned(), json!({})),
        (
            Method::POST,
            "/api/v1/subscription".to_owned(),
            json!({"name": {"en": "x"}, "description": {}}),
        ),
    ];
    for (method, uri, body) in &writes {
        let (status, reply, _) =
            call(&app, authed(method.clone(), uri, &user, Some(body.clone()))).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("FORBIDDEN")),
            "{method} {uri}"
        );
        let req = test::TestRequest::default()
            .method(method.clone())
            .uri(uri)
            .set_json(body)
            .to_request();
        let (status, _, _) = call(&app, req).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {uri} without a token"
        );
    }
    let admin = t.admin(&app, "99361999999").await;
    t.db()
        .conn()
        .await
        .batch_execute("DELETE FROM users WHERE phone = '+99361999999'")
        .await
        .unwrap();
    for (method, uri, body) in &writes {
        let (status, reply, _) = call(
            &app,
            authed(method.clone(), uri, &admin, Some(body.clone())),
        )
        .await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("USER_DELETED")),
            "{method} {uri}"
        );
    }
    let (_, body, _) = call(&app, get("/api/v1/brands")).await;
    assert_eq!(names(&body).len(), 4, "nothing was written");
}

#[actix_web::test]
async fn an_admin_manages_brands_and_models() {
    let t = seeded().await;
    let app = t.http().await;
    let admin = t.admin(&app, "99361999999").await;
    let send = |method: Method, uri: &str, body: Value| authed(method, uri, &admin, Some(body));

    let (status, body, _) = call(
        &app,
        send(
            Method::POST,
            "/api/v1/brands",
            json!({"name": " gaz ", "location": "ru"}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("New Brand successfully created"))
    );
    let gaz = body["uuid"].as_str().unwrap().to_owned();
    let (_, list, _) = call(&app, get("/api/v1/brands?location=ru")).await;
    assert_eq!(names(&list), ["gaz"]);

    let (status, body, _) = call(
        &app,
        send(
            Method::POST,
            "/api/v1/models",
            json!({"name": "Volga", "brandId": gaz, "yearstart": 1956}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let volga = body["uuid"].as_str().unwrap().to_owned();
    let (status, body, _) = call(
        &app,
        send(
            Method::PUT,
            &format!("/api/v1/models/{volga}"),
            json!({"name": "Volga 21", "yearend": 1970.0}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("Successfully changed"))
    );
    let (_, models, _) = call(&app, get(&format!("/api/v1/models?filter={gaz}"))).await;
    assert_eq!(names(&models), ["Volga 21"]);
    assert_eq!(models[0]["yearstart"], 1956);
    assert_eq!(models[0]["yearend"], 1970, "1970.0 is a whole number too");

    let (status, body, _) = call(
        &app,
        send(
            Method::PUT,
            &format!("/api/v1/brands/{gaz}"),
            json!({"name": "GAZ"}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["uuid"].as_str()),
        (StatusCode::OK, Some(gaz.as_str()))
    );

    let unknown = uuid::Uuid::new_v4();
    for (method, uri, body, code) in [
        (
            Method::PUT,
            format!("/api/v1/brands/{unknown}"),
            json!({"name": "x"}),
            "BRAND_NOT_FOUND",
        ),
        (
            Method::DELETE,
            format!("/api/v1/brands/{unknown}"),
            json!({}),
            "BRAND_NOT_FOUND",
        ),
        (
            Method::PUT,
            format!("/api/v1/models/{unknown}"),
            json!({"name": "x"}),
            "MODEL_NOT_FOUND",
        ),
        (
            Method::DELETE,
            format!("/api/v1/models/{unknown}"),
            json!({}),
            "MODEL_NOT_FOUND",
        ),
        (
            Method::POST,
            "/api/v1/models".to_owned(),
            json!({"name": "x", "brandId": unknown}),
            "BRAND_NOT_FOUND",
        ),
    ] {
        let (status, reply, _) = call(&app, send(method.clone(), &uri, body)).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (StatusCode::NOT_FOUND, Some(code)),
            "{method} {uri}"
        );
    }
    for (uri, body) in [
        ("/api/v1/brands", json!({"name": "  "})),
        ("/api/v1/brands", json!({})),
        ("/api/v1/brands", json!({"name": "x".repeat(256)})),
        ("/api/v1/models", json!({"name": "x", "yearstart": 1700})),
    ] {
        let (status, reply, _) = call(&app, send(Method::POST, uri, body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {reply}");
        assert!(reply["code"].is_string());
    }

    let (status, body, _) = call(
        &app,
        send(Method::DELETE, &format!("/api/v1/brands/{gaz}"), json!({})),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("Brand Successfully deleted"))
    );
    let (_, models, _) = call(&app, get("/api/v1/models?search=volga")).await;
    assert!(
        models[0]["brandId"].is_null(),
        "the model stays, without a brand"
    );
    let (status, body, _) = call(
        &app,
        send(
            Method::DELETE,
            &format!("/api/v1/models/{volga}"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("Model Successfully deleted"))
    );
}

#[actix_web::test]
async fn categories_have_unique_priorities_and_can_be_searched() {
    let t = seeded().await;
    let app = t.http().await;
    let admin = t.admin(&app, "99361999999").await;
    let send = |method: Method, uri: &str, body: Value| authed(method, uri, &admin, Some(body));
    let (status, body, _) = call(
        &app,
        send(
            Method::POST,
            "/api/v1/categories",
            json!({"name": {"tm": "Ýeňil", "ru": "Легковые", "en": "Cars"}, "priority": 1}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("ok")),
        "{body}"
    );
    let cars = body["uuid"].as_str().unwrap().to_owned();
    let (status, body, _) = call(
        &app,
        send(
            Method::POST,
            "/api/v1/categories",
            json!({"name": {"en": "Trucks"}, "priority": 1}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("PRIORITY_TAKEN")),
        "{body}"
    );
    assert!(!body.to_string().contains("Key ("), "no SQL detail: {body}");
    call(
        &app,
        send(
            Method::POST,
            "/api/v1/categories",
            json!({"name": {"en": "Trucks"}, "priority": 0}),
        ),
    )
    .await;

    let (_, list, _) = call(&app, get("/api/v1/categories?photo=true&post=true")).await;
    let en: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"]["en"].as_str().unwrap())
        .collect();
    assert_eq!(en, ["Trucks", "Cars"]);
    let first = &list[1];
    assert_eq!(
        first["name"],
        json!({"tm": "Ýeňil", "ru": "Легковые", "en": "Cars"})
    );
    assert!(first["photo"].is_null() && first["posts"] == json!([]));
    assert!(
        first["creator"].get("email").is_none(),
        "no e-mail address in public: {first}"
    );
    let (_, list, _) = call(
        &app,
        get("/api/v1/categories?search=%D0%BB%D0%B5%D0%B3%D0%BA"),
    )
    .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "search in any language (B12): {list}"
    );
    let (_, list, _) = call(&app, get("/api/v1/categories?sort=desc")).await;
    assert_eq!(list[0]["priority"], 1);

    let (status, body, _) = call(&app, get(&format!("/api/v1/categories/{cars}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.get("photo").is_some(),
        "one category always carries its photo"
    );
    let (status, _, _) = call(
        &app,
        send(
            Method::PUT,
            &format!("/api/v1/categories/{cars}"),
            json!({"priority": 0}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body, _) = call(
        &app,
        send(
            Method::PUT,
            &format!("/api/v1/categories/{cars}"),
            json!({"priority": 5}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("Updated"))
    );
    let (status, body, _) = call(
        &app,
        send(
            Method::POST,
            "/api/v1/categories",
            json!({"name": {"en": " "}}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIELD"))
    );
    let (status, body, _) = call(
        &app,
        send(
            Method::DELETE,
            &format!("/api/v1/categories/{cars}"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("Deleted"))
    );
    let (status, _, _) = call(
        &app,
        send(
            Method::DELETE,
            &format!("/api/v1/categories/{cars}"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn banners_and_plans_for_the_home_and_premium_screens() {
    let t = seeded().await;
    let app = t.http().await;
    let admin = t.admin(&app, "99361999999").await;
    let send = |method: Method, uri: &str, body: Value| authed(method, uri, &admin, Some(body));
    let (status, body, _) = call(&app, send(Method::POST, "/api/v1/banners", json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let banner = body["uuid"].as_str().unwrap().to_owned();
    let (_, list, _) = call(&app, get("/api/v1/banners")).await;
    assert_eq!(list[0]["uuid"], banner.as_str());
    assert!(list[0]["photo"].is_null());
    let (status, _, _) = call(&app, get(&format!("/api/v1/banners/{banner}"))).await;
    assert_eq!(status, StatusCode::OK);

    let plan = json!({"name": {"en": "Gold"}, "description": {"en": "Top of the feed"}, "priority": 1, "price": 100.5, "color": "#FFD700"});
    let (status, body, _) = call(
        &app,
        send(Method::POST, "/api/v1/subscription", plan.clone()),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (
            StatusCode::CREATED,
            Some("Subscription created successfully")
        ),
        "{body}"
    );
    assert_eq!(
        body["data"]["price"],
        json!(100.5),
        "a number, not a string (B20)"
    );
    let gold = body["data"]["uuid"].as_str().unwrap().to_owned();
    let (status, body, _) = call(&app, send(Method::POST, "/api/v1/subscription", plan)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("PRIORITY_TAKEN"))
    );
    let (status, body, _) = call(
        &app,
        send(
            Method::POST,
            "/api/v1/subscription",
            json!({"name": {"en": "x"}, "description": {}, "price": -1}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIELD"))
    );
    let (status, body, _) = call(
        &app,
        send(
            Method::PUT,
            &format!("/api/v1/subscription/{gold}"),
            json!({"price": 120}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("Subscription updated successfully"))
    );
    let (_, list, _) = call(&app, get("/api/v1/subscription?sortBy=price&order=desc")).await;
    let plan = &list[0];
    for key in [
        "uuid",
        "name",
        "priority",
        "price",
        "color",
        "description",
        "createdAt",
        "updatedAt",
        "photo",
    ] {
        assert!(plan.get(key).is_some(), "{key} missing in {plan}");
    }
    assert_eq!(
        (plan["price"].as_f64(), plan["name"]["en"].as_str()),
        (Some(120.0), Some("Gold"))
    );
    let (status, _, _) = call(
        &app,
        send(
            Method::PUT,
            &format!("/api/v1/subscription/{}", uuid::Uuid::new_v4()),
            json!({"price": 1}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = call(
        &app,
        send(
            Method::DELETE,
            &format!("/api/v1/subscription/{gold}"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = call(&app, get(&format!("/api/v1/subscription/{gold}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body, _) = call(
        &app,
        send(
            Method::DELETE,
            &format!("/api/v1/banners/{banner}"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, _, _) = call(
        &app,
        send(
            Method::DELETE,
            &format!("/api/v1/banners/{banner}"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_currency_table_has_numeric_rates() {
    let t = seeded().await;
    let app = t.http().await;
    let (status, body, _) = call(&app, get("/api/v1/posts/add_rate")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let usd = body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == "USD")
        .unwrap();
    assert_eq!(usd["rate"], json!(19.5));
    assert!(usd["id"].is_string());
}
