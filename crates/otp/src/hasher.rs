//! Keyed hashing of codes: HMAC-SHA256 with a server secret, plus the old backend's bcrypt rows.

use alpha_kernel::Phone;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ports::CodeHasher;
use crate::types::{OtpCode, OtpId};

type HmacSha256 = Hmac<Sha256>;

/// Marks our format so another scheme (or version) can be told apart later; 15 + 64 characters,
/// well within `otp_codes.codeHash` (varchar 255).
const PREFIX: &str = "hmac-sha256:v1:";

/// The old backend stored bcryptjs hashes (`$2a$` / `$2b$`).
const BCRYPT_PREFIX: &str = "$2";

/// [`CodeHasher`] over HMAC-SHA256 keyed with the pepper (`OTP_PEPPER`). A 5-digit code has only
/// 10^5 values, so any unkeyed hash is reversed instantly from a database dump; the key is what
/// protects it, and binding the id and phone makes a hash copied to another row useless.
#[derive(Clone)]
pub struct HmacCodeHasher {
    /// Already keyed: cloning it is cheaper than keying per call, and it keeps the raw pepper out
    /// of this struct.
    keyed: HmacSha256,
}

impl HmacCodeHasher {
    /// `pepper` is the server secret; the configuration must make it long and random (an empty
    /// one still works but protects nothing).
    pub fn new(pepper: &[u8]) -> Self {
        let keyed = HmacSha256::new_from_slice(pepper)
            .expect("HMAC accepts keys of any length (long keys are hashed first)");
        Self { keyed }
    }

    fn mac(&self, id: OtpId, phone: &Phone, code: &OtpCode) -> HmacSha256 {
        let mut mac = self.keyed.clone();
        // Versioned, NUL-separated fields: no two (id, phone, code) triples give the same
        // message, and this key used for anything else later cannot collide with it.
        mac.update(b"otp:v1\0");
        mac.update(id.0.hyphenated().to_string().as_bytes());
        mac.update(b"\0");
        mac.update(phone.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(code.expose().as_bytes());
        mac
    }
}

impl std::fmt::Debug for HmacCodeHasher {
    /// Never prints key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacCodeHasher { .. }")
    }
}

impl CodeHasher for HmacCodeHasher {
    fn hash(&self, id: OtpId, phone: &Phone, code: &OtpCode) -> String {
        let tag = self.mac(id, phone, code).finalize().into_bytes();
        format!("{PREFIX}{}", hex::encode(tag))
    }

    fn verify(&self, stored: &str, id: OtpId, phone: &Phone, code: &OtpCode) -> bool {
        if let Some(tag_hex) = stored.strip_prefix(PREFIX) {
            let Ok(tag) = hex::decode(tag_hex) else {
                return false;
            };
            // `verify_slice` compares in constant time and rejects a tag of the wrong length.
            return self.mac(id, phone, code).verify_slice(&tag).is_ok();
        }
        if stored.starts_with(BCRYPT_PREFIX) {
            // Rows of the old backend hash the code alone; bcrypt compares in constant time.
            return bcrypt::verify(code.expose(), stored).unwrap_or(false);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn phone(e164: &str) -> Phone {
        Phone::from_stored(e164)
    }

    fn code(digits: &str) -> OtpCode {
        OtpCode::parse(digits).unwrap()
    }

    fn hasher() -> HmacCodeHasher {
        HmacCodeHasher::new(b"test pepper, long and random in production")
    }

    #[test]
    fn hash_then_verify_round_trips() {
        let id = OtpId(Uuid::new_v4());
        let stored = hasher().hash(id, &phone("+99361234567"), &code("04321"));
        assert!(stored.starts_with("hmac-sha256:v1:"));
        assert_eq!(stored.len(), PREFIX.len() + 64);
        assert!(hasher().verify(&stored, id, &phone("+99361234567"), &code("04321")));
    }

    #[test]
    fn hash_does_not_contain_the_code_and_is_deterministic() {
        let id = OtpId(Uuid::new_v4());
        let a = hasher().hash(id, &phone("+99361234567"), &code("98765"));
        let b = hasher().hash(id, &phone("+99361234567"), &code("98765"));
        assert_eq!(a, b);
        assert!(!a.contains("98765"));
    }

    #[test]
    fn wrong_code_phone_id_or_pepper_fails() {
        let id = OtpId(Uuid::new_v4());
        let p = phone("+99361234567");
        let stored = hasher().hash(id, &p, &code("12345"));
        assert!(!hasher().verify(&stored, id, &p, &code("12346")));
        assert!(!hasher().verify(&stored, id, &phone("+99361234568"), &code("12345")));
        assert!(!hasher().verify(&stored, OtpId(Uuid::new_v4()), &p, &code("12345")));
        assert!(!HmacCodeHasher::new(b"another pepper").verify(&stored, id, &p, &code("12345")));
    }

    #[test]
    fn old_bcrypt_rows_still_verify() {
        let stored = bcrypt::hash("12345", 4).unwrap();
        assert!(stored.starts_with("$2"));
        let id = OtpId(Uuid::new_v4());
        let p = phone("+99361999999");
        assert!(hasher().verify(&stored, id, &p, &code("12345")));
        assert!(!hasher().verify(&stored, id, &p, &code("54321")));
    }

    #[test]
    fn bcryptjs_style_2a_hashes_verify() {
        // bcryptjs writes `$2a$`; the same digest under that label must be accepted.
        let stored = bcrypt::hash("12345", 4)
            .unwrap()
            .replacen("$2b$", "$2a$", 1);
        let id = OtpId(Uuid::new_v4());
        assert!(hasher().verify(&stored, id, &phone("+99361999999"), &code("12345")));
    }

    #[test]
    fn garbage_stored_values_fail() {
        let id = OtpId(Uuid::new_v4());
        let p = phone("+99361234567");
        let c = code("12345");
        let genuine = hasher().hash(id, &p, &c);
        for stored in [
            "",
            "12345",
            "hmac-sha256:v1:",
            "hmac-sha256:v1:zz",
            &genuine[..genuine.len() - 2],
            &format!("{genuine}00"),
            &genuine.replacen("v1", "v2", 1),
            "$2b$04$garbage",
            "$2",
        ] {
            assert!(!hasher().verify(stored, id, &p, &c), "{stored:?} accepted");
        }
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", hasher()), "HmacCodeHasher { .. }");
    }
}
