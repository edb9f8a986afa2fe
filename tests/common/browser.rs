//! A real browser for page tests: Debian's Chromium driven through
//! chromedriver (WebDriver) by fantoccini, on a service started with the
//! real network data on a fresh SQLite file.
//!
//! Browser tests run when `chromedriver` and `chromium` are installed (found
//! on `PATH`, or named by `TWINMATCH_TEST_CHROMEDRIVER` and
//! `TWINMATCH_TEST_CHROMIUM`). Otherwise they say so and pass, unless
//! `TWINMATCH_TEST_BROWSER=required` (which `.ci/run` sets, after installing
//! both): then a missing browser fails the test. axe-core comes from npm
//! (`tests/a11y`, `npm ci` in `.ci/run`). Screenshots go to
//! `target/tmp/screenshots/`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use twinmatch::domain::Role;
use twinmatch::store::Actor;

use super::TestDb;

pub const REQUIRED_ENV: &str = "TWINMATCH_TEST_BROWSER";

/// Only a few browsers at once on a two-core machine.
static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

fn find(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// The driver and browser, or why the test cannot run.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let driver = find("TWINMATCH_TEST_CHROMEDRIVER", &["chromedriver"])
        .ok_or("chromedriver is not installed (apt-get install chromium-driver)")?;
    let chromium = find("TWINMATCH_TEST_CHROMIUM", &["chromium", "chromium-browser"])
        .ok_or("chromium is not installed (apt-get install chromium)")?;
    Ok((driver, chromium))
}

pub fn axe_source() -> Result<String, String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/a11y/node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path)
        .map_err(|e| format!("{path}: {e} (run `npm ci --prefix tests/a11y`)"))
}

