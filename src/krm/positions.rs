//! Where each key and list item of a YAML document sits in its text (line and column), for
//! diagnostics that point into a file. Computed from the text by a small block-structure scanner,
//! not by the YAML library: it needs no parser events, costs nothing until a diagnostic asks,
//! and when it meets a construct it does not follow (flow collections, complex keys) it only
//! loses precision: a lookup then falls back to the nearest enclosing key it did see.

use std::collections::BTreeMap;

/// A line and a column, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// One document of a multi-document YAML text: its text and the line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentSpan {
    /// The byte offset of the document's first line in the whole text.
    pub start: usize,
    /// The byte offset just past its last line.
    pub end: usize,
    /// The line of its first line in the whole text, from 1.
    pub first_line: usize,
}

/// The documents of a YAML stream that hold something (not only comments, blank lines or
/// markers), in order: the ones a YAML reader turns into values.
pub fn document_spans(text: &str) -> Vec<DocumentSpan> {
    let mut spans = Vec::new();
    let (mut start, mut first_line, mut filled) = (0, 1, false);
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let marker = bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t") || bare == "...";
        if marker {
            if filled {
                spans.push(DocumentSpan { start, end: offset, first_line });
            }
            filled = false;
            // Content after `--- ` on the marker line belongs to the next document.
            let rest = bare.strip_prefix("---").map(str::trim).unwrap_or("");
            if !rest.is_empty() && !rest.starts_with('#') {
                filled = true;
                start = offset;
                first_line = i + 1;
            } else {
                start = offset + line.len();
                first_line = i + 2;
            }
        } else if !filled && !bare.trim().is_empty() && !bare.trim_start().starts_with('#') && !bare.starts_with('%') {
            filled = true;
        }
        offset += line.len();
    }
    if filled {
        spans.push(DocumentSpan { start, end: text.len(), first_line });
    }
    spans
}

/// The positions of one document's keys and list items, by field path (`spec.templates[0].name`).
#[derive(Debug, Clone, Default)]
pub struct Positions {
    at: BTreeMap<String, Position>,
}

impl Positions {
    /// Indexes one document's text, whose first line is line `first_line` of its file.
    pub fn index(text: &str, first_line: usize) -> Positions {
        Scanner { at: BTreeMap::new(), frames: Vec::new(), root_items: 0, skip: Skip::None }.run(text, first_line)
    }

    /// Where the field at `path` is, or its nearest enclosing field that the index knows.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(p) = self.at.get(path) {
                return Some(*p);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Item(usize),
}

#[derive(Debug)]
struct Frame {
    column: usize,
    segment: Segment,
    /// How many list items this node has held so far.
    items: usize,
}

/// Lines to step over: the body of a block scalar, or the rest of a quoted scalar.
enum Skip {
    None,
    /// Lines indented deeper than this column (and blank lines) belong to a block scalar.
    Deeper(usize),
    /// Lines up to the one that closes an open quote or flow collection.
    Flow(Flow),
}

/// How far into a flow collection or quoted scalar the text has gone.
#[derive(Debug, Clone, Copy, Default)]
struct Flow {
    depth: usize,
    quote: Option<char>,
}

impl Flow {
    /// Reads on through `text`; true when everything opened so far is closed.
    fn read(&mut self, text: &str) -> bool {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (self.quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                }
                (Some(q), c) if c == q => self.quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => self.quote = Some(c),
                (None, '[' | '{') => self.depth += 1,
                (None, ']' | '}') => self.depth = self.depth.saturating_sub(1),
                (None, '#') => break,
                _ => {}
            }
        }
        self.depth == 0 && self.quote.is_none()
    }
}

struct Scanner {
    at: BTreeMap<String, Position>,
    frames: Vec<Frame>,
    root_items: usize,
    skip: Skip,
}

impl Scanner {
    fn run(mut self, text: &str, first_line: usize) -> Positions {
        for (i, raw) in text.lines().enumerate() {
            let line = first_line + i;
            let indent = raw.len() - raw.trim_start_matches(' ').len();
            let content = &raw[indent..];
            match self.skip {
                Skip::Deeper(column) if content.trim().is_empty() || indent > column => continue,
                Skip::Flow(mut flow) => {
                    self.skip = if flow.read(content) { Skip::None } else { Skip::Flow(flow) };
                    continue;
                }
                _ => self.skip = Skip::None,
            }
            if content.is_empty() || content.starts_with('#') || raw.starts_with("---") || raw.starts_with('%') {
                continue;
            }
            self.node(content, indent, line);
        }
        Positions { at: self.at }
    }

    /// One node that starts at `column` of `line`: list items, then a key, then a value.
    fn node(&mut self, content: &str, column: usize, line: usize) {
        if content == "-" || content.starts_with("- ") {
            while self.frames.last().is_some_and(|f| f.column > column || (f.column == column && matches!(f.segment, Segment::Item(_)))) {
                self.frames.pop();
            }
            let index = match self.frames.last_mut() {
                Some(parent) => {
                    parent.items += 1;
                    parent.items - 1
                }
                None => {
                    self.root_items += 1;
                    self.root_items - 1
                }
            };
            self.frames.push(Frame { column, segment: Segment::Item(index), items: 0 });
            let rest = &content[1..];
            let gap = rest.len() - rest.trim_start_matches(' ').len();
            self.record(Position { line, column: column + 1 + gap + 1 });
            let rest = &rest[gap..];
            if rest.starts_with('-') || split_key(rest).is_some() {
                self.node(rest, column + 1 + gap, line);
            } else {
                // A scalar item: a block scalar's body is indented deeper than the dash.
                self.value(rest, column);
            }
            return;
        }
        let Some((key, after)) = split_key(content) else {
            self.value(content, column);
            return;
        };
        while self.frames.last().is_some_and(|f| f.column >= column) {
            self.frames.pop();
        }
        self.frames.push(Frame { column, segment: Segment::Key(key), items: 0 });
        self.record(Position { line, column: column + 1 });
        let value = after.trim_start_matches(' ');
        self.value(value, column);
    }

