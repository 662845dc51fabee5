//! Sala: a community-of-practice webboard that turns discussion into
//! curated knowledge. See ARCHITECTURE.md for the map.

pub mod accounts;
pub mod answer_invitations;
pub mod audit;
pub mod authz;
pub mod cli;
pub mod communities;
pub mod config;
pub mod db;
pub mod demo;
pub mod digests;
pub mod error;
pub mod experts;
pub mod files;
pub mod health;
pub mod i18n;
pub mod insights;
pub mod kmplan;
pub mod knowledge;
pub mod markdown;
pub mod memberships;
pub mod mentions;
pub mod moderation;
pub mod notifications;
pub mod outbox;
pub mod search;
pub mod similar;
pub mod subscriptions;
pub mod tags;
pub mod threads;
pub mod throttle;
pub mod vocab;
pub mod watching;
pub mod web;
