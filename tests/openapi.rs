//! The OpenAPI document at `/api/openapi.json` and the reference page at
//! `/api/docs`: the document lists exactly the routes the routers serve
//! (read from `src/http/*.rs`), is structurally valid, documents the query
//! parameters the handlers accept, and describes the JSON the handlers
//! really answer (checked by validating live answers against it); the page
//! loads nothing from another origin.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tower::ServiceExt;

use twinmatch::domain::Role;
use twinmatch::store::Actor;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// Every route of `src/http/*.rs`, checked by hand against the routers.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/api/stats"),
    ("get", "/api/cities"),
    ("get", "/api/cities/{id}"),
    ("post", "/api/cities"),
    ("patch", "/api/cities/{id}"),
    ("get", "/api/cities/{id}/plan"),
    ("get", "/api/cities/{id}/suggestions"),
    ("get", "/api/twin-links"),
    ("post", "/api/twin-links"),
    ("get", "/api/twin-links/{id}"),
    ("patch", "/api/twin-links/{id}"),
    ("delete", "/api/twin-links/{id}"),
    ("get", "/api/cluster-memberships"),
    ("post", "/api/cluster-memberships"),
    ("delete", "/api/cluster-memberships/{id}"),
    ("get", "/api/evidence"),
    ("post", "/api/evidence"),
    ("delete", "/api/evidence/{id}"),
    ("get", "/api/countries"),
    ("get", "/api/topics"),
    ("post", "/api/topics"),
    ("patch", "/api/topics/{id}"),
    ("get", "/api/paths"),
    ("get", "/api/offers"),
    ("post", "/api/offers"),
    ("get", "/api/offers/{id}"),
    ("put", "/api/offers/{id}"),
    ("delete", "/api/offers/{id}"),
    ("get", "/api/requests"),
    ("post", "/api/requests"),
    ("get", "/api/requests/{id}"),
    ("put", "/api/requests/{id}"),
    ("delete", "/api/requests/{id}"),
    ("get", "/api/runs"),
    ("post", "/api/runs"),
    ("get", "/api/runs/{id}"),
    ("get", "/api/runs/{id}/diff"),
    ("post", "/api/runs/{id}/publish"),
    ("get", "/api/runs/{id}/publish"),
    ("post", "/api/runs/{id}/discard"),
    ("patch", "/api/runs/{id}"),
    ("get", "/api/proposals"),
    ("get", "/api/proposals/{id}"),
    ("post", "/api/proposals/{id}/accept"),
    ("post", "/api/proposals/{id}/decline"),
    ("post", "/api/proposals/{id}/complete"),
    ("post", "/api/proposals/{id}/cancel"),
    ("get", "/api/audit"),
    ("get", "/api/bans"),
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("post", "/api/tokens/{id}/revoke"),
    ("get", "/api/openapi.json"),
];

// ---------------------------------------------------------------------------
// A client of the app built on a test database.

struct Api {
    app: axum::Router,
    db: common::TestDb,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    location: Option<String>,
    text: String,
    json: Value,
}

impl Api {
    async fn empty() -> Self {
        let db = common::sqlite().await;
        Self {
            app: twinmatch::server::app(db.store.clone()),
            db,
        }
    }

    async fn loaded() -> Self {
        let api = Self::empty().await;
        common::load_everything(api.db.store.as_ref()).await;
        api
    }

    async fn token(&self, role: Role) -> String {
        let (secret, hash) = twinmatch::auth::new_token().unwrap();
        self.db
            .store
            .create_token(&Actor::CLI, role, "openapi test", &hash)
            .await
            .unwrap();
        secret
    }

    async fn send(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut req = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let header_of = |name| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let content_type = header_of(header::CONTENT_TYPE).unwrap_or_default();
        let location = header_of(header::LOCATION);
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Answer {
            status,
            content_type,
            location,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text,
        }
    }

    async fn document(&self) -> Value {
        let a = self.send("get", "/api/openapi.json", None, None).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(
            a.content_type.starts_with("application/json"),
            "{}",
            a.content_type
        );
        assert!(a.json.is_object(), "the document is not JSON: {}", a.text);
        a.json
    }
}

/// `(method, path)` of every operation in the document, with its operation.
fn operations(doc: &Value) -> BTreeMap<(String, String), Value> {
    let mut ops = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                ops.insert((method.clone(), path.clone()), op.clone());
            }
        }
    }
    ops
}

// ---------------------------------------------------------------------------
// Reading the routers' source.

fn http_sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                // Comments may mention routes: leave them out.
                std::fs::read_to_string(&p)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })
        .collect()
}

/// The text from just after `open` (an opening parenthesis) to its match.
fn balanced(text: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses from byte {open}")
}

fn string_literals(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `(method, path, handler)` of every `.route("PATH", get(h).post(h2))` call.
fn source_routes() -> BTreeSet<(String, String, String)> {
    let mut routes = BTreeSet::new();
    for (file, text) in http_sources() {
        for (at, _) in text.match_indices(".route(") {
            let args = balanced(&text, at + ".route".len());
            let path = string_literals(args)
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("{file}: a route whose path is not a literal: {args}"));
            let mut found = false;
            for method in METHODS {
                for (i, _) in args.match_indices(&format!("{method}(")) {
                    if args[..i].chars().next_back().is_some_and(is_ident) {
                        continue; // part of a longer name
                    }
                    let handler = balanced(args, i + method.len());
                    routes.insert((method.to_string(), path.clone(), handler.trim().to_string()));
                    found = true;
                }
            }
            assert!(found, "{file}: no method in route {args}");
        }
    }
    routes
}

