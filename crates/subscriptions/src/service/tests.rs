#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use alpha_kernel::{FakeClock, PhoneError, PhonePolicy};
use mockall::predicate::eq;
use uuid::Uuid;

use super::OrderService;
use crate::errors::OrderError;
use crate::ports::MockOrderRepo;
use crate::types::{OrderInput, OrderQuery, OrderStatus, OrderView};

fn service(repo: MockOrderRepo) -> OrderService {
    OrderService::new(
        Arc::new(repo),
        Arc::new(FakeClock::new()),
        PhonePolicy::default(),
    )
}

fn input(location: &str, phone: &str) -> OrderInput {
    OrderInput {
        location: location.to_owned(),
        phone: phone.to_owned(),
        plan: Uuid::from_u128(7),
    }
}

fn view(uuid: Uuid, status: &str) -> OrderView {
    OrderView {
        uuid,
        location: Some("Aşgabat".to_owned()),
        phone: Some("+99361234567".to_owned()),
        status: Some(status.to_owned()),
        subscription_id: Some(Uuid::from_u128(7)),
        created_at: "2026-02-02T12:00:00.000Z".to_owned(),
        updated_at: "2026-02-02T12:00:00.000Z".to_owned(),
    }
}

#[tokio::test]
async fn place_stores_the_phone_in_e164_and_the_location_trimmed() {
    let mut repo = MockOrderRepo::new();
    repo.expect_insert()
        .withf(|order, _| {
            order.phone().as_str() == "+99361234567"
                && order.location() == "Aşgabat"
                && order.plan() == Uuid::from_u128(7)
        })
        .times(1)
        .returning(|order, _| Ok(Some(view(order.uuid(), "Pending"))));
    let placed = service(repo)
        .place(input("  Aşgabat ", "99361234567"))
        .await
        .unwrap();
    assert_eq!(placed.status.as_deref(), Some("Pending"));
}

#[tokio::test]
async fn place_refuses_a_blank_or_overlong_location_without_touching_the_store() {
    for location in ["", "   ", &"x".repeat(256), "a\0b"] {
        let err = service(MockOrderRepo::new())
            .place(input(location, "99361234567"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                OrderError::Invalid {
                    field: "location",
                    ..
                }
            ),
            "{location:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn place_checks_the_phone_as_otp_does() {
    for (phone, expected) in [
        ("", PhoneError::Empty),
        ("abc", PhoneError::Invalid),
        ("+74951234567", PhoneError::CountryNotAllowed),
    ] {
        let err = service(MockOrderRepo::new())
            .place(input("Mary", phone))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, OrderError::InvalidPhone(e) if *e == expected),
            "{phone:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn place_reports_an_unknown_plan() {
    let mut repo = MockOrderRepo::new();
    repo.expect_insert().returning(|_, _| Ok(None));
    let err = service(repo)
        .place(input("Mary", "99361234567"))
        .await
        .unwrap_err();
    assert!(matches!(err, OrderError::PlanNotFound), "{err:?}");
}

#[test]
fn a_pending_order_is_decided_and_a_decision_is_only_reopened() {
    use OrderStatus::{Accepted, Declined, Pending};
    let allowed = [
        (Pending, Pending),
        (Pending, Accepted),
        (Pending, Declined),
        (Accepted, Accepted),
        (Accepted, Pending),
        (Declined, Declined),
        (Declined, Pending),
    ];
    for from in OrderStatus::ALL {
        for to in OrderStatus::ALL {
            assert_eq!(
                from.may_become(to),
                allowed.contains(&(from, to)),
                "{from:?} -> {to:?}"
            );
        }
    }
}

#[test]
fn legacy_statuses_read_as_pending() {
    assert_eq!(OrderStatus::from_stored(None), OrderStatus::Pending);
    assert_eq!(
        OrderStatus::from_stored(Some("weird")),
        OrderStatus::Pending
    );
    assert_eq!(
        OrderStatus::from_stored(Some("Declined")),
        OrderStatus::Declined
    );
}

#[tokio::test]
async fn set_status_writes_only_if_the_order_still_holds_what_was_checked() {
    let order = Uuid::from_u128(1);
    let mut repo = MockOrderRepo::new();
    repo.expect_status_of()
        .with(eq(order))
        .returning(|_| Ok(Some(Some("Pending".to_owned()))));
    repo.expect_set_status()
        .withf(move |c| {
            c.order == order
                && c.expected.as_deref() == Some("Pending")
                && c.to == OrderStatus::Accepted
        })
        .times(1)
        .returning(|c| Ok(Some(view(c.order, c.to.as_str()))));
    let changed = service(repo)
        .set_status(order, OrderStatus::Accepted)
        .await
        .unwrap();
    assert_eq!(changed.status.as_deref(), Some("Accepted"));
}

#[tokio::test]
async fn set_status_refuses_flipping_a_decision() {
    let mut repo = MockOrderRepo::new();
    repo.expect_status_of()
        .returning(|_| Ok(Some(Some("Accepted".to_owned()))));
    let err = service(repo)
        .set_status(Uuid::from_u128(1), OrderStatus::Declined)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            OrderError::Transition {
                from: OrderStatus::Accepted,
                to: OrderStatus::Declined
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn set_status_of_an_unknown_order_is_not_found() {
    let mut repo = MockOrderRepo::new();
    repo.expect_status_of().returning(|_| Ok(None));
    let err = service(repo)
        .set_status(Uuid::from_u128(1), OrderStatus::Accepted)
        .await
        .unwrap_err();
    assert!(matches!(err, OrderError::NotFound), "{err:?}");
}

#[tokio::test]
async fn set_status_that_loses_a_race_reports_the_change_and_writes_nothing() {
    let mut repo = MockOrderRepo::new();
    let mut reads = 0;
    repo.expect_status_of().times(2).returning(move |_| {
        reads += 1;
        Ok(Some(Some(
            if reads == 1 { "Pending" } else { "Declined" }.to_owned(),
        )))
    });
    repo.expect_set_status().times(1).returning(|_| Ok(None));
    let err = service(repo)
        .set_status(Uuid::from_u128(1), OrderStatus::Accepted)
        .await
        .unwrap_err();
    assert!(matches!(err, OrderError::Changed), "{err:?}");
}

#[test]
fn the_list_defaults_to_pending_orders_and_bounds_its_page() {
    let query = OrderQuery::new(None, Some("  "), None, None).unwrap();
    assert_eq!(query.status(), OrderStatus::Pending);
    assert_eq!(query.location(), None);
    assert_eq!(
        (query.offset(), query.limit()),
        (0, OrderQuery::DEFAULT_LIMIT)
    );
    for limit in [0, OrderQuery::MAX_LIMIT + 1] {
        let err = OrderQuery::new(None, None, None, Some(limit)).unwrap_err();
        assert!(
            matches!(err, OrderError::Invalid { field: "limit", .. }),
            "{limit}: {err:?}"
        );
    }
    let err = OrderQuery::new(None, Some(&"x".repeat(256)), None, None).unwrap_err();
    assert!(matches!(
        err,
        OrderError::Invalid {
            field: "location",
            ..
        }
    ));
}
