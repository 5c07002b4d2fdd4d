//! The fields `pipewright run` honours, and those it may ignore because they only matter on a
//! cluster (scheduling, resources, pod security, garbage collection). Any other field is an
//! error that names it before anything runs: a run never silently skips what Argo would do.

use serde_json::Value;

/// The shape of a JSON node: what fields it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A scalar or structure that is honoured as a whole.
    Leaf,
    /// Meaningful only on a cluster: accepted and ignored.
    Cluster,
    WorkflowSpec,
    Template,
    Inputs,
    Outputs,
    InputParameter,
    OutputParameter,
    ValueFrom,
    OutputArtifact,
    Container,
    EnvVar,
    EnvValueFrom,
    SecretKeyRef,
    VolumeMount,
    Volume,
    SecretVolume,
    KeyToPath,
    Claim,
    Projected,
    ProjectedSource,
    TokenProjection,
    Dag,
    Task,
    TemplateRef,
    Arguments,
    Parameter,
    RetryStrategy,
    Backoff,
    Suspend,
    Synchronization,
    ClaimTemplate,
    ClaimSpec,
}

/// `(field, shape, is a list)`.
type Fields = &'static [(&'static str, Shape, bool)];

fn fields(shape: Shape) -> Option<Fields> {
    use Shape::*;
    Some(match shape {
        Leaf | Cluster => return None,
        WorkflowSpec => &[
            ("entrypoint", Leaf, false),
            ("arguments", Arguments, false),
            ("templates", Template, true),
            ("onExit", Leaf, false),
            ("activeDeadlineSeconds", Leaf, false),
            ("volumes", Volume, true),
            ("volumeClaimTemplates", ClaimTemplate, true),
            ("volumeClaimGC", Cluster, false),
            ("synchronization", Synchronization, false),
            ("serviceAccountName", Cluster, false),
            ("automountServiceAccountToken", Cluster, false),
            ("executor", Cluster, false),
            ("podGC", Cluster, false),
            ("ttlStrategy", Cluster, false),
            ("podMetadata", Cluster, false),
            ("workflowMetadata", Cluster, false),
            ("securityContext", Cluster, false),
            ("nodeSelector", Cluster, false),
            ("tolerations", Cluster, false),
            ("affinity", Cluster, false),
            ("imagePullSecrets", Cluster, false),
            ("priorityClassName", Cluster, false),
            ("archiveLogs", Cluster, false),
            ("parallelism", Cluster, false),
        ],
        Template => &[
            ("name", Leaf, false),
            ("inputs", Inputs, false),
            ("outputs", Outputs, false),
            ("container", Container, false),
            ("dag", Dag, false),
            ("steps", Task, true),
            ("suspend", Suspend, false),
            ("retryStrategy", RetryStrategy, false),
            ("activeDeadlineSeconds", Leaf, false),
            ("volumes", Volume, true),
            ("synchronization", Synchronization, false),
            ("metadata", Cluster, false),
            ("securityContext", Cluster, false),
            ("automountServiceAccountToken", Cluster, false),
            ("serviceAccountName", Cluster, false),
            ("nodeSelector", Cluster, false),
            ("tolerations", Cluster, false),
            ("affinity", Cluster, false),
            ("priorityClassName", Cluster, false),
            ("archiveLocation", Cluster, false),
            ("parallelism", Cluster, false),
        ],
        Inputs => &[("parameters", InputParameter, true)],
        Outputs => &[("parameters", OutputParameter, true), ("artifacts", OutputArtifact, true)],
        InputParameter => {
            &[("name", Leaf, false), ("value", Leaf, false), ("default", Leaf, false), ("description", Leaf, false), ("enum", Leaf, false)]
        }
        OutputParameter => {
            &[("name", Leaf, false), ("valueFrom", ValueFrom, false), ("globalName", Leaf, false), ("description", Leaf, false)]
        }
        ValueFrom => &[("path", Leaf, false), ("default", Leaf, false)],
        OutputArtifact => &[("name", Leaf, false), ("path", Leaf, false), ("optional", Leaf, false), ("archive", Cluster, false)],
        Container => &[
            ("name", Leaf, false),
            ("image", Leaf, false),
            ("command", Leaf, false),
            ("args", Leaf, false),
            ("env", EnvVar, true),
            ("workingDir", Leaf, false),
            ("volumeMounts", VolumeMount, true),
            ("resources", Cluster, false),
            ("securityContext", Cluster, false),
            ("imagePullPolicy", Cluster, false),
        ],
        EnvVar => &[("name", Leaf, false), ("value", Leaf, false), ("valueFrom", EnvValueFrom, false)],
        EnvValueFrom => &[("secretKeyRef", SecretKeyRef, false)],
        SecretKeyRef => &[("name", Leaf, false), ("key", Leaf, false), ("optional", Leaf, false)],
        VolumeMount => &[("name", Leaf, false), ("mountPath", Leaf, false), ("readOnly", Leaf, false), ("subPath", Leaf, false)],
        Volume => &[
            ("name", Leaf, false),
            ("emptyDir", Cluster, false),
            ("secret", SecretVolume, false),
            ("persistentVolumeClaim", Claim, false),
            ("projected", Projected, false),
        ],
        SecretVolume => &[("secretName", Leaf, false), ("items", KeyToPath, true), ("defaultMode", Leaf, false), ("optional", Leaf, false)],
        KeyToPath => &[("key", Leaf, false), ("path", Leaf, false), ("mode", Leaf, false)],
        Claim => &[("claimName", Leaf, false), ("readOnly", Leaf, false)],
        Projected => &[("sources", ProjectedSource, true), ("defaultMode", Leaf, false)],
        ProjectedSource => &[("serviceAccountToken", TokenProjection, false), ("secret", SecretVolume, false)],
        TokenProjection => &[("audience", Leaf, false), ("expirationSeconds", Leaf, false), ("path", Leaf, false)],
        Dag => &[("tasks", Task, true), ("failFast", Leaf, false)],
        Task => &[
            ("name", Leaf, false),
            ("template", Leaf, false),
            ("templateRef", TemplateRef, false),
            ("arguments", Arguments, false),
            ("depends", Leaf, false),
            ("dependencies", Leaf, false),
            ("when", Leaf, false),
        ],
        TemplateRef => &[("name", Leaf, false), ("template", Leaf, false), ("clusterScope", Leaf, false)],
        Arguments => &[("parameters", Parameter, true)],
        Parameter => &[("name", Leaf, false), ("value", Leaf, false), ("description", Leaf, false)],
        RetryStrategy => &[
            ("limit", Leaf, false),
            ("retryPolicy", Leaf, false),
            ("backoff", Backoff, false),
            ("expression", Leaf, false),
            ("affinity", Cluster, false),
        ],
        Backoff => &[("duration", Leaf, false), ("factor", Leaf, false), ("maxDuration", Leaf, false), ("cap", Leaf, false)],
        Suspend => &[("duration", Leaf, false)],
        Synchronization => {
            &[("mutexes", Cluster, false), ("semaphores", Cluster, false), ("mutex", Cluster, false), ("semaphore", Cluster, false)]
        }
        ClaimTemplate => &[("apiVersion", Leaf, false), ("kind", Leaf, false), ("metadata", Cluster, false), ("spec", ClaimSpec, false)],
        ClaimSpec => &[("accessModes", Cluster, false), ("resources", Cluster, false), ("storageClassName", Cluster, false)],
    })
}

