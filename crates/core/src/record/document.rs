//! The mentoring record as a [`Document`]: the Markdown export is written from it and the
//! desktop preview draws it, so the preview shows exactly the words the export writes.

use super::{long_date, MentoringRecord};
use crate::document::{list_section, paragraph, plain, Block, Document, Figure, Piece};

/// The record as a document (an alias kept for the record's readers).
pub type RecordDocument = Document;

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
