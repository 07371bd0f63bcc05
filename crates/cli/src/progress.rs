//! A progress line on stderr while Argon2 runs, so a second of silence after the password
//! prompt does not look like a hang.

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use custodian_core::vault::KdfParams;

const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
const FRAME_INTERVAL: Duration = Duration::from_millis(100);

/// "Deriving key (Argon2id, 64 MiB, t=3)".
pub fn kdf_label(kdf: &KdfParams) -> String {
    let memory = match (
        kdf.memory_kib.checked_rem(1024),
        kdf.memory_kib.checked_div(1024),
    ) {
        (Some(0), Some(mib)) => format!("{mib} MiB"),
        _ => format!("{} KiB", kdf.memory_kib),
    };
    let lanes = if kdf.parallelism == 1 {
        String::new()
    } else {
        format!(", p={}", kdf.parallelism)
    };
    format!(
        "Deriving key (Argon2id, {memory}, t={}{lanes})",
        kdf.iterations
    )
}

/// Runs `work`; if `label` is given and stderr is a terminal, shows it with a spinner and then
/// the time taken.
pub fn run<T>(label: Option<String>, work: impl FnOnce() -> T) -> T {
    let Some(label) = label.filter(|_| std::io::stderr().is_terminal()) else {
        return work();
    };
    let start = Instant::now();
    let (stop, stopped) = mpsc::channel::<()>();
    let result = thread::scope(|scope| {
        let shown = label.as_str();
        scope.spawn(move || spin(shown, &stopped));
        let result = work();
        drop(stop);
        result
    });
    let ms = start.elapsed().as_millis();
    // Progress is decoration: a failed write to stderr changes nothing.
    let _ = write!(std::io::stderr(), "\r{label}... done in {ms} ms\n");
    result
}

fn spin(label: &str, stopped: &mpsc::Receiver<()>) {
    let mut stderr = std::io::stderr();
    for frame in FRAMES.iter().cycle() {
        let _ = write!(stderr, "\r{label}... {frame}");
        let _ = stderr.flush();
        match stopped.recv_timeout(FRAME_INTERVAL) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            kdf_label(&KdfParams::DEFAULT),
            "Deriving key (Argon2id, 64 MiB, t=3)"
        );
        let odd = KdfParams {
            memory_kib: 19456,
            iterations: 2,
            parallelism: 4,
        };
        assert_eq!(kdf_label(&odd), "Deriving key (Argon2id, 19 MiB, t=2, p=4)");
        let kib = KdfParams {
            memory_kib: 20000,
            iterations: 2,
            parallelism: 1,
        };
        assert_eq!(kdf_label(&kib), "Deriving key (Argon2id, 20000 KiB, t=2)");
    }

    #[test]
    fn work_runs_once_and_returns() {
        let mut calls = 0;
        let out = run(Some("label".to_owned()), || {
            calls += 1;
            42
        });
        assert_eq!((out, calls), (42, 1));
    }
}
