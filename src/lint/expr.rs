//! Argo's `{{…}}` variables in strings: finding them, and walking every string of a value with
//! its field path.

use serde_json::Value;

/// One `{{…}}` in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable<'a> {
    /// What is between the braces, trimmed (`inputs.parameters.x`); for an expression
    /// (`{{=…}}`), the expression without its `=`.
    pub name: &'a str,
    /// Whether it is an expression (`{{=…}}`), which Argo evaluates with expr-lang.
    pub expression: bool,
}

/// Every `{{…}}` in `s`, in order.
pub fn variables(s: &str) -> Vec<Variable<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        match inner.strip_prefix('=') {
            Some(e) => out.push(Variable { name: e.trim(), expression: true }),
            None => out.push(Variable { name: inner, expression: false }),
        }
        rest = &after[end + 2..];
    }
    out
}

/// The names an expression gives after `root` (such as `y` for `workflow.parameters` in
/// `{{=sprig.upper(workflow.parameters.y)}}`), in the `root.name` and `root['name']` forms.
pub fn mentions(expression: &str, root: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = expression.as_bytes();
    let mut i = 0;
    while let Some(found) = expression[i..].find(root) {
        let at = i + found;
        let boundary = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b'.');
        let tail = &expression[at + root.len()..];
        if boundary {
            if let Some(dotted) = tail.strip_prefix('.') {
                let name: String = dotted.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push(name);
                }
            } else if let Some((quoted, _)) = tail.strip_prefix("['").and_then(|t| t.split_once("']")) {
                out.push(quoted.to_owned());
            }
        }
        i = at + root.len();
    }
    out
}

/// Calls `f(path, string)` for every string under `value` (keys excluded), with field paths
/// that start at `path`.
pub fn strings<'a>(value: &'a Value, path: &str, f: &mut dyn FnMut(&str, &'a str)) {
    match value {
        Value::String(s) => f(path, s),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(v, &format!("{path}[{i}]"), f);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                strings(v, &p, f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_variables_and_expressions() {
        let v = variables("a {{ inputs.parameters.x }} b {{=sprig.upper(workflow.parameters.y)}} {{unclosed");
        assert_eq!(
            v,
            vec![
                Variable { name: "inputs.parameters.x", expression: false },
                Variable { name: "sprig.upper(workflow.parameters.y)", expression: true }
            ]
        );
        assert_eq!(mentions("sprig.upper(workflow.parameters.y) + workflow.parameters['z-1']", "workflow.parameters"), vec!["y", "z-1"]);
    }
}
