//! Extractors with our error format: `Caller` (the bearer token's holder),
//! `Secretariat` (a caller who must be the secretariat), `Id` (the route's
//! numeric `{id}`) and `Body<T>` (JSON with the offending field named on
//! error); and [`writers_only`], which answers a write without a writer's
//! token before anything else of the request is read.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::Method;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{ApiError, App};
use crate::domain::{CityId, Role, control_char};
use crate::store::{Actor, TokenInfo};

/// Who calls: the holder of a live bearer token, or nobody.
pub struct Caller(pub Option<TokenInfo>);

/// The caller as [`writers_only`] found it, so handlers do not look the
/// token up again.
#[derive(Clone)]
struct Resolved(Option<TokenInfo>);

/// Every write of the API (anything but GET, HEAD and OPTIONS) needs a
/// live token that may write: without one the answer is 401, with an
/// observer's 403, before the route's id or body is read, so a caller who
/// may not write learns nothing about what it sent.
pub async fn writers_only(State(app): State<App>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let writer = Caller::from_request_parts(&mut parts, &app)
        .await
        .and_then(|caller| caller.writer().map(|_| caller));
    let caller = match writer {
        Ok(caller) => caller,
        Err(e) => {
            // Read what the client is still sending, so it reads the answer.
            let _ = read_body(body, false).await;
            return e.into_response();
        }
    };
    parts.extensions.insert(Resolved(caller.0));
    next.run(Request::from_parts(parts, body)).await
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Self::Rejection> {
        if let Some(Resolved(info)) = parts.extensions.get::<Resolved>() {
            return Ok(Caller(info.clone()));
        }
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller(None));
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized("the Authorization header must be 'Bearer <token>'".into())
            })?;
        let info = state
            .store
            .token_by_hash(&crate::auth::hash_token(token))
            .await?
            .ok_or_else(|| ApiError::Unauthorized("unknown or revoked token".into()))?;
        Ok(Caller(Some(info)))
    }
}

impl Caller {
    fn actor(&self) -> Result<Actor, ApiError> {
        let info = self.0.as_ref().ok_or_else(|| {
            ApiError::Unauthorized(
                "this change needs an API token: send 'Authorization: Bearer <token>'".into(),
            )
        })?;
        Ok(Actor {
            token_id: Some(info.id),
            role: info.role,
        })
    }

    pub fn role(&self) -> Option<Role> {
        self.0.as_ref().map(|t| t.role)
    }

    /// The caller as a reader of the use-cases.
    pub fn reader(&self) -> crate::app::Reader {
        crate::app::Reader(self.role())
    }

    /// Any write: a token that is not an observer's.
    pub fn writer(&self) -> Result<Actor, ApiError> {
        let actor = self.actor()?;
        if actor.role == Role::Observer {
            return Err(ApiError::Forbidden("an observer token is read-only".into()));
        }
        Ok(actor)
    }

    pub fn secretariat(&self) -> Result<Actor, ApiError> {
        let actor = self.actor()?;
        if actor.role != Role::Secretariat {
            return Err(ApiError::Forbidden(format!(
                "only the secretariat may do this (this token is a {} token)",
                actor.role.name()
            )));
        }
        Ok(actor)
    }

    /// The secretariat, or the token of `city` itself.
    pub fn acting_for(&self, city: CityId) -> Result<Actor, ApiError> {
        let actor = self.writer()?;
        if !actor.role.may_act_for(city) {
            return Err(ApiError::Forbidden(format!(
                "this token acts for city {} and may not change the data of city {city}",
                actor
                    .role
                    .city()
                    .map_or_else(|| "?".into(), |c| c.to_string())
            )));
        }
        Ok(actor)
    }
}

/// The secretariat, checked before the body is read: any other caller
/// gets its 401 or 403 first.
pub struct Secretariat(pub Actor);

impl FromRequestParts<App> for Secretariat {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Self::Rejection> {
        Caller::from_request_parts(parts, state)
            .await?
            .secretariat()
            .map(Secretariat)
    }
}

/// A JSON body; errors name the field (`capacity`, `needs[2].priority`).
pub struct Body<T>(pub T);

/// Most a JSON body may hold.
pub const MAX_BODY: usize = 256 * 1024;
/// Most of a refused body that is read and dropped before the answer, so
/// that a client still sending reads our 413 or 415 instead of a reset
/// connection; beyond it the connection is closed.
const DRAIN_MAX: usize = 16 * 1024 * 1024;

