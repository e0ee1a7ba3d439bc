import Foundation
import ServiceClient

/// What is known about a work item's references after asking codebase-mcp (or failing to).
package struct ReferenceCheck: Sendable, Hashable {
    package var valid: [String] = []
    package var stale: [String] = []
    package var unverified: [String] = []
    /// When codebase-mcp answered; `nil` when it was not asked or could not be.
    package var checkedAt: Date?
    package var warnings: [String] = []
    /// Where and why codebase-mcp could not be asked, when it could not.
    package var unavailable: PeerUnavailable?

    /// The outcome for an item with no references: nothing to check, but the peer's state is still told.
    package static func nothingToCheck(peerWarning: String?) -> ReferenceCheck {
        ReferenceCheck(warnings: peerWarning.map { [$0] } ?? [])
    }
}

/// Why a reference check could not be made.
package struct PeerUnavailable: Sendable, Hashable {
    package var url: String
    package var reason: String
}

extension Array where Element == ReferenceCheck {
    /// The page-level `code_search_unavailable` warning of a listing, counting every distinct unverified reference.
    package var pageWarning: String? {
        guard let unavailable = self.lazy.compactMap(\.unavailable).first else { return nil }
        let unverified = Set(self.flatMap(\.unverified)).count
        return ServiceWarning.codeSearchUnavailable(url: unavailable.url, reason: unavailable.reason, unverified: unverified)
    }
}
