//! A static file server for the repo root on 127.0.0.1 (the page is static files only).
//! `cargo xtask serve` runs it in the foreground; `test` and `bench` start it on port 0.
//!
//! One thread per connection, HTTP/1.1 with keep-alive, GET and HEAD only. (tiny_http 0.12
//! was used before: its task pool can queue a new connection behind long-lived keep-alive
//! connections when several arrive at once, which stalled page loads in the browser tests
//! for as long as Chromium kept its sockets open.)

use crate::root;
use anyhow::{anyhow, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// How long an idle keep-alive connection keeps its thread.
const IDLE: Duration = Duration::from_secs(30);

/// The Content-Type for a file, by extension.
fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        // Served as opaque bytes, never with Content-Encoding: the core inflates the assets.
        "gz" => "application/gzip",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "md" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Decodes %XX escapes; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request maps to.
#[derive(Debug, PartialEq)]
enum Target {
    File(PathBuf),
    /// A directory asked for without its trailing slash: redirect so relative URLs work.
    Redirect(String),
    NotFound,
}

/// Maps a URL path to a file under `base`, refusing anything that could climb out of it.
fn resolve(base: &Path, url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let Some(decoded) = percent_decode(path) else {
        return Target::NotFound;
    };
    if decoded.contains('\\') || decoded.contains('\0') {
        return Target::NotFound;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Target::NotFound;
    }
    let full = base.join(rel);
    if full.is_dir() {
        if !decoded.ends_with('/') {
            return Target::Redirect(format!("{path}/"));
        }
        let index = full.join("index.html");
        return if index.is_file() {
            Target::File(index)
        } else {
            Target::NotFound
        };
    }
    if full.is_file() {
        Target::File(full)
    } else {
        Target::NotFound
    }
}

/// Whether a request gets `Cross-Origin-Opener-Policy`/`-Embedder-Policy`: only the bench
/// pages (and the scripts and workers they load from `/bench/`), so that they are
/// cross-origin isolated and TensorFlow.js' wasm backend may use threads
/// (SharedArrayBuffer). The playground itself must keep working without isolation.
fn cross_origin_isolated(url: &str) -> bool {
    url.starts_with("/bench/")
}

/// One response: status, headers after the standard ones, body.
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn text(status: u16, msg: &str) -> Self {
        Response {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: msg.as_bytes().to_vec(),
        }
    }
}

/// The response to `method url`.
fn respond(base: &Path, method: &str, url: &str) -> Response {
    if method != "GET" && method != "HEAD" {
        return Response::text(405, "method not allowed\n");
    }
    match resolve(base, url) {
        Target::File(path) => match std::fs::read(&path) {
            Ok(body) => {
                let mut headers = vec![("Content-Type", mime(&path).to_string())];
                if cross_origin_isolated(url) {
                    headers.push(("Cross-Origin-Opener-Policy", "same-origin".into()));
                    headers.push(("Cross-Origin-Embedder-Policy", "require-corp".into()));
                }
                Response {
                    status: 200,
                    headers,
                    body,
                }
            }
            Err(_) => Response::text(404, "not found\n"),
        },
        Target::Redirect(to) => {
            let mut r = Response::text(301, "moved\n");
            r.headers.push(("Location", to));
            r
        }
        Target::NotFound => Response::text(404, "not found\n"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Bad Request",
    }
}

/// Serves the requests of one connection until the client closes it, asks to, goes
/// idle, or sends something that is not a plain GET/HEAD request.
fn serve_connection(base: &Path, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let (method, url, version) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let mut keep_alive = version == "HTTP/1.1";
        let mut has_body = false;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (name, value) = h.split_once(':').unwrap_or((h, ""));
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            if name == "connection" && value.eq_ignore_ascii_case("close") {
                keep_alive = false;
            }
            has_body |= (name == "content-length" && value != "0") || name == "transfer-encoding";
        }
        let (r, keep_alive) = if url.starts_with('/') {
            (respond(base, method, url), keep_alive && !has_body)
        } else {
            (Response::text(400, "bad request\n"), false)
        };
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: {}\r\n",
            r.status,
            reason(r.status),
            r.body.len(),
            if keep_alive { "keep-alive" } else { "close" }
        );
        for (name, value) in &r.headers {
            head += &format!("{name}: {value}\r\n");
        }
        head += "\r\n";
        out.write_all(head.as_bytes())?;
        if method != "HEAD" {
            out.write_all(&r.body)?;
        }
        out.flush()?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// A running server; it stops when the process exits.
