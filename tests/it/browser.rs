//! The graph in a real headless browser: Debian's chromium loads a page holding one pipeline's
//! SVG and its mermaid text, rendered by `mermaid` from npm (tests/browser/package.json, pinned
//! by its lockfile, installed by `npm ci` into the test's own directory). From the DOM: every
//! task name shows in both pictures, and no SVG label overflows its box by the browser's own
//! glyph widths. The screenshot is decoded and must not be blank. Skips, saying why, without
//! chromium or npm.

use super::graph::case_file;
use super::support::{self, pipewright};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// mermaid's browser bundle, installed once per target directory with `npm ci`.
fn mermaid(npm: &Path) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-deps");
    let source = support::root().join("tests/browser");
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::read(source.join("package-lock.json")).unwrap();
    let bundle = dir.join("node_modules/mermaid/dist/mermaid.min.js");
    if !bundle.is_file() || std::fs::read(dir.join("package-lock.json")).ok().as_deref() != Some(lock.as_slice()) {
        std::fs::copy(source.join("package.json"), dir.join("package.json")).unwrap();
        std::fs::write(dir.join("package-lock.json"), &lock).unwrap();
        let out = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "npm ci failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(bundle.is_file(), "npm ci did not install {}", bundle.display());
    bundle
}

/// Runs chromium headless with `args` on `url`, stopped after `limit` at the latest.
fn chromium(chromium: &Path, args: &[&str], url: &str, limit: Duration) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

const CHECK: &str = r#"
const out = document.getElementById('checks');
function overflowing() {
  const problems = [];
  for (const g of document.querySelectorAll('#picture g.node')) {
    const r = g.querySelector('rect').getBBox();
    for (const t of g.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < r.x || b.y < r.y || b.x + b.width > r.x + r.width || b.y + b.height > r.y + r.height) {
        problems.push(g.dataset.id + ': ' + t.textContent);
      }
    }
  }
  return problems;
}
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
mermaid.run({ querySelector: '.mermaid' }).then(
  () => {
    const p = overflowing();
    out.textContent = p.length ? 'overflow: ' + p.join('; ') : 'checks passed';
  },
  (e) => { out.textContent = 'mermaid failed: ' + e; },
);
"#;

#[test]
fn svg_and_mermaid_render_in_chromium() {
    let Some(browser) = which("chromium").or_else(|| which("chromium-browser")) else {
        return support::skip("chromium is not installed (Debian: apt-get install chromium)");
    };
    let Some(npm) = which("npm") else { return support::skip("npm is not installed (Debian: apt-get install npm)") };
    let bundle = mermaid(&npm);
    let dir = tempfile::tempdir().unwrap();
    let file = case_file("supply-chain-everything-on", dir.path());
    let draw = |format: &str| {
        let run = pipewright(&["graph", file.to_str().unwrap(), "--format", format], dir.path());
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let (svg, mermaid_text) = (draw("svg"), draw("mermaid"));
    let tasks = super::graph::check_svg(&svg, "browser");
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>pipewright graph</title>\
         <style>body {{ margin: 0; background: #fff; }} section {{ padding: 8px; }}</style></head><body>\n\
         <section id=\"picture\">{svg}</section>\n<section id=\"mermaid\"><pre class=\"mermaid\">{}</pre></section>\n\
         <pre id=\"checks\">pending</pre>\n<script src=\"{}\"></script>\n<script>{CHECK}</script></body></html>\n",
        html_escape(&mermaid_text),
        url(&bundle)
    );
    let html = dir.path().join("page.html");
    std::fs::write(&html, page).unwrap();
    let limit = Duration::from_secs(90);

    let dom = chromium(&browser, &["--dump-dom", "--virtual-time-budget=20000"], &url(&html), limit);
    assert!(dom.contains("<pre id=\"checks\">checks passed</pre>"), "the page's checks did not pass: {}", checks(&dom));
    let (picture, rest) = dom.split_once("<section id=\"mermaid\">").expect("the mermaid section");
    let drawn = rest.split_once("<pre id=\"checks\">").map_or(rest, |(m, _)| m);
    assert!(drawn.contains("<svg") && drawn.contains("data-processed=\"true\""), "mermaid drew nothing: {drawn:.2000}");
    for task in &tasks {
        assert!(picture.contains(&format!(">{task}</text>")), "{task} does not show in the SVG");
        assert!(drawn.contains(&format!(">{task}<br")), "{task} does not show in mermaid's drawing");
    }

    let width: f64 = svg.split("width=\"").nth(1).and_then(|w| w.split('"').next()).unwrap().parse().unwrap();
    let shot = dir.path().join("page.png");
    let size = format!("--window-size={},{}", width.ceil() as u32 + 16, 1400);
    let shot_arg = format!("--screenshot={}", shot.display());
    chromium(&browser, &[&shot_arg, &size, "--virtual-time-budget=20000"], &url(&html), limit);
    let (pixels, colours) = decode(&shot);
    assert!(pixels > 0.02, "the screenshot is almost blank: {:.1}% of its pixels are not white", pixels * 100.0);
    assert!(colours >= 8, "the screenshot has only {colours} colours");
    if let Some(keep) = std::env::var_os("PIPEWRIGHT_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn checks(dom: &str) -> &str {
    dom.split_once("<pre id=\"checks\">").and_then(|(_, c)| c.split_once("</pre>")).map_or("(no checks element)", |(c, _)| c)
}

/// The share of pixels that are not white, and the number of distinct colours (capped).
fn decode(path: &Path) -> (f64, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let bytes = &buf[..info.buffer_size()];
    let mut colours = std::collections::BTreeSet::new();
    let mut inked = 0usize;
    let total = (info.width * info.height) as usize;
    for px in bytes.chunks(channels) {
        if px[..3.min(channels)].iter().any(|&c| c < 245) {
            inked += 1;
        }
        if colours.len() < 64 {
            colours.insert(px[..3.min(channels)].to_vec());
        }
    }
    (inked as f64 / total as f64, colours.len())
}
