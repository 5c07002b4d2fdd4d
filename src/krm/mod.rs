//! KRM wire types: the ResourceList that comes in and goes out, its results, and YAML I/O.
//! The only module that calls the YAML library.

mod decode;
mod object;
mod positions;
mod read;
mod results;
mod write;

pub use object::{Object, ObjectRef};
pub use positions::{DocumentSpan, Position, Positions, document_spans};
pub use read::{Limits, ReadError, parse_objects, parse_resource_list, parse_value};
pub use results::{FieldRef, FileRef, ResultItem, Severity};
pub use write::{ListWriter, to_yaml, write_resource_list, write_resource_list_to};

/// The file an object was read from by `render`, `add` or `run` (which read the GitOps tree
/// themselves), so that results can name it. Never written out: the function drops it from
/// every item it passes through.
pub const SOURCE_FILE: &str = "internal.pipewright.dev/file";

/// The apiVersion of a KRM ResourceList.
pub const RESOURCE_LIST_API_VERSION: &str = "config.kubernetes.io/v1";

/// A KRM ResourceList: the function's input and output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceList {
    /// The resources to transform, or that were generated.
    pub items: Vec<Object>,
    /// The function's own configuration, when the orchestrator gave one.
    pub function_config: Option<Object>,
    /// Diagnostics, sorted before writing.
    pub results: Vec<ResultItem>,
}
