//! Sala's integration suite: every test runs a real server against a fresh
//! database, on SQLite and on PostgreSQL.

mod harness;

mod accounts;
mod answer_invitations;
mod api_parity;
mod attachments;
mod browser;
mod caching;
mod code_health;
mod digests;
mod directory;
mod errors;
mod experts;
mod feeds;
mod flags;
mod flows;
mod hardening;
mod insights;
mod invitations;
mod km_plans;
mod knowledge;
mod large_threads;
mod mentions;
mod metrics;
mod moderation;
mod notifications;
pub mod oidc;
mod openapi;
mod operations;
mod privacy;
mod schema;
mod search;
mod search_set;
mod search_words;
mod security;
mod similar;
mod smtp;
mod storage;
mod tags;
mod thai;
mod watching;
