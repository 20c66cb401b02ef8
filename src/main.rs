//! `ferrodis-server [configfile|-] [--directive value ...]`: the same
//! command line as `redis-server`.

use argh::FromArgs;

#[global_allocator]
static GLOBAL: ferrodis::alloc::CountingAlloc<tikv_jemallocator::Jemalloc> = ferrodis::alloc::CountingAlloc(tikv_jemallocator::Jemalloc);

#[derive(FromArgs)]
/// ferrodis-server: a Redis-compatible in-memory data store.
///
/// Usage: ferrodis-server [/path/to/redis.conf] [options] [-]
/// Examples: ferrodis-server /etc/redis/6379.conf;
/// ferrodis-server --port 7777 --replicaof 127.0.0.1 8888;
/// ferrodis-server /etc/myredis.conf --loglevel verbose -
struct Cli {
    /// print the version and exit
    #[argh(switch, short = 'v')]
    version: bool,
    /// a config file path (or - for stdin), then --directive value groups
    #[argh(positional, greedy)]
    rest: Vec<String>,
}

fn main() {
    let raw: Vec<String> = std::env::args().collect();
    let prog = raw.first().cloned().unwrap_or_else(|| "ferrodis-server".into());
    // argh owns -v/--version and -h/--help; everything else is handed to
    // the config module after a "--" so argh does not try to parse it.
    let mut argh_args: Vec<String> = Vec::new();
    let mut rest_started = false;
    for a in raw.iter().skip(1) {
        if !rest_started && matches!(a.as_str(), "-v" | "--version" | "-h" | "--help") {
            argh_args.push(a.clone());
        } else {
            if !rest_started {
                argh_args.push("--".into());
                rest_started = true;
            }
            argh_args.push(a.clone());
        }
    }
    let refs: Vec<&str> = argh_args.iter().map(|s| s.as_str()).collect();
    let cli: Cli = match Cli::from_args(&[&prog], &refs) {
        Ok(c) => c,
        Err(early) => {
            // --help output, or an argh error.
            match early.status {
                Ok(()) => {
                    println!("{}", early.output);
                    std::process::exit(0);
                }
                Err(()) => {
                    eprintln!("{}", early.output);
                    std::process::exit(1);
                }
            }
        }
    };
    if cli.version {
        println!(
            "Redis server v={} sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ferrodis-{}",
            ferrodis::server::REDIS_VERSION,
            ferrodis::server::FERRODIS_VERSION
        );
        std::process::exit(0);
    }
    std::process::exit(ferrodis::server::start::run(&cli.rest));
}
