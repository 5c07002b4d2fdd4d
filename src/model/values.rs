//! Newtypes for validated values. Only `validate` constructs them.

macro_rules! newtype {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value that the validator has checked.
            pub(crate) fn checked(value: impl Into<String>) -> Self {
                $name(value.into())
            }
            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

newtype! {
    /// A DNS-1123 label of at most 63 characters.
    Name,
    /// A git URL without credentials.
    GitUrl,
    /// A valid git ref name or commit.
    GitRef,
    /// A normalized relative path inside the repository (`.` for its root).
    ContextDir,
    /// An OCI repository without tag or digest.
    ImageRepo,
    /// A full OCI image reference.
    ImageRef,
    /// An `https://` (or `http://`) URL without credentials, query or trailing slash.
    HttpUrl,
    /// A library version: `v` and a number.
    LibraryVersion,
    /// A Kubernetes storage quantity, such as `5Gi`.
    StorageSize,
    /// An SSO group name made only of characters that are inert inside a quoted expression.
    GroupName,
    /// A repository's path on its git host (`owner/name`, subgroups allowed).
    RepoPath,
    /// A GitHub organization's login: letters, digits and single inner hyphens.
    OrgName,
    /// A branch name, where `*` matches within one path segment.
    BranchPattern,
    /// A cron schedule that Argo's parser accepts.
    CronSchedule,
}

/// A command: a non-empty list of non-empty, single-line strings, passed as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command(Vec<String>);

impl Command {
    /// Wraps a command that the validator has checked.
    pub(crate) fn checked(argv: Vec<String>) -> Self {
        Command(argv)
    }
    /// The arguments.
    pub fn argv(&self) -> &[String] {
        &self.0
    }
    /// One argument per line: the form the library's launcher reads from `PW_COMMAND`.
    pub fn as_lines(&self) -> String {
        self.0.join("\n")
    }
}

/// A key of a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKeyRef {
    /// The Secret's name.
    pub name: Name,
    /// The key.
    pub key: String,
}
