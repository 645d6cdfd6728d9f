//! The WebSocket's edges, over real sockets: unreadable first frames, the per-session cap
//! and the frame size limit each end the connection with a close code and a reason.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use ocomms_proto::realtime::{
    CLOSE_RESUME_FIRST, CLOSE_TOO_BIG, CLOSE_TOO_MANY_SOCKETS, CLOSE_UNREADABLE,
    MAX_CLIENT_FRAME_BYTES, MAX_RESUME_POSITIONS, MAX_SOCKETS_PER_SESSION,
};
use ocomms_store::testing::TestDb;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{PASSWORD, TestServer};

ocomms_store::backend_tests!(
    an_unreadable_first_frame_closes_with_a_reason,
    a_session_holds_a_bounded_number_of_sockets,
    frames_are_read_up_to_the_longest_client_frame,
    a_long_server_message_is_one_whole_frame,
);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(s: &TestServer, token: &str) -> Socket {
    let url = format!("{}/api/v1/ws", s.url().replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
}

/// The next message that is not a WebSocket ping or pong, within 10 s.
async fn next(socket: &mut Socket) -> Option<Message> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            Ok(Some(Ok(message))) => return Some(message),
            Ok(_) => return None,
            Err(_) => panic!("nothing from the server within 10 s"),
        }
    }
}

/// The text of the next frame, which must be one whose `type` is `kind`.
async fn expect_frame(socket: &mut Socket, kind: &str) -> serde_json::Value {
    match next(socket).await {
        Some(Message::Text(text)) => {
            let frame: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
            assert_eq!(frame["type"], kind, "{frame}");
            frame
        }
        other => panic!("expected {kind}, got {other:?}"),
    }
}