/// The query parameters each handler accepts, from its `params.only(&[..])`
/// (an empty list when it takes none).
fn source_query_parameters() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (_, text) in http_sources() {
        let starts: Vec<usize> = text.match_indices("async fn ").map(|(i, _)| i).collect();
        for (n, &start) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(text.len());
            let body = &text[start..end];
            let name: String = body["async fn ".len()..]
                .chars()
                .take_while(|c| is_ident(*c))
                .collect();
            let params = match body.find("params.only(") {
                Some(i) => string_literals(balanced(body, i + "params.only".len()))
                    .into_iter()
                    .collect(),
                None => BTreeSet::new(),
            };
            out.insert(name, params);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The document lists every route.

#[tokio::test]
async fn the_document_is_openapi_3_and_lists_exactly_the_routes_of_the_routers() {
    let api = Api::empty().await;
    let doc = api.document().await;
    let version = doc["openapi"].as_str().expect("openapi version");
    assert!(version.starts_with("3."), "openapi {version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    let documented: BTreeSet<(String, String, String)> = operations(&doc)
        .into_iter()
        .map(|((m, p), op)| (m, p, op["operationId"].as_str().unwrap_or("").to_string()))
        .collect();
    let served = source_routes();
    assert!(
        served.len() >= ROUTES.len(),
        "the source scan found only {served:?}"
    );
    let missing: Vec<_> = served.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&served).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes served but not documented (or under another handler name): {missing:#?}\n\
         documented but not served: {extra:#?}"
    );

    let hand: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let in_doc: BTreeSet<(String, String)> = operations(&doc).into_keys().collect();
    assert_eq!(
        in_doc, hand,
        "the document and the hand-checked list differ"
    );
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let api = Api::loaded().await;
    let doc = api.document().await;
    for ((method, path), _) in operations(&doc) {
        let uri = path.replace("{id}", "1");
        let body = (method == "post" || method == "put").then(|| json!({}));
        let a = api.send(&method, &uri, None, body.as_ref()).await;
        assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert!(
            !a.text.contains("no such route"),
            "{method} {uri} fell through to the fallback: {}",
            a.text
        );
    }
    // The fallback itself is what the loop above would have caught.
    let a = api.send("get", "/api/nowhere", None, None).await;
    assert!(a.status == StatusCode::NOT_FOUND && a.text.contains("no such route"));
}

#[tokio::test]
async fn documented_query_parameters_are_those_the_handlers_accept() {
    let api = Api::empty().await;
    let doc = api.document().await;
    let accepted = source_query_parameters();
    for ((method, path), op) in operations(&doc) {
        let handler = op["operationId"].as_str().unwrap();
        let documented: BTreeSet<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        let Some(wanted) = accepted.get(handler) else {
            panic!("{method} {path}: no handler named {handler} in src/http");
        };
        assert_eq!(&documented, wanted, "{method} {path} ({handler})");
    }
}

#[tokio::test]
async fn every_path_id_is_documented_as_an_integer() {
    let api = Api::empty().await;
    let doc = api.document().await;
    let mut ids = 0;
    for ((method, path), op) in operations(&doc) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["in"] == "path" {
                assert_eq!(p["name"], "id", "{method} {path}");
                assert_eq!(p["schema"]["type"], "integer", "{method} {path}: {p}");
                ids += 1;
            }
        }
    }
    assert!(ids >= 25, "only {ids} path ids");
}

// ---------------------------------------------------------------------------
// The document is valid.

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

fn pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