    /// A value after a key or a dash: notes block scalars and unclosed quotes to skip.
    fn value(&mut self, value: &str, column: usize) {
        let value = strip_properties(value);
        match value.chars().next() {
            Some('|' | '>') => self.skip = Skip::Deeper(column),
            Some('"' | '\'' | '[' | '{') => {
                let mut flow = Flow::default();
                if !flow.read(value) {
                    self.skip = Skip::Flow(flow);
                }
            }
            _ => {}
        }
    }

    fn record(&mut self, position: Position) {
        let mut path = String::new();
        for frame in &self.frames {
            match &frame.segment {
                Segment::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Segment::Item(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        self.at.entry(path).or_insert(position);
    }
}

/// Skips an anchor (`&name`) before a value.
fn strip_properties(value: &str) -> &str {
    let mut v = value;
    while v.starts_with('&') || v.starts_with('!') {
        v = v.split_once(' ').map(|(_, rest)| rest.trim_start()).unwrap_or("");
    }
    v
}

/// `key: value` → the key (unquoted) and what follows its colon; None when the line holds no
/// block mapping key (a scalar, a flow collection, a complex key).
fn split_key(content: &str) -> Option<(String, &str)> {
    let first = content.chars().next()?;
    if matches!(first, '{' | '[' | '?' | '|' | '>' | '*' | '&' | '!' | '#') {
        return None;
    }
    if first == '"' || first == '\'' {
        let body = &content[1..];
        let mut end = None;
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if first == '"' && c == '\\' {
                chars.next();
            } else if c == first {
                if first == '\'' && body[i + 1..].starts_with('\'') {
                    chars.next();
                    continue;
                }
                end = Some(i);
                break;
            }
        }
        let end = end?;
        let rest = body[end + 1..].trim_start_matches(' ');
        let after = rest.strip_prefix(':')?;
        if !(after.is_empty() || after.starts_with(' ')) {
            return None;
        }
        let key = body[..end].replace("''", "'").replace("\\\"", "\"");
        return Some((key, after));
    }
    let mut search = 0;
    while let Some(i) = content[search..].find(':') {
        let at = search + i;
        let after = &content[at + 1..];
        if after.is_empty() || after.starts_with(' ') || after.starts_with('\t') {
            let key = &content[..at];
            if key.contains(" #") {
                return None;
            }
            return Some((key.trim_end().to_owned(), after));
        }
        search = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(p: &Positions, path: &str) -> (usize, usize) {
        let found = p.find(path).unwrap_or_else(|| panic!("{path} not found in {:?}", p.at));
        (found.line, found.column)
    }

    #[test]
    fn indexes_keys_and_items() {
        let text = "\
apiVersion: v1
kind: X
spec:
  templates:
  - name: main
    script:
      source: |
        echo a: b
        - not: an item
      image: alpine
  - name: second
    dag:
      tasks:
        - name: a
          arguments: {parameters: [{name: x}]}
        -   name: b
  # a comment
  \"quoted key\": 'it''s'
  flow: [\"
    a: b
    \", {c: d}]
list:
- - nested
  - two: 2
";
        let p = Positions::index(text, 10);
        assert_eq!(at(&p, "kind"), (11, 1));
        assert_eq!(at(&p, "spec.templates[0].name"), (14, 5));
        assert_eq!(at(&p, "spec.templates[0].script.image"), (19, 7));
        assert_eq!(at(&p, "spec.templates[1]"), (20, 5));
        assert_eq!(at(&p, "spec.templates[1].dag.tasks[0].name"), (23, 11));
        assert_eq!(at(&p, "spec.templates[1].dag.tasks[1].name"), (25, 13));
        assert_eq!(at(&p, "spec.templates[1].dag.tasks[0].arguments.parameters[0].name"), (24, 11), "inside flow: the enclosing key");
        assert_eq!(at(&p, "spec.quoted key"), (27, 3));
        assert_eq!(at(&p, "list[0][1].two"), (33, 5));
        assert_eq!(at(&p, "spec.flow[0]"), (28, 3), "inside flow: the enclosing key");
        assert!(p.find("spec.templates[0].script.source.echo a").is_none() || at(&p, "spec.templates[0].script.source") == (16, 7));
        assert_eq!(at(&p, "spec.templates[0].script.source"), (16, 7));
    }

    #[test]
    fn splits_documents_like_a_yaml_reader() {
        let text = "# head\n---\na: 1\n---\n# only a comment\n---\nb: 2\n...\n--- {c: 3}\n";
        let spans = document_spans(text);
        assert_eq!(spans.iter().map(|s| s.first_line).collect::<Vec<_>>(), vec![3, 7, 9]);
        assert_eq!(&text[spans[0].start..spans[0].end], "a: 1\n");
        assert_eq!(document_spans("a: 1\nb: 2\n").len(), 1);
    }
}
