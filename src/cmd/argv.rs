//! The command line before clap reads it. A positional that takes values starting with `-`
//! (`kith tag ada +vip -cold`) would, left to clap, swallow every option after it as a value:
//! `--dry-run` became a tag to remove and `--color never` the tag `never`, and the command
//! wrote. Here kith's own options stay options wherever they stand, for every subcommand whose
//! positionals accept such values.

use clap::error::ErrorKind;
use clap::{Arg, Command};
use std::ffi::{OsStr, OsString};

/// `args` (the program's name first) as clap should read them: for a subcommand with a
/// positional that allows hyphen values, its options (with their values) are moved before its
/// positional values, which follow a `--`. A `--word` that is none of its options is a usage
/// error, with a did-you-mean and the way to give such a value (after `--`). A single `-x`
/// is an option only when it is exactly one of the subcommand's short options (`-C`, `-h`);
/// otherwise it is a value (`-cold` removes the tag `cold`). Anything after a `--` the user
/// typed is a value. Other command lines are returned unchanged.
pub fn normalize(cli: &Command, args: Vec<OsString>) -> Result<Vec<OsString>, clap::Error> {
    let mut cmd = cli.clone();
    cmd.build();
    let mut current = &cmd;
    let mut i = 1;
    while i < args.len() {
        let token = &args[i];
        if token == "--" {
            return Ok(args);
        }
        if is_option_like(token) {
            i += 1 + usize::from(takes_separate_value(current, token));
            continue;
        }
        let Some(sub) = token
            .to_str()
            .and_then(|name| current.find_subcommand(name))
        else {
            return Ok(args);
        };
        current = sub;
        i += 1;
        if current
            .get_positionals()
            .any(Arg::is_allow_hyphen_values_set)
        {
            return reorder(current, &args, i);
        }
    }
    Ok(args)
}

/// Splits `args[from..]` into `sub`'s options and its values, options first, then `--`.
fn reorder(sub: &Command, args: &[OsString], from: usize) -> Result<Vec<OsString>, clap::Error> {
    let mut options: Vec<OsString> = Vec::new();
    let mut values: Vec<OsString> = Vec::new();
    let mut rest = args[from..].iter();
    while let Some(token) = rest.next() {
        if token == "--" {
            values.extend(rest.by_ref().cloned());
            break;
        }
        let text = token.to_string_lossy();
        if let Some(long) = text.strip_prefix("--") {
            let name = long.split_once('=').map_or(long, |(n, _)| n);
            let Some(arg) = find_long(sub, name) else {
                return Err(unknown_option(sub, &text, name));
            };
            options.push(token.clone());
            if arg.get_action().takes_values() && !long.contains('=') {
                options.extend(rest.next().cloned());
            }
        } else if let Some(arg) = exact_short(sub, &text) {
            options.push(token.clone());
            if arg.get_action().takes_values() {
                options.extend(rest.next().cloned());
            }
        } else {
            values.push(token.clone());
        }
    }
    let mut out = args[..from].to_vec();
    out.extend(options);
    out.push("--".into());
    out.extend(values);
    Ok(out)
}

/// `-x` or `--word`, not `-` alone (a value by convention) or `--`.
fn is_option_like(token: &OsStr) -> bool {
    let b = token.as_encoded_bytes();
    b.len() > 1 && b[0] == b'-' && token != "--"
}

/// Whether an option of `cmd` before the subcommand (`-C DIR`, `--color WHEN`) takes the next
/// argument as its value.
fn takes_separate_value(cmd: &Command, token: &OsStr) -> bool {
    let text = token.to_string_lossy();
    let arg = match text.strip_prefix("--") {
        Some(long) if !long.contains('=') => find_long(cmd, long),
        Some(_) => None,
        None => exact_short(cmd, &text),
    };
    arg.is_some_and(|a| a.get_action().takes_values())
}

fn find_long<'a>(cmd: &'a Command, name: &str) -> Option<&'a Arg> {
    cmd.get_arguments().find(|a| {
        a.get_long() == Some(name)
            || a.get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name))
    })
}

/// The short option `token` is exactly (`-C`, not `-Cdir` or `-cold`).
fn exact_short<'a>(cmd: &'a Command, token: &str) -> Option<&'a Arg> {
    let mut chars = token.strip_prefix('-')?.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    cmd.get_arguments().find(|a| a.get_short() == Some(c))
}

/// The usage error for `--word` among values: not an option, and not a value unless after `--`.
fn unknown_option(sub: &Command, token: &str, name: &str) -> clap::Error {
    let longs: Vec<&str> = sub.get_arguments().filter_map(Arg::get_long).collect();
    let hint = crate::record::diag::did_you_mean(name, longs.iter().copied())
        .map(|n| format!("  tip: did you mean `--{n}`?\n"))
        .unwrap_or_default();
    let path = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
    let mut sub = sub.clone();
    sub.error(
        ErrorKind::UnknownArgument,
        format!(
            "`{token}` is not an option of `{path}`\n\n{hint}  tip: a value that starts with \
             `--` goes after `--`: `{path} ... -- {token}`"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn norm(args: &[&str]) -> Result<Vec<String>, String> {
        let args = std::iter::once("kith")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        normalize(&crate::cli::Cli::command(), args)
            .map(|v| {
                v.into_iter()
                    .skip(1)
                    .map(|a| a.into_string().unwrap())
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn options_among_tag_values_stay_options() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &["tag", "ben", "+x", "--dry-run"],
                &["tag", "--dry-run", "--", "ben", "+x"],
            ),
            (
                &["tag", "ben", "--color", "never", "+b", "-c"],
                &["tag", "--color", "never", "--", "ben", "+b", "-c"],
            ),
            (
                &[
                    "-C",
                    "ws",
                    "tag",
                    "--segment",
                    "hot",
                    "+p",
                    "--as-of=2026-11-25",
                ],
                &[
                    "-C",
                    "ws",
                    "tag",
                    "--segment",
                    "hot",
                    "--as-of=2026-11-25",
                    "--",
                    "+p",
                ],
            ),
            (
                &["tag", "ben", "-C", "ws", "-cold"],
                &["tag", "-C", "ws", "--", "ben", "-cold"],
            ),
            (
                &["tag", "ben", "--", "--odd", "+x"],
                &["tag", "--", "ben", "--odd", "+x"],
            ),
            (&["tag", "ben", "-h"], &["tag", "-h", "--", "ben"]),
        ];
        for (given, want) in cases {
            assert_eq!(norm(given).unwrap(), *want, "{given:?}");
        }
    }

    #[test]
    fn other_command_lines_are_unchanged() {
        for given in [
            &["set", "ben", "a=b", "--dry-run"][..],
            &["--color", "never", "list", "--sort", "name"],
            &["-C", "tag", "list"],
            &["--", "tag", "ben", "--x"],
            &["nosuchcommand", "--x"],
        ] {
            assert_eq!(norm(given).unwrap(), given, "{given:?}");
        }
    }

    #[test]
    fn a_double_dash_word_that_is_no_option_is_refused() {
        let err = norm(&["tag", "ben", "--dryrun"]).unwrap_err();
        assert!(
            err.contains("`--dryrun` is not an option of `kith tag`"),
            "{err}"
        );
        assert!(err.contains("did you mean `--dry-run`?"), "{err}");
    }
}
