//! A window under Xvfb, started through tauri-driver (which drives WebKitWebDriver) as the
//! end-to-end tests start Kinship, and the marks its page sets, read through WebDriver.

use fantoccini::Client;
pub use kinship_window_driver::Display;
use kinship_window_driver::KillOnDrop;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

/// Moments of a page's first load, in milliseconds since the Unix epoch.
pub struct PageMarks {
    pub origin: f64,
    pub parsed: f64,
    pub ready: f64,
}

/// One launched window and its WebDriver session.
pub struct Window {
    pub client: Client,
    _driver: KillOnDrop,
}

impl Window {
    /// Starts `binary` through tauri-driver with `env` (the marker that finds its process among them).
    pub async fn launch(display: &Display, binary: &Path, env: &[(String, String)]) -> Window {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (client, driver) = kinship_window_driver::open_window(display, binary, &[], &env).await;
        Window { client, _driver: driver }
    }

    /// When the page began loading (`performance.timeOrigin`), when its document was parsed
    /// (`DOMContentLoaded` ended) and when it set `kinship-ready`, in milliseconds since the
    /// Unix epoch.
    pub async fn page_marks_epoch_ms(&self) -> PageMarks {
        let script = "const m = performance.getEntriesByName('kinship-ready')[0]; \
                      const nav = performance.getEntriesByType('navigation')[0]; \
                      return m ? [performance.timeOrigin, \
                                  performance.timeOrigin + (nav ? nav.domContentLoadedEventEnd : 0), \
                                  performance.timeOrigin + m.startTime] : null;";
        let started = Instant::now();
        loop {
            if let Ok(Value::Array(at)) = self.client.execute(script, vec![]).await {
                let at: Vec<f64> = at.iter().map(|v| v.as_f64().unwrap()).collect();
                return PageMarks { origin: at[0], parsed: at[1], ready: at[2] };
            }
            assert!(started.elapsed() < WAIT, "the page never set the kinship-ready mark");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Runs `trigger` (a statement using `arg`) in the page and returns the milliseconds from
    /// it to the next `kinship-painted` mark, by the page's own clock.
    pub async fn time_to_painted(&self, trigger: &str, arg: &str) -> Result<f64, String> {
        let script = format!(
            "const arg = arguments[0]; const done = arguments[arguments.length - 1];
             const marks = () => performance.getEntriesByName('kinship-painted');
             const before = marks().length;
             const t0 = performance.now();
             try {{ {trigger}; }} catch (e) {{ done({{ error: String(e) }}); return; }}
             (function poll() {{
               const all = marks();
               if (all.length > before) done({{ ms: all[all.length - 1].startTime - t0 }});
               else if (performance.now() - t0 > 30000) done({{ error: 'never painted' }});
               else setTimeout(poll, 2);
             }})();"
        );
        let got = self.client.execute_async(&script, vec![json!(arg)]).await.map_err(|e| e.to_string())?;
        match got["ms"].as_f64() {
            Some(ms) => Ok(ms),
            None => Err(format!("{trigger} ({arg}): {}", got["error"])),
        }
    }

    /// Clicks the element `css` and times it to painted.
    pub async fn click(&self, css: &str) -> Result<f64, String> {
        self.time_to_painted(
            "const el = document.querySelector(arg); if (!el) throw new Error('no ' + arg); el.click()",
            css,
        )
        .await
    }

    /// Goes to an address of the app unless it is there already, and waits for it to be painted.
    pub async fn go(&self, hash: &str) -> Result<(), String> {
        let here = self.client.execute("return window.location.hash", vec![]).await.map_err(|e| e.to_string())?;
        if here.as_str() == Some(hash) {
            return Ok(());
        }
        self.time_to_painted("window.location.hash = arg", hash).await.map(|_| ())
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
