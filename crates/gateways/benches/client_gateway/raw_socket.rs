//! A bare Socket.IO client for the idle sockets of the client driver: Engine.IO v4 straight over
//! WebSocket (no polling, no upgrade), namespace `/`, answering the server's pings and nothing
//! else. rust_socketio spent about thirty times the server's CPU opening the same sockets, so with
//! it the bench measured the client and stopped near 3,500 sockets on two cores.

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Engine.IO packet types, as the first character of a text frame.
const EIO_OPEN: char = '0';
const EIO_PING: &str = "2";
const EIO_PONG: &str = "3";
/// Socket.IO packets ride in Engine.IO `message` frames (`4`): connect `0`, event `2`,
/// connect error `4`; the namespace `/` is implied when none is written.
const SIO_CONNECT: &str = "40";
const SIO_CONNECT_ERROR: &str = "44";
const SIO_CONNECTED_EVENT: &str = "42[\"connected\"";

/// `base`: the gateway's `http://host:port/`; the WebSocket endpoint of its `/socket.io` path.
pub fn websocket_url(base: &str) -> String {
    let host = base.trim_end_matches('/');
    let host = host.strip_prefix("http://").unwrap_or(host);
    format!("ws://{host}/socket.io/?EIO=4&transport=websocket")
}

/// Opens one socket authenticated with `token` (`auth.token`, as the app sends it) and returns
/// once the gateway has emitted `connected`.
pub async fn open(url: &str, token: &str) -> Result<Socket, String> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| format!("websocket: {e}"))?;
    let first = next_text(&mut ws).await?;
    if !first.starts_with(EIO_OPEN) {
        return Err(format!("no Engine.IO open packet: {first:.60}"));
    }
    let connect = format!("{SIO_CONNECT}{}", serde_json::json!({ "token": token }));
    send(&mut ws, connect).await?;
    loop {
        let text = next_text(&mut ws).await?;
        if text == EIO_PING {
            send(&mut ws, EIO_PONG.to_owned()).await?;
        } else if let Some(why) = text.strip_prefix(SIO_CONNECT_ERROR) {
            return Err(format!("refused: {why}"));
        } else if text.starts_with(SIO_CONNECTED_EVENT) {
            return Ok(ws);
        }
    }
}

/// Keeps an opened socket alive (pongs) until the server closes it or the connection fails.
pub async fn hold(mut ws: Socket) {
    while let Ok(text) = next_text(&mut ws).await {
        if text == EIO_PING && send(&mut ws, EIO_PONG.to_owned()).await.is_err() {
            break;
        }
    }
}

async fn send(ws: &mut Socket, text: String) -> Result<(), String> {
    ws.send(Message::text(text))
        .await
        .map_err(|e| format!("websocket send: {e}"))
}

/// The next text frame; control frames are handled by tungstenite.
async fn next_text(ws: &mut Socket) -> Result<String, String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_owned()),
            Some(Ok(Message::Close(_))) | None => return Err("closed by the server".to_owned()),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("websocket: {e}")),
        }
    }
}
