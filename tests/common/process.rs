//! The built binary as a user runs it: `twinmatch serve` as a child process
//! spoken to over a real socket, and one-shot commands.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Output, Stdio};

/// A `twinmatch` command of the built binary.
pub fn twinmatch(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_twinmatch"));
    c.args(args).env("RUST_LOG", "warn");
    c
}

/// Runs a command to its end.
pub fn run(args: &[&str]) -> Output {
    twinmatch(args).output().unwrap()
}

/// A new API token of the secretariat (`twinmatch token create`).
pub fn secretariat_token(database: &str) -> String {
    let out = run(&[
        "token",
        "create",
        "--role",
        "secretariat",
        "--database",
        database,
    ]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout.lines().last().unwrap().trim().to_string()
}

/// A `serve` process and its address; killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
    /// What serve printed before "serving on".
    pub greeting: String,
    _out: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `serve` on `database` and waits until it listens.
    pub fn start(database: &str) -> Server {
        let mut child = twinmatch(&["serve", "--addr", "127.0.0.1:0", "--database", database])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // Keep the reader alive: the server's stdout must stay open.
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let mut greeting = String::new();
        while !line.contains("serving on") {
            greeting.push_str(&line);
            line.clear();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "serve exited early: {greeting}"
            );
        }
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server {
            child,
            addr,
            greeting,
            _out: out,
        }
    }

    /// Sends one request and leaves the answer unread.
    pub fn send(&self, method: &str, path: &str, token: Option<&str>, body: &str) -> TcpStream {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        let kind = if body.is_empty() {
            ""
        } else {
            "Content-Type: application/json\r\n"
        };
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: {}\r\n{auth}{kind}Content-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        s
    }

    /// Status code and JSON body of one request.
    pub fn call(&self, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
        let mut s = self.send(method, path, token, body);
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        let code = reply[9..12].parse().unwrap();
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or("");
        (code, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    /// A GET answered 200, as JSON.
    pub fn get(&self, path: &str, token: Option<&str>) -> Value {
        let (code, body) = self.call("GET", path, token, "");
        assert_eq!(code, 200, "GET {path}: {body}");
        body
    }

    /// SIGKILL, no goodbye: what a power cut or the OOM killer does.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