/// The body, up to [`MAX_BODY`]; a larger one (or one that is not kept)
/// is drained up to [`DRAIN_MAX`] first.
async fn read_body(mut body: axum::body::Body, keep: bool) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|e| ApiError::invalid("body", format!("unreadable body: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len();
        if seen > DRAIN_MAX {
            break;
        }
        if keep && seen <= MAX_BODY {
            kept.extend_from_slice(&data);
        }
    }
    if seen > MAX_BODY {
        return Err(ApiError::TooLarge);
    }
    Ok(Bytes::from(kept))
}

/// The fields of a body that name a city: an id, or "Name, CC" as people
/// type it (resolved here; answers carry the id).
const CITY_FIELDS: [&str; 5] = ["city", "city_a", "city_b", "mentor", "applicant"];

/// Replaces each city named as "Name, CC" in the body's city fields (and
/// in its `locks` and `bans`) with the city's id.
async fn resolve_city_names(app: &App, value: &mut serde_json::Value) -> Result<(), ApiError> {
    let Some(fields) = value.as_object_mut() else {
        return Ok(());
    };
    for (key, v) in fields.iter_mut() {
        if CITY_FIELDS.contains(&key.as_str()) {
            resolve_one(app, key, v).await?;
        } else if key == "locks" || key == "bans" {
            for (i, item) in v.as_array_mut().into_iter().flatten().enumerate() {
                for side in ["mentor", "applicant"] {
                    if let Some(v) = item.get_mut(side) {
                        resolve_one(app, &format!("{key}[{i}].{side}"), v).await?;
                    }
                }
            }
        }
    }
    Ok(())
}

async fn resolve_one(app: &App, field: &str, v: &mut serde_json::Value) -> Result<(), ApiError> {
    if let Some(spec) = v.as_str().filter(|s| s.contains(',')) {
        let id = crate::app::network::city_named(app.store.as_ref(), field, spec).await?;
        *v = serde_json::Value::from(id.0);
    }
    Ok(())
}

/// A JSON value whose objects name each key once: serde_json would keep
/// the last of two, and a proxy or a log that kept the first would read
/// another body than we do. (Depth is bounded by serde_json: 128.)
struct Strict(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(b.into())
    }
    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(n.into())
    }
    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(n.into())
    }
    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(n.into())
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(s.into())
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(s.into())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(items.into())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v) = map.next_value()?;
            if fields.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key \"{key}\" appears twice"
                )));
            }
            fields.insert(key, v);
        }
        Ok(fields.into())
    }
}

impl<T: DeserializeOwned> FromRequest<App> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = read_body(req.into_body(), json).await?;
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let Strict(mut value) =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
        if !value.is_object() {
            return Err(ApiError::invalid("body", "the body must be a JSON object"));
        }
        if let Some((field, c)) = control_in(&value, String::new()) {
            return Err(ApiError::invalid(
                if field.is_empty() {
                    "body".into()
                } else {
                    field
                },
                format!(
                    "control character U+{:04X} in a text (send plain text)",
                    u32::from(c)
                ),
            ));
        }
        resolve_city_names(app, &mut value).await?;
        serde_path_to_error::deserialize(value)
            .map(Body)
            .map_err(|e| {
                let field = e.path().to_string();
                let inner = e.into_inner();
                let field = if field == "." || field.is_empty() {
                    // serde names unknown and missing fields in its message
                    inner
                        .to_string()
                        .split('`')
                        .nth(1)
                        .unwrap_or("body")
                        .to_string()
                } else {
                    field
                };
                ApiError::invalid(field, inner.to_string())
            })
    }
}

/// The first text (or key) of `value` holding a control character, with
/// its path (`note`, `needs[2].topic`).
fn control_in(value: &serde_json::Value, at: String) -> Option<(String, char)> {
    use serde_json::Value;
    match value {
        Value::String(s) => control_char(s).map(|c| (at, c)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| control_in(v, format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            match control_char(k) {
                Some(c) => Some((path, c)),
                None => control_in(v, path),
            }
        }),
        _ => None,
    }
}

/// The route's `{id}` segment as a number. Anything else (`abc`, `1.5`) is
/// refused as `invalid_parameter` on `id`, not with axum's plain-text 400.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| match e {
                // A route without exactly one parameter: a bug, not bad input.
                PathRejection::MissingPathParams(_) => ApiError::Internal(e.body_text()),
                _ => ApiError::invalid("id", format!("unreadable id: {}", e.body_text())),
            })?;
        raw.parse::<i64>()
            .map(Id)
            .map_err(|_| ApiError::invalid("id", format!("'{raw}' is not an id (a whole number)")))
    }
}
