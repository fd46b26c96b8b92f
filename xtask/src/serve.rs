//! A static file server for the repo root on 127.0.0.1 (the page is static files only).
//! `cargo xtask serve` runs it in the foreground; `test` and `bench` start it on port 0.

use crate::root;
use anyhow::{anyhow, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Responder threads. A response blocks its thread until the client has read it, and
/// browser tests leave slow or abandoned downloads behind (workers fetching data when a
/// page closes), so there are enough that a few stuck ones never stall the page.
const WORKERS: usize = 32;

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

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond(base: &Path, req: tiny_http::Request) {
    let text = |code: u16, msg: &str| {
        tiny_http::Response::from_data(msg.as_bytes().to_vec())
            .with_status_code(code)
            .with_header(header("Content-Type", "text/plain; charset=utf-8"))
            .with_header(header("Cache-Control", "no-cache"))
    };
    let response = if !matches!(
        req.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        text(405, "method not allowed\n")
    } else {
        match resolve(base, req.url()) {
            Target::File(path) => match std::fs::read(&path) {
                Ok(bytes) => {
                    let mut response = tiny_http::Response::from_data(bytes)
                        .with_header(header("Content-Type", mime(&path)))
                        .with_header(header("Cache-Control", "no-cache"));
                    if cross_origin_isolated(req.url()) {
                        response.add_header(header("Cross-Origin-Opener-Policy", "same-origin"));
                        response.add_header(header("Cross-Origin-Embedder-Policy", "require-corp"));
                    }
                    response
                }
                Err(_) => text(404, "not found\n"),
            },
            Target::Redirect(to) => text(301, "moved\n").with_header(header("Location", &to)),
            Target::NotFound => text(404, "not found\n"),
        }
    };
    let _ = req.respond(response);
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

/// Binds `127.0.0.1:port` (0 = any free port) and serves the repo root on worker threads.
pub fn start(port: u16) -> Result<Server> {
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| {
        let in_use = e
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::AddrInUse);
        if in_use {
            anyhow!(
                "port {port} on 127.0.0.1 is already taken (another `cargo xtask serve`?); \
                 stop it or pick another port: cargo xtask serve --port 8081"
            )
        } else {
            anyhow!("cannot listen on 127.0.0.1:{port}: {e}")
        }
    })?;
    let bound = server.server_addr().to_ip().map_or(port, |a| a.port());
    let server = Arc::new(server);
    let base = root();
    for _ in 0..WORKERS {
        let (server, base) = (server.clone(), base.clone());
        std::thread::spawn(move || {
            for req in server.incoming_requests() {
                respond(&base, req);
            }
        });
    }
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
}
