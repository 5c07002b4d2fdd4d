//! Assembles the output items: pass-through items, specs (kept or consumed) and generated
//! objects, in one canonical order so the same input always gives the same bytes.

use super::mode::{Mode, PATH_ANNOTATIONS};
use super::tripwire;
use crate::krm::Object;
use crate::render::GENERATED_FROM;
use crate::validate::is_pipewright;

/// Annotations kustomize uses to track items. Echoing them costs kustomize a schema load
/// (about 80 ms), so they are dropped under kustomize. Under kpt they are kept: kpt matches
/// them to copy the user's comments back into the package files.
const KUSTOMIZE_IDS: [&str; 2] = ["internal.config.kubernetes.io/id", "config.k8s.io/id"];
/// Marks objects that must never be applied.
pub const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";

/// The package path of a generated object: `generated/<namespace or _cluster>/<kind>_<name>.yaml`.
pub fn generated_path(object: &Object) -> String {
    format!("generated/{}", object_file(object))
}

/// A stable file name for an object: `<namespace or _cluster>/<kind>_<name>.yaml`.
pub fn object_file(object: &Object) -> String {
    let namespace = object.namespace().unwrap_or("_cluster");
    format!("{namespace}/{}_{}.yaml", object.kind().to_lowercase(), object.name())
}

pub(super) fn assemble(mode: Mode, input: Vec<Object>, generated: Vec<Object>) -> Vec<Object> {
    let mut out: Vec<Object> = Vec::with_capacity(input.len() + generated.len());
    for mut item in input {
        if item.annotation(GENERATED_FROM).is_some() {
            continue; // replaced by this run's output, or pruned with its spec
        }
        let spec = is_pipewright(&item);
        match mode {
            Mode::Kustomize if spec || tripwire::is_tripwire(&item) => continue,
            Mode::Kustomize => item.remove_annotations(&KUSTOMIZE_IDS),
            Mode::Kpt if spec => item.set_annotation(LOCAL_CONFIG, "true"),
            Mode::Kpt => {}
        }
        out.push(item);
    }
    for mut object in generated {
        if mode == Mode::Kpt {
            let path = generated_path(&object);
            for key in PATH_ANNOTATIONS {
                object.set_annotation(key, &path);
            }
        }
        out.push(object);
    }
    sort(&mut out);
    out
}

/// Sorts by group, kind, namespace, name and path; exact ties (rare) by content.
fn sort(items: &mut Vec<Object>) {
    // Sort small (key, index) pairs rather than the objects, then move each object once.
    let mut keyed: Vec<_> = items
        .iter()
        .enumerate()
        .map(|(i, o)| ((o.group(), o.kind(), o.namespace().unwrap_or(""), o.name(), o.annotation(PATH_ANNOTATIONS[0]).unwrap_or("")), i))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| items[*a].0.to_string().cmp(&items[*b].0.to_string())));
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let mut slots: Vec<Option<Object>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().map(|i| slots[i].take().expect("each index once")));
}
