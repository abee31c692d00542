//! A document as titled blocks of plain text in reading order: what the mentoring record and
//! a meeting's minutes are made of. The Markdown and plain-text exports are written from the
//! blocks and the window draws the same blocks, so the screen, a copy and a file say the same.

use serde::Serialize;

/// A document's content, in the order every reader meets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub blocks: Vec<Block>,
}

/// One block of a document. Every text is plain: a format escapes it as it needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// The document's title.
    Title { text: String },
    /// A section heading.
    Heading { text: String },
    /// A heading inside a section (an agenda item), with a label that must travel with it.
    Subheading { text: String, tag: Option<String> },
    /// A paragraph whose lines are kept apart by line breaks.
    Paragraph { lines: Vec<Vec<Piece>> },
    /// Figures, one label and value a row.
    Figures { rows: Vec<Figure> },
    /// A bulleted list.
    List { items: Vec<String> },
    /// Quoted text, line by line (a reflection in its author's words).
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

/// One row of a figures block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// Plain text as a paragraph piece.
pub fn plain(text: impl Into<String>) -> Piece {
    Piece { text: text.into(), strong: false }
}

/// A paragraph of one line of plain text.
pub fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph { lines: vec![vec![plain(text)]] }
}

/// A paragraph with one line per line of `text` (notes as they were typed).
pub fn lines(text: &str) -> Block {
    Block::Paragraph { lines: text.trim().lines().map(|l| vec![plain(l.trim_end())]).collect() }
}

/// Pushes a heading and its list, or nothing when the list is empty.
pub fn list_section(blocks: &mut Vec<Block>, title: &str, items: Vec<String>) {
    if !items.is_empty() {
        blocks.push(Block::Heading { text: title.to_string() });
        blocks.push(Block::List { items });
    }
}

/// Text that Markdown shows as written: backslash before every character with a meaning.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A line of a paragraph or quote in Markdown: escaped, and a start that would make it a
/// list item or a heading underline ("- ", "+ ", "1. ", "===") kept as text.
fn md_line(s: &str) -> String {
    let escaped = md_escape(s);
    let digits = escaped.chars().take_while(char::is_ascii_digit).count();
    let after_digits = escaped[digits..].chars().next();
    if escaped.starts_with(['-', '+', '=']) {
        format!("\\{escaped}")
    } else if digits > 0 && matches!(after_digits, Some('.' | ')')) {
        format!("{}\\{}", &escaped[..digits], &escaped[digits..])
    } else {
        escaped
    }
}

fn pieces_text(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect()
}

/// `text` with a line of `mark` as long as it under it.
fn underlined(text: &str, mark: char) -> String {
    format!("{text}\n{}\n", mark.to_string().repeat(text.chars().count().max(3)))
}

impl Document {
    /// The document as Markdown: every text escaped, blocks a blank line apart.
    pub fn to_markdown(&self) -> String {
        let e = md_escape;
        let blocks: Vec<String> = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Title { text } => format!("# {}\n", e(text)),
                Block::Heading { text } => format!("## {}\n", e(text)),
                Block::Subheading { text, tag } => match tag {
                    Some(tag) => format!("### {} \\[{}\\]\n", e(text), e(tag)),
                    None => format!("### {}\n", e(text)),
                },
                Block::Paragraph { lines } => {
                    // Only the start of a line can turn it into something else.
                    let line = |pieces: &Vec<Piece>| {
                        let piece = |(i, p): (usize, &Piece)| {
                            let text = if i == 0 { md_line(&p.text) } else { e(&p.text) };
                            if p.strong {
                                format!("**{text}**")
                            } else {
                                text
                            }
                        };
                        pieces.iter().enumerate().map(piece).collect::<String>()
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
                Block::Quote { lines } => lines.iter().map(|l| format!("> {}\n", md_line(l))).collect(),
                Block::Footer { text } => format!("_{}_\n", e(text)),
            })
            .collect();
        blocks.join("\n")
    }

    /// The document as plain text (for an email body or the clipboard): titles underlined,
    /// lists with dashes, quotes with `> `, blocks a blank line apart.
    pub fn to_text(&self) -> String {
        let blocks: Vec<String> = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Title { text } => underlined(text, '='),
                Block::Heading { text } => underlined(text, '-'),
                Block::Subheading { text, tag } => match tag {
                    Some(tag) => format!("{text} [{tag}]\n"),
                    None => format!("{text}\n"),
                },
                Block::Paragraph { lines } => lines.iter().map(|l| format!("{}\n", pieces_text(l))).collect(),
                Block::Figures { rows } => rows.iter().map(|r| format!("{}: {}\n", r.label, r.value)).collect(),
                Block::List { items } => items.iter().map(|i| format!("- {i}\n")).collect(),
                Block::Quote { lines } => lines.iter().map(|l| format!("> {l}\n")).collect(),
                Block::Footer { text } => format!("{text}\n"),
            })
            .collect();
        blocks.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_a_line_start_from_becoming_a_list_or_heading() {
        let doc = Document {
            blocks: vec![
                lines("- not a list\n1. not numbered\n===\nplain"),
                Block::Quote { lines: vec!["+ no".into()] },
            ],
        };
        assert_eq!(doc.to_markdown(), "\\- not a list  \n1\\. not numbered  \n\\===  \nplain\n\n> \\+ no\n");
        assert_eq!(doc.to_text(), "- not a list\n1. not numbered\n===\nplain\n\n> + no\n");
    }

    #[test]
    fn a_subheading_carries_its_tag_in_every_format() {
        let doc = Document {
            blocks: vec![Block::Subheading {
                text: "2. Budget <cuts>".into(),
                tag: Some("Stays in the circle".into()),
            }],
        };
        assert_eq!(doc.to_markdown(), "### 2. Budget \\<cuts\\> \\[Stays in the circle\\]\n");
        assert_eq!(doc.to_text(), "2. Budget <cuts> [Stays in the circle]\n");
    }
}
