//! The docs cannot rot: the README's tour runs, command by command, with
//! the AWS CLI the scripts install, against `cargo lambda watch` over the
//! demo data `./scripts/dev` seeds, and every answer is compared with the
//! one the README shows (times and generated IDs aside); and every script,
//! file, link and binary the docs name exists.

use std::path::{Path, PathBuf};

use crate::support::moto::MotoServer;
use crate::support::watch::Watch;
use crate::support::{DynamoDbLocal, TestTable, path_with_tools, repo_root};

/// The docs, by path from the repository root.
const DOCS: [&str; 9] = [
    "README.md",
    "ARCHITECTURE.md",
    "docs/api.md",
    "docs/table.md",
    "docs/deploying.md",
    "docs/calling.md",
    "docs/development.md",
    "clients/README.md",
    "bench/README.md",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `$ command` lines of the README's tour, each with the output shown
/// under it.
fn tour() -> Vec<(String, String)> {
    let readme = read("README.md");
    let start = readme.find("## A tour").expect("the README has a tour");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + 1 + i);
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut in_console = false;
    for line in readme[start..end].lines() {
        match line {
            "```console" => in_console = true,
            "```" if in_console => in_console = false,
            _ if in_console => match line.strip_prefix("$ ") {
                Some(command) => steps.push((command.to_owned(), String::new())),
                None => {
                    let output = &mut steps.last_mut().expect("a command first").1;
                    output.push_str(line);
                    output.push('\n');
                }
            },
            _ => {}
        }
    }
    assert!(steps.len() >= 20, "the tour has {} commands", steps.len());
    steps
}

