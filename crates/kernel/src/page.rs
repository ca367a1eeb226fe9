//! Paging, the same in every context: an exclusive cursor and a clamped limit in, the items and
//! whether more follow out.

/// How much of a list to read: after (or before) `cursor`, at most `limit` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<C> {
    /// Exclusive: the item the previous page ended with.
    pub cursor: Option<C>,
    pub limit: u32,
}

impl<C> PageRequest<C> {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 100;

    /// Clamps the limit to 1..=[`PageRequest::MAX_LIMIT`] so no request can ask for everything.
    pub fn new(cursor: Option<C>, limit: Option<u32>) -> Self {
        Self {
            cursor,
            limit: limit
                .unwrap_or(Self::DEFAULT_LIMIT)
                .clamp(1, Self::MAX_LIMIT),
        }
    }

    /// The same page with one more item: reading it tells whether another page exists without
    /// a count query (see [`Paged::from_probe`]).
    #[must_use]
    pub fn probe(self) -> Self {
        Self {
            limit: self.limit.saturating_add(1),
            ..self
        }
    }
}

/// One page of a list, and whether more follow (`hasMore` on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

impl<T> Paged<T> {
    /// From the rows a [`PageRequest::probe`] read: the extra row only says more follow.
    pub fn from_probe(mut rows: Vec<T>, limit: u32) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        Self {
            items: rows,
            has_more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clamped() {
        assert_eq!(PageRequest::<u8>::new(None, None).limit, 50);
        assert_eq!(PageRequest::<u8>::new(None, Some(0)).limit, 1);
        assert_eq!(PageRequest::<u8>::new(None, Some(500)).limit, 100);
        assert_eq!(PageRequest::new(Some(3_u8), Some(10)).probe().limit, 11);
    }

    #[test]
    fn a_probe_row_means_more_and_is_not_returned() {
        assert_eq!(
            Paged::from_probe(vec![1, 2, 3], 2),
            Paged {
                items: vec![1, 2],
                has_more: true
            }
        );
        assert_eq!(
            Paged::from_probe(vec![1, 2], 2),
            Paged {
                items: vec![1, 2],
                has_more: false
            }
        );
    }
}
