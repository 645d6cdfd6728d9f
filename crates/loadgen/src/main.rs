//! `ocomms-loadgen`: the command line over the scenarios in the library. Prints a readable
//! summary, or JSON with `--json`; exits with status 2 when a scenario lost, doubled or
//! misdelivered an event.

use std::sync::Arc;

use anyhow::bail;
use clap::{Args, Parser, Subcommand};
use ocomms_loadgen::scenario::search::{self, fill::Layout};
use ocomms_loadgen::scenario::{fanout, idle, ingest, reconnect, threads};
use ocomms_loadgen::{Connector, ServerProcess};

#[derive(Parser)]
#[command(
    name = "ocomms-loadgen",
    about = "Load scenarios against OComms servers (start them with --no-auth-rate-limits)"
)]
struct Cli {
    /// Server base URL; repeat (or separate with commas) for several nodes
    #[arg(
        long,
        default_value = "http://127.0.0.1:3000",
        global = true,
        value_delimiter = ','
    )]
    url: Vec<String>,
    /// Connect from this many loopback addresses (127.0.0.1, .2, …): each gives ~28,000
    /// ports towards one server
    #[arg(long, default_value_t = 1, global = true)]
    source_addresses: usize,
    /// PID of the server process on this machine, to report its memory and CPU
    #[arg(long, global = true)]
    server_pid: Option<u32>,
    /// Print the result as JSON
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// N authenticated connections held idle: server memory per connection and idle CPU
    Idle {
        #[arg(long, default_value_t = 1000)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        users: usize,
        /// Seconds to hold the connections before measuring
        #[arg(long, default_value_t = 2.0)]
        hold: f64,
        /// Then post one message of the longest length (40,000 characters) to a channel of
        /// every load user and measure again: the server's RSS should come back to within
        /// 10 % of before (issue 18: a connection kept a write buffer of its largest frame)
        #[arg(long)]
        large_message: bool,
    },
    /// C channels × M members, messages at a fixed rate: deliveries/s, send→deliver latency,
    /// and every member gets every message exactly once
    Fanout(FanoutArgs),
    /// The fanout scenario with connections and senders spread over several nodes (--url)
    Nodes(FanoutArgs),
    /// Concurrent senders posting as fast as acknowledged: messages/s and ack latency
    Ingest {
        #[arg(long, default_value_t = 64)]
        senders: usize,
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// How messages are posted: `post` frames over each user's WebSocket, or REST
        #[arg(long, value_enum, default_value_t = ingest::Over::Socket)]
        over: ingest::Over,
    },
    /// N connections drop at once, messages are posted, all resume at once: time until all
    /// caught up, and nothing missed
    Reconnect {
        #[arg(long, default_value_t = 1000)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        users: usize,
        /// Messages posted while they are away
        #[arg(long, default_value_t = 20)]
        missed: u64,
        #[arg(long, default_value_t = 60.0)]
        timeout: f64,
        /// Seconds to keep the connections open after measuring (to inspect the server)
        #[arg(long, default_value_t = 0.0)]
        hold: f64,
    },
    /// A user following many threads asks for All threads again and again: its latency
    Threads {
        /// Threads the user follows (each started by them, with one reply)
        #[arg(long, default_value_t = 1000)]
        threads: usize,
        #[arg(long, default_value_t = 500)]
        requests: usize,
        /// Threads per page
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Search in a big workspace: writes it once straight into the server's database (give
    /// the server's --database-url), then searches through the API as someone in some of it
    Search(SearchArgs),
}

#[derive(Args)]
struct SearchArgs {
    /// The database the server runs on (sqlite://… or postgres://…)
    #[arg(long)]
    database_url: String,
    #[arg(long, default_value_t = 10_000_000)]
    messages: u64,
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    #[arg(long, default_value_t = 1_000)]
    channels: usize,
    /// Members of each channel
    #[arg(long, default_value_t = 200)]
    members_per_channel: usize,
    /// Channels the searcher is in
    #[arg(long, default_value_t = 100)]
    searcher_channels: usize,
    /// Years of history
    #[arg(long, default_value_t = 5)]
    years: u32,
    /// Requests of each kind (single words; phrase + from: + after:)
    #[arg(long, default_value_t = 600)]
    requests: usize,
}

