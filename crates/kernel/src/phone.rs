//! Phone numbers, validated with libphonenumber's data and stored in E.164 (`+99361999999`).
//!
//! The mobile app sends digits without `+` (`99361999999`); people also type spaces, dashes and
//! the national `8` prefix. All of those must land on the same account, and garbage must not
//! create one (CONTRACT §9 B5).

use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber, Type};

/// Which numbers the service accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonePolicy {
    /// Country calling codes accepted (993 = Turkmenistan).
    pub allowed_country_codes: Vec<u16>,
    /// Accept only numbers libphonenumber classifies as mobile: codes go out by SMS.
    pub mobile_only: bool,
    /// E.164 digit prefixes (no `+`) accepted as mobile even where the bundled libphonenumber
    /// table does not know them yet: a new operator range must never lock real subscribers out
    /// until the next crate release. The length is still checked against the country's mobile
    /// numbers.
    pub extra_mobile_prefixes: Vec<String>,
}

/// Turkmenistan's 71 and 72 mobile ranges, which the bundled table (libphonenumber 9.0.33)
/// does not list.
pub const DEFAULT_EXTRA_MOBILE_PREFIXES: [&str; 2] = ["99371", "99372"];

impl Default for PhonePolicy {
    fn default() -> Self {
        Self {
            allowed_country_codes: vec![993],
            mobile_only: true,
            extra_mobile_prefixes: DEFAULT_EXTRA_MOBILE_PREFIXES
                .iter()
                .map(|p| (*p).to_owned())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("phone number is not a valid number")]
    Invalid,
    #[error("phone numbers of this country are not accepted")]
    CountryNotAllowed,
    #[error("phone number is not a mobile number")]
    NotMobile,
}

/// A valid phone number in E.164 form. Once you hold one, it is valid. `Debug` and `Display` are
/// masked so that no log line, whatever formatting it uses, shows a whole number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Phone({})", crate::mask_phone(&self.0))
    }
}

/// Longer input is garbage; refusing it early keeps the parser's work bounded.
const MAX_INPUT_LEN: usize = 32;

impl Phone {
    /// Parses user input under `policy`.
    ///
    /// Errors: [`PhoneError::Empty`], [`PhoneError::Invalid`] (unparsable, wrong length, ...),
    /// [`PhoneError::CountryNotAllowed`], [`PhoneError::NotMobile`].
    pub fn parse(input: &str, policy: &PhonePolicy) -> Result<Self, PhoneError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(PhoneError::Empty);
        }
        if input.len() > MAX_INPUT_LEN
            || !input
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            return Err(PhoneError::Invalid);
        }
        let number = parse_number(input, policy).ok_or(PhoneError::Invalid)?;
        if !policy
            .allowed_country_codes
            .contains(&number.code().value())
        {
            return Err(PhoneError::CountryNotAllowed);
        }
        if policy.mobile_only && !in_extra_range(&number, policy) {
            let kind = number.number_type(&phonenumber::metadata::DATABASE);
            if !matches!(kind, Type::Mobile | Type::FixedLineOrMobile) {
                return Err(PhoneError::NotMobile);
            }
        }
        Ok(Self(number.format().mode(Mode::E164).to_string()))
    }

    /// Wraps a value read back from our own storage, which only ever holds E.164 written by
    /// [`Phone::parse`] (or the old backend's `+digits`).
    pub fn from_stored(e164: impl Into<String>) -> Self {
        Self(e164.into())
    }

    /// `+99361999999`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `99361999999`: the form test-number rules and the mobile app use.
    pub fn digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }
}

impl std::fmt::Display for Phone {
    /// Masked: a `Phone` printed by accident (logs) must not reveal the number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::mask_phone(&self.0))
    }
}

/// Digits without `+` that begin with an accepted country code are read as international first
/// (that is what the app sends); anything else is read as a Turkmen national number.
fn parse_number(input: &str, policy: &PhonePolicy) -> Option<PhoneNumber> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if !input.starts_with('+') {
        let international = policy
            .allowed_country_codes
            .iter()
            .any(|code| digits.starts_with(&code.to_string()));
        if international
            && let Ok(number) = phonenumber::parse(None, format!("+{digits}"))
            && acceptable(&number, policy)
        {
            return Some(number);
        }
    }
    let number = phonenumber::parse(Some(Id::TM), input).ok()?;
    acceptable(&number, policy).then_some(number)
}

