//! Kernelspecs: `fcall kernel install [--user | --sys-prefix | --prefix P] [--name N]
//! [--display-name D]` writes `<data dir>/kernels/<name>/kernel.json` (the absolute path of this
//! binary, message-mode interrupts) and the logos; `uninstall` removes that folder. libtorch is
//! found through the rpath baked into the binary, so kernel.json carries no environment.
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::json;

const LOGO_32: &[u8] = include_bytes!("../assets/logo-32x32.png");
const LOGO_64: &[u8] = include_bytes!("../assets/logo-64x64.png");
const LOGO_SVG: &[u8] = include_bytes!("../assets/logo-svg.svg");

struct Opts {
    data_dir: PathBuf,
    name: String,
    display_name: String,
}

fn parse(args: &[String]) -> Result<Opts> {
    let mut data_dir = None;
    let mut name = "fcall".to_string();
    let mut display_name = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match a.as_str() {
            "--user" => data_dir = Some(user_data_dir()?),
            "--sys-prefix" => {
                let prefix = std::env::var_os("VIRTUAL_ENV")
                    .or_else(|| std::env::var_os("CONDA_PREFIX"))
                    .context("--sys-prefix needs an active virtual environment or conda environment (VIRTUAL_ENV or CONDA_PREFIX)")?;
                data_dir = Some(PathBuf::from(prefix).join("share/jupyter"));
            }
            "--prefix" => data_dir = Some(PathBuf::from(value("--prefix")?).join("share/jupyter")),
            "--name" => name = value("--name")?,
            "--display-name" => display_name = Some(value("--display-name")?),
            other => bail!("unknown option '{other}'"),
        }
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        bail!("kernel names use letters, digits, '-', '_' and '.' only, not '{name}'");
    }
    let data_dir = match data_dir {
        Some(d) => d,
        None => user_data_dir()?,
    };
    let display_name = display_name.unwrap_or_else(|| if name == "fcall" { "fcall".into() } else { format!("fcall ({name})") });
    Ok(Opts { data_dir, name, display_name })
}

/// Jupyter's user data dir: JUPYTER_DATA_DIR, else the platform's (XDG on Linux).
fn user_data_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("JUPYTER_DATA_DIR") {
        return Ok(PathBuf::from(d));
    }
    jupyter_zmq_client::user_data_dir().map_err(|e| anyhow::anyhow!("no user data directory: {e}"))
}

/// The kernel.json for this binary.
pub fn kernel_json(exe: &Path, display_name: &str) -> serde_json::Value {
    json!({
        "argv": [exe.to_string_lossy(), "kernel", "run", "{connection_file}"],
        "display_name": display_name,
        "language": "fcall",
        "interrupt_mode": "message",
        "env": {},
        "metadata": {"fcall": {"version": env!("CARGO_PKG_VERSION")}, "debugger": false}
    })
}

pub fn install(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    let exe = std::env::current_exe().context("cannot find the fcall binary")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let dir = o.data_dir.join("kernels").join(&o.name);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let spec = serde_json::to_string_pretty(&kernel_json(&exe, &o.display_name))?;
    std::fs::write(dir.join("kernel.json"), spec + "\n")?;
    std::fs::write(dir.join("logo-32x32.png"), LOGO_32)?;
    std::fs::write(dir.join("logo-64x64.png"), LOGO_64)?;
    std::fs::write(dir.join("logo-svg.svg"), LOGO_SVG)?;
    println!("installed kernelspec {} in {}", o.name, dir.display());
    Ok(())
}

pub fn uninstall(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    let dir = o.data_dir.join("kernels").join(&o.name);
    if !dir.join("kernel.json").exists() {
        bail!("no kernelspec {} in {}", o.name, dir.display());
    }
    std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    println!("removed kernelspec {} from {}", o.name, dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_is_absolute_and_message_mode() {
        let j = kernel_json(Path::new("/opt/fcall/bin/fcall"), "fcall");
        assert_eq!(j["argv"][0], "/opt/fcall/bin/fcall");
        assert_eq!(j["argv"][3], "{connection_file}");
        assert_eq!(j["interrupt_mode"], "message");
    }

    #[test]
    fn prefix_and_name() {
        let o = parse(&["--prefix".into(), "/tmp/p".into(), "--name".into(), "fc2".into()]).unwrap();
        assert_eq!(o.data_dir, PathBuf::from("/tmp/p/share/jupyter"));
        assert_eq!(o.display_name, "fcall (fc2)");
        assert!(parse(&["--name".into(), "a/b".into()]).is_err());
    }
}
