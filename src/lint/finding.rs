//! A finding: one rule's complaint about one field of one document, and the report that places
//! every finding in its file (line and column) and object, sorted, for the output formats.

use super::bundle::Bundle;
use super::rules::Rule;
use crate::krm::Severity;

/// One complaint, as a rule makes it: the document (by index in the bundle) and the field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// Its severity (the rule's own, or lowered to a warning where the rule says so).
    pub severity: Severity,
    /// The document, by index in [`Bundle::documents`]; None for a problem with no object.
    pub doc: Option<usize>,
    /// The field path inside the document, such as `spec.templates[0].dag.tasks[2].template`.
    pub path: String,
    /// What is wrong, and what would be valid.
    pub message: String,
}

impl Finding {
    /// A finding at the rule's own severity.
    pub fn new(rule: Rule, doc: usize, path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding { rule, severity: rule.severity(), doc: Some(doc), path: path.into(), message: message.into() }
    }

    /// The same finding as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

/// A finding placed: where it is, and in which object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Placed {
    /// The file, when the object came from one (`-` for stdin); None for objects rendered in memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line, from 1, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The column, from 1, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The rule's id.
    pub rule: &'static str,
    /// The object's kind.
    pub kind: String,
    /// The object's namespace, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The object's name (or generateName).
    pub name: String,
    /// The field path.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The object's apiVersion (for KRM results).
    #[serde(skip)]
    pub api_version: String,
}

/// Every finding of a lint run, placed and sorted (file, line, column, rule, message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The findings.
    pub findings: Vec<Placed>,
}

impl Report {
    /// Places each finding in its file and object, drops exact duplicates, and sorts them.
    pub fn new(bundle: &Bundle, findings: Vec<Finding>) -> Report {
        let mut placed: Vec<Placed> = findings.into_iter().map(|f| bundle.place(f)).collect();
        placed.sort();
        placed.dedup();
        Report { findings: placed }
    }

    /// How many errors.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }

    /// How many warnings.
    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }

    /// The findings of one rule.
    pub fn of(&self, rule: Rule) -> impl Iterator<Item = &Placed> {
        self.findings.iter().filter(move |f| f.rule == rule.id())
    }
}