/// The service under test: the app on real data, served on a free port.
pub struct Service {
    pub db: TestDb,
    pub base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Service {
    pub async fn real() -> Self {
        let db = super::sqlite().await;
        super::load_everything(db.store.as_ref()).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let store = db.store.clone();
        tokio::spawn(async move {
            twinmatch::server::serve(listener, store, async {
                rx.await.ok();
            })
            .await
            .unwrap();
        });
        Service {
            db,
            base,
            shutdown: Some(tx),
        }
    }

    /// A JSON API call with an empty body, as `token`: the answer's JSON
    /// (a 2xx is asserted).
    pub async fn post_json(&self, token: &str, uri: &str) -> Value {
        use tower::ServiceExt;
        let req = axum::http::Request::builder()
            .method("POST")
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{}"))
            .unwrap();
        let res = twinmatch::server::app(self.db.store.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = res.status();
        let bytes = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert!(
            status.is_success(),
            "{uri}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        serde_json::from_slice(&bytes).unwrap()
    }

    /// A token made at the command line (as `twinmatch token create` does).
    pub async fn token(&self, role: Role) -> String {
        let (secret, hash) = twinmatch::auth::new_token().unwrap();
        self.db
            .store
            .create_token(&Actor::CLI, role, "browser test", &hash)
            .await
            .unwrap();
        secret
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// One headless Chromium, its driver, and the service it looks at.
pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Child,
    _profile: tempfile::TempDir,
    _slot: tokio::sync::SemaphorePermit<'static>,
}

impl Browser {
    /// A browser on `service`, or `None` (the test passes, saying why) when
    /// none is installed and none is required.
    pub async fn open(service: &Service) -> Option<Browser> {
        let (driver_path, chromium) = match tools().and_then(|t| axe_source().map(|_| t)) {
            Ok(t) => t,
            Err(why) => {
                if std::env::var(REQUIRED_ENV).is_ok_and(|v| v == "required") {
                    panic!("{REQUIRED_ENV}=required but {why}");
                }
                eprintln!("browser test skipped: {why}");
                return None;
            }
        };
        let slot = SLOTS.acquire().await.unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_path.display()));
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps: serde_json::Map<String, Value> = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        base: service.base.clone(),
                        driver,
                        _profile: profile,
                        _slot: slot,
                    });
                }
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start: {last}");
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} on {}: {e}", self.base))
            .text()
            .await
            .unwrap()
    }

    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Clicks the element at `css`; when it is a link to another page or a
    /// submit button, waits until the next page has loaded.
    pub async fn click(&self, css: &str) {
        let navigates = self
            .client
            .execute(
                r#"
                const el = document.querySelector(arguments[0]);
                if (!el) return false;
                window.__twinmatch_old_page = true;
                const href = el.getAttribute('href');
                return (el.tagName === 'A' && !!href && !href.startsWith('#')) ||
                  ((el.tagName === 'BUTTON' || el.tagName === 'INPUT') && el.type === 'submit');
                "#,
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap_or(false);
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing to click at {css}: {e}"))
            .click()
            .await
            .unwrap();
        if navigates {
            self.wait_for_new_page(css).await;
        }
    }

    async fn wait_for_new_page(&self, after: &str) {
        for _ in 0..200 {
            let loaded = self
                .client
                .execute(
                    "return window.__twinmatch_old_page === undefined && document.readyState === 'complete'",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if loaded {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page loaded after clicking {after}");
    }

    /// Signs in on the sign-in page with `token`.
    pub async fn sign_in(&self, token: &str) {
        self.goto("/sign-in").await;
        self.fill("#field-token", token).await;
        self.click("main form button[type=submit]").await;
    }

    /// Saves a PNG of the whole page as `target/tmp/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        self.screenshot_at(name, 1280).await
    }

    /// [`Browser::screenshot`] of the page laid out `width` pixels wide.
    pub async fn screenshot_at(&self, name: &str, width: u32) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        // The whole page (up to 3,000 pixels), not just the window.
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900)
            .clamp(900, 3000) as u32;
        self.client.set_window_size(width, height).await.unwrap();
        let png = self.client.screenshot().await.unwrap();
        self.client.set_window_size(width, 900).await.unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Makes the window `width` pixels wide (and 900 high); the width the
    /// page then lays out in.
    pub async fn set_width(&self, width: u32) -> u64 {
        self.client.set_window_size(width, 900).await.unwrap();
        self.client
            .execute("return document.documentElement.clientWidth", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(0)
    }

    /// What makes the page wider than the window (it would scroll
    /// sideways): the page's own width, and the elements that stick out,
    /// leaving out those inside a box that scrolls on its own (a wide
    /// table in its wrapper).
    pub async fn sideways(&self) -> Vec<String> {
        self.strings(
            r#"
                const width = document.documentElement.clientWidth;
                const out = [];
                if (document.documentElement.scrollWidth > width) {
                  out.push('the page is ' + document.documentElement.scrollWidth + ' px wide in ' + width);
                }
                const scrolls = el => {
                  for (let p = el.parentElement; p; p = p.parentElement) {
                    const o = getComputedStyle(p).overflowX;
                    if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
                  }
                  return false;
                };
                for (const el of document.body.querySelectorAll('*')) {
                  const r = el.getBoundingClientRect();
                  if (r.width > 0 && r.right > width + 1 && !scrolls(el)) {
                    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                      (el.className && el.className.baseVal === undefined ? '.' + el.className.split(' ').join('.') : '') +
                      ' ends at ' + Math.round(r.right));
                  }
                  if (out.length > 8) break;
                }
                return out;
                "#,
        )
        .await
    }

    /// The strings a script returns as an array.
    async fn strings(&self, script: &str) -> Vec<String> {
        let found = self.client.execute(script, vec![]).await.unwrap();
        found
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    }

    /// Every URL the page loaded or points at outside our own origin.
    pub async fn external_urls(&self) -> Vec<String> {
        self.strings(
            r#"
                const urls = performance.getEntriesByType('resource').map(e => e.name);
                for (const el of document.querySelectorAll('[src], [href], [action], [data]')) {
                  for (const attr of ['src', 'href', 'action', 'data']) {
                    const v = el.getAttribute(attr);
                    if (v) urls.push(new URL(v, document.baseURI).href);
                  }
                }
                for (const el of document.querySelectorAll('[style]')) {
                  const m = el.getAttribute('style').match(/url\(([^)]*)\)/g);
                  if (m) urls.push(...m);
                }
                return urls;
                "#,
        )
        .await
        .into_iter()
        .filter(|u| {
            !u.starts_with(&self.base) && !u.starts_with("data:") && !u.starts_with("about:")
        })
        .collect()
    }

    /// axe-core's serious and critical violations on the page.
    pub async fn serious_accessibility_violations(&self) -> Vec<String> {
        let axe = axe_source().unwrap();
        self.client.execute(&axe, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                r#"
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                  .catch(e => done(['axe failed: ' + e]));
                "#,
                vec![],
            )
            .await
            .unwrap();
        result
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The checks every page of a journey passes: nothing from another
    /// origin, no serious accessibility violation, no raw error.
    pub async fn check_page(&self, what: &str) {
        let external = self.external_urls().await;
        assert!(
            external.is_empty(),
            "{what} references other origins: {external:?}"
        );
        let violations = self.serious_accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "{what}: axe-core reports {violations:#?}"
        );
        let text = self.page_text().await;
        assert!(
            !text.contains("panicked") && !text.contains("Internal Server Error"),
            "{what} shows a raw error: {text}"
        );
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
