//! The benchmark's yardstick: a minimal actix-web server that serves files
//! from one directory, preloaded into memory, with the same worker count as
//! `sala serve`. A page's throughput divided by this server's throughput for
//! the same bytes says how much of the framework's limit Sala reaches.
//!
//! Usage: static-limit <dir> <bind-address>

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: static-limit <dir> <bind>");
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:18081".to_owned());
    let mut files = HashMap::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let content_type = if name.ends_with(".json") { "application/json" } else { "text/html; charset=utf-8" };
        files.insert(name, (content_type, web::Bytes::from(std::fs::read(&path)?)));
    }
    let files = Arc::new(files);
    HttpServer::new(move || {
        let files = files.clone();
        App::new().route(
            "/{name}",
            web::get().to(move |name: web::Path<String>| {
                let files = files.clone();
                async move {
                    match files.get(name.as_str()) {
                        Some((ct, body)) => HttpResponse::Ok().content_type(*ct).body(body.clone()),
                        None => HttpResponse::NotFound().finish(),
                    }
                }
            }),
        )
    })
    .workers(2)
    .bind(bind)?
    .run()
    .await
}