/// The close frame that must come next: its code and reason.
async fn expect_close(socket: &mut Socket) -> (u16, String) {
    loop {
        match next(socket).await {
            Some(Message::Close(Some(frame))) => {
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Some(Message::Text(text)) if text.as_str().contains("\"error\"") => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

async fn signed_in(s: &TestServer) -> (String, String) {
    let client = s.sign_up("ada@example.com", "Ada").await;
    let mut second = s.client();
    second.sign_in("ada@example.com", PASSWORD).await.unwrap();
    (
        client.token().unwrap().to_owned(),
        second.token().unwrap().to_owned(),
    )
}

async fn an_unreadable_first_frame_closes_with_a_reason(db: TestDb) {
    let s = TestServer::start(db).await;
    let (token, _) = signed_in(&s).await;
    let cases: [(Message, u16); 3] = [
        (Message::Binary(vec![1, 2, 3].into()), CLOSE_UNREADABLE),
        (Message::Text("not json".into()), CLOSE_UNREADABLE),
        (
            Message::Text(r#"{"type":"ping"}"#.into()),
            CLOSE_RESUME_FIRST,
        ),
    ];
    for (first, expected) in cases {
        let mut socket = connect(&s, &token).await;
        expect_frame(&mut socket, "hello").await;
        socket.send(first.clone()).await.unwrap();
        let (code, reason) = expect_close(&mut socket).await;
        assert_eq!(code, expected, "{first:?}: {reason}");
        assert!(!reason.is_empty(), "a reason is given for {first:?}");
    }
    // After the handshake a binary frame gets an error frame and the connection stays.
    let mut socket = connect(&s, &token).await;
    expect_frame(&mut socket, "hello").await;
    socket
        .send(Message::Text(r#"{"type":"resume"}"#.into()))
        .await
        .unwrap();
    expect_frame(&mut socket, "ready").await;
    socket.send(Message::Binary(vec![0].into())).await.unwrap();
    expect_frame(&mut socket, "error").await;
    socket
        .send(Message::Text(r#"{"type":"ping"}"#.into()))
        .await
        .unwrap();
    expect_frame(&mut socket, "pong").await;
}

async fn a_session_holds_a_bounded_number_of_sockets(db: TestDb) {
    let s = TestServer::start(db).await;
    let (token, other_session) = signed_in(&s).await;
    let mut open = Vec::new();
    for _ in 0..MAX_SOCKETS_PER_SESSION {
        let mut socket = connect(&s, &token).await;
        expect_frame(&mut socket, "hello").await;
        open.push(socket);
    }
    let mut refused = connect(&s, &token).await;
    let (code, reason) = expect_close(&mut refused).await;
    assert_eq!(code, CLOSE_TOO_MANY_SOCKETS);
    assert!(reason.contains("Too many connections"), "{reason}");

    // Another session of the same person is counted apart.
    let mut other = connect(&s, &other_session).await;
    expect_frame(&mut other, "hello").await;

    // Closing one frees its place.
    let mut closing = open.pop().unwrap();
    closing.close(None).await.unwrap();
    while next(&mut closing).await.is_some() {}
    let mut again = None;
    for _ in 0..50 {
        let mut socket = connect(&s, &token).await;
        match next(&mut socket).await {
            Some(Message::Text(hello)) if hello.as_str().contains("hello") => {
                again = Some(socket);
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert!(again.is_some(), "a closed socket frees its place");
}

/// A `resume` of exactly `len` bytes: many workspaces, padded with whitespace.
fn resume_of(len: usize) -> String {
    let entries: Vec<String> = (0..MAX_RESUME_POSITIONS)
        .map(|n| format!("\"{}\":{}", i64::MIN + n as i64, i64::MIN))
        .collect();
    let mut frame = format!(
        "{{\"type\":\"resume\",\"positions\":{{{}}}}}",
        entries.join(",")
    );
    assert!(frame.len() <= len, "{} > {len}", frame.len());
    frame.insert_str(1, &" ".repeat(len - frame.len()));
    frame
}

async fn frames_are_read_up_to_the_longest_client_frame(db: TestDb) {
    let s = TestServer::start(db).await;
    let (token, _) = signed_in(&s).await;
    // The longest legal frame is read (the unknown workspaces are ignored).
    let mut socket = connect(&s, &token).await;
    expect_frame(&mut socket, "hello").await;
    socket
        .send(Message::Text(resume_of(MAX_CLIENT_FRAME_BYTES).into()))
        .await
        .unwrap();
    expect_frame(&mut socket, "ready").await;
    // One byte more, live, ends the connection.
    socket
        .send(Message::Text(
            format!(" {}", " ".repeat(MAX_CLIENT_FRAME_BYTES)).into(),
        ))
        .await
        .unwrap();
    assert_eq!(expect_close(&mut socket).await.0, CLOSE_TOO_BIG);

    // And as the first frame.
    let mut socket = connect(&s, &token).await;
    expect_frame(&mut socket, "hello").await;
    socket
        .send(Message::Text(resume_of(MAX_CLIENT_FRAME_BYTES + 1).into()))
        .await
        .unwrap();
    let (code, reason) = expect_close(&mut socket).await;
    assert_eq!(code, CLOSE_TOO_BIG, "{reason}");
}

/// The wire itself, below any WebSocket library: a client that reads raw frames gets each
/// server message as one final text frame, however long (ADR 0028), and the control frames
/// the library answers with (pong) never land inside one.
async fn a_long_server_message_is_one_whole_frame(db: TestDb) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Control, Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::{Frame, FrameHeader};

    /// One frame off the wire: its header and payload (server frames are not masked).
    async fn read_frame(tcp: &mut TcpStream, buffer: &mut Vec<u8>) -> (FrameHeader, Vec<u8>) {
        loop {
            let mut cursor = std::io::Cursor::new(&buffer[..]);
            if let Some((header, len)) = FrameHeader::parse(&mut cursor).unwrap() {
                let start = usize::try_from(cursor.position()).unwrap();
                let end = start + usize::try_from(len).unwrap();
                if buffer.len() >= end {
                    let payload = buffer[start..end].to_vec();
                    buffer.drain(..end);
                    assert!(header.mask.is_none(), "server frames are not masked");
                    return (header, payload);
                }
            }
            let mut chunk = [0; 16 * 1024];
            let read = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut chunk))
                .await
                .expect("a frame within 10 s")
                .unwrap();
            assert!(read > 0, "the server closed the connection");
            buffer.extend_from_slice(&chunk[..read]);
        }
    }
    /// A client frame, masked as RFC 6455 requires.
    fn masked(opcode: OpCode, payload: &[u8]) -> Vec<u8> {
        let header = FrameHeader {
            opcode,
            mask: Some([7, 1, 9, 3]),
            ..FrameHeader::default()
        };
        let frame = Frame::from_payload(header, payload.to_vec().into());
        let mut wire = Vec::new();
        frame.format(&mut wire).unwrap();
        wire
    }

    let s = TestServer::start(db).await;
    let t = s.team().await;
    let general = t.general().await;
    let address = s.url().trim_start_matches("http://").to_owned();
    let mut tcp = TcpStream::connect(&address).await.unwrap();
    let request = format!(
        "GET /api/v1/ws HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {}\r\n\r\n",
        t.member.token().unwrap()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut chunk = [0; 1024];
        let read = tcp.read(&mut chunk).await.unwrap();
        assert!(read > 0, "no answer to the handshake");
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    buffer.drain(..head_end);

    let text_frame = |(header, payload): (FrameHeader, Vec<u8>)| -> serde_json::Value {
        assert!(header.is_final, "a whole message in one frame");
        assert_eq!(header.opcode, OpCode::Data(Data::Text));
        serde_json::from_slice(&payload).unwrap()
    };
    let hello = text_frame(read_frame(&mut tcp, &mut buffer).await);
    assert_eq!(hello["type"], "hello");
    tcp.write_all(&masked(OpCode::Data(Data::Text), br#"{"type":"resume"}"#))
        .await
        .unwrap();
    assert_eq!(
        text_frame(read_frame(&mut tcp, &mut buffer).await)["type"],
        "ready"
    );

    // About 80 KB of event: body and HTML, two- and four-byte characters.
    let body = "é🎉a".repeat(10_000);
    t.admin.post_message(general, &body, None).await.unwrap();
    let event = loop {
        let frame = text_frame(read_frame(&mut tcp, &mut buffer).await);
        if frame["type"] == "event" && frame["event"]["payload"]["type"] == "message_posted" {
            break frame;
        }
    };
    assert_eq!(event["event"]["payload"]["message"]["body"], body.as_str());

    // A WebSocket ping (answered by the library) and a protocol ping (answered by us) come
    // back as whole frames of their own, whatever else is being written.
    t.admin.post_message(general, &body, None).await.unwrap();
    tcp.write_all(&masked(OpCode::Control(Control::Ping), b"are you there"))
        .await
        .unwrap();
    tcp.write_all(&masked(OpCode::Data(Data::Text), br#"{"type":"ping"}"#))
        .await
        .unwrap();
    let (mut pong, mut protocol_pong, mut second) = (false, false, false);
    while !(pong && protocol_pong && second) {
        let (header, payload) = read_frame(&mut tcp, &mut buffer).await;
        if header.opcode == OpCode::Control(Control::Pong) {
            assert_eq!(payload, b"are you there");
            pong = true;
            continue;
        }
        let frame = text_frame((header, payload));
        match frame["type"].as_str() {
            Some("pong") => protocol_pong = true,
            Some("event") if frame["event"]["payload"]["type"] == "message_posted" => {
                assert_eq!(frame["event"]["payload"]["message"]["body"], body.as_str());
                second = true;
            }
            _ => {}
        }
    }
}
