//! Password hashing and checking off the async runtime, on two long-lived threads.
//!
//! argon2id takes tens of milliseconds of CPU and 19 MiB per hash. Two dedicated threads
//! (rather than tokio's blocking pool, which grows to hundreds) bound what a flood of
//! sign-in attempts can take from a small server: at most two hashes run at once, the rest
//! queue. The memory itself goes back to the system after each hash (see
//! `ocomms_domain::password`).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use ocomms_domain::password;

use crate::{AppError, AppResult};

type Job = Box<dyn FnOnce() + Send>;

pub(crate) struct PasswordWorkers {
    jobs: mpsc::Sender<Job>,
}

impl PasswordWorkers {
    pub fn start(threads: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("ocomms-password-{n}"))
                .spawn(move || {
                    loop {
                        // Hold the lock only to take a job, not while running it.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the App is gone
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password hashing thread");
            }
        }
        Self { jobs }
    }

    /// Hashes a new password (argon2id, PHC string).
    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.run(move || password::hash(&password))
            .await?
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Whether `attempt` matches the stored PHC hash.
    pub async fn verify(&self, attempt: String, phc: String) -> AppResult<bool> {
        self.run(move || password::verify(&attempt, &phc)).await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .send(job)
            .map_err(|_| AppError::Internal("password threads stopped".into()))?;
        result
            .await
            .map_err(|_| AppError::Internal("password thread failed".into()))
    }
}
