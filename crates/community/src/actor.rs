//! Who is asking, and the one ownership rule both contexts share.

use alpha_kernel::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub admin: bool,
}

impl Actor {
    /// The author or an admin; a row whose author's account is gone (`None`) belongs to the
    /// admins.
    pub fn may_change(self, author: Option<UserId>) -> bool {
        self.admin || author == Some(self.user)
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn the_author_or_an_admin_may_change_and_nobody_else() {
        let author = UserId(Uuid::from_u128(1));
        let other = UserId(Uuid::from_u128(2));
        let user = |u, admin| Actor { user: u, admin };
        assert!(user(author, false).may_change(Some(author)));
        assert!(!user(other, false).may_change(Some(author)));
        assert!(user(other, true).may_change(Some(author)));
        assert!(!user(author, false).may_change(None));
        assert!(user(other, true).may_change(None));
    }
}