impl SearchArgs {
    fn options(&self) -> search::SearchOptions {
        search::SearchOptions {
            database_url: self.database_url.clone(),
            layout: Layout {
                messages: self.messages,
                users: self.users,
                channels: self.channels,
                members_per_channel: self.members_per_channel,
                searcher_channels: self.searcher_channels,
                years: self.years,
                seed: 16,
            },
            requests: self.requests,
        }
    }
}

#[derive(Args)]
struct FanoutArgs {
    #[arg(long, default_value_t = 10)]
    channels: usize,
    #[arg(long, default_value_t = 100)]
    members: usize,
    /// Load users [default: members]
    #[arg(long)]
    users: Option<usize>,
    /// WebSocket connections [default: users]
    #[arg(long)]
    connections: Option<usize>,
    /// Messages per second, over all channels
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Seconds to wait for the last deliveries
    #[arg(long, default_value_t = 10.0)]
    drain: f64,
    /// Posts awaiting acknowledgement at most
    #[arg(long, default_value_t = 1024)]
    max_in_flight: usize,
    /// Send reactions (👍 on a message posted beforehand for each) instead of messages
    #[arg(long)]
    react: bool,
    /// Start every message with this, e.g. `@channel`: everyone is mentioned (and notified)
    #[arg(long)]
    mention: Option<String>,
}

impl FanoutArgs {
    fn options(&self) -> fanout::FanoutOptions {
        let users = self.users.unwrap_or(self.members);
        fanout::FanoutOptions {
            channels: self.channels,
            members: self.members,
            users,
            connections: self.connections.unwrap_or(users),
            rate: self.rate,
            seconds: self.seconds,
            drain_seconds: self.drain,
            max_in_flight: self.max_in_flight,
            react: self.react,
            mention: self.mention.clone(),
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let connector = Arc::new(Connector::new(&cli.url, cli.source_addresses).await?);
    let server = cli.server_pid.map(|pid| ServerProcess { pid });
    let correct = match &cli.scenario {
        Scenario::Idle {
            connections,
            users,
            hold,
            large_message,
        } => {
            let Some(server) = server else {
                bail!("idle measures the server's memory: give --server-pid");
            };
            let options = idle::IdleOptions {
                connections: *connections,
                users: *users,
                hold_seconds: *hold,
                large_message: *large_message,
            };
            let report = idle::run(connector, &options, server).await?;
            print(&cli, &report)?;
            if report
                .large_message
                .as_ref()
                .is_some_and(|l| !l.within_ten_percent)
            {
                eprintln!("FAILED: the server kept the large message's memory");
                std::process::exit(2);
            }
            true
        }
        Scenario::Fanout(args) => {
            let report = fanout::run(connector, &args.options(), server).await?;
            print(&cli, &report)?;
            report.is_correct()
        }
        Scenario::Nodes(args) => {
            if connector.nodes() < 2 {
                bail!("nodes needs two or more servers: --url http://…,http://…");
            }
            let report = fanout::run(connector, &args.options(), server).await?;
            print(&cli, &report)?;
            report.is_correct()
        }
        Scenario::Ingest {
            senders,
            seconds,
            over,
        } => {
            let options = ingest::IngestOptions {
                senders: *senders,
                seconds: *seconds,
                over: *over,
            };
            print(&cli, &ingest::run(connector, &options, server).await?)?;
            true
        }
        Scenario::Reconnect {
            connections,
            users,
            missed,
            timeout,
            hold,
        } => {
            let options = reconnect::ReconnectOptions {
                users: *users,
                connections: *connections,
                missed: *missed,
                timeout_seconds: *timeout,
                hold_seconds: *hold,
            };
            let report = reconnect::run(connector, &options, server).await?;
            print(&cli, &report)?;
            report.is_correct()
        }
        Scenario::Threads {
            threads,
            requests,
            limit,
        } => {
            let options = threads::ThreadsOptions {
                threads: *threads,
                requests: *requests,
                limit: *limit,
            };
            print(&cli, &threads::run(connector, &options, server).await?)?;
            true
        }
        Scenario::Search(args) => {
            print(
                &cli,
                &search::run(connector, &args.options(), server).await?,
            )?;
            true
        }
    };
    if !correct {
        eprintln!("FAILED: events were lost, doubled, reordered or misdelivered");
        std::process::exit(2);
    }
    Ok(())
}

fn print<R: serde::Serialize + std::fmt::Display>(cli: &Cli, report: &R) -> anyhow::Result<()> {
    if cli.json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("{report}");
    }
    Ok(())
}
