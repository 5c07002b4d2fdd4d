//! The types of the generated table of Argo's fields: what each definition of Argo's JSON
//! Schema allows, reduced to what the strict check needs (field names, the shape of each
//! value, required fields).

/// The shape of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string, number or boolean: scalars are not told apart, since Kubernetes and Argo
    /// accept `value: 5` where the schema says string.
    Scalar,
    /// Anything (the schema leaves it open, such as `withItems` items).
    Any,
    /// The definition at this index of [`super::table::DEFINITIONS`].
    Ref(u16),
    /// A list of these.
    List(&'static Shape),
    /// A mapping from any key to these.
    Map(&'static Shape),
}

/// What a definition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// A mapping with these fields, sorted by name; any other field is unknown.
    Fields(&'static [(&'static str, Shape)]),
    /// A mapping whose fields the schema does not list (anything goes).
    Open,
    /// A value of this shape.
    Is(Shape),
}

/// One definition of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    /// Its name in the schema, such as `io.argoproj.workflow.v1alpha1.DAGTask`.
    pub name: &'static str,
    /// What it holds.
    pub body: Body,
    /// The fields it requires.
    pub required: &'static [&'static str],
}

impl Definition {
    /// The shape of one field, if the definition has it.
    pub fn field(&self, name: &str) -> Option<Shape> {
        match self.body {
            Body::Fields(fields) => fields.binary_search_by(|(n, _)| (*n).cmp(name)).ok().map(|i| fields[i].1),
            _ => None,
        }
    }

    /// The names of its fields, for suggestions.
    pub fn field_names(&self) -> impl Iterator<Item = &'static str> {
        let fields: &'static [(&'static str, Shape)] = match self.body {
            Body::Fields(fields) => fields,
            _ => &[],
        };
        fields.iter().map(|(n, _)| *n)
    }
}
