//! The kinds of box a pipeline graph draws, told apart by the library template a task calls,
//! and the colours each gets: Argo UI's status colours, so the picture reads like the Argo UI.

/// What a box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Something that starts a run (webhook, schedule, manual submit).
    Trigger,
    /// The clone (`pipewright-vN-git`).
    Clone,
    /// A toolchain step: deps, lint, test (`pipewright-vN-<toolchain>`).
    Toolchain,
    /// Code analysis (`pipewright-vN-analysis`).
    Analysis,
    /// Security scans (`pipewright-vN-security`).
    Security,
    /// The image build (`pipewright-vN-image`).
    Image,
    /// SBOM, signature and attestation (`pipewright-vN-supply-chain`).
    SupplyChain,
    /// The exit handler's notifications (`pipewright-vN-notify`).
    Notify,
    /// A template that is not pipewright's.
    Other,
}

/// Every kind, in legend order.
pub const ALL: [Kind; 9] = [
    Kind::Trigger,
    Kind::Clone,
    Kind::Toolchain,
    Kind::Analysis,
    Kind::Security,
    Kind::Image,
    Kind::SupplyChain,
    Kind::Notify,
    Kind::Other,
];

/// A box's colours: fill, stroke and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colours {
    /// The fill.
    pub fill: &'static str,
    /// The outline.
    pub stroke: &'static str,
    /// The text.
    pub text: &'static str,
}

impl Kind {
    /// The kind of a task calling `library` (a ClusterWorkflowTemplate's name).
    pub fn of_library(library: &str) -> Kind {
        let Some(rest) = library.strip_prefix("pipewright-v") else { return Kind::Other };
        let family = rest.split_once('-').map_or("", |(_, f)| f);
        match family {
            "git" => Kind::Clone,
            "analysis" => Kind::Analysis,
            "security" => Kind::Security,
            "image" => Kind::Image,
            "supply-chain" => Kind::SupplyChain,
            "notify" => Kind::Notify,
            "" => Kind::Other,
            _ => Kind::Toolchain,
        }
    }

    /// A short name, used as a CSS/mermaid class and in the legend.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Trigger => "trigger",
            Kind::Clone => "clone",
            Kind::Toolchain => "toolchain",
            Kind::Analysis => "analysis",
            Kind::Security => "security",
            Kind::Image => "image",
            Kind::SupplyChain => "supplychain",
            Kind::Notify => "notify",
            Kind::Other => "other",
        }
    }

    /// The legend's words for the kind.
    pub fn legend(self) -> &'static str {
        match self {
            Kind::Trigger => "trigger",
            Kind::Clone => "clone",
            Kind::Toolchain => "build & test",
            Kind::Analysis => "analysis",
            Kind::Security => "security scan",
            Kind::Image => "image",
            Kind::SupplyChain => "supply chain",
            Kind::Notify => "on exit",
            Kind::Other => "other",
        }
    }

    /// Argo UI's colours (argo-ui `config.scss`): running blue for build and test, success
    /// green for the image, warning yellow for scans, suspended purple for the supply chain,
    /// teal for analysis, failed red for the exit handler, grey for the clone and the rest.
    pub fn colours(self) -> Colours {
        match self {
            Kind::Trigger => Colours { fill: "#F8FBFB", stroke: "#8FA4B1", text: "#363C4A" },
            Kind::Clone => Colours { fill: "#6D7F8B", stroke: "#495763", text: "#FFFFFF" },
            Kind::Toolchain => Colours { fill: "#0DADEA", stroke: "#378398", text: "#FFFFFF" },
            Kind::Analysis => Colours { fill: "#00A2B3", stroke: "#006F8A", text: "#FFFFFF" },
            Kind::Security => Colours { fill: "#F4C030", stroke: "#B58A12", text: "#363C4A" },
            Kind::Image => Colours { fill: "#18BE94", stroke: "#3F946D", text: "#FFFFFF" },
            Kind::SupplyChain => Colours { fill: "#766F94", stroke: "#4F4A66", text: "#FFFFFF" },
            Kind::Notify => Colours { fill: "#E96D76", stroke: "#C04B4F", text: "#FFFFFF" },
            Kind::Other => Colours { fill: "#CCD6DD", stroke: "#8FA4B1", text: "#363C4A" },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_names_give_kinds() {
        assert_eq!(Kind::of_library("pipewright-v1-git"), Kind::Clone);
        assert_eq!(Kind::of_library("pipewright-v2-supply-chain"), Kind::SupplyChain);
        assert_eq!(Kind::of_library("pipewright-v1-node"), Kind::Toolchain);
        assert_eq!(Kind::of_library("someone-else"), Kind::Other);
    }
}
