//! Runs one child process to its end or its deadline, streaming its stdout and stderr line by
//! line to a sink. Shared by the host and container executors.

use super::{Exit, LineSink};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

/// Spawns `command`, streams its output, and waits until it exits or `deadline` passes; then
/// `stop` is called (it must end the process) and the result is [`Exit::Deadline`].
pub fn run(mut command: Command, deadline: Option<Instant>, lines: LineSink, stop: &dyn Fn(&mut Child)) -> Exit {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Exit::NotStarted(format!("cannot start {}: {e}", command.get_program().to_string_lossy())),
    };
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let pump = |stream: Option<Box<dyn Read + Send>>, is_err: bool, done: mpsc::Sender<()>| {
            move || {
                if let Some(stream) = stream {
                    let mut reader = BufReader::new(stream);
                    let mut buf = Vec::new();
                    while reader.read_until(b'\n', &mut buf).map(|n| n > 0).unwrap_or(false) {
                        let text = String::from_utf8_lossy(&buf);
                        lines(text.trim_end_matches(['\n', '\r']), is_err);
                        buf.clear();
                    }
                }
                drop(done);
            }
        };
        scope.spawn(pump(stdout.map(|s| Box::new(s) as Box<dyn Read + Send>), false, done_tx.clone()));
        scope.spawn(pump(stderr.map(|s| Box::new(s) as Box<dyn Read + Send>), true, done_tx));
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    // The pipes close when the last process holding them ends; a daemon the step
                    // left behind may hold them longer, so wait a little only.
                    let _ = done_rx.recv_timeout(std::time::Duration::from_secs(2));
                    return Exit::Code(status.code().unwrap_or_else(|| 128 + signal_of(&status)));
                }
                Ok(None) => {}
                Err(e) => return Exit::NotStarted(format!("cannot wait for the step: {e}")),
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                stop(&mut child);
                let _ = child.wait();
                return Exit::Deadline;
            }
            // Sleep until output ends or a short tick passes, whichever is first.
            if let Err(mpsc::RecvTimeoutError::Disconnected) = done_rx.recv_timeout(std::time::Duration::from_millis(5)) {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    })
}

#[cfg(unix)]
fn signal_of(status: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.signal().unwrap_or(0)
}

#[cfg(not(unix))]
fn signal_of(_: &std::process::ExitStatus) -> i32 {
    0
}
