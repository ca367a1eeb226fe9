//! Premium orders (CONTRACT §2.14 #99–#102, §3.3 item 2) through the real application and
//! PostgreSQL: the app's order sent to `POST /subscription`, the same through
//! `POST /subscription/order`, plans still created there by admins, the admins' paged list and
//! status changes, and every bad input a 4xx JSON answer with a code. No answer carries a
//! private field.
#![allow(clippy::unwrap_used)]

mod api;

use std::time::Duration;

use actix_http::Request;
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use alpha_testkit::{TestApp, TestDb};
use api::community::user as enrol;
use api::privacy::Privacy;
use api::{authed, seeded, settings, test_mode};
use serde_json::{Value, json};

const ADMIN: &str = "99361999999";
const USER: &str = "99361999991";
const BYSTANDER: &str = "99361999992";

const PLANS: &str = "/api/v1/subscription";
const ORDER: &str = "/api/v1/subscription/order";
const ORDERS: &str = "/api/v1/subscription/orders";

/// Contact numbers left with orders: nobody's account.
const CONTACT: &str = "99365123456";

async fn app() -> TestApp {
    let mut overrides = test_mode();
    overrides.push(("ALPHA__OTP__IP_SEND_LIMIT", "100"));
    overrides.push(("ALPHA__OTP__IP_VERIFY_LIMIT", "100"));
    TestApp::on(TestDb::new().await, settings(&overrides)).await
}

fn post(uri: &str, token: &str, body: Value) -> Request {
    authed(Method::POST, uri, token, Some(body))
}

fn order(plan: &str, location: &str) -> Value {
    json!({"location": location, "phone": CONTACT, "subscriptionId": plan})
}

/// A plan created by `admin` through `POST /subscription`; returns its uuid.
async fn plan<S, B>(app: &S, admin: &str, privacy: &Privacy) -> String
where
    S: actix_web::dev::Service<
            Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, body, _) = privacy
        .call(
            app,
            post(
                PLANS,
                admin,
                json!({"name": {"en": "Gold"}, "description": {"en": "Top of the feed"}, "price": 100}),
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["message"], "Subscription created successfully");
    body["data"]["uuid"].as_str().unwrap().to_owned()
}

/// The application, the privacy check (knowing a bystander's and the user's private values), an
/// admin, a user (its token) and one plan.
struct Shop<S> {
    t: TestApp,
    app: S,
    privacy: Privacy,
    admin: String,
    user: String,
    plan: String,
}

async fn shop() -> Shop<
    impl actix_web::dev::Service<
        Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
> {
    let t = app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    enrol(&t, &app, &mut privacy, BYSTANDER, "Bystander").await;
    let admin = t.admin(&app, ADMIN).await;
    let user = enrol(&t, &app, &mut privacy, USER, "Aman").await.token;
    let plan = plan(&app, &admin, &privacy).await;
    Shop {
        t,
        app,
        privacy,
        admin,
        user,
        plan,
    }
}

async fn order_rows(t: &TestApp) -> i64 {
    let mut conn = t.db().conn().await;
    diesel_async::RunQueryDsl::get_result(
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT count(*) FROM subscription_order)",
        )),
        &mut conn,
    )
    .await
    .unwrap()
}

