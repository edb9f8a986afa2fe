//! The service as a user starts it: `twinmatch serve` on an empty database
//! loads the real network, answers, and stops cleanly on SIGTERM.

mod common;

use common::process::Server;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;

#[test]
fn serve_seeds_an_empty_database_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("serve.db").display());
    let mut server = Server::start(&db);
    assert!(
        server
            .greeting
            .contains("twinmatch token create --role secretariat"),
        "the first start says how to create a token: {}",
        server.greeting
    );
    assert_eq!(server.get("/health", None)["status"], "ok");
    let body = server.get("/api/stats", None);
    assert!(
        body["cities"].as_i64().unwrap() > 800 && body["requests"].as_i64().unwrap() > 0,
        "{body}"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

/// Sends `body_len` bytes of JSON to POST /api/cities and reads the
/// status line of the answer.
fn post_big(addr: &str, token: Option<&str>, body_len: usize) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "POST /api/cities HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{auth}Content-Length: {body_len}\r\n\r\n"
    )
    .unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < body_len {
        let n = chunk.len().min(body_len - sent);
        s.write_all(&chunk[..n])
            .expect("the server reads the whole body before it answers");
        sent += n;
    }
    let mut reader = BufReader::new(s);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_read_before_the_413_so_the_client_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("big.db").display());
    let store = twinmatch::store::connect(&url).await.unwrap();
    let (secret, hash) = twinmatch::auth::new_token().unwrap();
    store
        .create_token(
            &twinmatch::store::Actor::CLI,
            twinmatch::domain::Role::Secretariat,
            "big",
            &hash,
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(twinmatch::server::serve(listener, store, async {
        let _ = stopped.await;
    }));
    let eight_mib = 8 * 1024 * 1024;
    let a = addr.clone();
    let with_token = tokio::task::spawn_blocking(move || post_big(&a, Some(&secret), eight_mib));
    assert!(with_token.await.unwrap().starts_with("HTTP/1.1 413"));
    let a = addr.clone();
    let without = tokio::task::spawn_blocking(move || post_big(&a, None, eight_mib));
    assert!(without.await.unwrap().starts_with("HTTP/1.1 401"));
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