#[tokio::test]
async fn the_document_is_structurally_valid() {
    let api = Api::empty().await;
    let doc = api.document().await;
    let mut problems = Vec::new();

    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in &refs {
        if pointer(&doc, r).is_none() {
            problems.push(format!("$ref {r} does not resolve"));
        }
    }

    let schemes = doc["components"]["securitySchemes"].as_object();
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    if !(bearer["type"] == "http"
        && bearer["scheme"]
            .as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("bearer")))
    {
        problems.push(format!("the bearer scheme is {bearer}"));
    }

    let mut operation_ids = BTreeSet::new();
    for ((method, path), op) in operations(&doc) {
        let at = format!("{method} {path}");
        if !path.starts_with('/') {
            problems.push(format!("{at}: path does not start with /"));
        }
        let id = op["operationId"].as_str().unwrap_or("");
        if id.is_empty() || !operation_ids.insert(id.to_string()) {
            problems.push(format!("{at}: missing or duplicate operationId '{id}'"));
        }
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let mut seen = BTreeSet::new();
        for p in &params {
            let (name, place) = (
                p["name"].as_str().unwrap_or(""),
                p["in"].as_str().unwrap_or(""),
            );
            if !["query", "path", "header", "cookie"].contains(&place) {
                problems.push(format!("{at}: parameter {name} is in '{place}'"));
            }
            if !seen.insert((name.to_string(), place.to_string())) {
                problems.push(format!("{at}: parameter {name} ({place}) twice"));
            }
            if p.get("schema").is_none() && p.get("content").is_none() {
                problems.push(format!("{at}: parameter {name} has no schema"));
            }
            if place == "path" && p["required"] != true {
                problems.push(format!("{at}: path parameter {name} is not required"));
            }
        }
        let in_path: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(String::from)
            .collect();
        let declared: BTreeSet<String> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap_or("").to_string())
            .collect();
        if in_path != declared {
            problems.push(format!(
                "{at}: path parameters {in_path:?}, declared {declared:?}"
            ));
        }
        match op["responses"].as_object() {
            Some(responses) if !responses.is_empty() => {
                if !responses.keys().any(|s| s.starts_with('2')) {
                    problems.push(format!("{at}: no success response"));
                }
                for (status, r) in responses {
                    let valid = status == "default"
                        || (status.len() == 3
                            && status.parse::<u16>().is_ok_and(|s| (100..600).contains(&s)));
                    if !valid {
                        problems.push(format!("{at}: response status '{status}'"));
                    }
                    if !r["description"].is_string() && r.get("$ref").is_none() {
                        problems.push(format!("{at}: response {status} has no description"));
                    }
                    if status.starts_with('4') {
                        let schema = &r["content"]["application/json"]["schema"];
                        if schema["$ref"] != "#/components/schemas/ErrorBody" {
                            problems.push(format!(
                                "{at}: response {status} is not an ErrorBody: {schema}"
                            ));
                        }
                    }
                }
            }
            _ => problems.push(format!("{at}: no responses")),
        }
        if let Some(body) = op.get("requestBody") {
            if body["content"]["application/json"]["schema"].is_null() {
                problems.push(format!("{at}: request body without a JSON schema"));
            }
            for status in ["400", "413", "415"] {
                if op["responses"].get(status).is_none() {
                    problems.push(format!("{at}: takes a body but documents no {status}"));
                }
            }
        }
        // Writes need a token; so do the secretariat's reads.
        let secretariat_read = ["/api/audit", "/api/bans", "/api/tokens"].contains(&path.as_str());
        if method != "get" || secretariat_read {
            let requires_bearer = op["security"]
                .as_array()
                .is_some_and(|s| s.len() == 1 && s[0].get("bearer").is_some());
            if !requires_bearer {
                problems.push(format!(
                    "{at}: does not require the bearer token: {}",
                    op["security"]
                ));
            }
            for status in ["401", "403"] {
                if op["responses"].get(status).is_none() {
                    problems.push(format!("{at}: needs a token but documents no {status}"));
                }
            }
        }
        for requirement in op["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().unwrap().keys() {
                if !schemes.is_some_and(|s| s.contains_key(name)) {
                    problems.push(format!("{at}: security scheme {name} is not declared"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Runs `openapi-spec-validator` when this machine has it (the structural
/// checks above always run). `.ci/run` installs it in a virtual environment
/// and names its Python in `OPENAPI_SPEC_VALIDATOR_PYTHON`: when that is set,
/// a missing validator fails the test.
#[tokio::test]
async fn the_document_passes_openapi_spec_validator_when_installed() {
    let required = std::env::var("OPENAPI_SPEC_VALIDATOR_PYTHON").ok();
    let python = required.clone().unwrap_or_else(|| "python3".into());
    let probe = std::process::Command::new(&python)
        .args(["-c", "import openapi_spec_validator"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            required.is_none(),
            "OPENAPI_SPEC_VALIDATOR_PYTHON={python} has no openapi_spec_validator"
        );
        eprintln!("openapi-spec-validator is not installed for {python}: skipped");
        return;
    }
    let api = Api::empty().await;
    let doc = api.document().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------
// The document describes the JSON the handlers answer.

/// A small JSON Schema checker for the subset utoipa emits ($ref, allOf,
/// oneOf, anyOf, type, enum, properties, required, items,
/// additionalProperties, minimum, maximum). Strict about objects: a field
/// the schema does not declare is an error, so a field added to a type
/// without its schema shows up.
struct Checker<'a> {
    doc: &'a Value,
}

impl Checker<'_> {
    fn resolve<'s>(&'s self, mut schema: &'s Value) -> &'s Value {
        while let Some(r) = schema["$ref"].as_str() {
            schema = pointer(self.doc, r).unwrap_or_else(|| panic!("{r} does not resolve"));
        }
        schema
    }

    /// Checks `value`, then refuses fields no part of the schema declares.
    fn check(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let evaluated = self.eval(schema, value, at, errors);
        if let (Some(fields), Some(names)) = (value.as_object(), evaluated) {
            for k in fields.keys().filter(|k| !names.contains(*k)) {
                errors.push(format!("{at}.{k}: not in the schema"));
            }
        }
    }

    /// Checks `value`; returns the fields the schema declares for it, or
    /// `None` when it allows any field.
    fn eval(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
    ) -> Option<BTreeSet<String>> {
        let schema = self.resolve(schema);
        // The fields the parts of the schema declare; `any` once a part allows any.
        let mut names = BTreeSet::new();
        let mut any = false;
        let mut declare = |more: Option<BTreeSet<String>>| match more {
            Some(more) => names.extend(more),
            None => any = true,
        };
        if let Some(all) = schema["allOf"].as_array() {
            for s in all {
                declare(self.eval(s, value, at, errors));
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema[key].as_array() {
                let mut passing = Vec::new();
                let mut why = Vec::new();
                for s in branches {
                    let mut errs = Vec::new();
                    let more = self.eval(s, value, at, &mut errs);
                    if errs.is_empty() {
                        passing.push(more);
                    } else {
                        why.extend(errs);
                    }
                }
                if passing.is_empty() || (key == "oneOf" && passing.len() > 1) {
                    errors.push(format!(
                        "{at}: {} branches of {key} match {value}: {why:?}",
                        passing.len()
                    ));
                }
                for more in passing {
                    declare(more);
                }
            }
        }
        if let Some(options) = schema["enum"].as_array()
            && !options.contains(value)
        {
            errors.push(format!("{at}: {value} is not one of {options:?}"));
        }
        if let Some(t) = schema.get("type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let fits = types.iter().any(|t| match *t {
                "null" => value.is_null(),
                "boolean" => value.is_boolean(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "string" => value.is_string(),
                "array" => value.is_array(),
                "object" => value.is_object(),
                _ => false,
            });
            if !fits {
                errors.push(format!("{at}: {value} is not of type {t}"));
            }
        }
        if let Some(n) = value.as_f64() {
            if schema["minimum"].as_f64().is_some_and(|m| n < m) {
                errors.push(format!(
                    "{at}: {n} is below the minimum {}",
                    schema["minimum"]
                ));
            }
            if schema["maximum"].as_f64().is_some_and(|m| n > m) {
                errors.push(format!(
                    "{at}: {n} is above the maximum {}",
                    schema["maximum"]
                ));
            }
        }
        if let Some(text) = value.as_str() {
            let n = text.chars().count() as u64;
            if schema["minLength"].as_u64().is_some_and(|m| n < m) {
                errors.push(format!("{at}: {n} characters, below minLength"));
            }
            if schema["maxLength"].as_u64().is_some_and(|m| n > m) {
                errors.push(format!("{at}: {n} characters, above maxLength"));
            }
        }
        if let Some(items) = value.as_array() {
            let n = items.len() as u64;
            if schema["minItems"].as_u64().is_some_and(|m| n < m) {
                errors.push(format!("{at}: {n} items, below minItems"));
            }
        }
        if let Some(items) = value.as_array()
            && let Some(item_schema) = schema.get("items")
        {
            for (i, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{at}[{i}]"), errors);
            }
        }
        if let Some(fields) = value.as_object() {
            for r in schema["required"].as_array().into_iter().flatten() {
                if !fields.contains_key(r.as_str().unwrap()) {
                    errors.push(format!("{at}: the required field {r} is missing"));
                }
            }
            if let Some(props) = schema["properties"].as_object() {
                for (k, v) in fields {
                    if let Some(s) = props.get(k) {
                        self.check(s, v, &format!("{at}.{k}"), errors);
                    }
                }
                declare(Some(props.keys().cloned().collect()));
            }
            match schema.get("additionalProperties") {
                Some(Value::Bool(false)) | None => {}
                Some(extra) => {
                    let declared: BTreeSet<&String> = schema["properties"]
                        .as_object()
                        .map(|p| p.keys().collect())
                        .unwrap_or_default();
                    if extra.is_object() {
                        for (k, v) in fields.iter().filter(|(k, _)| !declared.contains(k)) {
                            self.check(extra, v, &format!("{at}.{k}"), errors);
                        }
                    }
                    declare(None);
                }
            }
        }
        let structured = [
            "allOf",
            "oneOf",
            "anyOf",
            "properties",
            "additionalProperties",
        ]
        .iter()
        .any(|k| schema.get(*k).is_some());
        if !structured {
            return None; // a free-form value: any field
        }
        (!any).then_some(names)
    }
}

struct Validator {
    doc: Value,
    checked: BTreeSet<(String, String, String)>,
}

impl Validator {
    /// Asserts `answer` is documented for `method path` with its status and
    /// matches the documented schema.
    fn answer(&mut self, method: &str, path: &str, a: &Answer) {
        let status = a.status.as_u16().to_string();
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        let response = &op["responses"][status.as_str()];
        assert!(
            response.is_object(),
            "{method} {path} answered {status}, which is not documented: {}",
            a.text
        );
        match response["content"]["application/json"]["schema"] {
            Value::Null => assert!(
                a.text.is_empty(),
                "{method} {path} {status}: undocumented body {}",
                a.text
            ),
            ref schema => {
                assert!(
                    a.content_type.starts_with("application/json"),
                    "{method} {path}: {}",
                    a.content_type
                );
                let mut errors = Vec::new();
                Checker { doc: &self.doc }.check(schema, &a.json, "$", &mut errors);
                assert!(errors.is_empty(), "{method} {path} {status}: {errors:#?}");
            }
        }
        self.checked.insert((method.into(), path.into(), status));
    }

    /// Asserts a request body matches the documented one.
    fn request(&self, method: &str, path: &str, body: &Value) {
        let schema = &self.doc["paths"][path][method]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert!(!schema.is_null(), "{method} {path} documents no body");
        let mut errors = Vec::new();
        Checker { doc: &self.doc }.check(schema, body, "body", &mut errors);
        assert!(errors.is_empty(), "{method} {path} body: {errors:#?}");
    }
}

/// Sends a request, checks the request body and the answer against the
/// document, and returns the answer. `$path` is the documented path.
macro_rules! call {
    ($api:expr, $v:expr, $method:literal, $path:literal, $uri:expr, $token:expr, $body:expr) => {{
        let body: Option<Value> = $body;
        if let Some(b) = &body {
            $v.request($method, $path, b);
        }
        let a = $api.send($method, &$uri, $token, body.as_ref()).await;
        $v.answer($method, $path, &a);
        a
    }};
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("a page")
}

#[tokio::test]
async fn the_schema_checker_refuses_extra_missing_and_wrong_fields() {
    let api = Api::loaded().await;
    let doc = api.document().await;
    let city = api.send("get", "/api/cities/1", None, None).await.json;
    let schema = json!({"$ref": "#/components/schemas/City"});
    let errors = |value: &Value| {
        let mut errors = Vec::new();
        Checker { doc: &doc }.check(&schema, value, "$", &mut errors);
        errors
    };
    let mut city: serde_json::Map<String, Value> = city.as_object().unwrap().clone();
    for detail in [
        "country_detail",
        "links",
        "clusters",
        "evidence",
        "offer",
        "request",
    ] {
        city.remove(detail);
    }
    let city = Value::Object(city);
    assert_eq!(errors(&city), Vec::<String>::new());
    let with = |key: &str, value: Value| {
        let mut c = city.clone();
        c[key] = value;
        c
    };
    assert!(
        !errors(&with("twinned", json!(true))).is_empty(),
        "an undeclared field"
    );
    assert!(
        !errors(&with("id", json!("1"))).is_empty(),
        "an id as a string"
    );
    assert!(
        !errors(&with("status", json!("mayor"))).is_empty(),
        "an unknown status"
    );
    assert!(
        !errors(&with("languages", json!([1]))).is_empty(),
        "a language as a number"
    );
    let mut without_name = city.clone();
    without_name.as_object_mut().unwrap().remove("name");
    assert!(!errors(&without_name).is_empty(), "a missing field");
}

#[tokio::test]
async fn answers_match_the_documented_schemas() {
    let api = Api::loaded().await;
    let mut v = Validator {
        doc: api.document().await,
        checked: BTreeSet::new(),
    };
    let secret = api.token(Role::Secretariat).await;
    let sec = Some(secret.as_str());
    let observer = api.token(Role::Observer).await;

    // Reads of the network.
    call!(api, v, "get", "/health", "/health", None, None);
    call!(api, v, "get", "/api/stats", "/api/stats", None, None);
    call!(
        api,
        v,
        "get",
        "/api/openapi.json",
        "/api/openapi.json",
        None,
        None
    );
    for q in [
        "",
        "?status=member&per_page=500",
        "?status=applicant&per_page=500",
        "?status=partner",
        "?region=africa&ldc=true&sort=id&order=desc",
    ] {
        call!(
            api,
            v,
            "get",
            "/api/cities",
            format!("/api/cities{q}"),
            None,
            None
        );
    }
    call!(
        api,
        v,
        "get",
        "/api/countries",
        "/api/countries",
        None,
        None
    );
    call!(api, v, "get", "/api/topics", "/api/topics", None, None);
    let links = call!(
        api,
        v,
        "get",
        "/api/twin-links",
        "/api/twin-links?per_page=500",
        None,
        None
    )
    .json;
    let offers = call!(
        api,
        v,
        "get",
        "/api/offers",
        "/api/offers?per_page=500",
        None,
        None
    )
    .json;
    let requests = call!(
        api,
        v,
        "get",
        "/api/requests",
        "/api/requests?per_page=500",
        None,
        None
    )
    .json;
    let offer = &items(&offers)[0];
    let request = &items(&requests)[0];
    let (mentor, applicant) = (
        offer["city"].as_i64().unwrap(),
        request["city"].as_i64().unwrap(),
    );
    for city in [mentor, applicant, items(&links)[0]["a"].as_i64().unwrap()] {
        call!(
            api,
            v,
            "get",
            "/api/cities/{id}",
            format!("/api/cities/{city}"),
            None,
            None
        );
    }
    call!(
        api,
        v,
        "get",
        "/api/offers/{id}",
        format!("/api/offers/{}", offer["id"]),
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/requests/{id}",
        format!("/api/requests/{}", request["id"]),
        None,
        None
    );

    // The engine, before and after a run is published.
    let link = &items(&links)[0];
    call!(
        api,
        v,
        "get",
        "/api/paths",
        format!("/api/paths?from={}&to={}&k=3", link["a"], link["b"]),
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/paths",
        format!("/api/paths?from={mentor}&to={applicant}&max_hops=1"),
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/cities/{id}/plan",
        format!("/api/cities/{applicant}/plan"),
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/cities/{id}/suggestions",
        format!("/api/cities/{applicant}/suggestions"),
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/cities/{id}/suggestions",
        format!("/api/cities/{mentor}/suggestions?n=3"),
        None,
        None
    );

    // Runs.
    let first = call!(
        api,
        v,
        "post",
        "/api/runs",
        "/api/runs",
        sec,
        Some(json!({}))
    )
    .json;
    let run = call!(api, v, "post", "/api/runs", "/api/runs", sec, Some(json!({
        "mode": "score", "tiers": ["ldc_african", "any"], "prefer_previous": true,
        "weights": {"topic_fit": 5000, "existing_ties": 2000, "modality_fit": 1500, "regional_proximity": 1500},
        "bans": [{"mentor": mentor, "applicant": applicant, "reason": "tested"}],
    }))).json;
    let run_id = run["run"]["id"].as_i64().unwrap();
    call!(api, v, "get", "/api/runs", "/api/runs", sec, None);
    call!(
        api,
        v,
        "get",
        "/api/runs/{id}",
        format!("/api/runs/{run_id}"),
        sec,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/runs/{id}/diff",
        format!("/api/runs/{run_id}/diff?against={}", first["run"]["id"]),
        sec,
        None
    );
    call!(
        api,
        v,
        "patch",
        "/api/runs/{id}",
        format!("/api/runs/{run_id}"),
        sec,
        Some(json!({"name": "scored, Africa first"}))
    );
    call!(
        api,
        v,
        "get",
        "/api/runs/{id}/publish",
        format!("/api/runs/{run_id}/publish"),
        sec,
        None
    );
    call!(
        api,
        v,
        "post",
        "/api/runs/{id}/publish",
        format!("/api/runs/{run_id}/publish"),
        sec,
        None
    );
    call!(
        api,
        v,
        "post",
        "/api/runs/{id}/publish",
        format!("/api/runs/{run_id}/publish"),
        sec,
        None
    ); // 409
    let spare = call!(
        api,
        v,
        "post",
        "/api/runs",
        "/api/runs",
        sec,
        Some(json!({}))
    )
    .json;
    call!(
        api,
        v,
        "post",
        "/api/runs/{id}/discard",
        format!("/api/runs/{}/discard", spare["run"]["id"]),
        sec,
        None
    );
    call!(api, v, "get", "/api/runs", "/api/runs", None, None);
    call!(
        api,
        v,
        "get",
        "/api/cities/{id}/plan",
        format!("/api/cities/{applicant}/plan"),
        None,
        None
    );

    // The proposal workflow.
    let props = call!(
        api,
        v,
        "get",
        "/api/proposals",
        format!("/api/proposals?run={run_id}&status=proposed&per_page=500"),
        None,
        None
    )
    .json;
    let p: Vec<&Value> = items(&props).iter().take(3).collect();
    assert_eq!(p.len(), 3, "the run proposes at least three pairings");
    let url = |p: &Value, action: &str| format!("/api/proposals/{}/{action}", p["id"]);
    let accepted = call!(
        api,
        v,
        "post",
        "/api/proposals/{id}/accept",
        url(p[0], "accept"),
        sec,
        Some(json!({"version": p[0]["version"], "side": "mentor"}))
    )
    .json;
    let active = call!(
        api,
        v,
        "post",
        "/api/proposals/{id}/accept",
        url(p[0], "accept"),
        sec,
        Some(json!({"version": accepted["version"], "side": "applicant"}))
    )
    .json;
    let stale = call!(
        api,
        v,
        "post",
        "/api/proposals/{id}/accept",
        url(p[0], "accept"),
        sec,
        Some(json!({"version": p[0]["version"], "side": "mentor"}))
    );
    assert_eq!(stale.json["error"]["code"], "version_conflict");
    call!(
        api,
        v,
        "post",
        "/api/proposals/{id}/complete",
        url(p[0], "complete"),
        sec,
        Some(json!({"version": active["version"], "rating": 4, "report": "useful visits"}))
    );
    call!(
        api,
        v,
        "post",
        "/api/proposals/{id}/decline",
        url(p[1], "decline"),
        sec,
        Some(
            json!({"version": p[1]["version"], "side": "applicant", "reason": "no budget this year"})
        )
    );
    call!(
        api,
        v,
        "post",
        "/api/proposals/{id}/cancel",
        url(p[2], "cancel"),
        sec,
        Some(json!({"version": p[2]["version"], "reason": "the mentor withdrew"}))
    );
    call!(
        api,
        v,
        "post",
        "/api/proposals/{id}/cancel",
        url(p[2], "cancel"),
        Some(&observer),
        Some(json!({"version": 1, "reason": "x"}))
    ); // 403
    call!(
        api,
        v,
        "get",
        "/api/proposals/{id}",
        format!("/api/proposals/{}", p[0]["id"]),
        None,
        None
    );
    call!(api, v, "get", "/api/proposals", "/api/proposals", sec, None);
    call!(api, v, "get", "/api/stats", "/api/stats", None, None);

    // Offers and requests: replace, retire, create again.
    let topics = api.send("get", "/api/topics", None, None).await.json;
    let slug = |id: &Value| {
        topics
            .as_array()
            .unwrap()
            .iter()
            .find(|t| &t["id"] == id)
            .unwrap()["slug"]
            .clone()
    };
    let offer_body = json!({
        "city": offer["city"],
        "topics": offer["topics"].as_array().unwrap().iter().map(slug).collect::<Vec<_>>(),
        "capacity": 2, "languages": offer["languages"], "modalities": offer["modalities"],
        "available_from": "2026-01-01", "available_until": null, "note": "replaced by a test",
    });
    let offer_uri = format!("/api/offers/{}", offer["id"]);
    call!(
        api,
        v,
        "put",
        "/api/offers/{id}",
        offer_uri.clone(),
        sec,
        Some(offer_body.clone())
    );
    call!(
        api,
        v,
        "delete",
        "/api/offers/{id}",
        offer_uri.clone(),
        sec,
        None
    );
    call!(
        api,
        v,
        "delete",
        "/api/offers/{id}",
        offer_uri.clone(),
        sec,
        None
    ); // 404
    call!(
        api,
        v,
        "post",
        "/api/offers",
        "/api/offers",
        sec,
        Some(offer_body.clone())
    );
    call!(
        api,
        v,
        "post",
        "/api/offers",
        "/api/offers",
        sec,
        Some(offer_body)
    ); // 409
    let request_body = json!({
        "city": request["city"],
        "needs": request["needs"].as_array().unwrap().iter()
            .map(|n| json!({"topic": slug(&n["topic"]), "priority": n["priority"]})).collect::<Vec<_>>(),
        "languages": request["languages"], "modalities": request["modalities"], "max_mentors": 2, "note": "",
    });
    let request_uri = format!("/api/requests/{}", request["id"]);
    call!(
        api,
        v,
        "put",
        "/api/requests/{id}",
        request_uri.clone(),
        sec,
        Some(request_body.clone())
    );
    call!(
        api,
        v,
        "delete",
        "/api/requests/{id}",
        request_uri.clone(),
        sec,
        None
    );
    call!(
        api,
        v,
        "post",
        "/api/requests",
        "/api/requests",
        sec,
        Some(request_body.clone())
    );
    call!(
        api,
        v,
        "post",
        "/api/requests",
        "/api/requests",
        Some(&observer),
        Some(request_body)
    ); // 403

    // The secretariat's records.
    let created = call!(
        api,
        v,
        "post",
        "/api/tokens",
        "/api/tokens",
        sec,
        Some(json!({"role": "city", "city": mentor, "label": "mentor"}))
    )
    .json;
    call!(
        api,
        v,
        "post",
        "/api/tokens",
        "/api/tokens",
        sec,
        Some(json!({"role": "observer"}))
    );
    call!(api, v, "get", "/api/tokens", "/api/tokens", sec, None);
    let revoke = format!("/api/tokens/{}/revoke", created["info"]["id"]);
    call!(
        api,
        v,
        "post",
        "/api/tokens/{id}/revoke",
        revoke.clone(),
        sec,
        None
    );
    call!(api, v, "post", "/api/tokens/{id}/revoke", revoke, sec, None); // 409
    call!(
        api,
        v,
        "get",
        "/api/audit",
        "/api/audit?per_page=500",
        sec,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/audit",
        "/api/audit?kind=proposal",
        Some(&observer),
        None
    ); // 403
    call!(api, v, "get", "/api/bans", "/api/bans", sec, None);
    call!(api, v, "get", "/api/tokens", "/api/tokens", None, None); // 401

    // The network's writes: a city, a cluster, a link, a membership and
    // evidence, each created, read, changed and removed, with their errors.
    let city_body = json!({"name": "Openapi Town", "country": "MZ", "status": "partner", "source": "openapi test"});
    let town = call!(
        api,
        v,
        "post",
        "/api/cities",
        "/api/cities",
        sec,
        Some(city_body.clone())
    )
    .json;
    let town_id = town["id"].as_i64().unwrap();
    call!(
        api,
        v,
        "post",
        "/api/cities",
        "/api/cities",
        sec,
        Some(city_body)
    ); // 409
    let town_uri = format!("/api/cities/{town_id}");
    let patched = call!(
        api,
        v,
        "patch",
        "/api/cities/{id}",
        town_uri.clone(),
        sec,
        Some(json!({"population": 12000, "languages": ["pt", "en"]}))
    );
    assert_eq!(patched.json["population"], 12000);
    call!(
        api,
        v,
        "patch",
        "/api/cities/{id}",
        town_uri.clone(),
        Some(&observer),
        Some(json!({"population": 1}))
    ); // 403
    call!(
        api,
        v,
        "patch",
        "/api/cities/{id}",
        "/api/cities/999999",
        sec,
        Some(json!({"population": 1}))
    ); // 404
    call!(
        api,
        v,
        "get",
        "/api/cities/{id}",
        town_uri.clone(),
        None,
        None
    );

    let cluster = call!(
        api,
        v,
        "post",
        "/api/topics",
        "/api/topics",
        sec,
        Some(json!({"slug": "openapi-tests", "name": "OpenAPI tests", "aliases": ["Spec checks"]}))
    )
    .json;
    call!(
        api,
        v,
        "post",
        "/api/topics",
        "/api/topics",
        sec,
        Some(json!({"slug": "openapi-tests", "name": "Again"}))
    ); // 409
    call!(
        api,
        v,
        "post",
        "/api/topics",
        "/api/topics",
        sec,
        Some(json!({"slug": "Not A Slug", "name": "Bad"}))
    ); // 400

    let link_body = json!({"city_a": town_id, "city_b": mentor, "kind": "friendship", "year_signed": 2020, "source": "openapi test"});
    let link = call!(
        api,
        v,
        "post",
        "/api/twin-links",
        "/api/twin-links",
        sec,
        Some(link_body.clone())
    )
    .json;
    call!(
        api,
        v,
        "post",
        "/api/twin-links",
        "/api/twin-links",
        sec,
        Some(link_body)
    ); // 409
    let link_uri = format!("/api/twin-links/{}", link["id"]);
    call!(
        api,
        v,
        "get",
        "/api/twin-links/{id}",
        link_uri.clone(),
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/twin-links/{id}",
        "/api/twin-links/999999",
        None,
        None
    ); // 404
    call!(
        api,
        v,
        "patch",
        "/api/twin-links/{id}",
        link_uri.clone(),
        sec,
        Some(json!({"kind": "sister_city", "year_signed": 2021}))
    );
    // A kind outside the documented enum: sent as is, its answer checked.
    let wrong = api
        .send("patch", &link_uri, sec, Some(&json!({"kind": "alliance"})))
        .await;
    v.answer("patch", "/api/twin-links/{id}", &wrong);
    assert_eq!(wrong.json["error"]["field"], "kind");
    let retired = call!(
        api,
        v,
        "delete",
        "/api/twin-links/{id}",
        link_uri.clone(),
        sec,
        None
    );
    assert_eq!(retired.json["active"], false);
    call!(
        api,
        v,
        "delete",
        "/api/twin-links/{id}",
        link_uri.clone(),
        sec,
        None
    ); // 409
    call!(
        api,
        v,
        "delete",
        "/api/twin-links/{id}",
        link_uri,
        None,
        None
    ); // 401

    let membership_body = json!({"city": town_id, "cluster": cluster["slug"], "role": "member", "period": "2021-2023", "source": "openapi test"});
    let membership = call!(
        api,
        v,
        "post",
        "/api/cluster-memberships",
        "/api/cluster-memberships",
        sec,
        Some(membership_body.clone())
    )
    .json;
    call!(
        api,
        v,
        "post",
        "/api/cluster-memberships",
        "/api/cluster-memberships",
        sec,
        Some(membership_body)
    ); // 409
    call!(
        api,
        v,
        "get",
        "/api/cluster-memberships",
        "/api/cluster-memberships",
        None,
        None
    );
    let listed = call!(
        api,
        v,
        "get",
        "/api/cluster-memberships",
        format!("/api/cluster-memberships?city={town_id}&cluster=openapi-tests"),
        None,
        None
    );
    assert_eq!(listed.json.as_array().map(Vec::len), Some(1));
    call!(
        api,
        v,
        "get",
        "/api/cluster-memberships",
        "/api/cluster-memberships?cluster=nowhere",
        None,
        None
    ); // 400
    let membership_uri = format!("/api/cluster-memberships/{}", membership["id"]);
    call!(
        api,
        v,
        "delete",
        "/api/cluster-memberships/{id}",
        membership_uri.clone(),
        sec,
        None
    );
    call!(
        api,
        v,
        "delete",
        "/api/cluster-memberships/{id}",
        membership_uri,
        sec,
        None
    ); // 404

    let evidence = call!(
        api,
        v,
        "post",
        "/api/evidence",
        "/api/evidence",
        sec,
        Some(json!({"city": town_id, "topic": cluster["slug"], "kind": "self_assessment", "level": 3, "source": "openapi test"}))
    )
    .json;
    call!(
        api,
        v,
        "post",
        "/api/evidence",
        "/api/evidence",
        sec,
        Some(json!({"city": town_id, "kind": "network_years", "source": "openapi test"}))
    ); // 400: no year
    call!(
        api,
        v,
        "post",
        "/api/evidence",
        "/api/evidence",
        Some(&observer),
        Some(json!({"city": town_id, "kind": "learning_city_award", "year": 2024, "source": "x"}))
    ); // 403
    call!(
        api,
        v,
        "get",
        "/api/evidence",
        format!("/api/evidence?city={town_id}"),
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/evidence",
        "/api/evidence?kind=learning_city_award&topic=openapi-tests&page=1&per_page=5",
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/evidence",
        "/api/evidence?kind=rumour",
        None,
        None
    ); // 400
    let evidence_uri = format!("/api/evidence/{}", evidence["id"]);
    call!(
        api,
        v,
        "delete",
        "/api/evidence/{id}",
        evidence_uri.clone(),
        sec,
        None
    );
    call!(
        api,
        v,
        "delete",
        "/api/evidence/{id}",
        evidence_uri,
        sec,
        None
    ); // 404

    let cluster_uri = format!("/api/topics/{}", cluster["id"]);
    let retired = call!(
        api,
        v,
        "patch",
        "/api/topics/{id}",
        cluster_uri.clone(),
        sec,
        Some(json!({"name": "OpenAPI checks", "retired": true}))
    );
    assert_eq!(retired.json["retired"], true);
    call!(
        api,
        v,
        "patch",
        "/api/topics/{id}",
        "/api/topics/999999",
        sec,
        Some(json!({"retired": true}))
    ); // 404
    call!(
        api,
        v,
        "patch",
        "/api/topics/{id}",
        cluster_uri,
        None,
        Some(json!({"retired": false}))
    ); // 401

    // Errors of each kind.
    call!(
        api,
        v,
        "get",
        "/api/cities/{id}",
        "/api/cities/999999",
        None,
        None
    );
    call!(
        api,
        v,
        "get",
        "/api/cities/{id}",
        "/api/cities/x",
        None,
        None
    );
    for (method, path, uri) in [
        ("get", "/api/offers/{id}", "/api/offers/abc"),
        ("get", "/api/twin-links/{id}", "/api/twin-links/1.5"),
        ("post", "/api/runs/{id}/publish", "/api/runs/x/publish"),
    ] {
        let a = api.send(method, uri, sec, None).await;
        v.answer(method, path, &a);
        assert_eq!(
            (
                a.json["error"]["code"].as_str(),
                a.json["error"]["field"].as_str()
            ),
            (Some("invalid_parameter"), Some("id")),
            "{uri}"
        );
    }
    call!(
        api,
        v,
        "get",
        "/api/cities",
        "/api/cities?contry=MZ",
        None,
        None
    );
    call!(api, v, "get", "/api/paths", "/api/paths?from=1", None, None);
    call!(
        api,
        v,
        "get",
        "/api/runs/{id}",
        format!("/api/runs/{}", first["run"]["id"]),
        None,
        None
    ); // unpublished: 404
    call!(
        api,
        v,
        "post",
        "/api/runs",
        "/api/runs",
        None,
        Some(json!({}))
    ); // 401
    let wrong = api
        .send("post", "/api/runs", sec, Some(&json!({"mode": "fastest"})))
        .await;
    v.answer("post", "/api/runs", &wrong);
    assert_eq!(wrong.json["error"]["field"], "mode");
    let raw = api
        .app
        .clone()
        .oneshot(
            Request::post("/api/runs")
                .header(header::AUTHORIZATION, format!("Bearer {secret}"))
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Every documented success status was seen at least once.
    let ops = operations(&v.doc);
    let unseen: Vec<_> = ops
        .iter()
        .flat_map(|((m, p), op)| {
            op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .filter(|s| s.starts_with('2'))
                .map(|s| (m.clone(), p.clone(), s.clone()))
                .collect::<Vec<_>>()
        })
        .filter(|k| !v.checked.contains(k))
        .collect();
    assert!(
        unseen.is_empty(),
        "success answers never checked: {unseen:#?}"
    );
}

// ---------------------------------------------------------------------------
// The reference page works offline.

/// Origins that appear in Swagger UI's bundle as identifiers (XML and JSON
/// Schema namespaces, links in texts, examples), not as resources it loads.
const KNOWN_NON_LOADED: &[&str] = &[
    "http://www.w3.org",
    "https://datatracker.ietf.org",
    "https://www.rfc-editor.org",
    "https://spec.openapis.org",
    "https://github.com",
    "https://json-schema.org",
    "http://json-schema.org",
    "https://www.tiktok.com",
    "https://twitter.com",
    "https://instagram.com",
    "https://example.com",
    "https://www.facebook.com",
    "https://vladimirgorej.com",
    "https://swagger.io",
    "https://spdx.org",
    "https://soundcloud.com",
    "https://redux.js.org",
    "https://reactjs.org",
    "https://base",
    "http://fb.me",
    // The online validator: switched off in the page's configuration
    // (`validatorUrl: "none"`, checked below).
    "https://validator.swagger.io",
];

fn origins(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for scheme in ["http://", "https://"] {
        for (i, _) in text.match_indices(scheme) {
            let host: String = text[i + scheme.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            if !host.is_empty() {
                out.insert(format!("{scheme}{host}"));
            }
        }
    }
    out
}

/// The `src="..."` and `href="..."` values of an HTML page.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

#[tokio::test]
async fn the_reference_page_loads_nothing_from_another_origin() {
    let api = Api::empty().await;
    let a = api.send("get", "/api/docs", None, None).await;
    assert!(a.status.is_redirection(), "{} {}", a.status, a.text);
    let page = a.location.expect("a redirect to the page");
    assert_eq!(page, "/api/docs/");
    let a = api.send("get", &page, None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.content_type.starts_with("text/html"),
        "{}",
        a.content_type
    );
    assert!(
        origins(&a.text).is_empty(),
        "the page names {:?}",
        origins(&a.text)
    );

    let refs = references(&a.text);
    assert!(
        refs.iter().any(|r| r.ends_with("swagger-ui-bundle.js")),
        "{refs:?}"
    );
    for r in &refs {
        assert!(
            !r.starts_with("//") && !r.contains("://"),
            "{r} is not on this server"
        );
        let uri = format!("/api/docs/{}", r.trim_start_matches("./"));
        let asset = api.send("get", &uri, None, None).await;
        assert_eq!(asset.status, StatusCode::OK, "{uri}");
        let found = origins(&asset.text);
        if r.ends_with("swagger-initializer.js") {
            assert!(found.is_empty(), "the page's configuration names {found:?}");
            assert!(asset.text.contains("/api/openapi.json"), "{}", asset.text);
            let compact: String = asset.text.split_whitespace().collect();
            assert!(
                compact.contains(r#""validatorUrl":"none""#),
                "{}",
                asset.text
            );
        } else if r.ends_with(".css") {
            assert!(
                found.iter().all(|o| o == "http://www.w3.org"),
                "{uri} names {found:?}"
            );
            assert!(!asset.text.contains("@import"), "{uri} imports");
        } else if r.ends_with(".js") {
            let unknown: Vec<_> = found
                .iter()
                .filter(|o| !KNOWN_NON_LOADED.contains(&o.as_str()))
                .collect();
            assert!(
                unknown.is_empty(),
                "{uri} names origins to review: {unknown:?}"
            );
        }
    }
}

/// The schema of a parameter with its `$ref` and `null` alternative resolved.
fn param_schema<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return &doc["components"]["schemas"][name];
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(s) = schema[key]
            .as_array()
            .and_then(|alts| alts.iter().find(|s| s["type"] != "null"))
        {
            return param_schema(doc, s);
        }
    }
    schema
}

#[tokio::test]
async fn every_limit_the_handlers_enforce_is_in_the_document() {
    let api = Api::empty().await;
    let doc = api.document().await;
    let bounds = [
        ("page", 1, None),
        ("per_page", 1, Some(500)),
        ("k", 1, Some(10)),
        ("max_hops", 1, Some(6)),
        ("n", 1, Some(50)),
    ];
    let words = [
        (
            "status",
            "/api/cities",
            vec!["member", "applicant", "partner"],
        ),
        ("sort", "/api/cities", vec!["name", "id", "country"]),
        ("order", "/api/cities", vec!["asc", "desc"]),
        ("kind", "/api/topics", vec!["cluster", "area_of_action"]),
    ];
    let mut checked = 0;
    for ((_, path), op) in operations(&doc) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            let schema = param_schema(&doc, &p["schema"]);
            if let Some((_, min, max)) = bounds.iter().find(|(n, ..)| *n == name) {
                assert_eq!(schema["minimum"], *min, "{path} {name}: {schema}");
                if let Some(max) = max {
                    assert_eq!(schema["maximum"], *max, "{path} {name}: {schema}");
                }
                checked += 1;
            }
            if let Some((_, _, values)) = words.iter().find(|(n, at, _)| *n == name && *at == path)
            {
                let listed: Vec<&str> = schema["enum"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{path} {name}: {schema}"))
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(&listed, values, "{path} {name}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked} parameters checked");
}

/// A property of a component schema, its `null` alternative resolved.
fn body_field<'a>(doc: &'a Value, component: &str, field: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][component]["properties"][field];
    assert!(schema.is_object(), "{component}.{field} is not documented");
    param_schema(doc, schema)
}

#[tokio::test]
async fn every_limit_the_domain_enforces_on_a_body_is_in_the_document() {
    let doc = Api::empty().await.document().await;
    // (schema, field, keyword, value), as the domain and app check them.
    let limits: &[(&str, &str, &str, i64)] = &[
        ("OfferBody", "capacity", "minimum", 1),
        ("OfferBody", "capacity", "maximum", 20),
        ("OfferBody", "topics", "minItems", 1),
        ("OfferBody", "languages", "minItems", 1),
        ("OfferBody", "modalities", "minItems", 1),
        ("OfferBody", "note", "maxLength", 2000),
        ("RequestBody", "needs", "minItems", 1),
        ("RequestBody", "languages", "minItems", 1),
        ("RequestBody", "max_mentors", "minimum", 1),
        ("RequestBody", "max_mentors", "maximum", 5),
        ("RequestBody", "note", "maxLength", 2000),
        ("NeedBody", "priority", "minimum", 1),
        ("NeedBody", "priority", "maximum", 5),
        ("AnswerBody", "version", "minimum", 1),
        ("AnswerBody", "reason", "maxLength", 500),
        ("CompleteBody", "rating", "minimum", 1),
        ("CompleteBody", "rating", "maximum", 5),
        ("CompleteBody", "report", "maxLength", 2000),
        ("CancelBody", "reason", "maxLength", 500),
        ("OverrideBody", "reason", "maxLength", 500),
        ("LinkBody", "year_signed", "minimum", 1900),
        ("LinkBody", "year_signed", "maximum", 2100),
        ("LinkBody", "source", "maxLength", 1000),
        ("LinkPatch", "year_signed", "minimum", 1900),
        ("MembershipBody", "source", "maxLength", 1000),
        ("EvidenceBody", "year", "minimum", 2000),
        ("EvidenceBody", "year", "maximum", 2100),
        ("EvidenceBody", "level", "minimum", 0),
        ("EvidenceBody", "level", "maximum", 5),
        ("NewCityBody", "name", "maxLength", 120),
        ("NewCityBody", "year_joined", "minimum", 2012),
        ("NewCityBody", "population", "minimum", 1),
        ("CityPatch", "name", "maxLength", 120),
        ("CityPatch", "languages", "minItems", 1),
        ("NewTopicBody", "name", "maxLength", 120),
    ];
    for (component, field, keyword, value) in limits {
        let schema = body_field(&doc, component, field);
        assert_eq!(
            schema[*keyword], *value,
            "{component}.{field} {keyword}: {schema}"
        );
    }
    // Words from a closed list are enums.
    let status = body_field(&doc, "NewCityBody", "status");
    assert_eq!(
        status["enum"],
        serde_json::json!(["member", "applicant", "partner"])
    );
    // Every field that names a city takes an id or "Name, CC".
    for (component, field) in [
        ("OfferBody", "city"),
        ("RequestBody", "city"),
        ("OverrideBody", "mentor"),
        ("OverrideBody", "applicant"),
        ("LinkBody", "city_a"),
        ("LinkBody", "city_b"),
        ("MembershipBody", "city"),
        ("EvidenceBody", "city"),
        ("TokenBody", "city"),
    ] {
        let types: Vec<&Value> = body_field(&doc, component, field)["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{component}.{field} is not an id or a name"))
            .iter()
            .map(|s| &s["type"])
            .collect();
        assert_eq!(types, [&Value::from("integer"), &Value::from("string")]);
    }
}
