//! Handing an email with a file attached to the person's own email app: a bundle to the
//! circle, an invite to a new member. Kinship never sends mail itself; it opens a new
//! message for the person to check and send.
//!
//! - Linux: `xdg-email --attach` (xdg-utils), which Thunderbird, Evolution and KMail honour.
//! - macOS: Mail, through `osascript` (the message's parts are the script's arguments, never
//!   part of its text).
//! - Elsewhere, or where no email app takes the file: the caller falls back to a `mailto:`
//!   link and "Show the file", so the person attaches it by hand.
//!
//! No text a member wrote can add a recipient, a header or an attachment: addresses are
//! checked again here and percent-encoded into one `mailto:` argument, the subject and the
//! body are single arguments that the mail tool encodes itself, and the program is run
//! directly, never through a shell.

use crate::{validate, Error, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A new message for the person's email app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    pub attachment: PathBuf,
}

/// What became of handing a message to the email app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Handed {
    /// An email app was given the message with the file attached.
    Opened,
    /// No email app could take an attachment here: use a `mailto:` link and attach by hand.
    NoMailApp,
}

/// How long an email app may take to refuse before it is taken to have opened the message.
/// (`xdg-email` waits for Thunderbird to quit when it was not running, so it cannot be
/// waited for.)
const REFUSAL_WINDOW: Duration = Duration::from_secs(4);

impl Email {
    /// The message, checked: at least one address, each a plain address, and an existing file.
    pub fn new(to: Vec<String>, subject: String, body: String, attachment: &Path) -> Result<Email> {
        if to.is_empty() {
            return Err(Error::invalid(
                "Email",
                "nobody in the circle has an email address yet: add their addresses on the circle's page",
            ));
        }
        for address in &to {
            validate::email("Email", address)?;
        }
        if !attachment.is_file() {
            return Err(Error::invalid(
                "Email",
                format!("the file {} is no longer there: share again to save a new one", attachment.display()),
            ));
        }
        let one_line = |s: String| s.replace(['\r', '\n'], " ");
        Ok(Email { to, subject: one_line(subject), body, attachment: attachment.to_path_buf() })
    }

    /// The addresses as one `mailto:` target, each percent-encoded.
    fn mailto_target(&self) -> String {
        let addresses: Vec<String> = self.to.iter().map(|a| percent_encode(a)).collect();
        format!("mailto:{}", addresses.join(","))
    }

    /// `xdg-email`'s arguments: the subject, the body and the file as option values (which it
    /// encodes), and the addresses in a `mailto:` target, so none can be read as an option.
    pub fn xdg_email_args(&self) -> Vec<OsString> {
        vec![
            "--utf8".into(),
            "--subject".into(),
            self.subject.clone().into(),
            "--body".into(),
            self.body.clone().into(),
            "--attach".into(),
            self.attachment.clone().into_os_string(),
            self.mailto_target().into(),
        ]
    }

    /// `osascript`'s arguments for Mail on macOS: a fixed script, then the parts as `argv`.
    pub fn osascript_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "-e".into(),
            MAIL_APP_SCRIPT.into(),
            self.subject.clone().into(),
            self.body.clone().into(),
            self.attachment.clone().into_os_string(),
        ];
        args.extend(self.to.iter().map(OsString::from));
        args
    }

    /// The command that opens this message in the system's email app, where there is one.
    fn command(&self) -> Option<Command> {
        let (program, args) = if cfg!(target_os = "macos") {
            ("osascript", self.osascript_args())
        } else if cfg!(unix) {
            ("xdg-email", self.xdg_email_args())
        } else {
            return None;
        };
        let mut command = Command::new(program);
        command.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        Some(command)
    }

    /// Opens a new message in the person's email app with the file attached.
    pub fn hand_to_mail_app(&self) -> Handed {
        let Some(mut command) = self.command() else { return Handed::NoMailApp };
        let Ok(mut child) = command.spawn() else { return Handed::NoMailApp };
        let started = Instant::now();
        while started.elapsed() < REFUSAL_WINDOW {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Handed::Opened,
                Ok(Some(_)) | Err(_) => return Handed::NoMailApp,
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        // Still running: the email app has the message (and keeps this tool waiting).
        std::thread::spawn(move || child.wait());
        Handed::Opened
    }
}

