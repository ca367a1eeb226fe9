//! The OTP rules that configuration decides.

use std::time::Duration;

use alpha_kernel::Phone;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpConfig {
    pub ttl: Duration,
    pub code_length: usize,
    pub max_attempts: u32,
    /// Codes per phone and purpose per `phone_window` (test numbers are exempt).
    pub phone_limit: u32,
    pub phone_window: Duration,
    pub test_numbers: TestNumbers,
}

/// CONTRACT §5.3: which phones log in with the fixed test code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestNumbers {
    pub enabled: bool,
    pub production: bool,
    pub allow_in_production: bool,
    /// Digits only.
    pub numbers: Vec<String>,
    /// Digits only; when non-empty, the only list used in production.
    pub production_numbers: Vec<String>,
    /// Digit prefix marking test numbers (outside the production list case).
    pub prefix: String,
    /// Return the test code in the send response.
    pub expose_code: bool,
}

impl TestNumbers {
    /// The fixed code every test number logs in with.
    pub const CODE: &'static str = "12345";

    pub fn is_test(&self, phone: &Phone) -> bool {
        if !self.enabled || (self.production && !self.allow_in_production) {
            return false;
        }
        let digits = phone.digits();
        if self.production && !self.production_numbers.is_empty() {
            return self.production_numbers.iter().any(|n| n == digits);
        }
        self.numbers.iter().any(|n| n == digits)
            || (!self.prefix.is_empty() && digits.starts_with(&self.prefix))
    }
}
