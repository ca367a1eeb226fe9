//! `alpha-motors`: the Alpha Motors backend server and its maintenance commands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    alpha_server::run().await
}
