#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use alpha_kernel::RepoError;
use mockall::predicate::eq;
use uuid::Uuid;

use super::*;
use crate::inputs::{NewPostInput, PostChangesInput, PostFields};
use crate::ports::{MockMediaCleanup, MockPostRepo, MockRates};
use crate::test_support::*;
use crate::types::{PersonalInfo, PostMedia, Rate, Reference};

fn usd() -> CurrencyCode {
    CurrencyCode::parse("USD").unwrap()
}

/// Known rates: TMT 1, USD 19.5, CNY 2.7; anything else has none.
fn rates() -> MockRates {
    let mut rates = MockRates::new();
    rates.expect_rate().returning(|c| {
        Ok(match c.as_str() {
            "TMT" => Rate::new(1.0),
            "USD" => Rate::new(19.5),
            "CNY" => Rate::new(2.7),
            _ => None,
        })
    });
    rates
}

fn service(repo: MockPostRepo, rates: MockRates, media: MockMediaCleanup) -> ListingService {
    ListingService::new(Arc::new(repo), Arc::new(rates), Arc::new(media))
}

/// A repo holding `post` that records the patch it is given.
fn recording_repo(post: PostSnapshot) -> (MockPostRepo, Arc<Mutex<Option<PostPatch>>>) {
    let seen = Arc::new(Mutex::new(None));
    let mut repo = repo_with(Some(post));
    let sink = seen.clone();
    repo.expect_update().returning(move |_, patch| {
        *sink.lock().unwrap() = Some(patch.clone());
        Ok(true)
    });
    repo.expect_missing_references().returning(|_| Ok(vec![]));
    (repo, seen)
}

fn new_post(price: f64, currency: &str) -> NewPost {
    NewPost::new(NewPostInput {
        price: Some(price),
        currency: Some(currency.into()),
        ..NewPostInput::default()
    })
    .unwrap()
}

fn changes(input: PostChangesInput) -> PostChanges {
    PostChanges::new(input).unwrap()
}

fn color(c: &str) -> PostChangesInput {
    PostChangesInput {
        fields: PostFields {
            color: Some(c.into()),
            ..PostFields::default()
        },
        ..PostChangesInput::default()
    }
}

// ---- create ----

#[tokio::test]
async fn create_converts_the_price_to_manat_and_starts_pending() {
    let inserted = Arc::new(Mutex::new(None));
    let sink = inserted.clone();
    let mut repo = MockPostRepo::new();
    repo.expect_insert().times(1).returning(move |r| {
        *sink.lock().unwrap() = Some(r.clone());
        Ok(())
    });
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let id = svc.create(OWNER, new_post(1000.0, "usd")).await.unwrap();
    let record = inserted.lock().unwrap().clone().unwrap();
    assert_eq!(record.id, id);
    assert_eq!(record.owner, OWNER);
    assert_eq!(record.moderation, Moderation::Pending);
    assert_eq!(record.price.price, 19_500.0);
    assert_eq!(record.price.original_price, 1000.0);
    assert_eq!(record.price.original_currency, usd());
    assert_eq!(record.price.currency, CurrencyCode::tmt());
}

#[tokio::test]
async fn manat_converts_at_one_even_without_a_seeded_rate() {
    let mut repo = MockPostRepo::new();
    repo.expect_insert()
        .withf(|r| r.price.price == 1500.0 && r.price.original_currency == CurrencyCode::tmt())
        .times(1)
        .returning(|_| Ok(()));
    // An empty rates mock: asking it would panic.
    let svc = service(repo, MockRates::new(), MockMediaCleanup::new());
    svc.create(OWNER, new_post(1500.0, "TMT")).await.unwrap();
}

#[tokio::test]
async fn create_reads_the_apps_dollar_sign_as_usd() {
    let mut repo = MockPostRepo::new();
    repo.expect_insert()
        .withf(|r| r.price.price == 39.0 && r.price.original_currency.as_str() == "USD")
        .times(1)
        .returning(|_| Ok(()));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    svc.create(OWNER, new_post(2.0, "$")).await.unwrap();
}

#[tokio::test]
async fn create_refuses_a_currency_without_a_rate_instead_of_taking_rate_one() {
    // No insert expected: the mock panics if one is attempted.
    let svc = service(MockPostRepo::new(), rates(), MockMediaCleanup::new());
    let err = svc.create(OWNER, new_post(10.0, "D")).await.unwrap_err();
    assert!(
        matches!(&err, ListingError::UnknownCurrency(c) if c == "AED"),
        "{err:?}"
    );
    assert_eq!(err.field(), Some("currency"));
}

