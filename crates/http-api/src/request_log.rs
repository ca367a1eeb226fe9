//! One log line per refused request. tracing-actix-web's own error event logs every 4xx at WARN
//! with a `Debug` dump of the error; a client's mistake (an expired token, a rate limit) is not
//! the operator's problem, so it goes at INFO in one line, and only server faults at ERROR.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

pub struct RequestLog;

impl RootSpanBuilder for RequestLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        DefaultRootSpanBuilder::on_request_start(request)
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(response) => (response.status(), response.response().error()),
            Err(error) => (error.as_response_error().status_code(), Some(error)),
        };
        span.record("http.status_code", status.as_u16());
        let Some(error) = error else { return };
        // `ApiError` displays as `CODE: message`, and never carries secrets or SQL.
        let _entered = span.enter();
        log_refusal(status, &error.to_string());
    }
}

fn log_refusal(status: StatusCode, error: &str) {
    let status = status.as_u16();
    if status >= 500 {
        tracing::error!(status, "request failed: {error}");
    } else {
        tracing::info!(status, "request refused: {error}");
    }
}
