//! A reader of the pages at the HTTP level: a cookie jar, signing in with
//! a token, the forms' anti-forgery token, and the page text.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Reader {
    pub app: axum::Router,
    pub cookies: Vec<String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub html: String,
}

impl Page {
    /// The page's text without tags, spaces collapsed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in self.html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push(' ');
                }
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&amp;", "&")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The value of the first `name="csrf"` field.
    pub fn csrf(&self) -> String {
        let at = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a form with a csrf field");
        let rest = &self.html[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    /// The text of the element with `id`.
    pub fn by_id(&self, id: &str) -> Option<String> {
        let at = self.html.find(&format!("id=\"{id}\""))?;
        let start = at + self.html[at..].find('>')? + 1;
        let end = start + self.html[start..].find("</")?;
        Some(
            self.html[start..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
    }
}

impl Reader {
    pub fn new(store: std::sync::Arc<dyn twinmatch::store::Db>) -> Self {
        Reader {
            app: twinmatch::server::app(store),
            cookies: Vec::new(),
        }
    }

    async fn send(&mut self, req: Request<Body>) -> Page {
        let res = self.app.clone().oneshot(req).await.unwrap();
        for c in res.headers().get_all(header::SET_COOKIE) {
            let pair = c.to_str().unwrap().split(';').next().unwrap().to_string();
            let name = pair.split('=').next().unwrap().to_string();
            self.cookies.retain(|k| !k.starts_with(&format!("{name}=")));
            self.cookies.push(pair);
        }
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            location,
            html: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            b = b.header(header::COOKIE, self.cookies.join("; "));
        }
        b
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let req = self.request("GET", uri).body(Body::empty()).unwrap();
        self.send(req).await
    }

    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn sign_in(&mut self, token: &str) {
        let page = self
            .post("/sign-in", &[("token", token), ("back", "/")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    }
}