#[tokio::test]
async fn create_refuses_unknown_references_naming_the_field() {
    let model = Uuid::from_u128(77);
    let mut repo = MockPostRepo::new();
    repo.expect_missing_references()
        .withf(move |r| r.model == Some(model))
        .returning(|_| Ok(vec![Reference::Model, Reference::Subscription]));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let mut input = NewPostInput {
        price: Some(1.0),
        ..NewPostInput::default()
    };
    input.fields.refs.model = Some(model);
    let err = svc
        .create(OWNER, NewPost::new(input).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ListingError::UnknownReference(Reference::Model)),
        "{err:?}"
    );
    assert_eq!(err.field(), Some("modelsId"));
}

#[tokio::test]
async fn create_stores_the_category_and_the_contact_details() {
    let category = Uuid::from_u128(55);
    let mut repo = MockPostRepo::new();
    repo.expect_missing_references()
        .withf(move |r| r.category == Some(category))
        .returning(|_| Ok(vec![]));
    repo.expect_insert()
        .withf(move |r| {
            r.fields.refs.category == Some(category)
                && r.personal_info.as_ref().and_then(|p| p.phone.as_deref()) == Some("+99365000001")
                && r.personal_info.as_ref().and_then(|p| p.region.as_deref()) == Some("Local")
        })
        .times(1)
        .returning(|_| Ok(()));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let mut input = NewPostInput {
        price: Some(1.0),
        phone: Some("+99365000001".into()),
        personal_info: Some(PersonalInfo {
            name: Some("Aman".into()),
            region: Some("Local".into()),
            ..PersonalInfo::default()
        }),
        ..NewPostInput::default()
    };
    input.fields.refs.category = Some(category);
    svc.create(OWNER, NewPost::new(input).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn create_passes_store_failures_on() {
    let mut repo = MockPostRepo::new();
    repo.expect_insert()
        .returning(|_| Err(RepoError::Unavailable("pool".into())));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let err = svc.create(OWNER, new_post(1.0, "TMT")).await.unwrap_err();
    assert!(
        matches!(err, ListingError::Repo(RepoError::Unavailable(_))),
        "{err:?}"
    );
}

// ---- update: who may ----

#[tokio::test]
async fn update_is_allowed_to_the_owner_and_admins_only() {
    for (actor, allowed) in [(owner(), true), (admin(), true), (stranger(), false)] {
        let (repo, seen) = recording_repo(snapshot(Moderation::Pending));
        let svc = service(repo, rates(), MockMediaCleanup::new());
        let result = svc.update(actor, POST, changes(color("red"))).await;
        if allowed {
            result.unwrap();
            let patch = seen.lock().unwrap().clone().unwrap();
            assert_eq!(patch.fields.color.as_deref(), Some("red"));
        } else {
            assert!(matches!(result, Err(ListingError::Forbidden)), "{result:?}");
            assert!(
                seen.lock().unwrap().is_none(),
                "a stranger's edit must not be written"
            );
        }
    }
}

#[tokio::test]
async fn a_post_whose_owner_is_gone_is_the_admins_only() {
    let orphan = PostSnapshot {
        owner: None,
        ..snapshot(Moderation::Approved)
    };
    let (repo, _) = recording_repo(orphan.clone());
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let err = svc
        .update(owner(), POST, changes(color("red")))
        .await
        .unwrap_err();
    assert!(matches!(err, ListingError::Forbidden), "{err:?}");
    let (repo, seen) = recording_repo(orphan);
    let svc = service(repo, rates(), MockMediaCleanup::new());
    svc.update(admin(), POST, changes(color("red")))
        .await
        .unwrap();
    assert!(seen.lock().unwrap().is_some());
}

#[tokio::test]
async fn update_of_a_missing_post_is_not_found() {
    let svc = service(repo_with(None), rates(), MockMediaCleanup::new());
    let err = svc
        .update(admin(), POST, changes(color("red")))
        .await
        .unwrap_err();
    assert!(matches!(err, ListingError::NotFound), "{err:?}");
}

#[tokio::test]
async fn update_of_a_post_deleted_meanwhile_is_not_found() {
    let mut repo = repo_with(Some(snapshot(Moderation::Pending)));
    repo.expect_update().returning(|_, _| Ok(false));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let err = svc
        .update(owner(), POST, changes(color("red")))
        .await
        .unwrap_err();
    assert!(matches!(err, ListingError::NotFound), "{err:?}");
}

// ---- update: moderation ----

#[tokio::test]
async fn only_an_admin_sets_the_status() {
    let approve = || PostChangesInput {
        status: Some(Moderation::Approved),
        ..PostChangesInput::default()
    };
    let (repo, seen) = recording_repo(snapshot(Moderation::Pending));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let err = svc
        .update(owner(), POST, changes(approve()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ListingError::Forbidden),
        "self-approval: {err:?}"
    );
    assert!(seen.lock().unwrap().is_none());

    for target in [
        Moderation::Approved,
        Moderation::Declined,
        Moderation::Pending,
    ] {
        let (mut repo, seen) = recording_repo(snapshot(Moderation::Pending));
        // An approval reads the post's names for its announcement.
        repo.expect_find().returning(|_, _| Ok(None));
        let svc = service(repo, rates(), MockMediaCleanup::new());
        let input = PostChangesInput {
            status: Some(target),
            ..PostChangesInput::default()
        };
        svc.update(admin(), POST, changes(input)).await.unwrap();
        assert_eq!(
            seen.lock().unwrap().clone().unwrap().moderation,
            Some(target)
        );
    }
}

#[tokio::test]
async fn an_owners_edit_of_a_moderated_post_sends_it_back_to_pending() {
    for (before, after) in [
        (Moderation::Approved, Some(Moderation::Pending)),
        (Moderation::Declined, Some(Moderation::Pending)),
        (Moderation::Pending, None),
    ] {
        let (repo, seen) = recording_repo(snapshot(before));
        let svc = service(repo, rates(), MockMediaCleanup::new());
        svc.update(owner(), POST, changes(color("red")))
            .await
            .unwrap();
        assert_eq!(
            seen.lock().unwrap().clone().unwrap().moderation,
            after,
            "{before:?}"
        );
    }
}

#[tokio::test]
async fn an_admins_edit_keeps_the_status_unless_it_sets_one() {
    let (repo, seen) = recording_repo(snapshot(Moderation::Approved));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    svc.update(admin(), POST, changes(color("red")))
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().clone().unwrap().moderation, None);

    let (repo, seen) = recording_repo(snapshot(Moderation::Approved));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let mut input = color("red");
    input.status = Some(Moderation::Declined);
    svc.update(admin(), POST, changes(input)).await.unwrap();
    assert_eq!(
        seen.lock().unwrap().clone().unwrap().moderation,
        Some(Moderation::Declined)
    );
}

#[tokio::test]
async fn an_empty_edit_writes_nothing() {
    // No update expected: the mock panics if one is attempted.
    let svc = service(
        repo_with(Some(snapshot(Moderation::Approved))),
        rates(),
        MockMediaCleanup::new(),
    );
    svc.update(owner(), POST, changes(PostChangesInput::default()))
        .await
        .unwrap();
}

// ---- update: price and contact details ----

#[tokio::test]
async fn a_new_price_is_converted_in_the_stored_currency() {
    let (repo, seen) = recording_repo(snapshot(Moderation::Pending));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let input = PostChangesInput {
        price: Some(2000.0),
        ..PostChangesInput::default()
    };
    svc.update(owner(), POST, changes(input)).await.unwrap();
    let price = seen.lock().unwrap().clone().unwrap().price.unwrap();
    assert_eq!(price.price, 39_000.0);
    assert_eq!(price.original_price, 2000.0);
    assert_eq!(price.original_currency, usd());
    assert_eq!(price.currency, CurrencyCode::tmt());
}

#[tokio::test]
async fn a_new_currency_reconverts_the_stored_price() {
    let (repo, seen) = recording_repo(snapshot(Moderation::Pending));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let input = PostChangesInput {
        currency: Some("CNY".into()),
        ..PostChangesInput::default()
    };
    svc.update(owner(), POST, changes(input)).await.unwrap();
    let price = seen.lock().unwrap().clone().unwrap().price.unwrap();
    assert_eq!(price.price, 2_700.0);
    assert_eq!(price.original_price, 1000.0);
    assert_eq!(price.original_currency.as_str(), "CNY");
}

#[tokio::test]
async fn an_edit_without_price_or_currency_leaves_the_price_alone() {
    // The rates are never asked: an empty mock panics if they are.
    let (repo, seen) = recording_repo(snapshot(Moderation::Pending));
    let svc = service(repo, MockRates::new(), MockMediaCleanup::new());
    svc.update(owner(), POST, changes(color("red")))
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().clone().unwrap().price, None);
}

