//! Strict schema: every field of an Argo object must be one Argo's schema has (an unknown
//! field is an error that suggests the nearest name), each value must have the shape the schema
//! gives it, and required fields must be there. The schema is a generated table (`table.rs`),
//! so the check needs no file at run time.

#[cfg(test)]
mod generate;
mod shape;
mod table;

use super::finding::Finding;
use super::index::{Unit, UnitKind};
use super::rules::Rule;
use crate::validate::nearest;
use serde_json::Value;
use shape::{Body, Shape};

/// Checks one Argo object (a unit's object) against its kind's definition.
pub fn check(unit: &Unit, out: &mut Vec<Finding>) {
    let root = match unit.kind {
        UnitKind::Workflow | UnitKind::SensorWorkflow => table::WORKFLOW,
        UnitKind::WorkflowTemplate => table::WORKFLOW_TEMPLATE,
        UnitKind::ClusterWorkflowTemplate => table::CLUSTER_WORKFLOW_TEMPLATE,
        UnitKind::CronWorkflow => table::CRON_WORKFLOW,
    };
    let mut walk = Walk { doc: unit.doc, out };
    walk.value(unit.object, Shape::Ref(root), &unit.object_path);
}

struct Walk<'o> {
    doc: usize,
    out: &'o mut Vec<Finding>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "a mapping",
        Value::Array(_) => "a list",
        Value::Null => "null",
        _ => "a scalar",
    }
}

impl Walk<'_> {
    fn wrong(&mut self, path: &str, value: &Value, wanted: &str) {
        let message = format!("is {}, but Argo's schema wants {wanted} here", describe(value));
        self.out.push(Finding::new(Rule::SchemaType, self.doc, path, message));
    }

    fn value(&mut self, value: &Value, shape: Shape, path: &str) {
        if value.is_null() {
            return;
        }
        match shape {
            Shape::Any => {}
            Shape::Scalar => {
                if value.is_object() || value.is_array() {
                    self.wrong(path, value, "a string, number or boolean");
                }
            }
            Shape::List(item) => match value.as_array() {
                Some(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.value(v, *item, &format!("{path}[{i}]"));
                    }
                }
                None => self.wrong(path, value, "a list"),
            },
            Shape::Map(item) => match value.as_object() {
                Some(map) => {
                    for (k, v) in map {
                        self.value(v, *item, &join(path, k));
                    }
                }
                None => self.wrong(path, value, "a mapping"),
            },
            Shape::Ref(index) => self.definition(value, index, path),
        }
    }

    fn definition(&mut self, value: &Value, index: u16, path: &str) {
        let definition = &table::DEFINITIONS[index as usize];
        match definition.body {
            Body::Is(shape) => self.value(value, shape, path),
            Body::Open => {
                if !value.is_object() {
                    self.wrong(path, value, "a mapping");
                }
            }
            Body::Fields(_) => {
                let Some(map) = value.as_object() else {
                    return self.wrong(path, value, "a mapping");
                };
                for (key, v) in map {
                    match definition.field(key) {
                        Some(shape) => self.value(v, shape, &join(path, key)),
                        None => {
                            let hint = match nearest(key, definition.field_names()) {
                                Some(n) => format!(", did you mean `{n}`?"),
                                None => String::new(),
                            };
                            let short = definition.name.rsplit('.').next().unwrap_or(definition.name);
                            let message = format!("unknown field `{key}` (not in Argo's {short}){hint}");
                            self.out.push(Finding::new(Rule::UnknownField, self.doc, join(path, key), message));
                        }
                    }
                }
                for required in definition.required {
                    if !map.contains_key(*required) {
                        let short = definition.name.rsplit('.').next().unwrap_or(definition.name);
                        let message = format!("`{required}` is required (Argo's {short})");
                        self.out.push(Finding::new(Rule::RequiredField, self.doc, path, message));
                    }
                }
            }
        }
    }
}
