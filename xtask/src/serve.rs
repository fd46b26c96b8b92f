//! A static file server for the repo root on 127.0.0.1 (the page is static files only).

use crate::root;
use anyhow::{anyhow, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        // Served as bytes, never with Content-Encoding: the core inflates the assets itself.
        "gz" => "application/gzip",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "md" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path to a file under the root, refusing anything that climbs out of it.
fn resolve(base: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = path.replace("%20", " ");
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut full = base.join(rel);
    if full.is_dir() {
        full = full.join("index.html");
    }
    full.is_file().then_some(full)
}

/// Binds `127.0.0.1:port` (0 = any free port) and serves on background threads; returns
/// the bound port.
pub fn start(port: u16) -> Result<u16> {
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| anyhow!("cannot listen on 127.0.0.1:{port}: {e} (is another server running? try --port)"))?;
    let bound = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(port);
    let server = Arc::new(server);
    let base = root();
    for _ in 0..4 {
        let (server, base) = (server.clone(), base.clone());
        std::thread::spawn(move || {
            for req in server.incoming_requests() {
                let response = match resolve(&base, req.url()).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
                    Some((path, bytes)) => tiny_http::Response::from_data(bytes)
                        .with_header(header("Content-Type", mime(&path)))
                        .with_header(header("Cache-Control", "no-cache")),
                    None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
                };
                let _ = req.respond(response);
            }
        });
    }
    Ok(bound)
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Serves until interrupted.
pub fn serve_forever(port: u16) -> Result<()> {
    let port = start(port)?;
    println!("mlpad: serving http://127.0.0.1:{port}/  (Ctrl+C to stop)");
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_the_root() {
        let base = root();
        assert!(resolve(&base, "/../etc/passwd").is_none());
        assert!(resolve(&base, "/www/../../etc/passwd").is_none());
        assert!(resolve(&base, "/Cargo.toml?x=1").is_some());
        assert_eq!(mime(Path::new("a.wasm")), "application/wasm");
    }
}
