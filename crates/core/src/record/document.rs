//! The mentoring record as a document: titled blocks of plain text, in reading order. The
//! Markdown export is written from it and the desktop preview draws it, so the preview
//! shows exactly the words the export writes.

use super::{long_date, md_escape, MentoringRecord};
use serde::Serialize;

/// The record's content, in the order every reader meets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordDocument {
    pub blocks: Vec<Block>,
}

/// One block of a record. Every text is plain: a format escapes it as it needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// The record's title.
    Title { text: String },
    /// A section heading.
    Heading { text: String },
    /// A paragraph whose lines are kept apart by line breaks.
    Paragraph { lines: Vec<Vec<Piece>> },
    /// The summary figures, one label and value a row.
    Figures { rows: Vec<Figure> },
    /// A bulleted list.
    List { items: Vec<String> },
    /// Quoted text, line by line (a reflection in the member's words).
    Quote { lines: Vec<String> },
    /// The closing line.
    Footer { text: String },
}

/// A run of text in a paragraph line; `strong` ones stand out (the circle's name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Piece {
    pub text: String,
    pub strong: bool,
}

/// One of the summary's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

fn plain(text: impl Into<String>) -> Piece {
    Piece { text: text.into(), strong: false }
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph { lines: vec![vec![plain(text)]] }
}

/// A heading and its list, or nothing when the list is empty.
fn list_section(blocks: &mut Vec<Block>, title: &str, items: Vec<String>) {
    if !items.is_empty() {
        blocks.push(Block::Heading { text: title.to_string() });
        blocks.push(Block::List { items });
    }
}

impl MentoringRecord {
    /// The record as a document (see the module docs).
    pub fn document(&self) -> RecordDocument {
        let mut blocks = vec![
            Block::Title { text: format!("Service: peer mentoring — {}", self.name) },
            Block::Paragraph {
                lines: vec![
                    vec![plain(self.who())],
                    vec![
                        plain("Peer mentoring circle "),
                        Piece { text: self.circle_name.clone(), strong: true },
                        plain(format!(", {}.", self.period())),
                    ],
                ],
            },
        ];
        if !self.circle_purpose.trim().is_empty() {
            blocks.push(paragraph(format!("The circle’s purpose: {}", self.circle_purpose.trim())));
        }
        if !self.narrative.trim().is_empty() {
            blocks.push(paragraph(self.narrative.trim()));
        }
        blocks.push(Block::Heading { text: "Summary".into() });
        let rows = self.figures().into_iter().map(|(label, value)| Figure { label: label.into(), value }).collect();
        blocks.push(Block::Figures { rows });
        list_section(&mut blocks, "Meetings", self.meetings.iter().map(Self::meeting_line).collect());
        list_section(
            &mut blocks,
            "Topics",
            self.topics.iter().map(|t| format!("{} — {}", t.date, Self::topic_line(t))).collect(),
        );
        if let Some(note) = self.left_out_note() {
            blocks.push(paragraph(note));
        }
        list_section(&mut blocks, "Resources shared", self.resources.iter().map(|r| r.line(|s| s.into())).collect());
        list_section(&mut blocks, "Commitments", self.commitments.iter().map(Self::commitment_line).collect());
        if !self.reflections.is_empty() {
            blocks.push(Block::Heading { text: "Reflections".into() });
            for r in &self.reflections {
                let prompt = r.prompt.as_ref().map(|p| format!(" — {p}")).unwrap_or_default();
                blocks.push(paragraph(format!("{}{prompt}", r.date)));
                blocks.push(Block::Quote { lines: r.text.lines().map(str::to_string).collect() });
            }
        }
        blocks.push(Block::Footer { text: format!("Made with Kinship on {}.", long_date(&self.generated_on)) });
        RecordDocument { blocks }
    }
}

impl RecordDocument {
    /// The document as Markdown: every text escaped, blocks a blank line apart.
    pub fn to_markdown(&self) -> String {
        let e = md_escape;
        let blocks: Vec<String> = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Title { text } => format!("# {}\n", e(text)),
                Block::Heading { text } => format!("## {}\n", e(text)),
                Block::Paragraph { lines } => {
                    let line = |pieces: &Vec<Piece>| {
                        let text = |p: &Piece| if p.strong { format!("**{}**", e(&p.text)) } else { e(&p.text) };
                        pieces.iter().map(text).collect::<String>()
                    };
                    // Two spaces before a newline: a line break inside the paragraph.
                    format!("{}\n", lines.iter().map(line).collect::<Vec<_>>().join("  \n"))
                }
                Block::Figures { rows } => {
                    let rows: String =
                        rows.iter().map(|r| format!("| {} | {} |\n", e(&r.label), e(&r.value))).collect();
                    format!("| | |\n|---|---:|\n{rows}")
                }
                Block::List { items } => items.iter().map(|i| format!("- {}\n", e(i))).collect(),
                Block::Quote { lines } => lines.iter().map(|l| format!("> {}\n", e(l))).collect(),
                Block::Footer { text } => format!("_{}_\n", e(text)),
            })
            .collect();
        blocks.join("\n")
    }
}
