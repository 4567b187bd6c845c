//! Hello world, async: a REP server task and a REQ client on one tokio
//! runtime, over tcp.
//!
//! Run with `cargo run -p ferrozmq --example async_hello --features tokio`.

use ferrozmq::aio::TokioSocket;
use ferrozmq::{Context, Result, SocketType};

fn main() -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(hello())
}

async fn hello() -> Result<()> {
    let ctx = Context::new();

    let mut server = TokioSocket::new(ctx.socket(SocketType::Rep)?)?;
    server.get_mut().bind("tcp://127.0.0.1:*")?;
    let endpoint = server.get_ref().last_endpoint().to_owned();

    let replies = tokio::spawn(async move {
        for _ in 0..3 {
            let request = server.recv().await?;
            let text = request.as_str().unwrap_or("?").to_owned();
            server.send(format!("World (to {text})")).await?;
        }
        Ok::<(), ferrozmq::Error>(())
    });

    let mut client = TokioSocket::new(ctx.socket(SocketType::Req)?)?;
    client.get_mut().connect(&endpoint)?;
    for n in 0..3 {
        client.send(format!("Hello {n}")).await?;
        let reply = client.recv().await?;
        println!("{}", reply.as_str().unwrap_or("?"));
    }
    replies
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
    Ok(())
}