#[actix_web::test]
async fn the_apps_order_through_post_subscription_is_placed_pending() {
    let Shop {
        t,
        app,

        privacy,
        admin: _admin,
        user,
        plan,
    } = shop().await;

    for uri in [PLANS, ORDER] {
        let (status, body, _) = privacy
            .call(&app, post(uri, &user, order(&plan, "Aşgabat")), Some(USER))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{uri}: {body}");
        assert_eq!(body["message"], "Subscription order placed successfully");
        let data = &body["data"];
        assert_eq!(data["status"], "Pending");
        assert_eq!(data["location"], "Aşgabat");
        assert_eq!(data["phone"], format!("+{CONTACT}"));
        assert_eq!(data["subscriptionId"], plan.as_str());
        assert!(
            data["uuid"].is_string() && data["createdAt"].is_string(),
            "{data}"
        );
    }
    assert_eq!(order_rows(&t).await, 2);

    // The plan list is untouched by orders.
    let (status, plans, _) = privacy.call(&app, api::get(PLANS), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(plans.as_array().unwrap().len(), 1, "{plans}");
}

#[actix_web::test]
async fn orders_and_plans_need_a_token_and_plans_an_admin() {
    let Shop {
        t,
        app,

        privacy,
        admin: _admin,
        user,
        plan,
    } = shop().await;

    for (uri, body) in [
        (PLANS, order(&plan, "Mary")),
        (ORDER, order(&plan, "Mary")),
        (PLANS, json!({"name": {"en": "Free"}, "description": {}})),
    ] {
        let anonymous = test::TestRequest::post()
            .uri(uri)
            .peer_addr(alpha_testkit::CLIENT.parse().unwrap())
            .set_json(body)
            .to_request();
        privacy
            .refused(
                &app,
                anonymous,
                None,
                StatusCode::UNAUTHORIZED,
                "TOKEN_INVALID",
            )
            .await;
    }
    // Any plan field makes a plan body: not a user's to send.
    for body in [
        json!({"name": {"en": "Free"}, "description": {"en": "x"}}),
        json!({"price": 0, "location": "Mary", "phone": CONTACT, "subscriptionId": plan}),
    ] {
        privacy
            .refused(
                &app,
                post(PLANS, &user, body),
                Some(USER),
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
            )
            .await;
    }
    assert_eq!(order_rows(&t).await, 0);
    let (_, plans, _) = privacy.call(&app, api::get(PLANS), None).await;
    assert_eq!(plans.as_array().unwrap().len(), 1, "{plans}");
}

#[actix_web::test]
async fn bad_orders_are_4xx_json_with_a_code_and_write_nothing() {
    let Shop {
        t,
        app,

        privacy,
        admin: _admin,
        user,
        plan,
    } = shop().await;
    let unknown = uuid::Uuid::new_v4().to_string();

    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            order(&unknown, "Mary"),
            StatusCode::NOT_FOUND,
            "SUBSCRIPTION_NOT_FOUND",
        ),
        (
            order("not-a-uuid", "Mary"),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (
            json!({"location": "Mary", "phone": "123", "subscriptionId": plan}),
            StatusCode::BAD_REQUEST,
            "INVALID_PHONE",
        ),
        (
            json!({"location": "Mary", "phone": "+74951234567", "subscriptionId": plan}),
            StatusCode::BAD_REQUEST,
            "INVALID_PHONE",
        ),
        (
            json!({"location": "Mary", "phone": 99361234567_u64, "subscriptionId": plan}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (
            order(&plan, "   "),
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            order(&plan, &"x".repeat(256)),
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            order(&plan, "a\u{0}b"),
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            json!({"location": 5, "phone": CONTACT, "subscriptionId": plan}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (
            json!({"phone": CONTACT, "subscriptionId": plan}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        // No mass assignment: a status, an id or a date of one's choosing is refused.
        (
            json!({"location": "Mary", "phone": CONTACT, "subscriptionId": plan, "status": "Accepted"}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (
            json!({"location": "Mary", "phone": CONTACT, "subscriptionId": plan, "uuid": unknown}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (json!([1, 2]), StatusCode::BAD_REQUEST, "INVALID_BODY"),
    ];
    for uri in [PLANS, ORDER] {
        for (body, status, code) in &cases {
            privacy
                .refused(
                    &app,
                    post(uri, &user, body.clone()),
                    Some(USER),
                    *status,
                    code,
                )
                .await;
        }
        let malformed = api::with_bearer(Method::POST, uri, &user)
            .insert_header(("content-type", "application/json"))
            .set_payload("{\"location\":")
            .to_request();
        privacy
            .refused(
                &app,
                malformed,
                Some(USER),
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
            )
            .await;
    }
    assert_eq!(order_rows(&t).await, 0);
}

#[actix_web::test]
async fn admins_page_the_orders_newest_first_with_filters() {
    let Shop {
        t,
        app,

        privacy,
        admin,
        user,
        plan,
    } = shop().await;
    let locations = ["Aşgabat", "Mary", "Türkmenabat", "MARY welaýaty", "50%_off"];
    let mut placed = Vec::new();
    for location in locations {
        let (status, body, _) = privacy
            .call(&app, post(PLANS, &user, order(&plan, location)), Some(USER))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        placed.push(body["data"]["uuid"].as_str().unwrap().to_owned());
        t.clock().advance(Duration::from_secs(1));
    }
    let list = |query: &str| authed(Method::GET, &format!("{ORDERS}{query}"), &admin, None);
    let uuids = |page: &Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["uuid"].as_str().unwrap().to_owned())
            .collect()
    };
    let newest_first: Vec<String> = placed.iter().rev().cloned().collect();

    let mut seen = Vec::new();
    for offset in [0, 2, 4] {
        let (status, page, _) = privacy
            .call(&app, list(&format!("?offset={offset}&limit=2")), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["count"], 5);
        seen.extend(uuids(&page));
    }
    assert_eq!(seen, newest_first);
    let (_, page, _) = privacy.call(&app, list("?offset=5&limit=2"), None).await;
    assert_eq!(page["rows"], json!([]));
    assert_eq!(page["count"], 5);

    // `location` matches part of it, any case; `%` and `_` are plain characters.
    let (_, page, _) = privacy.call(&app, list("?location=mary"), None).await;
    assert_eq!(uuids(&page), [placed[3].clone(), placed[1].clone()]);
    let (_, page, _) = privacy.call(&app, list("?location=%25_"), None).await;
    assert_eq!(uuids(&page), [placed[4].clone()]);

    // Pending by default; a decided order moves to its status's list.
    let (status, changed, _) = privacy
        .call(
            &app,
            authed(
                Method::PATCH,
                &format!("{ORDERS}/{}", placed[0]),
                &admin,
                Some(json!({"status": "Accepted"})),
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let (_, pending, _) = privacy.call(&app, list(""), None).await;
    assert_eq!(pending["count"], 4);
    let (_, accepted, _) = privacy.call(&app, list("?status=Accepted"), None).await;
    assert_eq!(uuids(&accepted), [placed[0].clone()]);
    let (_, declined, _) = privacy.call(&app, list("?status=Declined"), None).await;
    assert_eq!(declined["count"], 0);

    for (query, code) in [
        ("?limit=0", "INVALID_FIELD"),
        ("?limit=101", "INVALID_FIELD"),
        ("?limit=abc", "INVALID_QUERY"),
        ("?offset=-1", "INVALID_QUERY"),
        ("?status=Paid", "INVALID_QUERY"),
        ("?status=", "INVALID_QUERY"),
        ("?location=a%00b", "INVALID_FIELD"),
    ] {
        privacy
            .refused(&app, list(query), None, StatusCode::BAD_REQUEST, code)
            .await;
    }
    let _ = user;
}

#[actix_web::test]
async fn the_order_list_and_decisions_are_for_admins_only() {
    let Shop {
        t: _t,
        app,

        privacy,
        admin,
        user,
        plan,
    } = shop().await;
    let (_, placed, _) = privacy
        .call(&app, post(ORDER, &user, order(&plan, "Mary")), Some(USER))
        .await;
    let one = format!("{ORDERS}/{}", placed["data"]["uuid"].as_str().unwrap());
    let status_body = json!({"status": "Accepted"});

    for (method, uri, body) in [
        (Method::GET, ORDERS.to_owned(), None),
        (Method::PATCH, one.clone(), Some(status_body.clone())),
    ] {
        let anonymous = test::TestRequest::default()
            .method(method.clone())
            .uri(&uri)
            .set_json(body.clone().unwrap_or(Value::Null))
            .to_request();
        privacy
            .refused(
                &app,
                anonymous,
                None,
                StatusCode::UNAUTHORIZED,
                "TOKEN_INVALID",
            )
            .await;
        privacy
            .refused(
                &app,
                authed(method, &uri, &user, body),
                Some(USER),
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
            )
            .await;
    }
    let (_, pending, _) = privacy
        .call(&app, authed(Method::GET, ORDERS, &admin, None), None)
        .await;
    assert_eq!(pending["rows"][0]["status"], "Pending");
}

#[actix_web::test]
async fn a_decision_follows_the_status_rules_and_changes_nothing_else() {
    let Shop {
        t: _t,
        app,

        privacy,
        admin,
        user,
        plan,
    } = shop().await;
    let (_, placed, _) = privacy
        .call(&app, post(ORDER, &user, order(&plan, "Mary")), Some(USER))
        .await;
    let uri = format!("{ORDERS}/{}", placed["data"]["uuid"].as_str().unwrap());
    let set = |status: &str| authed(Method::PATCH, &uri, &admin, Some(json!({"status": status})));

    for (to, expected) in [
        ("Accepted", StatusCode::OK),
        ("Accepted", StatusCode::OK),
        ("Declined", StatusCode::CONFLICT),
        ("Pending", StatusCode::OK),
        ("Declined", StatusCode::OK),
    ] {
        let (status, body, _) = privacy.call(&app, set(to), None).await;
        assert_eq!(status, expected, "to {to}: {body}");
        if status == StatusCode::OK {
            assert_eq!(body["status"], to);
            assert_eq!(body["phone"], format!("+{CONTACT}"));
        } else {
            assert_eq!(body["code"], "ORDER_STATUS_NOT_ALLOWED", "{body}");
        }
    }

    for body in [
        json!({"status": "Paid"}),
        json!({"status": null}),
        json!({}),
        json!({"status": "Pending", "phone": "99361000000"}),
        json!({"status": "Pending", "location": "elsewhere"}),
    ] {
        privacy
            .refused(
                &app,
                authed(Method::PATCH, &uri, &admin, Some(body)),
                None,
                StatusCode::BAD_REQUEST,
                "INVALID_BODY",
            )
            .await;
    }
    let (_, list, _) = privacy
        .call(
            &app,
            authed(
                Method::GET,
                &format!("{ORDERS}?status=Declined"),
                &admin,
                None,
            ),
            None,
        )
        .await;
    assert_eq!(list["rows"][0]["location"], "Mary");
    assert_eq!(list["rows"][0]["phone"], format!("+{CONTACT}"));

    privacy
        .refused(
            &app,
            authed(
                Method::PATCH,
                &format!("{ORDERS}/junk"),
                &admin,
                Some(json!({"status": "Accepted"})),
            ),
            None,
            StatusCode::BAD_REQUEST,
            "INVALID_PATH_PARAMETER",
        )
        .await;
    privacy
        .refused(
            &app,
            authed(
                Method::PATCH,
                &format!("{ORDERS}/{}", uuid::Uuid::new_v4()),
                &admin,
                Some(json!({"status": "Accepted"})),
            ),
            None,
            StatusCode::NOT_FOUND,
            "ORDER_NOT_FOUND",
        )
        .await;
}

#[actix_web::test]
async fn the_fixed_paths_are_not_taken_for_plan_ids() {
    let t = seeded().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let privacy = Privacy::new();
    for (method, uri) in [
        (Method::GET, ORDER),
        (Method::PUT, ORDER),
        (Method::DELETE, ORDERS),
        (Method::PUT, ORDERS),
    ] {
        let (status, body, headers) = privacy
            .call(&app, authed(method.clone(), uri, &admin, None), None)
            .await;
        assert_eq!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {uri}: {body}"
        );
        assert_eq!(body["code"], "METHOD_NOT_ALLOWED");
        assert!(headers.contains_key("allow"));
    }
    // A plan id is still a plan id.
    let unknown = format!("{PLANS}/{}", uuid::Uuid::new_v4());
    privacy
        .refused(
            &app,
            authed(Method::GET, &unknown, &admin, None),
            None,
            StatusCode::NOT_FOUND,
            "SUBSCRIPTION_NOT_FOUND",
        )
        .await;
}

#[actix_web::test]
async fn two_admins_deciding_at_once_make_one_decision() {
    let Shop {
        t: _t,
        app,

        privacy,
        admin,
        user,
        plan,
    } = shop().await;
    let (_, placed, _) = privacy
        .call(&app, post(ORDER, &user, order(&plan, "Mary")), Some(USER))
        .await;
    let uri = format!("{ORDERS}/{}", placed["data"]["uuid"].as_str().unwrap());
    let set = |status: &str| authed(Method::PATCH, &uri, &admin, Some(json!({"status": status})));

    let (accept, decline) = futures_util::join!(
        privacy.call(&app, set("Accepted"), None),
        privacy.call(&app, set("Declined"), None)
    );

    let (won, lost) = if accept.0 == StatusCode::OK {
        (accept, decline)
    } else {
        (decline, accept)
    };
    assert_eq!(won.0, StatusCode::OK, "{}", won.1);
    assert_eq!(lost.0, StatusCode::CONFLICT, "{}", lost.1);
    let code = lost.1["code"].as_str().unwrap();
    assert!(
        ["ORDER_CHANGED", "ORDER_STATUS_NOT_ALLOWED"].contains(&code),
        "{}",
        lost.1
    );
    let status = won.1["status"].as_str().unwrap();
    let (_, list, _) = privacy
        .call(
            &app,
            authed(
                Method::GET,
                &format!("{ORDERS}?status={status}"),
                &admin,
                None,
            ),
            None,
        )
        .await;
    assert_eq!(list["count"], 1);
}
