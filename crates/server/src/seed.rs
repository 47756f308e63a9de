//! `lectern seed`: generated content for benchmarks.

use crate::bootstrap;
use crate::config::Config;
use crate::BoxResult;
use lectern_domain::{Role, UserId};
use lectern_service::inputs::ArticleInput;
use lectern_service::{Caller, Service, TechnologyQuery};
use std::io::Write;
use std::time::Instant;

const WORDS: &[&str] = &[
    "backend",
    "latency",
    "cache",
    "throughput",
    "schema",
    "index",
    "query",
    "cursor",
    "webhook",
    "sync",
    "export",
    "deploy",
    "scale",
    "replica",
    "container",
    "serverless",
    "framework",
    "runtime",
    "graph",
    "content",
];

pub async fn articles(service: &Service, config: &Config, count: usize) -> BoxResult<()> {
    bootstrap::ensure_admin(service, config).await?;
    let admin = service.first_admin().await?.ok_or("no admin")?;
    let caller = Caller::User {
        id: UserId(admin.id),
        role: Role::Admin,
    };
    let techs: Vec<String> = service
        .list::<lectern_service::Technology>(
            &caller,
            TechnologyQuery {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|t| t.slug)
        .collect();
    let started = Instant::now();
    // One transaction and one statement per table per batch (bulk import).
    let batch = 1000;
    let run = uuid::Uuid::now_v7().simple().to_string();
    let mut done = 0;
    while done < count {
        let n = batch.min(count - done);
        let inputs: Vec<ArticleInput> = (done..done + n)
            .map(|i| {
                let w = |k: usize| WORDS[(i / k + k) % WORDS.len()];
                let mut technologies = vec![];
                if !techs.is_empty() {
                    technologies.push(techs[i % techs.len()].clone());
                    technologies.push(techs[(i * 7 + 3) % techs.len()].clone());
                }
                technologies.dedup();
                ArticleInput {
                    title: Some(Some(format!("{} {} and {} #{i}", w(1), w(3), w(7)))),
                    slug: Some(Some(format!("seed-{}-{i}", &run[run.len() - 8..]))),
                    summary: Some(Some(format!("Generated article {i} about {} and {}.", w(2), w(5)))),
                    body: Some(Some(format!(
                        "## {}\n\nGenerated body for article {i}. It talks about **{}**, {} and {}.\n\n- one\n- two\n",
                        w(1), w(2), w(3), w(4)
                    ))),
                    tags: Some(Some(vec![w(1).to_owned(), w(11).to_owned()])),
                    technologies: Some(Some(technologies)),
                    status: Some(Some("published".into())),
                    ..Default::default()
                }
            })
            .collect();
        service.bulk_import_articles(&caller, inputs).await?;
        done += n;
        eprint!("\rseeded {done}/{count}");
        let _ = std::io::stderr().flush();
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!();
    println!(
        "seeded {count} articles in {secs:.1}s ({:.0}/s)",
        count as f64 / secs.max(0.001)
    );
    Ok(())
}
