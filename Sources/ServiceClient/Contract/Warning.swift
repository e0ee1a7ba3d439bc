/// The warning codes of the contract; every warning is `"<code>: <message>"`.
public enum WarningCode: String, Sendable, CaseIterable {
    case codeSearchUnavailable = "code_search_unavailable"
    case staleEntityReference = "stale_entity_reference"
    case workflowUnavailable = "workflow_unavailable"

    /// True when `warning` carries this code.
    public func matches(_ warning: String) -> Bool {
        warning.hasPrefix(self.rawValue + ":")
    }
}

/// Builds the exact warning texts of the contract.
public enum ServiceWarning {
    /// workflow-mcp could not reach codebase-mcp; `unverified` references could not be checked.
    public static func codeSearchUnavailable(url: String, reason: String, unverified: Int) -> String {
        let references = unverified == 1 ? "entity reference" : "entity references"
        return "\(WarningCode.codeSearchUnavailable.rawValue): codebase-mcp server not reachable at \(url) (\(reason)); "
            + "\(unverified) \(references) left unverified. Retry later to verify them."
    }

    /// One stale reference: `valid` of `total` references remain valid.
    public static func staleEntityReference(id: String, valid: Int, total: Int) -> String {
        "\(WarningCode.staleEntityReference.rawValue): Entity reference '\(id)' not found in codebase-mcp. "
            + "Code may have been deleted or re-indexed. \(valid) of \(total) entity references remain valid."
    }

    /// codebase-mcp could not reach workflow-mcp, so linked work items are omitted.
    public static func workflowUnavailable(url: String, reason: String) -> String {
        "\(WarningCode.workflowUnavailable.rawValue): workflow-mcp server not reachable at \(url) (\(reason)); "
            + "linked work items are omitted (linked_work_items is null)."
    }
}