/// Mail's new message, its parts taken from the arguments (subject, body, file, addresses).
const MAIL_APP_SCRIPT: &str = r#"on run argv
    set theSubject to item 1 of argv
    set theBody to item 2 of argv
    set theFile to POSIX file (item 3 of argv)
    tell application "Mail"
        set newMessage to make new outgoing message with properties {subject:theSubject, content:theBody & return & return, visible:true}
        tell newMessage
            repeat with i from 4 to count of argv
                make new to recipient at end of to recipients with properties {address:(item i of argv)}
            end repeat
            make new attachment with properties {file name:theFile} at after the last paragraph
        end tell
        activate
    end tell
end run"#;

/// Every byte but the unreserved characters and '@' as %XX.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email_to(to: &[&str], subject: &str) -> (tempfile::TempDir, Result<Email>) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("circle-from-ana.kinship");
        std::fs::write(&file, b"sealed").unwrap();
        let email = Email::new(to.iter().map(|s| s.to_string()).collect(), subject.into(), "Hello".into(), &file);
        (dir, email)
    }

    #[test]
    fn addresses_travel_in_one_encoded_mailto_target_after_the_options() {
        let (_dir, email) = email_to(&["ben@uni.edu", "o'brien+circle@uni.edu"], "Kinship updates");
        let args = email.unwrap().xdg_email_args();
        assert_eq!(args.len(), 8);
        assert_eq!(args[7], "mailto:ben@uni.edu,o%27brien%2Bcircle@uni.edu");
        assert_eq!(&args[..3], &["--utf8", "--subject", "Kinship updates"]);
        assert!(args[6].to_string_lossy().ends_with("circle-from-ana.kinship"));
    }

    #[test]
    fn an_address_that_could_add_a_header_or_an_option_is_refused() {
        for bad in ["ben@uni.edu?attach=/etc/passwd", "ben@uni.edu,eve@x.org", "ben@uni.edu\nBcc: eve@x.org", " "] {
            let (_dir, email) = email_to(&[bad], "Kinship updates");
            assert!(email.is_err(), "{bad:?}");
        }
        // An address that starts like an option is only ever part of the mailto: target.
        let (_dir, email) = email_to(&["--attach@uni.edu"], "Kinship updates");
        let args = email.unwrap().xdg_email_args();
        assert_eq!(args.iter().filter(|a| *a == "--attach").count(), 1);
        assert_eq!(args[7], "mailto:--attach@uni.edu");
    }

    #[test]
    fn a_subject_stays_one_line_and_nobody_to_write_to_says_what_to_do() {
        let (_dir, email) = email_to(&["ben@uni.edu"], "Kinship updates\r\nBcc: eve@x.org");
        assert_eq!(email.unwrap().subject, "Kinship updates  Bcc: eve@x.org");
        let (_dir, email) = email_to(&[], "Kinship updates");
        assert!(email.unwrap_err().to_string().contains("add their addresses"));
    }

    #[test]
    fn a_missing_file_says_to_share_again() {
        let err = Email::new(vec!["ben@uni.edu".into()], "S".into(), "B".into(), Path::new("/nonexistent/x.kinship"))
            .unwrap_err();
        assert!(err.to_string().contains("share again"), "{err}");
    }

    #[test]
    fn mail_on_a_mac_gets_the_parts_as_arguments_not_as_script_text() {
        let (_dir, email) = email_to(&["ben@uni.edu"], "\" & do shell script \"rm -rf ~\" & \"");
        let args = email.unwrap().osascript_args();
        assert_eq!(args[1], MAIL_APP_SCRIPT, "the script is fixed");
        assert_eq!(args[2], "\" & do shell script \"rm -rf ~\" & \"");
        assert_eq!(args[5], "ben@uni.edu");
    }
}
