//! Integration tests: the real `kith` binary on temporary copies of workspaces, in real git
//! repositories. One test binary (one link step) with a module per area.

mod harness;

mod cache;
mod commands;
mod contract;
mod crash;
mod demo;
mod discovery;
mod docs;
mod duplicates;
mod export;
mod forget;
mod formats;
mod hostile;
mod import;
mod ingest;
mod input;
mod install;
mod lifecycle;
mod limits;
mod lossfree;
mod lsp;
mod malformed;
mod mergedriver;
mod nospace;
mod report;
mod report_deals;
mod report_digest;
mod report_feed;
mod report_lists;
mod report_phone;
mod report_week;
mod scoring;
mod serve;
mod sync;
mod tree;
mod vendor;
mod watch;
mod workflows;