pub struct Server {
    /// The bound port.
    pub port: u16,
}

impl Server {
    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

/// Binds `127.0.0.1:port` (0 = any free port) and serves the repo root, one thread per
/// connection.
pub fn start(port: u16) -> Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow!(
                "port {port} on 127.0.0.1 is already taken (another `cargo xtask serve`?); \
                 stop it or pick another port: cargo xtask serve --port 8081"
            )
        } else {
            anyhow!("cannot listen on 127.0.0.1:{port}: {e}")
        }
    })?;
    let bound = listener.local_addr().map_or(port, |a| a.port());
    let base = root();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let base = base.clone();
            std::thread::spawn(move || {
                // A client that vanishes mid-response is not the server's problem.
                let _ = serve_connection(&base, stream);
            });
        }
    });
    Ok(Server { port: bound })
}

/// `cargo xtask serve`: serves until interrupted.
pub fn serve_forever(port: u16) -> Result<()> {
    let server = start(port)?;
    println!("mlpad: serving {}", server.url());
    println!("(serving the repo root; Ctrl+C to stop)");
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn refuses_paths_outside_the_root() {
        let base = root();
        for bad in [
            "/../etc/passwd",
            "/www/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a%5c..",
            "/%zz",
        ] {
            assert_eq!(resolve(&base, bad), Target::NotFound, "{bad}");
        }
        assert_eq!(
            resolve(&base, "/Cargo.toml?x=1"),
            Target::File(base.join("Cargo.toml"))
        );
        assert_eq!(resolve(&base, "/www"), Target::Redirect("/www/".into()));
        assert_eq!(resolve(&base, "/missing.js"), Target::NotFound);
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("a.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("a.gz")), "application/gzip");
        assert_eq!(mime(Path::new("a.mjs")), "text/javascript; charset=utf-8");
        assert_eq!(mime(Path::new("README.md")), "text/plain; charset=utf-8");
    }

    fn get(port: u16, path: &str) -> String {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn serves_files_with_types_and_404s() {
        let server = start(0).unwrap();
        let ok = get(server.port, "/www/data/manifest.json");
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(ok.contains("Content-Type: application/json"));
        assert!(ok.contains("Cache-Control: no-cache"));
        let gz = get(server.port, "/www/data/mnist-test-labels-idx1-ubyte.gz");
        assert!(gz.starts_with("HTTP/1.1 200"), "{gz}");
        assert!(gz.contains("Content-Type: application/gzip"));
        assert!(!gz.to_ascii_lowercase().contains("content-encoding"));
        assert!(get(server.port, "/nope.html").starts_with("HTTP/1.1 404"));
        assert!(get(server.port, "/../Cargo.toml").starts_with("HTTP/1.1 404"));
    }

    #[test]
    fn only_bench_pages_are_cross_origin_isolated() {
        let server = start(0).unwrap();
        let bench = get(server.port, "/bench/run.mjs");
        assert!(bench.starts_with("HTTP/1.1 200"), "{bench}");
        assert!(
            bench.contains("Cross-Origin-Opener-Policy: same-origin"),
            "{bench}"
        );
        assert!(
            bench.contains("Cross-Origin-Embedder-Policy: require-corp"),
            "{bench}"
        );
        for shipped in ["/", "/index.html", "/www/app.js", "/www/worker.js"] {
            let r = get(server.port, shipped);
            assert!(!r.contains("Cross-Origin-"), "{shipped}: {r}");
        }
    }

    #[test]
    fn idle_connections_do_not_hold_up_new_ones_and_keep_alive_works() {
        let server = start(0).unwrap();
        // Browsers open several sockets at once and keep them idle; none of that may delay
        // the next request (tiny_http could queue it behind them).
        let idle: Vec<_> = (0..12)
            .map(|_| std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap())
            .collect();
        assert!(get(server.port, "/index.html").starts_with("HTTP/1.1 200"));
        drop(idle);
        // Two requests on one connection (keep-alive), then HEAD (no body) and a POST.
        let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(
            s,
            "GET /Cargo.toml HTTP/1.1\r\nHost: x\r\n\r\n\
             HEAD /Cargo.toml HTTP/1.1\r\nHost: x\r\n\r\n\
             POST /Cargo.toml HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
        assert_eq!(out.matches(toml.as_str()).count(), 1, "HEAD sends no body");
        assert!(out.contains("HTTP/1.1 405"), "{out}");
    }
}
