//! The [`TokenSigner`] adapter: HS256 JWTs with jsonwebtoken, one secret per token kind.

use std::sync::Arc;

use alpha_kernel::{Clock, SystemClock};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

use crate::claims::{Claims, TokenKind};
use crate::errors::TokenError;
use crate::ports::TokenSigner;

/// Signs and verifies HS256 tokens. Any other algorithm (HS384, HS512, `none`, asymmetric) is
/// refused, even with the right secret: the old backend's library accepted HS384/HS512, which
/// widened what a leaked-secret forger could mint for no benefit.
pub struct JwtTokenSigner {
    access: Keys,
    refresh: Keys,
    validation: Validation,
    clock: Arc<dyn Clock>,
}

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Keys {
    fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }
}

impl JwtTokenSigner {
    /// Expiry is checked against the system clock.
    pub fn new(access_secret: &[u8], refresh_secret: &[u8]) -> Self {
        Self::with_clock(access_secret, refresh_secret, Arc::new(SystemClock))
    }

    /// Expiry is checked against `clock`, so the service and the signer agree on "now" (and
    /// tests can move time without sleeping).
    pub fn with_clock(access_secret: &[u8], refresh_secret: &[u8], clock: Arc<dyn Clock>) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp"]);
        // jsonwebtoken would compare `exp` with the system time; we compare it with `clock`
        // below, with zero leeway. `exp` stays required by `required_spec_claims`.
        validation.validate_exp = false;
        validation.leeway = 0;
        validation.validate_nbf = false;
        // We issue no `aud`; a token carrying one was not minted by us.
        validation.validate_aud = false;
        Self {
            access: Keys::new(access_secret),
            refresh: Keys::new(refresh_secret),
            validation,
            clock,
        }
    }

    fn keys(&self, kind: TokenKind) -> &Keys {
        match kind {
            TokenKind::Access => &self.access,
            TokenKind::Refresh => &self.refresh,
        }
    }
}

impl std::fmt::Debug for JwtTokenSigner {
    /// Secrets never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtTokenSigner(<redacted>)")
    }
}

