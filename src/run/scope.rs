//! Argo's variables: a scope of `name → value` (`workflow.parameters.revision`,
//! `inputs.parameters.x`, `tasks.clone.outputs.parameters.push`, …) and the substitution of
//! `{{name}}` and `{{= expression}}` tags in template fields, as the controller does before
//! a pod starts. A tag that names nothing is an error, as it is in Argo.

use super::expr::{self, Value};
use std::collections::BTreeMap;

/// Variables by their full name.
#[derive(Debug, Clone, Default)]
pub struct Scope(pub BTreeMap<String, String>);

impl Scope {
    /// Sets one variable.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// This scope with another's variables added (the other's win).
    pub fn with(&self, other: &Scope) -> Scope {
        let mut out = self.clone();
        out.0.extend(other.0.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// Replaces every `{{…}}` tag in `text`.
    pub fn substitute(&self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return Ok(out);
            };
            let tag = after[..end].trim();
            out.push_str(&self.tag(tag)?);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn tag(&self, tag: &str) -> Result<String, String> {
        if let Some(expression) = tag.strip_prefix('=') {
            let lookup = |name: &str| -> Option<Value> {
                match self.get(name) {
                    Some(v) => Some(Value::Str(v.to_owned())),
                    // expr-lang gives nil for a missing map entry under a known root.
                    None if ["workflow.outputs.", "inputs.", "tasks.", "steps."].iter().any(|p| name.starts_with(p)) => Some(Value::Nil),
                    None => None,
                }
            };
            return expr::eval(expression.trim(), &lookup).map(|v| v.to_string()).map_err(|e| format!("{{{{{tag}}}}}: {e}"));
        }
        self.get(tag).map(str::to_owned).ok_or_else(|| format!("{{{{{tag}}}}} names no variable that is set here"))
    }

    /// Substitutes every string inside a JSON value, collecting the errors.
    pub fn substitute_json(&self, value: &serde_json::Value, errors: &mut Vec<String>) -> serde_json::Value {
        use serde_json::Value as J;
        match value {
            J::String(s) => J::String(self.substitute(s).unwrap_or_else(|e| {
                errors.push(e);
                s.clone()
            })),
            J::Array(items) => J::Array(items.iter().map(|v| self.substitute_json(v, errors)).collect()),
            J::Object(map) => J::Object(map.iter().map(|(k, v)| (k.clone(), self.substitute_json(v, errors))).collect()),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_replaced_and_unknown_ones_refused() {
        let mut scope = Scope::default();
        scope.set("inputs.parameters.revision", "main");
        assert_eq!(scope.substitute("rev={{inputs.parameters.revision}}, {{ inputs.parameters.revision }}").unwrap(), "rev=main, main");
        assert!(scope.substitute("{{inputs.parameters.nope}}").unwrap_err().contains("names no variable"));
        assert_eq!(scope.substitute("no tags, {{ unclosed").unwrap(), "no tags, {{ unclosed");
    }

    #[test]
    fn expression_tags_coalesce_missing_outputs() {
        let mut scope = Scope::default();
        assert_eq!(scope.substitute("{{= workflow.outputs.parameters.pipewright_commit ?? ''}}").unwrap(), "");
        scope.set("workflow.outputs.parameters.pipewright_commit", "abc");
        assert_eq!(scope.substitute("{{= workflow.outputs.parameters.pipewright_commit ?? ''}}").unwrap(), "abc");
    }
}
