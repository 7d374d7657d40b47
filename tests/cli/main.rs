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
mod malformed;
mod mergedriver;
mod nospace;
mod report;
mod scoring;
mod serve;
mod sync;
mod watch;
mod workflows;
