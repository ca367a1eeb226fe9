//! Codes from the operating system's CSPRNG.

use rand::rngs::OsRng;
use rand::{Rng, TryRngCore};

use crate::ports::CodeGenerator;
use crate::types::OtpCode;

/// [`CodeGenerator`] drawing every digit uniformly from the OS CSPRNG (leading zeros allowed, so
/// all 10^n codes are possible, unlike the old backend's `Math.random` range without them).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRngCodes;

impl CodeGenerator for OsRngCodes {
    /// A `length` outside [`OtpCode::MIN_LEN`]..=[`OtpCode::MAX_LEN`] is clamped into it: a code
    /// of another length could never be typed back (`OtpCode::parse` refuses it).
    ///
    /// Panics only if the operating system cannot supply randomness, where no safe code exists.
    fn generate(&self, length: usize) -> OtpCode {
        let length = length.clamp(OtpCode::MIN_LEN, OtpCode::MAX_LEN);
        OtpCode::from_trusted_digits(random_digits(length))
    }
}

/// `length` uniform decimal digits. `random_range` rejects out-of-range draws instead of taking a
/// modulus, so no digit is favoured.
fn random_digits(length: usize) -> String {
    let mut rng = OsRng.unwrap_err();
    (0..length)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_requested_length_and_only_digits() {
        for length in OtpCode::MIN_LEN..=OtpCode::MAX_LEN {
            for _ in 0..50 {
                let code = OsRngCodes.generate(length);
                assert_eq!(code.expose().len(), length);
                assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }

    #[test]
    fn lengths_outside_the_code_shape_are_clamped() {
        assert_eq!(OsRngCodes.generate(1).expose().len(), OtpCode::MIN_LEN);
        assert_eq!(OsRngCodes.generate(20).expose().len(), OtpCode::MAX_LEN);
    }

    #[test]
    fn every_digit_appears_in_single_digit_draws() {
        let mut seen = [0u32; 10];
        for _ in 0..2_000 {
            let digits = random_digits(1);
            assert_eq!(digits.len(), 1);
            let digit = digits.as_bytes()[0];
            assert!(digit.is_ascii_digit(), "{digits:?}");
            seen[usize::from(digit - b'0')] += 1;
        }
        // Each digit is expected 200 times; missing one entirely has probability ~1e-91.
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
    }

    #[test]
    fn leading_zeros_occur() {
        // P(no leading zero in 500 five-digit codes) = 0.9^500 ~ 1e-23.
        assert!((0..500).any(|_| OsRngCodes.generate(5).expose().starts_with('0')));
    }
}
