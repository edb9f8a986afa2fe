//! Several `twinmatch serve` processes on one PostgreSQL database, the way
//! to serve more people than one process can: each keeps its own cached
//! network, and each sees the others' writes on its next request.

mod common;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A `serve` process and its address; killed when dropped.
struct Replica {
    child: Child,
    addr: String,
    _out: BufReader<std::process::ChildStdout>,
}

impl Replica {
    fn start(database: &str) -> Replica {
        let mut child = Command::new(env!("CARGO_BIN_EXE_twinmatch"))
            .args(["serve", "--addr", "127.0.0.1:0", "--database", database])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("serving on") {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "serve exited early");
        }
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap()
            .to_string();
        Replica {
            child,
            addr,
            _out: out,
        }
    }

    /// Status code and JSON body of one request.
    fn call(&self, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: {}\r\n{auth}Content-Length: 0\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        let code = reply[9..12].parse().unwrap();
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or("");
        (code, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    fn suggested_mentors(&self, city: i64) -> Vec<i64> {
        let (code, body) = self.call("GET", &format!("/api/cities/{city}/suggestions?n=50"), None);
        assert_eq!(code, 200, "{body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["city"]["id"].as_i64().unwrap())
            .collect()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_replicas_on_one_postgresql_see_each_others_writes_on_their_next_request() {
    let Ok(admin) = std::env::var(common::PG_ENV) else {
        eprintln!("{} not set: skipped (CI sets it)", common::PG_ENV);
        return;
    };
    let db = common::postgres(&admin).await;
    // The first start seeds the empty database; the second finds it full.
    let a = Replica::start(&db.url);
    let b = Replica::start(&db.url);
    let created = Command::new(env!("CARGO_BIN_EXE_twinmatch"))
        .args([
            "token",
            "create",
            "--role",
            "secretariat",
            "--database",
            &db.url,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(created.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_string();

    let (_, requests) = a.call("GET", "/api/requests?per_page=1", None);
    let applicant = requests["items"][0]["city"].as_i64().unwrap();
    // Both replicas build and cache the network with the same answer.
    let before = b.suggested_mentors(applicant);
    assert_eq!(a.suggested_mentors(applicant), before);
    let mentor = before[0];
    let (_, offers) = a.call("GET", &format!("/api/offers?city={mentor}"), None);
    let offer = offers["items"][0]["id"].as_i64().unwrap();

    // A write through one replica...
    let (code, body) = a.call("DELETE", &format!("/api/offers/{offer}"), Some(&token));
    assert_eq!(code, 204, "{body}");
    // ...is what the other answers next, and the writer too.
    let after = b.suggested_mentors(applicant);
    assert!(
        !after.contains(&mentor),
        "{mentor} is still suggested: {after:?}"
    );
    assert_eq!(a.suggested_mentors(applicant), after);
}
