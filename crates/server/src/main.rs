use clap::Parser;
use lectern_server::cli::{self, Cli};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lectern: {e}");
            // 2: refused before doing anything (a usage error), as clap does for bad flags.
            if e.downcast_ref::<lectern_server::export::Refused>()
                .is_some()
            {
                std::process::ExitCode::from(2)
            } else {
                std::process::ExitCode::FAILURE
            }
        }
    }
}
