//! The container executors: each step runs in its real image under docker or podman, with the
//! same volumes bound at their mount paths and the host's network (loopback servers stay
//! reachable).

use super::{Executor, Exit, LineSink, Pod, process};
use std::process::{Command, Stdio};

/// A container engine's CLI.
#[derive(Debug, Clone)]
pub struct Engine {
    program: String,
}

impl Engine {
    /// The engine `program` (`docker` or `podman`), when it answers `info`.
    pub fn reachable(program: &str) -> Option<Engine> {
        let ok = Command::new(program)
            .arg("info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Engine { program: program.into() })
    }

    /// Whether the engine has the image locally.
    pub fn has_image(&self, image: &str) -> bool {
        Command::new(&self.program)
            .args(["image", "inspect", image])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// The `run` command line for a pod.
    pub fn command(&self, pod: &Pod) -> Command {
        let mut c = Command::new(&self.program);
        c.args(["run", "--rm", "--network", "host", "--name", &pod.name]);
        for m in &pod.mounts {
            let ro = if m.read_only { ":ro" } else { "" };
            c.arg("--volume").arg(format!("{}:{}{ro}", m.host.display(), m.path));
        }
        for (name, value) in &pod.env {
            c.arg("--env").arg(format!("{name}={value}"));
        }
        if let Some(dir) = &pod.working_dir {
            c.arg("--workdir").arg(dir);
        }
        let mut args = pod.argv.iter();
        if pod.has_command
            && let Some(entrypoint) = args.next()
        {
            c.arg("--entrypoint").arg(entrypoint);
        }
        c.arg(&pod.image);
        c.args(args);
        c
    }
}

impl Executor for Engine {
    fn run(&self, pod: &Pod, lines: LineSink) -> Exit {
        let program = self.program.clone();
        let name = pod.name.clone();
        process::run(self.command(pod), pod.deadline, lines, &move |child| {
            let _ = Command::new(&program).args(["kill", &name]).stdout(Stdio::null()).stderr(Stdio::null()).status();
            let _ = child.kill();
        })
    }

    fn name(&self) -> &str {
        &self.program
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::executor::Mount;

    #[test]
    fn the_run_command_binds_volumes_sets_env_and_keeps_the_command() {
        let engine = Engine { program: "podman".into() };
        let pod = Pod {
            name: "demo-clone-1".into(),
            image: "alpine/git:2.47.2".into(),
            argv: vec!["sh".into(), "-c".into(), "echo hi".into()],
            has_command: true,
            env: vec![("A".into(), "1".into())],
            working_dir: Some("/workspace/src".into()),
            mounts: vec![Mount { host: "/w".into(), path: "/workspace".into(), read_only: false }],
            deadline: None,
        };
        let args: Vec<String> = engine.command(&pod).get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(
            args.join(" "),
            "run --rm --network host --name demo-clone-1 --volume /w:/workspace --env A=1 --workdir /workspace/src --entrypoint sh alpine/git:2.47.2 -c echo hi"
        );
    }
}
