//! A small, deterministic YAML emitter for JSON trees, in the block style kustomize prints.
//! Strings that YAML 1.1 or 1.2 could read as anything but a string are quoted, so values
//! such as `on`, `0755` or `1e3` survive every YAML reader as the same strings.

use super::{Object, RESOURCE_LIST_API_VERSION, ResourceList, ResultItem};
use serde_json::{Map, Value};

/// Writes a ResourceList (items and sorted results; the functionConfig is not echoed).
pub fn write_resource_list(list: &ResourceList) -> String {
    let mut out = Vec::with_capacity(4096 + list.items.len() * 4096);
    write_resource_list_to(list, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the emitter writes UTF-8")
}

/// Streams a ResourceList to `out`, one item at a time, so the whole text never sits in memory.
pub fn write_resource_list_to(list: &ResourceList, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut writer = ListWriter::new(out, !list.items.is_empty());
    for item in &list.items {
        writer.item(item)?;
    }
    writer.finish(&list.results)
}

/// Writes a ResourceList item by item, in 64 KiB chunks: the caller may produce each item just
/// before it is written and drop it just after.
pub struct ListWriter<'a> {
    out: &'a mut dyn std::io::Write,
    buf: String,
}

impl<'a> ListWriter<'a> {
    const CHUNK: usize = 64 * 1024;

    /// Starts the list; `has_items` says whether any item will follow.
    pub fn new(out: &'a mut dyn std::io::Write, has_items: bool) -> Self {
        let mut buf = String::with_capacity(Self::CHUNK + 16 * 1024);
        buf.push_str("apiVersion: ");
        buf.push_str(RESOURCE_LIST_API_VERSION);
        buf.push_str("\nkind: ResourceList\n");
        buf.push_str(if has_items { "items:\n" } else { "items: []\n" });
        ListWriter { out, buf }
    }

    /// Writes one item.
    pub fn item(&mut self, item: &Object) -> std::io::Result<()> {
        write_seq_item(&mut self.buf, &item.0, 0);
        if self.buf.len() >= Self::CHUNK {
            self.out.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes the results (sorted) and flushes what is left.
    pub fn finish(mut self, results: &[ResultItem]) -> std::io::Result<()> {
        if !results.is_empty() {
            let mut results = results.to_vec();
            results.sort();
            self.buf.push_str("results:\n");
            for r in &results {
                write_seq_item(&mut self.buf, &serde_json::to_value(r).unwrap_or(Value::Null), 0);
            }
        }
        self.out.write_all(self.buf.as_bytes())
    }
}

/// Writes one value as a YAML document (no `---`).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0, false),
        Value::Array(a) if !a.is_empty() => {
            for item in a {
                write_seq_item(&mut out, item, 0);
            }
        }
        _ => {
            write_scalar(&mut out, value, 0);
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

fn write_map(out: &mut String, map: &Map<String, Value>, indent: usize, inline_first: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        write_string(out, key, indent, false);
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, indent + 2, false);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                for item in a {
                    write_seq_item(out, item, indent);
                }
            }
            _ => {
                out.push(' ');
                write_scalar(out, value, indent + 2);
                out.push('\n');
            }
        }
    }
}

fn write_seq_item(out: &mut String, item: &Value, indent: usize) {
    pad(out, indent);
    out.push_str("- ");
    match item {
        Value::Object(m) if !m.is_empty() => write_map(out, m, indent + 2, true),
        Value::Array(a) if !a.is_empty() => {
            for (i, inner) in a.iter().enumerate() {
                if i == 0 {
                    // The first inner item shares the line: "- - x".
                    let mut nested = String::new();
                    write_seq_item(&mut nested, inner, indent + 2);
                    out.push_str(nested.trim_start());
                } else {
                    write_seq_item(out, inner, indent + 2);
                }
            }
        }
        _ => {
            write_scalar(out, item, indent + 2);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s, indent, true),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn write_string(out: &mut String, s: &str, indent: usize, allow_block: bool) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if allow_block && is_block_safe(s) {
        write_block(out, s, indent);
    } else {
        write_double_quoted(out, s);
    }
}

/// A literal block scalar (`|`), for multi-line text such as scripts.
fn write_block(out: &mut String, s: &str, indent: usize) {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    out.push('|');
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    out.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    // The caller adds the final newline after a scalar; a block already ended its last line.
    out.pop();
}

fn is_block_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n', '\t'])
        && s.chars().all(|c| c == '\n' || (!c.is_control() && !is_yaml_special_char(c)))
        && s.split('\n').all(|l| !l.ends_with([' ', '\t']))
}

fn is_yaml_special_char(c: char) -> bool {
    matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}')
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_yaml_special_char(c) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Words that some YAML version resolves to a boolean or null.
const RESERVED: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<"];

/// A conservative test for strings that read back as the same string when written plain.
fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else { return false };
    if !(first.is_ascii_alphanumeric() || matches!(first, b'/' | b'_' | b'.' | b'$' | b'-')) {
        return false;
    }
    if s.ends_with([' ', ':']) || (first == b'-' && bytes.get(1).is_none_or(|&b| b == b' ')) {
        return false;
    }
    if (s.len() <= 5 && RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s))) || looks_numeric(s) {
        return false;
    }
    let mut prev = 0u8;
    for &b in bytes {
        let ok = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'@' | b'+' | b'=' | b',' | b'(' | b')' | b'%' | b'$' | b' ');
        if !ok || (prev == b':' && b == b' ') || (prev == b' ' && b == b' ') {
            return false;
        }
        prev = b;
    }
    true
}

/// Anything a YAML 1.1 or 1.2 reader could take for a number or a timestamp.
fn looks_numeric(s: &str) -> bool {
    let t = s.trim_start_matches(['-', '+']);
    let first = t.as_bytes().first().copied().unwrap_or(b'x');
    if first.is_ascii_digit() {
        return true;
    }
    if first == b'.' {
        let rest = &t[1..];
        return rest.as_bytes().first().is_some_and(u8::is_ascii_digit) || ["inf", "nan"].iter().any(|w| w.eq_ignore_ascii_case(rest));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_ambiguous_strings() {
        for s in ["on", "yes", "No", "0755", "1e3", "null", "~", "", "true", "-", "- x", ".5", "-1", "a: b", "x #y", "@x", "*a", "&a", "!t"]
        {
            let y = to_yaml(&json!({ "k": s }));
            assert!(y.starts_with("k: \""), "{s:?} -> {y}");
            let back: serde_yaml::Value = serde_yaml::from_str(&y).unwrap();
            assert_eq!(back["k"].as_str(), Some(s), "{y}");
        }
        assert_eq!(to_yaml(&json!({"k": "https://x.io/a.git"})), "k: https://x.io/a.git\n");
        assert_eq!(to_yaml(&json!({"k": "--ci"})), "k: --ci\n");
    }

    #[test]
    fn writes_nested_blocks_that_read_back() {
        let v = json!({"a": [{"b": 1, "c": ["x", ["y", "z"], {}]}, []], "s": "line1\n  line2\n", "t": "no newline\nat end", "u": "a\n\n"});
        let y = to_yaml(&v);
        let back: serde_json::Value = serde_yaml::from_str(&y).unwrap();
        assert_eq!(back, v, "{y}");
        assert!(y.contains("s: |\n  line1\n    line2\n"), "{y}");
    }
}
