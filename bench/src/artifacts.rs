//! The two functions measured, built as Lambda builds them: `cargo lambda
//! build --release` with the workspace's release profile.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The bootstraps of this function and of its floor, the bare echo.
pub struct Built {
    pub ours: PathBuf,
    pub bare: PathBuf,
}

pub fn build_all(root: &Path) -> Built {
    Built {
        ours: build(
            root,
            &["--bin", "guardduty-invitations"],
            "guardduty-invitations",
        ),
        bare: build(
            root,
            &["--package", "bench", "--bin", "bare-echo"],
            "bare-echo",
        ),
    }
}

/// `cargo lambda build --release` of one binary; the path of its bootstrap.
fn build(root: &Path, args: &[&str], name: &str) -> PathBuf {
    let status = Command::new("cargo")
        .args(["lambda", "build", "--release"])
        .args(args)
        .current_dir(root)
        // cargo-lambda as scripts/install-deps installs it, also when the
        // benchmark runs without scripts/bench.
        .env("PATH", testkit::path_with_tools())
        .status()
        .expect("cargo lambda runs (scripts/install-deps installs it)");
    assert!(status.success(), "cargo lambda build {args:?} failed");
    root.join("target/lambda").join(name).join("bootstrap")
}

/// The size of a stripped copy of `bootstrap`, in MB.
pub fn stripped_mb(bootstrap: &Path) -> f64 {
    let copy = bootstrap.with_extension("stripped");
    std::fs::copy(bootstrap, &copy).unwrap();
    let status = Command::new("strip")
        .arg(&copy)
        .status()
        .expect("strip runs");
    assert!(status.success());
    std::fs::metadata(&copy).unwrap().len() as f64 / 1_048_576.0
}
