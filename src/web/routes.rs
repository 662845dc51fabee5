//! Route registration that remembers what it registered.
//!
//! actix-web answers a known path with an unknown method as if the path did
//! not exist (404), and keeps no list of routes we could ask. Every route goes
//! through [`Routes`], which registers it and records its pattern and method
//! in one table for the whole program, so a wrong method gets `405` with an
//! `Allow` header, and tests can list every API route.

use std::collections::BTreeSet;
use std::sync::{OnceLock, RwLock};

use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Responder};

/// One registered path pattern and the methods it answers.
struct Entry {
    pattern: String,
    resource: ResourceDef,
    methods: BTreeSet<&'static str>,
}

fn table() -> &'static RwLock<Vec<Entry>> {
    static TABLE: OnceLock<RwLock<Vec<Entry>>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

fn record(pattern: String, method: &'static str) {
    let mut entries = table().write().unwrap_or_else(|poisoned| poisoned.into_inner());
    match entries.iter_mut().find(|e| e.pattern == pattern) {
        Some(entry) => {
            entry.methods.insert(method);
        }
        None => {
            let resource = ResourceDef::new(pattern.as_str());
            entries.push(Entry { pattern, resource, methods: BTreeSet::from([method]) });
        }
    }
}

/// The methods a path answers, in `Allow` order; empty when no route has
/// this path. GET implies HEAD (see `web::head_as_get`).
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    let entries = table().read().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut methods = BTreeSet::new();
    for entry in entries.iter().filter(|e| e.resource.is_match(path)) {
        methods.extend(entry.methods.iter().copied());
    }
    if methods.contains("GET") {
        methods.insert("HEAD");
    }
    methods.into_iter().collect()
}

/// Every registered `(pattern, method)`, for tests and documentation.
pub fn all() -> Vec<(String, &'static str)> {
    let entries = table().read().unwrap_or_else(|poisoned| poisoned.into_inner());
    entries.iter().flat_map(|e| e.methods.iter().map(|m| (e.pattern.clone(), *m))).collect()
}

/// A `ServiceConfig` under a path prefix, recording each route it adds.
pub struct Routes<'a> {
    cfg: &'a mut web::ServiceConfig,
    prefix: &'static str,
}

macro_rules! method {
    ($name:ident, $method:ident) => {
        pub fn $name<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            self.add(path, Method::$method, handler)
        }
    };
}

impl<'a> Routes<'a> {
    /// `prefix` is the scope the config is mounted under ("" at the root).
    pub fn new(cfg: &'a mut web::ServiceConfig, prefix: &'static str) -> Routes<'a> {
        Routes { cfg, prefix }
    }

    method!(get, GET);
    method!(post, POST);
    method!(put, PUT);
    method!(patch, PATCH);
    method!(delete, DELETE);

    fn add<F, Args>(&mut self, path: &str, method: Method, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let name: &'static str = match method {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::PATCH => "PATCH",
            _ => "DELETE",
        };
        record(format!("{}{path}", self.prefix), name);
        self.cfg.route(path, web::method(method).to(handler));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_path_lists_its_methods_with_head_for_get() {
        record("/routes-test/{id}".into(), "GET");
        record("/routes-test/{id}".into(), "POST");
        assert_eq!(allowed_methods("/routes-test/7"), vec!["GET", "HEAD", "POST"]);
        assert!(allowed_methods("/routes-test/7/more").is_empty());
    }
}
