//! Reading `Authorization: Bearer <token>` the way the old guards did (CONTRACT §1.8): exactly
//! one space, case-sensitive `Bearer`.

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;

/// The token, or `None` when the header is missing or not of that form.
pub(crate) fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme == "Bearer" && !token.is_empty() && !token.contains(' ')).then_some(token)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::bearer_token;

    fn token_of(header: &str) -> Option<String> {
        let req = TestRequest::default()
            .insert_header(("authorization", header))
            .to_http_request();
        bearer_token(&req).map(str::to_owned)
    }

    #[test]
    fn accepts_exactly_bearer_space_token() {
        assert_eq!(
            token_of("Bearer abc.def.ghi").as_deref(),
            Some("abc.def.ghi")
        );
    }

    #[test]
    fn refuses_other_forms() {
        for header in [
            "bearer abc",
            "Bearer",
            "Bearer ",
            "Bearer  abc",
            "Token abc",
            "Bearer a b",
        ] {
            assert_eq!(token_of(header), None, "{header:?}");
        }
        let req = TestRequest::default().to_http_request();
        assert_eq!(bearer_token(&req), None);
    }
}
