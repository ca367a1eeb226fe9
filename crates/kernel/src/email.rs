//! E-mail addresses, validated once at the edge.

/// A syntactically valid e-mail address (RFC 5321/5322 as the `email_address` crate reads them),
/// trimmed. Once you hold one, it is valid.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid e-mail address")]
pub struct InvalidEmail;

impl Email {
    /// Errors: [`InvalidEmail`] for anything that is not an address (blank included).
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let trimmed = input.trim();
        if email_address::EmailAddress::is_valid(trimmed) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address is personal data: logs show only its domain.
impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let domain = self.0.rsplit_once('@').map_or("", |(_, d)| d);
        write!(f, "Email(***@{domain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_garbage_refused() {
        assert_eq!(
            Email::parse("  aman@example.tm ").map(|e| e.as_str().to_owned()),
            Ok("aman@example.tm".to_owned())
        );
        for bad in [
            "",
            "  ",
            "aman",
            "aman@",
            "@example.tm",
            "a b@example.tm",
            "a\0b@x.tm",
        ] {
            assert_eq!(Email::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
    }

    #[test]
    fn debug_hides_the_local_part() {
        let email = Email::parse("aman@example.tm").unwrap_or_else(|_| unreachable!());
        assert_eq!(format!("{email:?}"), "Email(***@example.tm)");
    }
}
