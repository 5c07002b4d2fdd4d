//! The guard against the silent no-op: a tripwire object that a GitOps tree lists beside its
//! specs. pipewright removes it whenever it runs in a kustomize build; when kustomize skips
//! exec functions (no `--enable-exec`), it stays in the output and every API server rejects it.
//!
//! Why this object: its apiVersion is the core group `v1`, which no CustomResourceDefinition
//! can extend (a CRD's group must be non-empty), and `v1` serves no kind of this name. So
//! `kubectl apply`, server-side apply and Argo CD's dry run all fail with
//! `no matches for kind "PipewrightDidNotRun" in version "v1"`, on every cluster. Argo CD's
//! dry run stops the whole sync; `kubectl apply` still applies the stream's other objects.

use crate::krm::Object;

/// The tripwire's apiVersion: the core group, closed to CRDs.
pub const API_VERSION: &str = "v1";
/// The tripwire's kind, which no API server serves. It reads as the error it reports.
pub const KIND: &str = "PipewrightDidNotRun";
/// The tripwire's name, which says how to fix the build.
pub const NAME: &str = "build-with-enable-alpha-plugins-and-enable-exec";

/// The tripwire file as `pipewright init` scaffolds it (`argo/workflows/guard.yaml`).
pub const FILE: &str = "\
# The guard against a silent no-op. Do not delete.
#
# kustomize skips exec functions unless run with `--enable-alpha-plugins --enable-exec`, and then
# exits 0 with no pipelines in its output. pipewright removes this object whenever it runs; if it
# did not run, the object stays in the output and every API server rejects it (the core group `v1`
# serves no such kind, and no CRD can add one): Argo CD's sync fails before applying anything, and
# `kubectl apply` exits 1 (though it applies the other objects: check a build before applying it).
apiVersion: v1
kind: PipewrightDidNotRun
metadata:
  name: build-with-enable-alpha-plugins-and-enable-exec
  annotations:
    pipewright.dev/guard: \"kustomize did not run pipewright: build with `kustomize build --enable-alpha-plugins --enable-exec`, or set kustomize.buildOptions in argocd-cm\"
";

/// Whether an object is the tripwire.
pub fn is_tripwire(object: &Object) -> bool {
    object.api_version() == API_VERSION && object.kind() == KIND
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::krm::{Limits, parse_objects};

    #[test]
    fn the_scaffolded_file_is_the_tripwire() {
        let objects = parse_objects(FILE.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(objects.len(), 1);
        assert!(is_tripwire(&objects[0]));
        assert_eq!(objects[0].name(), NAME);
    }

    fn run(tripwire: Object) -> Vec<Object> {
        let list = crate::krm::ResourceList { items: vec![tripwire], ..Default::default() };
        crate::function::process(list).items().collect()
    }

    #[test]
    fn kustomize_builds_drop_it_and_kpt_packages_keep_it() {
        let tripwire = parse_objects(FILE.as_bytes(), &Limits::default()).unwrap().remove(0);
        assert!(run(tripwire.clone()).is_empty(), "a kustomize build kept the tripwire");
        let mut in_package = tripwire;
        in_package.set_annotation("config.kubernetes.io/path", "guard.yaml");
        assert_eq!(run(in_package.clone()), vec![in_package], "kpt would delete the guard file");
        let lookalike = Object::new(serde_json::json!({"apiVersion": "example.com/v1", "kind": KIND, "metadata": {"name": NAME}}));
        assert_eq!(run(lookalike.clone()), vec![lookalike], "only the core-group tripwire is dropped");
    }
}