/// Checks a WorkflowTemplate's or ClusterWorkflowTemplate's `spec`; `at` names the object.
pub fn check_spec(spec: &Value, at: &str, errors: &mut Vec<String>) {
    check(spec, Shape::WorkflowSpec, &format!("{at}: spec"), errors);
}

fn check(value: &Value, shape: Shape, path: &str, errors: &mut Vec<String>) {
    let Some(known) = fields(shape) else { return };
    let Some(map) = value.as_object() else {
        errors.push(format!("{path}: expected a mapping"));
        return;
    };
    for (key, child) in map {
        let Some((_, child_shape, list)) = known.iter().find(|(name, _, _)| name == key) else {
            let valid = known.iter().map(|(n, _, _)| *n).collect::<Vec<_>>().join(", ");
            errors.push(format!("{path}.{key}: pipewright run cannot honour this field (it runs: {valid})"));
            continue;
        };
        if *list {
            // `steps` is a list of lists of steps.
            let items: Vec<(String, &Value)> = match child.as_array() {
                Some(items) if shape == Shape::Template && key == "steps" => items
                    .iter()
                    .enumerate()
                    .flat_map(|(i, group)| {
                        group.as_array().into_iter().flatten().enumerate().map(move |(j, step)| (format!("[{i}][{j}]"), step))
                    })
                    .collect(),
                Some(items) => items.iter().enumerate().map(|(i, item)| (format!("[{i}]"), item)).collect(),
                None => {
                    errors.push(format!("{path}.{key}: expected a list"));
                    continue;
                }
            };
            for (index, item) in items {
                let name = item.get("name").and_then(Value::as_str).map(|n| format!("({n})")).unwrap_or_default();
                check(item, *child_shape, &format!("{path}.{key}{index}{name}"), errors);
            }
        } else {
            check(child, *child_shape, &format!("{path}.{key}"), errors);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_named_with_their_path() {
        let spec = json!({
            "entrypoint": "main",
            "podGC": {"strategy": "OnWorkflowSuccess"},
            "templates": [{"name": "main", "container": {"image": "x", "lifecycle": {}}, "sidecars": []}]
        });
        let mut errors = Vec::new();
        check_spec(&spec, "WorkflowTemplate/ns/p", &mut errors);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("WorkflowTemplate/ns/p: spec.templates[0](main).container.lifecycle: pipewright run cannot honour"));
        assert!(errors[1].contains("spec.templates[0](main).sidecars"));
    }
}
