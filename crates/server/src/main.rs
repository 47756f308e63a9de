use clap::Parser;
use lectern_server::cli::{self, Cli};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lectern: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
