//! Who asks and which post, shared by the unit tests of the use cases.

#![allow(clippy::unwrap_used)]

use alpha_kernel::UserId;
use mockall::predicate::eq;
use uuid::Uuid;

use crate::ports::MockPostRepo;
use crate::service::Actor;
use crate::types::{Moderation, PersonalInfo, PostId};
use crate::views::PostSnapshot;

pub(crate) const OWNER: UserId = UserId(Uuid::from_u128(1));
pub(crate) const STRANGER: UserId = UserId(Uuid::from_u128(2));
pub(crate) const ADMIN: UserId = UserId(Uuid::from_u128(3));
pub(crate) const POST: PostId = PostId(Uuid::from_u128(10));

pub(crate) fn owner() -> Actor {
    Actor {
        user: OWNER,
        admin: false,
    }
}

pub(crate) fn stranger() -> Actor {
    Actor {
        user: STRANGER,
        admin: false,
    }
}

pub(crate) fn admin() -> Actor {
    Actor {
        user: ADMIN,
        admin: true,
    }
}

pub(crate) fn snapshot(moderation: Moderation) -> PostSnapshot {
    PostSnapshot {
        id: POST,
        owner: Some(OWNER),
        moderation,
        original_price: Some(1000.0),
        original_currency: Some("USD".into()),
        personal_info: Some(PersonalInfo {
            name: Some("Aman".into()),
            location: Some("Ashgabat".into()),
            phone: Some("+99361000000".into()),
            region: Some("Local".into()),
        }),
    }
}

pub(crate) fn repo_with(post: Option<PostSnapshot>) -> MockPostRepo {
    let mut repo = MockPostRepo::new();
    repo.expect_snapshot()
        .with(eq(POST))
        .returning(move |_| Ok(post.clone()));
    repo
}
