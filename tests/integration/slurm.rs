//! A real single-node Slurm for the sweep tests, from the Debian packages `slurm-wlm` and
//! `munge` (`make test` installs them): a `slurm.conf` generated for this machine in a temporary
//! folder, `slurmctld` and `slurmd` started in the foreground as children of the test and
//! stopped when it ends. If Slurm cannot start, the test fails and says why; it never skips.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Cluster {
    pub conf: PathBuf,
    dir: PathBuf,
    daemons: Vec<Child>,
    started_munge: bool,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn run(program: &str, args: &[&str], conf: Option<&Path>) -> Output {
    let mut c = Command::new(program);
    c.args(args);
    if let Some(conf) = conf {
        c.env("SLURM_CONF", conf);
    }
    c.output().unwrap_or_else(|e| panic!("cannot run {program} ({e}): `make test` installs slurm-wlm and munge"))
}

/// munged running with the key the package ships: true if this test started it (and must stop
/// it), false if it was running.
fn ensure_munge() -> bool {
    let works = || Command::new("sh").args(["-c", "munge -n | unmunge"]).output().is_ok_and(|o| o.status.success());
    if works() {
        return false;
    }
    let _ = std::fs::create_dir_all("/run/munge");
    let _ = Command::new("chown").args(["munge:", "/run/munge"]).status();
    let o = run("runuser", &["-u", "munge", "--", "/usr/sbin/munged"], None);
    assert!(
        works(),
        "munge does not work, so Slurm cannot authenticate (started munged: {}{}); Slurm's test needs root",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    true
}

/// The munged this test started, from the pid file it writes.
fn stop_munge() {
    if let Ok(pid) = std::fs::read_to_string("/run/munge/munged.pid") {
        let _ = Command::new("kill").arg(pid.trim()).status();
    }
}

impl Cluster {
    /// Start slurmctld and slurmd with a configuration for this machine; wait until the node is
    /// idle.
    pub fn start(dir: &Path) -> Self {
        let started_munge = ensure_munge();
        let node = run("slurmd", &["-C"], None);
        let node_line = String::from_utf8_lossy(&node.stdout).lines().next().unwrap_or_default().to_string();
        assert!(node_line.starts_with("NodeName="), "slurmd -C printed no node line: {node_line}");
        let d = |s: &str| dir.join(s).display().to_string();
        for sub in ["ctld", "slurmd"] {
            std::fs::create_dir_all(dir.join(sub)).expect("spool folders");
        }
        let conf_text = format!(
            "ClusterName=linewatch-test\nSlurmctldHost=localhost\nSlurmctldPort={}\nSlurmdPort={}\n\
             AuthType=auth/munge\nSlurmUser=root\nSlurmdUser=root\nStateSaveLocation={}\nSlurmdSpoolDir={}\n\
             SlurmctldPidFile={}\nSlurmdPidFile={}\nSlurmctldLogFile={}\nSlurmdLogFile={}\n\
             ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSchedulerType=sched/backfill\n\
             SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\nReturnToService=2\nMpiDefault=none\n\
             AccountingStorageType=accounting_storage/none\nJobAcctGatherType=jobacct_gather/none\n\
             {node_line} NodeHostname=localhost\nPartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
            free_port(),
            free_port(),
            d("ctld"),
            d("slurmd"),
            d("slurmctld.pid"),
            d("slurmd.pid"),
            d("slurmctld.log"),
            d("slurmd.log"),
        );
        let conf = dir.join("slurm.conf");
        std::fs::write(&conf, conf_text).expect("slurm.conf");
        let spawn = |program: &str| {
            Command::new(program)
                .args(["-D", "-f"])
                .arg(&conf)
                .env("SLURM_CONF", &conf)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {program}: {e}"))
        };
        let mut cluster =
            Self { conf: conf.clone(), dir: dir.to_path_buf(), daemons: vec![spawn("slurmctld")], started_munge };
        std::thread::sleep(Duration::from_millis(500));
        cluster.daemons.push(spawn("slurmd"));
        let started = Instant::now();
        loop {
            let o = run("sinfo", &["-h", "-o", "%T"], Some(&conf));
            let state = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if state == "idle" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the Slurm node is not idle after 60 s (sinfo: '{state}' {}); slurmctld log:\n{}\nslurmd log:\n{}",
                String::from_utf8_lossy(&o.stderr),
                cluster.log("slurmctld.log"),
                cluster.log("slurmd.log")
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        cluster
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }

    /// Run a command (a submission script) with this cluster's SLURM_CONF; its stdout.
    pub fn submit(&self, script: &Path) -> String {
        let o = Command::new(script).env("SLURM_CONF", &self.conf).output().expect("the submit script runs");
        assert!(
            o.status.success(),
            "{} failed: {}{}",
            script.display(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Cancel a job or an array element (`12_4`).
    pub fn cancel(&self, job: &str) {
        let o = run("scancel", &[job], Some(&self.conf));
        assert!(o.status.success(), "scancel {job}: {}", String::from_utf8_lossy(&o.stderr));
    }

    /// Wait until the queue is empty (every job ended).
    pub fn wait_idle(&self, limit: Duration) {
        let started = Instant::now();
        loop {
            let o = run("squeue", &["-h", "-o", "%i %T"], Some(&self.conf));
            let queue = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if o.status.success() && queue.is_empty() {
                return;
            }
            assert!(
                started.elapsed() < limit,
                "Slurm jobs still queued after {limit:?}: {queue}\nslurmctld log:\n{}",
                self.log("slurmctld.log")
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for daemon in self.daemons.iter_mut().rev() {
            let _ = Command::new("kill").arg(daemon.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && matches!(daemon.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
        if self.started_munge {
            stop_munge();
        }
    }
}
