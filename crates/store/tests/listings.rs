//! `PgListings` against a real database: the post writes, the delete's media paths, reference
//! checks, the feed's filters and distinct count, and the currency rates.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use alpha_kernel::UserId;
use alpha_listings::{
    Attached, ConvertedPrice, CurrencyCode, FeedIncludes, FeedQuery, Moderation, NewPostPhoto,
    PersonalInfo, PostFields, PostId, PostPatch, PostPhotos, PostRecord, PostRefs, PostRepo, Range,
    Rate, Rates, Reference,
};
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_store::repos::PgListings;
use alpha_store::seed::{self, CatalogSource};
use alpha_testkit::TestDb;
use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};
use support::count;
use uuid::Uuid;

const OWNER: Uuid = Uuid::from_u128(0x1111_1111_1111_4111_8111_1111_1111_1111);
const TOYOTA: Uuid = Uuid::from_u128(0x2222_2222_2222_4222_8222_2222_2222_2222);
const BMW: Uuid = Uuid::from_u128(0x3333_3333_3333_4333_8333_3333_3333_3333);
const AUDI: Uuid = Uuid::from_u128(0x4444_4444_4444_4444_8444_4444_4444_4444);
const CAMRY: Uuid = Uuid::from_u128(0x5555_5555_5555_4555_8555_5555_5555_5555);

async fn setup() -> (TestDb, PgListings, AsyncPgConnection) {
    let db = TestDb::new().await;
    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: 4,
            wait_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let mut conn = db.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO users (uuid, phone) VALUES ('{OWNER}', '+99361234567');
         INSERT INTO brands (uuid, name) VALUES ('{TOYOTA}', 'toyota'), ('{BMW}', 'bmw'),
                                               ('{AUDI}', 'audi');
         INSERT INTO models (uuid, name, \"brandId\") VALUES ('{CAMRY}', 'camry', '{TOYOTA}');"
    ))
    .await
    .unwrap();
    (db, PgListings::new(pool), conn)
}

fn record(brand: Uuid, price: f64) -> PostRecord {
    PostRecord {
        id: PostId(Uuid::new_v4()),
        owner: UserId(OWNER),
        fields: PostFields {
            refs: PostRefs {
                brand: Some(brand),
                ..PostRefs::default()
            },
            year: Some(2015),
            description: Some("clean car".into()),
            location: Some("Ashgabat".into()),
            color: Some("white".into()),
            credit: Some(false),
            ..PostFields::default()
        },
        price: ConvertedPrice::convert(price, CurrencyCode::tmt(), Rate::ONE),
        personal_info: Some(PersonalInfo {
            phone: Some("+99361234567".into()),
            region: Some("Mary".into()),
            ..PersonalInfo::default()
        }),
        moderation: Moderation::Pending,
    }
}

async fn insert(repo: &PgListings, post: &PostRecord) -> PostId {
    repo.insert(post).await.unwrap();
    post.id
}

async fn approve(repo: &PgListings, id: PostId) {
    let patch = PostPatch {
        moderation: Some(Moderation::Approved),
        ..PostPatch::default()
    };
    assert!(repo.update(id, &patch).await.unwrap());
}