/// An answer with what changes from run to run replaced: ISO-8601 times,
/// 32-hex detector IDs and invitation IDs (`<admin>-<member>-<hex>`).
fn normalized(text: &str) -> String {
    let kind = |word: &str| {
        let bytes = word.as_bytes();
        let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
        if bytes.len() > 20 && word.contains('T') && word.ends_with('Z') && bytes[4] == b'-' {
            Some("<time>")
        } else if word.len() == 32 && hex(word) {
            Some("<id>")
        } else if let [a, m, h] = word.split('-').collect::<Vec<_>>()[..]
            && a.len() == 12
            && m.len() == 12
            && hex(h)
        {
            Some("<invitation>")
        } else {
            None
        }
    };
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(kind(word).unwrap_or(word));
        word.clear();
    };
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() || "-:.".contains(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_readme_tour_answers_as_the_readme_shows() {
    let table = TestTable::new().await;
    let dynamodb = &DynamoDbLocal::shared().endpoint;
    // The demo data, as ./scripts/dev seeds it.
    for args in [
        &["seed", "111122223333"][..],
        &["seed-many", "444455556666", "60"],
        &["seed-admin", "210000000003"],
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_invitations-admin"))
            .args(args)
            .env("AWS_ENDPOINT_URL_DYNAMODB", dynamodb)
            .env("TABLE_NAME", &table.name)
            .env("AWS_REGION", crate::support::REGION)
            .env("AWS_ACCESS_KEY_ID", "local")
            .env("AWS_SECRET_ACCESS_KEY", "local")
            .output()
            .expect("the admin tool runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The demo organization, as ./scripts/dev makes and mirrors it.
    let moto = tokio::task::spawn_blocking(MotoServer::start)
        .await
        .unwrap();
    let local = [
        ("AWS_ENDPOINT_URL_DYNAMODB", dynamodb.as_str()),
        ("AWS_ENDPOINT_URL_ORGANIZATIONS", moto.endpoint.as_str()),
        ("TABLE_NAME", table.name.as_str()),
        // Not `cargo run`, which waits for the build directory that the
        // tests' own `cargo lambda watch` builds hold, and says so.
        ("INVITATIONS_ADMIN", env!("CARGO_BIN_EXE_invitations-admin")),
    ];
    for script in ["scripts/demo-organization", "scripts/sync-organization"] {
        let output = std::process::Command::new(repo_root().join(script))
            .envs(local)
            .output()
            .expect("the script runs");
        assert!(
            output.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let name = table.name.clone();
    let watch = tokio::task::spawn_blocking(move || Watch::start(&name))
        .await
        .unwrap();

    let steps = tour();
    let mut script = String::from("cd \"$REPO\"\n");
    for (i, (command, _)) in steps.iter().enumerate() {
        let command = command
            .replace("127.0.0.1:9000", &format!("127.0.0.1:{}", watch.port))
            .replace("http://127.0.0.1:5000", &moto.endpoint);
        script.push_str(&format!("echo '@@step {i}@@'\n{command} 2>&1\n"));
    }
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("REPO", repo_root())
        .envs(local)
        .env("PATH", path_with_tools())
        // Nothing of the machine's own AWS settings.
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_REGION")
        .output()
        .expect("bash runs");
    let said = String::from_utf8_lossy(&output.stdout);
    let mut answers: Vec<&str> = said.split("@@step ").skip(1).collect();
    assert_eq!(
        answers.len(),
        steps.len(),
        "{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (i, ((command, shown), answer)) in steps.iter().zip(answers.drain(..)).enumerate() {
        let answer = answer.split_once("@@\n").map_or(answer, |(_, rest)| rest);
        assert_eq!(
            normalized(answer),
            normalized(shown),
            "step {i}: $ {command}"
        );
    }
}

/// What a doc names that must exist: link targets, repository paths in
/// backticks, the scripts it runs and the binaries it names.
#[test]
fn every_script_file_link_and_binary_the_docs_name_exists() {
    let root = repo_root();
    let roots = [
        "scripts/", "src/", "tests/", "docs/", "events/", "bench/", "clients/", "testkit/",
        "fuzz/", ".ci/",
    ];
    let mut missing = Vec::new();
    // Every path a doc names, with what names it.
    let mut named: Vec<(PathBuf, String)> = Vec::new();
    for doc in DOCS {
        let text = read(doc);
        let dir = Path::new(doc).parent().unwrap_or(Path::new(""));
        // Links: [text](target), relative to the doc.
        let links = text
            .split("](")
            .skip(1)
            .filter_map(|rest| rest.split_once(')'));
        for (target, _) in links {
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let path = normalize(&dir.join(file));
            if !anchor.is_empty() && file.ends_with(".md") && root.join(&path).exists() {
                let headings = slugs(&std::fs::read_to_string(root.join(&path)).unwrap());
                if !headings.contains(&anchor.to_owned()) {
                    missing.push(format!("{doc}: anchor #{anchor} in {}", path.display()));
                }
            }
            named.push((path, format!("{doc}: link to")));
        }
        // Repository paths in backticks, and the scripts it runs.
        for token in text.split(['`', ' ', '\n', '(', ')', ',']) {
            let token = token
                .trim_start_matches("./")
                .trim_end_matches([':', '.', ';']);
            let known = roots.iter().any(|r| token.starts_with(r))
                || [
                    "template.yaml",
                    "Cargo.toml",
                    "ARCHITECTURE.md",
                    "README.md",
                ]
                .contains(&token);
            let pattern = token.contains(['*', '{', '<', '$']) || token.ends_with('-');
            if known && !pattern {
                named.push((PathBuf::from(token), format!("{doc}: path")));
            }
        }
        // Binaries: `--bin NAME`.
        for name in text
            .split("--bin ")
            .skip(1)
            .filter_map(|rest| rest.split_whitespace().next())
        {
            let name = name.trim_matches('`');
            if name != "guardduty-invitations" {
                let bin =
                    ["src/bin", "bench/src/bin"].map(|d| PathBuf::from(format!("{d}/{name}.rs")));
                if !bin.iter().any(|b| root.join(b).exists()) {
                    missing.push(format!("{doc}: binary {name}"));
                }
            }
        }
    }
    assert!(named.len() > 50, "only {} names checked", named.len());
    for (path, by) in &named {
        if !root.join(path).exists() {
            missing.push(format!("{by} {}", path.display()));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

/// `a/b/../c` as `a/c`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The anchors GitHub makes of a page's headings.
fn slugs(page: &str) -> Vec<String> {
    page.lines()
        .filter_map(|line| {
            line.trim_start_matches('#')
                .strip_prefix(' ')
                .filter(|_| line.starts_with('#'))
        })
        .map(|heading| {
            heading
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}
