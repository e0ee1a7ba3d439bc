import Foundation
import ServiceClient

/// What is known about a work item's references after asking codebase-mcp (or failing to).
struct ReferenceCheck: Sendable, Hashable {
    var valid: [String] = []
    var stale: [String] = []
    var unverified: [String] = []
    /// When codebase-mcp answered; `nil` when it was not asked or could not be.
    var checkedAt: Date?
    var warnings: [String] = []

    /// The outcome for an item with no references: nothing to check, but the peer's state is still told.
    static func nothingToCheck(peerWarning: String?) -> ReferenceCheck {
        ReferenceCheck(warnings: peerWarning.map { [$0] } ?? [])
    }
}