fn ids(page: &[alpha_listings::PostView]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = page.iter().map(|p| p.uuid).collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

#[tokio::test]
async fn insert_round_trips_through_snapshot_find_mine_and_by_ids() {
    let (_db, repo, _conn) = setup().await;
    let post = record(TOYOTA, 15_000.0);
    let id = insert(&repo, &post).await;

    let snap = repo.snapshot(id).await.unwrap().unwrap();
    assert_eq!(snap.id, id);
    assert_eq!(snap.owner, Some(UserId(OWNER)));
    assert_eq!(snap.moderation, Moderation::Pending);
    assert_eq!(snap.original_price, Some(15_000.0));
    assert_eq!(snap.original_currency.as_deref(), Some("TMT"));
    assert_eq!(snap.personal_info, post.personal_info);

    let includes = FeedIncludes {
        photo: true,
        ..FeedIncludes::default()
    };
    let view = repo.find(id, includes).await.unwrap().unwrap();
    assert_eq!(view.uuid, id.0);
    assert_eq!(view.brands_id, Some(TOYOTA));
    assert_eq!(view.price, Some(15_000.0));
    assert_eq!(view.currency.as_deref(), Some("TMT"));
    assert_eq!(view.year, Some(2015));
    assert_eq!(view.status, None);
    assert_eq!(view.user_id, None, "the public read leaves userId out");

    let mine = repo.mine(UserId(OWNER)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].user_id, Some(OWNER));
    let listed = repo
        .by_ids(&[id, PostId(Uuid::new_v4())], FeedIncludes::default())
        .await
        .unwrap();
    assert_eq!(ids(&listed), vec![id.0]);
    assert_eq!(repo.count().await.unwrap(), 1);

    assert!(
        repo.snapshot(PostId(Uuid::new_v4()))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        repo.find(PostId(Uuid::new_v4()), FeedIncludes::default())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn update_writes_only_the_given_columns_and_bumps_updated_at() {
    let (_db, repo, _conn) = setup().await;
    let id = insert(&repo, &record(TOYOTA, 15_000.0)).await;
    let before = repo
        .find(id, FeedIncludes::default())
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;

    let patch = PostPatch {
        fields: PostFields {
            year: Some(2020),
            ..PostFields::default()
        },
        price: Some(ConvertedPrice::convert(
            1000.0,
            CurrencyCode::parse("USD").unwrap(),
            Rate::new(19.5).unwrap(),
        )),
        moderation: Some(Moderation::Declined),
        ..PostPatch::default()
    };
    assert!(repo.update(id, &patch).await.unwrap());
    let after = repo
        .find(id, FeedIncludes::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.year, Some(2020));
    assert_eq!(after.price, Some(19_500.0));
    assert_eq!(after.original_price, Some(1000.0));
    assert_eq!(after.original_currency.as_deref(), Some("USD"));
    assert_eq!(after.status, Some(false));
    assert_eq!(after.description, before.description);
    assert_eq!(after.brands_id, before.brands_id);
    assert_eq!(after.personal_info, before.personal_info);
    assert!(after.updated_at > before.updated_at);

    // Back to pending: the nullable status can be cleared.
    let pending = PostPatch {
        moderation: Some(Moderation::Pending),
        ..PostPatch::default()
    };
    assert!(repo.update(id, &pending).await.unwrap());
    let again = repo
        .find(id, FeedIncludes::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.status, None);
    assert_eq!(again.year, Some(2020));

    assert!(!repo.update(PostId(Uuid::new_v4()), &pending).await.unwrap());
}

#[tokio::test]
async fn delete_returns_the_media_paths_and_leaves_no_orphan_photos() {
    let (_db, repo, mut conn) = setup().await;
    let id = insert(&repo, &record(TOYOTA, 15_000.0)).await;
    let other = insert(&repo, &record(TOYOTA, 9_000.0)).await;
    let (own, shared) = (Uuid::new_v4(), Uuid::new_v4());
    conn.batch_execute(&format!(
        "INSERT INTO photo (uuid, path, \"originalPath\") VALUES
           ('{own}', '{{\"small\":\"uploads/posts/a-small.webp\",\"large\":\"uploads/posts/a-large.webp\"}}',
            'uploads/posts/a.jpg'),
           ('{shared}', '{{\"small\":\"uploads/posts/s-small.webp\"}}', 'uploads/posts/s.jpg');
         INSERT INTO photo_posts (\"postId\", \"photoUuid\") VALUES
           ('{id}', '{own}'), ('{id}', '{shared}'), ('{other}', '{shared}');
         INSERT INTO video (url, \"postId\") VALUES ('video/v.mp4', '{id}');
         INSERT INTO file (uuid, path, \"postId\") VALUES ('{}', 'uploads/files/f.pdf', '{id}');",
        Uuid::new_v4()
    ))
    .await
    .unwrap();

    let media = repo.delete(id).await.unwrap().unwrap();
    let mut paths = media.paths.clone();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "uploads/files/f.pdf",
            "uploads/posts/a-large.webp",
            "uploads/posts/a-small.webp",
            "uploads/posts/a.jpg",
            "video/v.mp4",
        ]
    );
    assert!(repo.snapshot(id).await.unwrap().is_none());
    let q = |sql: &str| sql.replace("$id", &id.to_string());
    assert_eq!(
        count(&mut conn, &q("SELECT count(*) AS n FROM photo")).await,
        1
    );
    assert_eq!(
        count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM photo WHERE uuid = '{shared}'")
        )
        .await,
        1,
        "a photo another post still uses stays"
    );
    for table in ["video", "file", "photo_posts"] {
        assert_eq!(
            count(
                &mut conn,
                &q(&format!(
                    "SELECT count(*) AS n FROM {table} WHERE \"postId\" = '$id'"
                ))
            )
            .await,
            0,
            "{table}"
        );
    }
    assert!(repo.delete(id).await.unwrap().is_none());
}

#[tokio::test]
async fn missing_references_names_each_unknown_id_in_order() {
    let (_db, repo, _conn) = setup().await;
    let known = PostRefs {
        brand: Some(TOYOTA),
        model: Some(CAMRY),
        ..PostRefs::default()
    };
    assert!(repo.missing_references(&known).await.unwrap().is_empty());
    let unknown = PostRefs {
        brand: Some(Uuid::new_v4()),
        model: Some(CAMRY),
        category: Some(Uuid::new_v4()),
        subscription: Some(Uuid::new_v4()),
    };
    assert_eq!(
        repo.missing_references(&unknown).await.unwrap(),
        vec![
            Reference::Brand,
            Reference::Category,
            Reference::Subscription
        ]
    );
}

#[tokio::test]
async fn feed_applies_status_brand_price_and_escaped_search_filters() {
    let (_db, repo, mut conn) = setup().await;
    let cheap = insert(&repo, &record(TOYOTA, 10_000.0)).await;
    let mid = insert(&repo, &record(BMW, 50_000.0)).await;
    let dear = insert(&repo, &record(AUDI, 90_000.0)).await;
    approve(&repo, cheap).await;
    approve(&repo, mid).await;
    conn.batch_execute(&format!(
        "UPDATE posts SET description = '100% original' WHERE uuid = '{mid}';
         UPDATE posts SET description = '1000 original' WHERE uuid = '{dear}';"
    ))
    .await
    .unwrap();

    let all = repo.feed(&FeedQuery::default()).await.unwrap();
    assert_eq!(
        repo.feed_count(&FeedQuery::default()).await.unwrap(),
        3,
        "no status: every status"
    );
    assert_eq!(ids(&all), sorted(vec![cheap.0, mid.0, dear.0]));
    assert!(all.iter().all(|p| p.user_id.is_none()));

    let approved = FeedQuery {
        status: Some(Moderation::Approved),
        ..FeedQuery::default()
    };
    let page = repo.feed(&approved).await.unwrap();
    assert_eq!(repo.feed_count(&approved).await.unwrap(), 2);
    assert_eq!(ids(&page), sorted(vec![cheap.0, mid.0]));

    let brands = FeedQuery {
        brands: vec![TOYOTA, AUDI],
        ..FeedQuery::default()
    };
    assert_eq!(
        ids(&repo.feed(&brands).await.unwrap()),
        sorted(vec![cheap.0, dear.0])
    );

    let priced = FeedQuery {
        price: Some(Range {
            min: 20_000.0,
            max: 95_000.0,
        }),
        sort_by: alpha_listings::SortBy::Price,
        sort_dir: alpha_listings::SortDir::Asc,
        ..FeedQuery::default()
    };
    let page = repo.feed(&priced).await.unwrap();
    assert_eq!(
        page.iter().map(|p| p.uuid).collect::<Vec<_>>(),
        vec![mid.0, dear.0],
        "in range, cheapest first"
    );
    assert_eq!(repo.feed_count(&priced).await.unwrap(), 2);

    let search = FeedQuery {
        search: Some("0%".into()),
        ..FeedQuery::default()
    };
    let page = repo.feed(&search).await.unwrap();
    assert_eq!(ids(&page), vec![mid.0], "% is literal, not a wildcard");
    let by_brand_name = FeedQuery {
        search: Some("BMW".into()),
        ..FeedQuery::default()
    };
    assert_eq!(ids(&repo.feed(&by_brand_name).await.unwrap()), vec![mid.0]);

    let paged = FeedQuery {
        offset: 1,
        limit: 1,
        sort_by: alpha_listings::SortBy::Price,
        sort_dir: alpha_listings::SortDir::Desc,
        ..FeedQuery::default()
    };
    let page = repo.feed(&paged).await.unwrap();
    assert_eq!(repo.feed_count(&paged).await.unwrap(), 3);
    assert_eq!(ids(&page), vec![mid.0]);
}

#[tokio::test]
async fn feed_counts_distinct_posts_whatever_their_photos() {
    let (_db, repo, mut conn) = setup().await;
    let with_photos = insert(&repo, &record(TOYOTA, 10_000.0)).await;
    insert(&repo, &record(BMW, 20_000.0)).await;
    for _ in 0..3 {
        let photo = Uuid::new_v4();
        conn.batch_execute(&format!(
            "INSERT INTO photo (uuid) VALUES ('{photo}');
             INSERT INTO photo_posts (\"postId\", \"photoUuid\") VALUES ('{with_photos}', '{photo}');"
        ))
        .await
        .unwrap();
    }
    let query = FeedQuery {
        includes: FeedIncludes {
            photo: true,
            ..FeedIncludes::default()
        },
        ..FeedQuery::default()
    };
    let page = repo.feed(&query).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(
        page.iter()
            .find(|p| p.uuid == with_photos.0)
            .map(|p| p.includes["photo"].as_array().map(Vec::len)),
        Some(Some(3)),
        "the photos are attached to their post"
    );
    assert_eq!(repo.feed_count(&query).await.unwrap(), 2);
}

#[tokio::test]
async fn rates_read_the_seeded_currencies() {
    let (_db, repo, mut conn) = setup().await;
    let usd = CurrencyCode::parse("USD").unwrap();
    assert_eq!(
        repo.rate(&usd).await.unwrap(),
        None,
        "no row before seeding"
    );
    seed::run(&mut conn, &CatalogSource::BuiltIn).await.unwrap();
    assert_eq!(repo.rate(&usd).await.unwrap(), Rate::new(19.5));
    assert_eq!(
        repo.rate(&CurrencyCode::parse("EUR").unwrap())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn feed_attaches_the_asked_related_rows_in_their_wire_shape() {
    let (_db, repo, mut conn) = setup().await;
    let mut post = record(TOYOTA, 10_000.0);
    post.fields.refs.model = Some(CAMRY);
    let id = insert(&repo, &post).await;
    let bare = insert(&repo, &record(BMW, 20_000.0)).await;
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    conn.batch_execute(&format!(
        "INSERT INTO photo (uuid, path, \"createdAt\") VALUES
           ('{first}', '{{\"small\":\"uploads/posts/1.webp\"}}', now() - interval '1 minute'),
           ('{second}', '{{\"small\":\"uploads/posts/2.webp\"}}', now());
         INSERT INTO photo_posts (\"postId\", \"photoUuid\") VALUES ('{id}', '{second}'), ('{id}', '{first}');"
    ))
    .await
    .unwrap();
    let query = FeedQuery {
        includes: FeedIncludes {
            brand: true,
            model: true,
            photo: true,
            ..FeedIncludes::default()
        },
        sort_by: alpha_listings::SortBy::Price,
        sort_dir: alpha_listings::SortDir::Asc,
        ..FeedQuery::default()
    };
    let page = repo.feed(&query).await.unwrap();
    assert_eq!(page.len(), 2);
    let with = &page[0];
    assert_eq!(with.uuid, id.0);
    assert_eq!(with.includes["brand"]["name"], "toyota");
    assert_eq!(with.includes["model"]["name"], "camry");
    let photos = with.includes["photo"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(photos[0]["uuid"], first.to_string(), "oldest first");
    assert_eq!(photos[0]["path"]["small"], "uploads/posts/1.webp");
    assert_eq!(photos[0]["PhotoPosts"]["postId"], id.0.to_string());
    assert!(
        photos[0]["PhotoPosts"]["id"].is_string(),
        "bigint as a string"
    );
    assert!(photos[0]["createdAt"].as_str().unwrap().ends_with('Z'));
    let without = &page[1];
    assert_eq!(without.uuid, bare.0);
    assert_eq!(without.includes["photo"], serde_json::json!([]));
    assert_eq!(without.includes["model"], serde_json::Value::Null);
    assert!(!without.includes.contains_key("category"), "not asked");
}

#[tokio::test]
async fn find_always_carries_video_file_comments_and_category() {
    let (_db, repo, mut conn) = setup().await;
    let id = insert(&repo, &record(TOYOTA, 10_000.0)).await;
    conn.batch_execute(&format!(
        "INSERT INTO video (url, \"postId\") VALUES ('uploads/video/v.mp4', '{id}');
         INSERT INTO comments (uuid, message, \"postId\") VALUES ('{}', 'nice', '{id}');",
        Uuid::new_v4()
    ))
    .await
    .unwrap();
    let includes = FeedIncludes {
        photo: true,
        ..FeedIncludes::default()
    };
    let view = repo.find(id, includes).await.unwrap().unwrap();
    assert_eq!(view.includes["video"]["url"], "video/v.mp4");
    assert_eq!(view.includes["video"]["publicUrl"], "/media/video/v.mp4");
    assert_eq!(view.includes["file"], serde_json::Value::Null);
    assert_eq!(view.includes["category"], serde_json::Value::Null);
    assert_eq!(view.includes["comments"][0]["message"], "nice");
    assert!(!view.includes.contains_key("brand"));

    let mine = repo.mine(UserId(OWNER)).await.unwrap();
    assert_eq!(mine[0].includes["brand"]["name"], "toyota");
    assert_eq!(mine[0].includes["photo"], serde_json::json!([]));
}

#[tokio::test]
async fn feed_applies_the_remaining_filters_each_on_its_own() {
    let (_db, repo, mut conn) = setup().await;
    let hit = insert(&repo, &record(TOYOTA, 10_000.0)).await;
    let miss = insert(&repo, &record(TOYOTA, 10_000.0)).await;
    let plan = Uuid::new_v4();
    let category = Uuid::new_v4();
    conn.batch_execute(&format!(
        "INSERT INTO subscriptions (uuid, name, description) VALUES ('{plan}', '{{}}', '{{}}');
         INSERT INTO categories (uuid, name, creator) VALUES ('{category}', '{{}}', '{{}}');
         UPDATE posts SET \"modelsId\" = '{CAMRY}', \"subscriptionId\" = '{plan}',
           \"categoryId\" = '{category}', color = 'red', year = 2020, \"enginePower\" = 3.5,
           milleage = 1000, credit = true, exchange = true, transmission = 'auto',
           condition = 'new', \"engineType\" = 'petrol', location = 'Mary 50%',
           \"personalInfo\" = '{{\"region\":\"Balkan_West\"}}'
         WHERE uuid = '{hit}';
         UPDATE posts SET year = 2000, \"enginePower\" = 1.2, milleage = 900000, credit = false,
           exchange = false, transmission = 'manual', condition = 'used',
           \"engineType\" = 'diesel', location = 'Mary 500',
           \"personalInfo\" = '{{\"region\":\"BalkanXWest\"}}'
         WHERE uuid = '{miss}';"
    ))
    .await
    .unwrap();
    let cases: Vec<(&str, FeedQuery)> = vec![
        (
            "subFilter",
            FeedQuery {
                subscriptions: vec![plan],
                ..FeedQuery::default()
            },
        ),
        (
            "modelFilter",
            FeedQuery {
                models: vec![CAMRY],
                ..FeedQuery::default()
            },
        ),
        (
            "categoryFilter",
            FeedQuery {
                category: Some(category),
                ..FeedQuery::default()
            },
        ),
        (
            "color",
            FeedQuery {
                colors: vec!["red".into(), "blue".into()],
                ..FeedQuery::default()
            },
        ),
        (
            "year",
            FeedQuery {
                year: Some(Range {
                    min: 2010,
                    max: 2100,
                }),
                ..FeedQuery::default()
            },
        ),
        (
            "enginePower",
            FeedQuery {
                min_engine_power: Some(3.0),
                ..FeedQuery::default()
            },
        ),
        (
            "milleage",
            FeedQuery {
                max_milleage: Some(5000.0),
                ..FeedQuery::default()
            },
        ),
        (
            "credit",
            FeedQuery {
                credit: Some(true),
                ..FeedQuery::default()
            },
        ),
        (
            "exchange",
            FeedQuery {
                exchange: Some(true),
                ..FeedQuery::default()
            },
        ),
        (
            "transmission",
            FeedQuery {
                transmission: Some("auto".into()),
                ..FeedQuery::default()
            },
        ),
        (
            "condition",
            FeedQuery {
                condition: Some("new".into()),
                ..FeedQuery::default()
            },
        ),
        (
            "engineType",
            FeedQuery {
                engine_type: Some("petrol".into()),
                ..FeedQuery::default()
            },
        ),
        (
            "location",
            FeedQuery {
                location: Some("MARY 50%".into()),
                ..FeedQuery::default()
            },
        ),
        (
            "region",
            FeedQuery {
                region: Some("balkan_w".into()),
                ..FeedQuery::default()
            },
        ),
    ];
    for (name, query) in cases {
        let page = repo.feed(&query).await.unwrap();
        assert_eq!(ids(&page), vec![hit.0], "{name}");
        assert_eq!(repo.feed_count(&query).await.unwrap(), 1, "{name}");
    }
}

fn new_photo() -> NewPostPhoto {
    let uuid = Uuid::new_v4();
    NewPostPhoto {
        uuid,
        small: format!("uploads/posts/small_{uuid}.jpg"),
        medium: format!("uploads/posts/medium_{uuid}.jpg"),
        large: format!("uploads/posts/large_{uuid}.jpg"),
        original_path: format!("uploads/posts/{uuid}.jpg"),
    }
}

#[tokio::test]
async fn photos_attach_all_together_within_the_posts_cap() {
    let (_db, repo, mut conn) = setup().await;
    let id = insert(&repo, &record(TOYOTA, 15_000.0)).await;
    let (a, b, c) = (new_photo(), new_photo(), new_photo());

    let done = repo
        .attach_photos(id, &[a.clone(), b.clone()], 3)
        .await
        .unwrap();
    assert_eq!(done, Attached::Done);
    let full = repo
        .attach_photos(id, &[c.clone(), new_photo()], 3)
        .await
        .unwrap();
    assert_eq!(full, Attached::Full, "2 + 2 > 3");
    let gone = repo
        .attach_photos(PostId(Uuid::new_v4()), std::slice::from_ref(&c), 3)
        .await
        .unwrap();
    assert_eq!(gone, Attached::PostGone);

    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM photo").await,
        2,
        "refused batches write nothing"
    );
    assert_eq!(
        count(
            &mut conn,
            &format!(
                "SELECT count(*) AS n FROM photo_posts WHERE \"postId\" = '{}'",
                id.0
            )
        )
        .await,
        2
    );
    // The feed reads the paths back in the shape the app expects.
    let includes = FeedIncludes {
        photo: true,
        ..FeedIncludes::default()
    };
    let view = repo.find(id, includes).await.unwrap().unwrap();
    let photos = view.includes["photo"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    assert!(
        photos.iter().any(|p| p["path"]["small"] == a.small.as_str()
            && p["originalPath"] == a.original_path.as_str())
    );
}

#[tokio::test]
async fn a_photo_deletes_with_its_links_and_only_post_photos_are_found() {
    let (_db, repo, mut conn) = setup().await;
    let id = insert(&repo, &record(TOYOTA, 15_000.0)).await;
    let photo = new_photo();
    repo.attach_photos(id, std::slice::from_ref(&photo), 30)
        .await
        .unwrap();
    let brand_icon = Uuid::new_v4();
    conn.batch_execute(&format!(
        "INSERT INTO photo (uuid, path, \"brandsId\") VALUES ('{brand_icon}', '{{}}', '{TOYOTA}');"
    ))
    .await
    .unwrap();

    assert_eq!(repo.post_of_photo(photo.uuid).await.unwrap(), Some(id));
    assert_eq!(repo.post_of_photo(brand_icon).await.unwrap(), None);
    assert_eq!(repo.post_of_photo(Uuid::new_v4()).await.unwrap(), None);

    let mut paths = repo.delete_photo(photo.uuid).await.unwrap().unwrap();
    paths.sort();
    let mut expected = vec![
        photo.small.clone(),
        photo.medium.clone(),
        photo.large.clone(),
        photo.original_path.clone(),
    ];
    expected.sort();
    assert_eq!(paths, expected);
    assert_eq!(repo.delete_photo(photo.uuid).await.unwrap(), None);
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM photo_posts").await,
        0
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM photo").await,
        1,
        "the brand icon stays"
    );
}