fn acceptable(number: &PhoneNumber, policy: &PhonePolicy) -> bool {
    number.is_valid() || in_extra_range(number, policy)
}

/// In a configured extra range, with as many digits as the country's mobile numbers have.
fn in_extra_range(number: &PhoneNumber, policy: &PhonePolicy) -> bool {
    let code = number.code().value();
    let national = number.national().value().to_string();
    let digits = format!("{code}{national}");
    policy
        .extra_mobile_prefixes
        .iter()
        .any(|prefix| !prefix.is_empty() && digits.starts_with(prefix.as_str()))
        && mobile_lengths(code).contains(&national.len())
}

fn mobile_lengths(code: u16) -> Vec<usize> {
    phonenumber::metadata::DATABASE
        .by_code(&code)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|meta| meta.descriptors().mobile())
        .flat_map(|mobile| mobile.possible_length().iter().map(|&n| usize::from(n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Result<Phone, PhoneError> {
        Phone::parse(input, &PhonePolicy::default())
    }

    #[test]
    fn every_common_spelling_is_the_same_account() {
        for input in [
            "+993 61 999999",
            "99361999999",
            "+993-61-99-99-99",
            "+99361999999",
            "8 61 999999",
            "61 999999",
            " (+993) 61-999-999 ",
        ] {
            assert_eq!(parse(input).unwrap().as_str(), "+99361999999", "{input}");
        }
    }

    #[test]
    fn digits_drop_the_plus() {
        assert_eq!(parse("+99365123456").unwrap().digits(), "99365123456");
    }

    #[test]
    fn garbage_is_invalid() {
        for input in [
            "abc",
            "+",
            "993",
            "+993 61 99999",
            "9936199999999999",
            "+99361999999x",
        ] {
            assert!(parse(input).is_err(), "{input} accepted");
        }
        assert_eq!(parse("   "), Err(PhoneError::Empty));
        assert_eq!(parse(&"9".repeat(40)), Err(PhoneError::Invalid));
    }

    #[test]
    fn other_countries_are_refused_unless_allowed() {
        assert_eq!(
            parse("+7 916 123-45-67"),
            Err(PhoneError::CountryNotAllowed)
        );
        let policy = PhonePolicy {
            allowed_country_codes: vec![993, 7],
            ..PhonePolicy::default()
        };
        assert_eq!(
            Phone::parse("79161234567", &policy).unwrap().as_str(),
            "+79161234567"
        );
    }

    #[test]
    fn landlines_are_refused_when_mobile_only() {
        assert_eq!(parse("+993 12 345678"), Err(PhoneError::NotMobile));
        let policy = PhonePolicy {
            mobile_only: false,
            ..PhonePolicy::default()
        };
        assert!(Phone::parse("+993 12 345678", &policy).is_ok());
    }

    #[test]
    fn the_71_and_72_mobile_ranges_are_accepted() {
        for input in [
            "+99371234567",
            "99372345678",
            "+993 72 345678",
            "8 71 234567",
        ] {
            let phone = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert!(phone.as_str().starts_with("+9937"), "{input}");
        }
        // Still the right length, and only where configured.
        assert_eq!(parse("+9937234567"), Err(PhoneError::Invalid));
        assert_eq!(parse("+993723456789"), Err(PhoneError::Invalid));
        let without = PhonePolicy {
            extra_mobile_prefixes: vec![],
            ..PhonePolicy::default()
        };
        assert!(Phone::parse("+99372345678", &without).is_err());
    }

    #[test]
    fn an_extra_prefix_opens_a_range_the_table_does_not_know() {
        let policy = PhonePolicy {
            extra_mobile_prefixes: vec!["99373".to_owned()],
            ..PhonePolicy::default()
        };
        assert!(Phone::parse("+99373123456", &PhonePolicy::default()).is_err());
        assert_eq!(
            Phone::parse("+99373123456", &policy).unwrap().as_str(),
            "+99373123456"
        );
    }

    #[test]
    fn display_and_debug_are_masked() {
        let phone = parse("+99361234567").unwrap();
        assert_eq!(phone.to_string(), "+9936*****67");
        assert_eq!(format!("{phone:?}"), "Phone(+9936*****67)");
    }
}
