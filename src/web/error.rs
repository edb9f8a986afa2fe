//! What a page answers when it cannot show what was asked: a page in the
//! reader's language, never a stack trace. Handlers return [`WebError`];
//! the [`render`] middleware turns it into a page (it knows the reader).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout;
use super::session::Viewer;
use crate::app::{App, AppError};
use crate::store::StoreError;

#[derive(Debug, Clone)]
pub enum WebError {
    /// Not signed in: go to the sign-in page, then come back.
    SignIn {
        back: String,
    },
    /// Signed in, but this role or city may not see or do this.
    Forbidden,
    NotFound,
    /// A request no form of ours sends (a forged or stale form).
    BadRequest(String),
    /// Logged; the reader sees an apology.
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(_) => WebError::NotFound,
            AppError::Forbidden(_) => WebError::Forbidden,
            AppError::Internal(m) => WebError::Internal(m),
            other => WebError::BadRequest(other.to_string()),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignIn { back } = &self {
            let to = format!("/sign-in?back={}", encode(back));
            return (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response();
        }
        if let WebError::Internal(m) = &self {
            tracing::error!(error = %m, "page failed");
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Renders a [`WebError`] left in a response as a page for its reader.
pub async fn render(State(state): State<App>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let here = request.uri().path().to_string();
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<WebError>().cloned() else {
        return response;
    };
    let viewer = match Viewer::from_headers(&state, &headers, here.clone()).await {
        Ok(v) => v,
        Err(_) => Viewer::anonymous(&headers, here),
    };
    let tr = viewer.tr;
    let (title, body) = match &error {
        WebError::Forbidden => ("errors.forbidden_title", "errors.forbidden_body"),
        WebError::NotFound => ("errors.not_found_title", "errors.not_found_body"),
        WebError::BadRequest(_) => ("errors.bad_request_title", "errors.bad_request_body"),
        _ => ("errors.internal_title", "errors.internal_body"),
    };
    let content = html! {
        h1 class="heading-l" { (tr.t(title)) }
        p class="body" { (tr.t(body)) }
        p class="body" { a href="/" { (tr.t("errors.go_home")) } }
    };
    (error.status(), layout::page(&viewer, tr.t(title), content)).into_response()
}