#[tokio::test]
async fn price_edits_refuse_unknown_currencies() {
    let (repo, seen) = recording_repo(snapshot(Moderation::Pending));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let input = PostChangesInput {
        currency: Some("EUR".into()),
        ..PostChangesInput::default()
    };
    let err = svc.update(owner(), POST, changes(input)).await.unwrap_err();
    assert!(
        matches!(&err, ListingError::UnknownCurrency(c) if c == "EUR"),
        "{err:?}"
    );
    assert!(seen.lock().unwrap().is_none());

    // An old row in a currency that has no rate: a new price needs a currency with one.
    let legacy = PostSnapshot {
        original_currency: Some("€".into()),
        ..snapshot(Moderation::Pending)
    };
    let (repo, _) = recording_repo(legacy);
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let input = PostChangesInput {
        price: Some(5.0),
        ..PostChangesInput::default()
    };
    let err = svc.update(owner(), POST, changes(input)).await.unwrap_err();
    assert!(
        matches!(&err, ListingError::UnknownCurrency(c) if c == "€"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_currency_without_any_price_is_invalid() {
    let no_price = PostSnapshot {
        original_price: None,
        original_currency: None,
        ..snapshot(Moderation::Pending)
    };
    let (repo, _) = recording_repo(no_price.clone());
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let input = PostChangesInput {
        currency: Some("USD".into()),
        ..PostChangesInput::default()
    };
    let err = svc.update(owner(), POST, changes(input)).await.unwrap_err();
    assert_eq!(err.field(), Some("price"), "{err:?}");

    // A price alone on such a row is taken as manat.
    let (repo, seen) = recording_repo(no_price);
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let input = PostChangesInput {
        price: Some(7.0),
        ..PostChangesInput::default()
    };
    svc.update(owner(), POST, changes(input)).await.unwrap();
    let price = seen.lock().unwrap().clone().unwrap().price.unwrap();
    assert_eq!(
        (price.price, price.original_currency),
        (7.0, CurrencyCode::tmt())
    );
}

#[tokio::test]
async fn contact_details_are_merged_not_replaced() {
    let (repo, seen) = recording_repo(snapshot(Moderation::Pending));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let input = PostChangesInput {
        personal_info: Some(PersonalInfo {
            region: Some("Mary".into()),
            ..PersonalInfo::default()
        }),
        phone: Some("+99365123456".into()),
        ..PostChangesInput::default()
    };
    svc.update(owner(), POST, changes(input)).await.unwrap();
    let info = seen.lock().unwrap().clone().unwrap().personal_info.unwrap();
    assert_eq!(
        info,
        PersonalInfo {
            name: Some("Aman".into()),
            location: Some("Ashgabat".into()),
            phone: Some("+99365123456".into()),
            region: Some("Mary".into()),
        }
    );
}

#[tokio::test]
async fn update_refuses_unknown_references() {
    let mut repo = repo_with(Some(snapshot(Moderation::Pending)));
    repo.expect_missing_references()
        .returning(|_| Ok(vec![Reference::Brand]));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let mut input = PostChangesInput::default();
    input.fields.refs.brand = Some(Uuid::from_u128(99));
    let err = svc.update(owner(), POST, changes(input)).await.unwrap_err();
    assert_eq!(err.field(), Some("brandsId"), "{err:?}");
}

// ---- delete ----

fn media() -> PostMedia {
    PostMedia {
        paths: vec![
            "uploads/posts/1-2.jpg".into(),
            "uploads/posts/small_a.jpg".into(),
            "video/3-4.mp4".into(),
            "uploads/files/5-6.pdf".into(),
        ],
    }
}

#[tokio::test]
async fn delete_by_the_owner_or_an_admin_removes_the_files_too() {
    for actor in [owner(), admin()] {
        let mut repo = repo_with(Some(snapshot(Moderation::Approved)));
        repo.expect_delete()
            .with(eq(POST))
            .times(1)
            .returning(|_| Ok(Some(media())));
        let mut files = MockMediaCleanup::new();
        files
            .expect_remove()
            .withf(|m| *m == media())
            .times(1)
            .returning(|_| ());
        service(repo, rates(), files)
            .delete(actor, POST)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_stranger_cannot_delete() {
    // No delete and no removal expected.
    let svc = service(
        repo_with(Some(snapshot(Moderation::Approved))),
        rates(),
        MockMediaCleanup::new(),
    );
    let err = svc.delete(stranger(), POST).await.unwrap_err();
    assert!(matches!(err, ListingError::Forbidden), "{err:?}");
}

#[tokio::test]
async fn delete_of_a_missing_post_is_not_found() {
    let svc = service(repo_with(None), rates(), MockMediaCleanup::new());
    let err = svc.delete(admin(), POST).await.unwrap_err();
    assert!(matches!(err, ListingError::NotFound), "{err:?}");

    let mut repo = repo_with(Some(snapshot(Moderation::Pending)));
    repo.expect_delete().returning(|_| Ok(None));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let err = svc.delete(owner(), POST).await.unwrap_err();
    assert!(
        matches!(err, ListingError::NotFound),
        "deleted meanwhile: {err:?}"
    );
}

#[tokio::test]
async fn a_post_without_files_asks_no_removal() {
    let mut repo = repo_with(Some(snapshot(Moderation::Pending)));
    repo.expect_delete()
        .returning(|_| Ok(Some(PostMedia::default())));
    service(repo, rates(), MockMediaCleanup::new())
        .delete(owner(), POST)
        .await
        .unwrap();
}

// ---- reads ----

#[tokio::test]
async fn count_only_asks_the_count_alone() {
    let mut repo = MockPostRepo::new();
    repo.expect_feed_count().times(1).returning(|_| Ok(7));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let query = FeedQuery {
        count_only: true,
        ..FeedQuery::default()
    };
    assert_eq!(svc.feed(&query).await.unwrap(), FeedAnswer::Count(7));

    let mut repo = MockPostRepo::new();
    repo.expect_feed_count().times(1).returning(|_| Ok(3));
    repo.expect_feed().times(1).returning(|_| Ok(vec![]));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let answer = svc.feed(&FeedQuery::default()).await.unwrap();
    assert_eq!(
        answer,
        FeedAnswer::Page(FeedPage {
            count: 3,
            rows: vec![]
        })
    );
}

#[tokio::test]
async fn a_count_is_reused_for_the_next_page_until_a_post_changes() {
    let mut repo = MockPostRepo::new();
    // Counted once for the three reads before the delete, once after it.
    repo.expect_feed_count().times(2).returning(|_| Ok(3));
    repo.expect_feed().times(3).returning(|_| Ok(vec![]));
    repo.expect_snapshot()
        .returning(|_| Ok(Some(snapshot(Moderation::Approved))));
    repo.expect_delete()
        .returning(|_| Ok(Some(PostMedia::default())));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let first = FeedQuery::default();
    let second = FeedQuery {
        offset: 20,
        ..FeedQuery::default()
    };
    let count_only = FeedQuery {
        count_only: true,
        ..FeedQuery::default()
    };
    svc.feed(&first).await.unwrap();
    svc.feed(&second).await.unwrap();
    assert_eq!(svc.feed(&count_only).await.unwrap(), FeedAnswer::Count(3));
    svc.delete(owner(), POST).await.unwrap();
    assert_eq!(svc.feed(&count_only).await.unwrap(), FeedAnswer::Count(3));
    svc.feed(&second).await.unwrap();
}

#[tokio::test]
async fn get_of_a_missing_post_is_not_found() {
    let mut repo = MockPostRepo::new();
    repo.expect_find().returning(|_, _| Ok(None));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    let err = svc.get(POST, FeedIncludes::default()).await.unwrap_err();
    assert!(matches!(err, ListingError::NotFound), "{err:?}");
}

#[tokio::test]
async fn mine_reads_the_callers_posts() {
    let mut repo = MockPostRepo::new();
    repo.expect_mine()
        .with(eq(OWNER))
        .times(1)
        .returning(|_| Ok(vec![]));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    assert!(svc.mine(OWNER).await.unwrap().is_empty());
}

#[tokio::test]
async fn by_ids_reads_each_id_once_and_is_bounded() {
    let a = Uuid::from_u128(1);
    let b = Uuid::from_u128(2);
    let mut repo = MockPostRepo::new();
    repo.expect_by_ids()
        .withf(move |ids, _| ids == [PostId(a), PostId(b)])
        .times(1)
        .returning(|_, _| Ok(vec![]));
    let svc = service(repo, rates(), MockMediaCleanup::new());
    svc.by_ids(&[a, b, a], FeedIncludes::default())
        .await
        .unwrap();
    // Nothing to read asks nothing.
    svc.by_ids(&[], FeedIncludes::default()).await.unwrap();

    let too_many: Vec<Uuid> = (0..=ListingService::MAX_LIST as u128)
        .map(Uuid::from_u128)
        .collect();
    let err = svc
        .by_ids(&too_many, FeedIncludes::default())
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("uuids"), "{err:?}");
}

// ---- moderation ----

#[derive(Default)]
struct Announced(Mutex<Vec<alpha_kernel::DomainEvent>>);

impl alpha_kernel::EventPublisher for Announced {
    fn publish(&self, event: alpha_kernel::DomainEvent) {
        self.0.lock().unwrap().push(event);
    }
}

/// The service over a post in `before`, recording events; `find` names its brand and model.
fn moderated(
    before: Moderation,
) -> (
    ListingService,
    Arc<Announced>,
    Arc<Mutex<Option<PostPatch>>>,
) {
    let (mut repo, seen) = recording_repo(snapshot(before));
    repo.expect_find().returning(|id, _| {
        let mut includes = serde_json::Map::new();
        includes.insert("brand".into(), serde_json::json!({"name": "Toyota"}));
        includes.insert("model".into(), serde_json::json!({"name": "Camry"}));
        Ok(Some(PostView {
            uuid: id.0,
            brands_id: Some(Uuid::from_u128(77)),
            models_id: None,
            condition: None,
            transmission: None,
            engine_type: None,
            engine_power: None,
            year: None,
            milleage: None,
            vin: None,
            original_price: None,
            price: None,
            original_currency: None,
            currency: None,
            personal_info: None,
            description: None,
            location: None,
            color: None,
            user_id: None,
            status: None,
            credit: None,
            exchange: None,
            category_id: None,
            subscription_id: None,
            created_at: String::new(),
            updated_at: String::new(),
            includes,
        }))
    });
    let events = Arc::new(Announced::default());
    let service = service(repo, rates(), MockMediaCleanup::new()).with_events(events.clone());
    (service, events, seen)
}

#[tokio::test]
async fn an_approval_is_recorded_with_its_moderator_and_announced_once() {
    let (service, events, seen) = moderated(Moderation::Pending);
    service
        .moderate(admin(), POST, Moderation::Approved, Some("  fine  ".into()))
        .await
        .unwrap();
    let patch = seen.lock().unwrap().clone().unwrap();
    assert_eq!(patch.moderation, Some(Moderation::Approved));
    assert_eq!(
        patch.moderated_by,
        Some(ModerationNote {
            by: ADMIN,
            reason: Some("fine".into())
        })
    );
    assert_eq!(
        *events.0.lock().unwrap(),
        vec![alpha_kernel::DomainEvent::PostApproved {
            post: POST.0,
            owner: Some(OWNER),
            brand: Some(Uuid::from_u128(77)),
            brand_name: Some("Toyota".into()),
            model_name: Some("Camry".into()),
        }]
    );
}

#[tokio::test]
async fn re_approving_declining_or_a_non_admin_announces_nothing() {
    let (service, events, _) = moderated(Moderation::Approved);
    service
        .moderate(admin(), POST, Moderation::Approved, None)
        .await
        .unwrap();
    let (declining, declined, _) = moderated(Moderation::Pending);
    declining
        .moderate(admin(), POST, Moderation::Declined, Some("blurry".into()))
        .await
        .unwrap();
    let (owner_side, quiet, seen) = moderated(Moderation::Pending);
    let err = owner_side
        .moderate(owner(), POST, Moderation::Approved, None)
        .await
        .unwrap_err();
    assert!(matches!(err, ListingError::Forbidden), "{err:?}");
    assert!(seen.lock().unwrap().is_none(), "nothing written");
    for recorded in [events, declined, quiet] {
        assert!(recorded.0.lock().unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_admins_status_through_an_edit_is_a_recorded_decision() {
    let (service, events, seen) = moderated(Moderation::Declined);
    let input = PostChangesInput {
        status: Some(Moderation::Approved),
        ..PostChangesInput::default()
    };
    service.update(admin(), POST, changes(input)).await.unwrap();
    let patch = seen.lock().unwrap().clone().unwrap();
    assert_eq!(
        patch.moderated_by.map(|n| n.by),
        Some(ADMIN),
        "who approved it is recorded"
    );
    assert_eq!(events.0.lock().unwrap().len(), 1);
}
