//! Bounded text fields, checked the same way in both contexts.

/// `varchar(255)` columns.
pub(crate) const MAX_TEXT: usize = 255;

/// Why a text value was refused; the caller names the field.
pub(crate) fn problem(value: &str, min: usize, max: usize) -> Option<String> {
    // PostgreSQL cannot store NUL in text; the driver would fail with a 500.
    if value.contains('\0') {
        return Some("must not contain NUL".to_owned());
    }
    let len = value.chars().count();
    if len < min {
        return Some(if min == 1 {
            "must not be empty".to_owned()
        } else {
            format!("must have at least {min} characters")
        });
    }
    (len > max).then(|| format!("must have at most {max} characters"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_count_characters_not_bytes() {
        assert_eq!(problem("", 1, 3).as_deref(), Some("must not be empty"));
        assert_eq!(problem("äöü", 1, 3), None);
        assert_eq!(
            problem("abcd", 1, 3).as_deref(),
            Some("must have at most 3 characters")
        );
        assert_eq!(
            problem("a\0", 1, 3).as_deref(),
            Some("must not contain NUL")
        );
    }
}
