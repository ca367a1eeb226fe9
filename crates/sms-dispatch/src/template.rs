//! The OTP SMS text.

use alpha_otp::OtpCode;

/// Fills `template`: every `{code}` becomes the code's digits and every `{ttl}` the lifetime in
/// minutes (`ttl_secs / 60` rounded half up, at least 1).
///
/// The result holds the code: never log or store it.
pub fn render(template: &str, code: &OtpCode, ttl_secs: u64) -> String {
    let minutes = ttl_minutes(ttl_secs).to_string();
    template
        .replace("{code}", code.expose())
        .replace("{ttl}", &minutes)
}

/// `ttl_secs` in whole minutes, rounded half up, never below 1.
fn ttl_minutes(ttl_secs: u64) -> u64 {
    (ttl_secs.saturating_add(30) / 60).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(digits: &str) -> OtpCode {
        OtpCode::parse(digits).unwrap()
    }

    #[test]
    fn replaces_every_code_and_ttl() {
        let text = render("{code} is {code}; {ttl} min ({ttl})", &code("123456"), 300);
        assert_eq!(text, "123456 is 123456; 5 min (5)");
    }

    #[test]
    fn default_template_shape() {
        let text = render(
            "Alpha Motors: Your verification code is {code}. Valid for {ttl} minutes.",
            &code("0042"),
            300,
        );
        assert_eq!(
            text,
            "Alpha Motors: Your verification code is 0042. Valid for 5 minutes."
        );
    }

    #[test]
    fn ttl_rounds_half_up() {
        assert_eq!(render("{ttl}", &code("1234"), 89), "1");
        assert_eq!(render("{ttl}", &code("1234"), 90), "2");
        assert_eq!(render("{ttl}", &code("1234"), 149), "2");
        assert_eq!(render("{ttl}", &code("1234"), 150), "3");
    }

    #[test]
    fn ttl_is_at_least_one_minute() {
        assert_eq!(render("{ttl}", &code("1234"), 0), "1");
        assert_eq!(render("{ttl}", &code("1234"), 29), "1");
    }

    #[test]
    fn huge_ttl_does_not_overflow() {
        assert_eq!(
            render("{ttl}", &code("1234"), u64::MAX),
            (u64::MAX / 60).to_string()
        );
    }

    #[test]
    fn template_without_placeholders_is_unchanged() {
        assert_eq!(
            render("no placeholders", &code("1234"), 60),
            "no placeholders"
        );
    }

    #[test]
    fn code_containing_ttl_text_is_not_substituted_again() {
        // Substitution order: `{code}` first; digits can never contain `{ttl}`, so the only
        // `{ttl}` replaced are the template's own.
        assert_eq!(render("{ttl}{code}", &code("9999"), 120), "29999");
    }
}
