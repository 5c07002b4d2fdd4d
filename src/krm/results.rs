//! KRM function results, in the exact shape the KRM functions specification gives them.

use super::ObjectRef;
use serde::Serialize;

/// How bad a result is. Lowercase on the wire, as the spec requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong; the function exits 1.
    Error,
    /// Worth a look; the function still succeeds.
    Warning,
    /// For information.
    Info,
}

/// A field of an object, named by its path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FieldRef {
    /// A dotted path such as `spec.steps.test.command[0]`.
    pub path: String,
}

/// The file an object came from, when the orchestrator said.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileRef {
    /// The file's path inside the package.
    pub path: String,
}

/// One diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultItem {
    /// The object concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_ref: Option<ObjectRef>,
    /// The field concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldRef>,
    /// The file concerned, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileRef>,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl ResultItem {
    /// One line for stderr: `error: Pipeline/ns/name: spec.repo: message`; errors in the input
    /// as a whole name the ResourceList instead: `error: ResourceList (stdin): kind: message`.
    pub fn to_line(&self) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let mut line = format!("{severity}: ");
        if let Some(file) = &self.file {
            line.push_str(&format!("{}: ", file.path));
        }
        match &self.resource_ref {
            Some(r) => line.push_str(&format!("{r}: ")),
            None if self.field.is_some() => line.push_str("ResourceList (stdin): "),
            None => {}
        }
        if let Some(f) = self.field.as_ref().filter(|f| f.path != ".") {
            line.push_str(&format!("{}: ", f.path));
        }
        line.push_str(&self.message);
        line
    }
}
