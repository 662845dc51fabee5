//! Pictures a post links from other sites, fetched once into the store
//! when the post is saved (as Discourse does), so that pages load nothing
//! from other hosts: readers are not tracked, and the CSP stays strict. A
//! picture that cannot be fetched stays a plain link.
//!
//! Fetching for users is a way into the organisation's network (server-side
//! request forgery), so only public addresses are fetched, checked after
//! every redirect, and the connection goes to the address that was checked;
//! an admin may allow named intranet hosts (`SALA_FETCH_ALLOWED_HOSTS`).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures_util::StreamExt;
use pulldown_cmark::{Event, Parser, Tag};
use reqwest::Url;

use super::store::Store;
use super::upload::{self, Incoming, Spool};
use crate::authz::Viewer;
use crate::config::FileSettings;
use crate::db::Db;
use crate::error::{Error, Result};

/// Pictures fetched per save at most; the rest stay links.
const MAX_PER_POST: usize = 10;
const MAX_REDIRECTS: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(10);

/// The pictures `markdown` shows from other hosts (`http`/`https`).
fn remote_pictures(markdown: &str, own_host: Option<&str>) -> Vec<String> {
    let mut urls: Vec<String> = Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .filter(|url| {
            Url::parse(url).is_ok_and(|u| {
                matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && u.host_str() != own_host
            })
        })
        .collect();
    urls.dedup();
    urls.truncate(MAX_PER_POST);
    urls
}

/// Addresses anyone on the internet can reach: not this machine, not the
/// organisation's private networks, not link-local (cloud metadata).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

/// Where `url` may be fetched from: an address that was checked.
async fn checked_address(url: &Url, allowed_hosts: &[String]) -> Result<SocketAddr> {
    let refused = || Error::invalid("url", "error-fetch-refused");
    let host = url.host_str().ok_or_else(refused)?.to_lowercase();
    let port = url.port_or_known_default().ok_or_else(refused)?;
    let allowed = allowed_hosts.iter().any(|h| *h == host || *h == format!("{host}:{port}"));
    let host_for_lookup = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let addrs: Vec<SocketAddr> =
        tokio::net::lookup_host((host_for_lookup.as_str(), port)).await.map_err(|_| refused())?.collect();
    let first = *addrs.first().ok_or_else(refused)?;
    if !allowed && !addrs.iter().all(|a| is_public(a.ip())) {
        tracing::info!(%host, "a picture's host is not on a public address; not fetched");
        return Err(refused());
    }
    Ok(first)
}

/// Fetches one picture into a temporary file, within the size limit.
async fn fetch(url: &str, settings: &FileSettings, tmp: &std::path::Path) -> Result<Incoming> {
    let refused = || Error::invalid("url", "error-fetch-refused");
    let mut url = Url::parse(url).map_err(|_| refused())?;
    for _ in 0..=MAX_REDIRECTS {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused());
        }
        let address = checked_address(&url, &settings.fetch_allowed_hosts).await?;
        let host = url.host_str().ok_or_else(refused)?.to_owned();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .resolve(&host, address)
            .build()
            .map_err(|e| Error::internal(format!("cannot make an HTTP client: {e}")))?;
        let res = client.get(url.clone()).send().await.map_err(|_| refused())?;
        if res.status().is_redirection() {
            let next =
                res.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok()).ok_or_else(refused)?;
            url = url.join(next).map_err(|_| refused())?;
            continue;
        }
        if !res.status().is_success() {
            return Err(refused());
        }
        if res.content_length().is_some_and(|len| len > settings.max_file_bytes) {
            return Err(Error::FileTooLarge { limit_mb: (settings.max_file_bytes / (1024 * 1024)) as i64 });
        }
        let name = url.path_segments().and_then(|mut s| s.next_back()).filter(|n| !n.is_empty()).unwrap_or("image");
        let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy().into_owned();
        let mut spool = Spool::new(tmp, settings.max_file_bytes).await?;
        let mut body = res.bytes_stream();
        while let Some(chunk) = body.next().await {
            spool.write(&chunk.map_err(|_| refused())?).await?;
            if spool.over_limit() {
                break;
            }
        }
        return spool.finish(name).await;
    }
    Err(refused())
}

/// What saving a post needs to fetch its pictures.
pub struct Fetching<'a> {
    pub db: &'a Db,
    pub store: &'a Store,
    pub settings: &'a FileSettings,
    pub data_dir: &'a std::path::Path,
    pub base_url: &'a str,
}

/// `markdown` with each picture from another host replaced by Sala's copy
/// in `community_slug` (uploaded as `viewer`); pictures that cannot be
/// fetched, or are not pictures, are left as they are.
pub async fn localise(ctx: &Fetching<'_>, viewer: Viewer, community_slug: &str, markdown: &str) -> String {
    let own_host = Url::parse(ctx.base_url).ok().and_then(|u| u.host_str().map(str::to_owned));
    let mut text = markdown.to_owned();
    for url in remote_pictures(markdown, own_host.as_deref()) {
        let kept = async {
            let incoming = fetch(&url, ctx.settings, &ctx.data_dir.join("tmp")).await?;
            // Only its first bytes: the rest is read once, by `keep`.
            let kind = upload::identify(&incoming.path, &incoming.file_name, &ctx.settings.allowed_types)?;
            if kind.image.is_none() {
                return Err(Error::invalid("url", "error-file-type"));
            }
            upload::keep(ctx.db, ctx.store, ctx.settings, viewer, community_slug, incoming).await
        }
        .await;
        match kept {
            Ok(attachment) => text = text.replace(&format!("]({url}"), &format!("]({}", attachment.url())),
            Err(e) => tracing::info!(%url, error = %e, "a linked picture was not fetched; it stays a link"),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "203.150.0.1", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_other_hosts_pictures_are_fetched() {
        let md = "![a](https://cdn.example.org/a.png) ![b](/files/1/b.png) ![c](https://sala.example.go.th/files/2/c.png) [d](https://x.org/d.png)";
        assert_eq!(remote_pictures(md, Some("sala.example.go.th")), vec!["https://cdn.example.org/a.png"]);
    }
}
