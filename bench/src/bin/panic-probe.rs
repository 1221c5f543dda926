//! Built by `cargo lambda build --release` with the workspace's release
//! profile, as the function is (and as `sam build` builds it): a task that
//! panics must fail alone while the process goes on, which is what lets a
//! panicking write fail only its account. With `panic = "abort"` this
//! process would die of SIGABRT instead of printing.

#[tokio::main(flavor = "current_thread")]
async fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    match tokio::spawn(async { panic!("injected") }).await {
        Err(error) if error.is_panic() => println!("unwind: the panicking task failed alone"),
        other => {
            eprintln!("expected a panicked task, got {other:?}");
            std::process::exit(1);
        }
    }
}
