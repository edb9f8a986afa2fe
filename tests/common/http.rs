//! A black-box client of the app: requests with or without a bearer token.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::TestDb;
use twinmatch::domain::Role;
use twinmatch::store::Actor;

pub struct Api {
    pub app: axum::Router,
    pub db: TestDb,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }
}

impl Api {
    /// The app on `db` with the real network and demo sample loaded.
    pub async fn real(db: TestDb) -> Self {
        super::load_everything(db.store.as_ref()).await;
        Self {
            app: twinmatch::server::app(db.store.clone()),
            db,
        }
    }

    /// A token made at the command line (as `twinmatch token create` does).
    pub async fn token(&self, role: Role) -> String {
        let (secret, hash) = twinmatch::auth::new_token().unwrap();
        self.db
            .store
            .create_token(&Actor::CLI, role, "test", &hash)
            .await
            .unwrap();
        secret
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.raw(req).await
    }

    pub async fn raw(&self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, uri, token, None).await
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, uri, token, Some(body)).await
    }

    pub async fn put(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::PUT, uri, token, Some(body)).await
    }

    /// A member city of the real network that offers nothing yet, as listed.
    pub async fn member_without_offer(&self) -> Value {
        let offers = self.get("/api/offers?per_page=500", None).await.body;
        let offering: Vec<&Value> = offers["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| &o["city"])
            .collect();
        let members = self
            .get("/api/cities?status=member&per_page=500", None)
            .await
            .body;
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| !offering.contains(&&c["id"]))
            .expect("a member without an offer")
            .clone()
    }

    /// The id of the first city matching a name search in a country.
    pub async fn city(&self, q: &str, cc: &str) -> i64 {
        self.get(&format!("/api/cities?q={q}&country={cc}"), None)
            .await
            .body["items"][0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no city {q}, {cc}"))
    }
}
