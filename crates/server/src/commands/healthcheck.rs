//! `alpha-motors healthcheck`: the container health probe. Images built on slim bases have no
//! curl, and `/bin/sh` there is dash (no `/dev/tcp`), so the binary probes itself.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::cli::HealthcheckArgs;
use crate::config::Settings;

/// Errors: an unusable URL, no answer in time, or an answer other than 200.
pub fn run(settings: &Settings, args: &HealthcheckArgs) -> anyhow::Result<()> {
    let (host, port, path) = match &args.url {
        Some(url) => parse_http_url(url)?,
        None => (
            local_host(&settings.http.host).to_owned(),
            settings.http.port,
            "/healthz".to_owned(),
        ),
    };
    let timeout = Duration::from_secs(args.timeout_secs.max(1));
    let status = get_status(&host, port, &path, timeout)
        .with_context(|| format!("probing http://{host}:{port}{path}"))?;
    if status != 200 {
        bail!("http://{host}:{port}{path} answered {status}");
    }
    Ok(())
}

/// A server bound to every interface is reached on loopback.
fn local_host(bind: &str) -> &str {
    match bind {
        "0.0.0.0" | "" => "127.0.0.1",
        "::" | "[::]" => "::1",
        other => other,
    }
}

fn parse_http_url(url: &str) -> anyhow::Result<(String, u16, String)> {
    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("{url:?}: only http:// URLs can be probed"))?;
    let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => (
            host,
            port.parse::<u16>()
                .with_context(|| format!("{url:?}: bad port"))?,
        ),
        _ => (authority, 80),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        bail!("{url:?}: no host");
    }
    Ok((host.to_owned(), port, path.to_owned()))
}

fn get_status(host: &str, port: u16, path: &str, timeout: Duration) -> anyhow::Result<u16> {
    let deadline = Instant::now() + timeout;
    let addr = (host, port)
        .to_socket_addrs()
        .context("resolving the host")?
        .next()
        .context("the host has no address")?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).context("connecting")?;
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    stream
        .set_read_timeout(Some(left))
        .context("setting a timeout")?;
    stream
        .set_write_timeout(Some(left))
        .context("setting a timeout")?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\nUser-Agent: alpha-motors-healthcheck\r\n\r\n"
    )
    .context("sending the request")?;
    let mut head = [0_u8; 64];
    let n = stream.read(&mut head).context("reading the answer")?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .filter(|_| line.starts_with("HTTP/1."))
        .with_context(|| {
            format!(
                "not an HTTP answer: {:?}",
                line.lines().next().unwrap_or("")
            )
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn urls_split_into_host_port_and_path() {
        assert_eq!(
            parse_http_url("http://127.0.0.1:3080/healthz").unwrap(),
            ("127.0.0.1".to_owned(), 3080, "/healthz".to_owned())
        );
        assert_eq!(
            parse_http_url("http://app").unwrap(),
            ("app".to_owned(), 80, "/".to_owned())
        );
        assert_eq!(
            parse_http_url("http://[::1]:8080/x").unwrap(),
            ("::1".to_owned(), 8080, "/x".to_owned())
        );
        assert!(parse_http_url("https://app/healthz").is_err());
        assert!(parse_http_url("http://app:port/").is_err());
        assert!(parse_http_url("http://:80/").is_err());
    }

    #[test]
    fn wildcard_binds_are_probed_on_loopback() {
        assert_eq!(local_host("0.0.0.0"), "127.0.0.1");
        assert_eq!(local_host("::"), "::1");
        assert_eq!(local_host("10.0.0.5"), "10.0.0.5");
    }
}