impl TokenSigner for JwtTokenSigner {
    fn sign(&self, kind: TokenKind, claims: &Claims) -> Result<String, TokenError> {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.keys(kind).encoding,
        )
        .map_err(|_| TokenError::Invalid)
    }

    fn verify(&self, kind: TokenKind, token: &str) -> Result<Claims, TokenError> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.keys(kind).decoding, &self.validation)
                .map_err(|err| match err.kind() {
                    ErrorKind::ExpiredSignature => TokenError::Expired,
                    _ => TokenError::Invalid,
                })?;
        // RFC 7519: the token is valid only while now < exp; zero leeway.
        if self.clock.now().timestamp() >= data.claims.exp {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    struct FixedClock(DateTime<Utc>);

    impl Clock for FixedClock {
        fn now(&self) -> DateTime<Utc> {
            self.0
        }
    }

    const ACCESS: &[u8] = b"access-secret-for-tests-0123456789";
    const REFRESH: &[u8] = b"refresh-secret-for-tests-987654321";

    fn at(secs: i64) -> Arc<dyn Clock> {
        Arc::new(FixedClock(DateTime::from_timestamp(secs, 0).unwrap()))
    }

    fn signer(now: i64) -> JwtTokenSigner {
        JwtTokenSigner::with_clock(ACCESS, REFRESH, at(now))
    }

    fn claims(typ: TokenKind, iat: i64, exp: i64) -> Claims {
        let uuid = Uuid::new_v4();
        Claims {
            uuid,
            phone: Some("+99361999999".into()),
            sub: Some(uuid.to_string()),
            sid: Some(Uuid::new_v4()),
            jti: Some(Uuid::new_v4().to_string()),
            typ: Some(typ),
            iat,
            exp,
        }
    }

    const T0: i64 = 1_800_000_000;

    #[test]
    fn round_trip_returns_the_claims() {
        let s = signer(T0);
        let c = claims(TokenKind::Access, T0, T0 + 900);
        let token = s.sign(TokenKind::Access, &c).unwrap();
        assert_eq!(s.verify(TokenKind::Access, &token).unwrap(), c);
    }

    #[test]
    fn expired_token_is_expired_with_zero_leeway() {
        let c = claims(TokenKind::Access, T0, T0 + 900);
        let token = signer(T0).sign(TokenKind::Access, &c).unwrap();
        assert!(signer(T0 + 899).verify(TokenKind::Access, &token).is_ok());
        assert_eq!(
            signer(T0 + 900).verify(TokenKind::Access, &token),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn system_clock_signer_reports_expiry_from_the_library() {
        // `new` checks against real time: a token that expired in 2001 is expired.
        let s = JwtTokenSigner::new(ACCESS, REFRESH);
        let token = s
            .sign(
                TokenKind::Access,
                &claims(TokenKind::Access, 1_000_000_000, 1_000_000_900),
            )
            .unwrap();
        assert_eq!(
            s.verify(TokenKind::Access, &token),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn wrong_secret_is_invalid() {
        let other = JwtTokenSigner::with_clock(b"another-access-secret", REFRESH, at(T0));
        let token = other
            .sign(TokenKind::Access, &claims(TokenKind::Access, T0, T0 + 900))
            .unwrap();
        assert_eq!(
            signer(T0).verify(TokenKind::Access, &token),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn refresh_token_is_refused_by_access_verify() {
        let s = signer(T0);
        let token = s
            .sign(
                TokenKind::Refresh,
                &claims(TokenKind::Refresh, T0, T0 + 900),
            )
            .unwrap();
        assert!(s.verify(TokenKind::Refresh, &token).is_ok());
        assert_eq!(
            s.verify(TokenKind::Access, &token),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn hs512_with_the_right_secret_is_invalid() {
        let c = claims(TokenKind::Access, T0, T0 + 900);
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            let token =
                jsonwebtoken::encode(&Header::new(alg), &c, &EncodingKey::from_secret(ACCESS))
                    .unwrap();
            assert_eq!(
                signer(T0).verify(TokenKind::Access, &token),
                Err(TokenError::Invalid),
                "{alg:?} accepted"
            );
        }
    }

    #[test]
    fn unsigned_none_token_is_invalid() {
        use base64_free::encode_segment;
        let header = encode_segment(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = encode_segment(
            serde_json::to_string(&claims(TokenKind::Access, T0, T0 + 900))
                .unwrap()
                .as_bytes(),
        );
        for token in [
            format!("{header}.{payload}."),
            format!("{header}.{payload}"),
        ] {
            assert_eq!(
                signer(T0).verify(TokenKind::Access, &token),
                Err(TokenError::Invalid)
            );
        }
    }

    #[test]
    fn token_without_exp_is_invalid() {
        let uuid = Uuid::new_v4();
        let body = serde_json::json!({"uuid": uuid, "iat": T0});
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &body,
            &EncodingKey::from_secret(ACCESS),
        )
        .unwrap();
        assert_eq!(
            signer(T0).verify(TokenKind::Access, &token),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn garbage_is_invalid() {
        let s = signer(T0);
        for token in ["", "abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "...."] {
            assert_eq!(
                s.verify(TokenKind::Access, token),
                Err(TokenError::Invalid),
                "{token}"
            );
        }
    }

    #[test]
    fn debug_hides_the_secrets() {
        let shown = format!("{:?}", signer(T0));
        assert!(!shown.contains("access-secret-for-tests"), "{shown}");
        assert!(!shown.contains("refresh-secret-for-tests"), "{shown}");
    }

    /// Base64url without padding, enough to hand-craft an `alg: none` token (jsonwebtoken
    /// refuses to produce one).
    mod base64_free {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        pub fn encode_segment(input: &[u8]) -> String {
            let mut out = String::new();
            for chunk in input.chunks(3) {
                let b = [
                    chunk[0],
                    chunk.get(1).copied().unwrap_or(0),
                    chunk.get(2).copied().unwrap_or(0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                let chars = chunk.len() + 1;
                for i in 0..chars {
                    let idx = (n >> (18 - 6 * i)) & 63;
                    out.push(char::from(ALPHABET[idx as usize]));
                }
            }
            out
        }
    }
}
