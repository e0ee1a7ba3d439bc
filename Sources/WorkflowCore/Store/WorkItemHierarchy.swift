/// The hierarchy rule both stores enforce, each under its own locking: work items nest at most `maxDepth` levels.
package enum WorkItemHierarchy {
    /// The deepest a hierarchy may be: a top-level item is level 1.
    package static let maxDepth = 5

    /// Refuses a new child under a parent at `parentDepth` (1 for a top-level item) when it would be too deep.
    package static func checkNewChild(parentID: String, parentDepth: Int) throws(WorkflowError) {
        guard parentDepth + 1 <= Self.maxDepth else {
            throw WorkflowError.invalid(
                field: "parent_id",
                "Work items nest at most \(Self.maxDepth) levels deep; '\(parentID)' is at level \(parentDepth)."
            )
        }
    }

    /// Refuses moving an item whose subtree is `height` levels tall (1 for a leaf) under a parent at `parentDepth`.
    package static func checkMove(parentID: String, parentDepth: Int, height: Int) throws(WorkflowError) {
        guard parentDepth + height <= Self.maxDepth else {
            throw WorkflowError.invalid(
                field: "parent_id",
                "Work items nest at most \(Self.maxDepth) levels deep; under '\(parentID)' (level \(parentDepth)) this item and its "
                    + "\(height - 1) levels below would reach level \(parentDepth + height)."
            )
        }
    }
}
