import Foundation
import Logging
import ServiceClient

/// Checks work items' references against codebase-mcp: one lookup per request, shared by concurrent requests that
/// name the same references, and never a stale verdict when the peer could not be asked.
package struct ReferenceChecker: Sendable {
    /// The largest batch the lookup route accepts.
    package static let lookupBatchSize = ContractLimits.chunkIDsPerLookup

    package let client: CodebaseClient
    /// A lookup is shared only while it runs: every read asks anew.
    package let lookups: SingleFlight<[String], ChunkLookupResponse>

    package init(client: CodebaseClient, logger: Logger) {
        self.client = client
        self.lookups = SingleFlight(logger: logger)
    }

    /// The `code_search_unavailable` warning for a response that needed no check, when the most recent check of
    /// codebase-mcp failed.
    package var peerWarning: String? {
        guard let reason = self.client.connection.unavailability else { return nil }
        return ServiceWarning.codeSearchUnavailable(url: self.client.connection.displayURL, reason: reason, unverified: 0)
    }

    /// Checks one item's references.
    package func check(_ references: [String]) async throws -> ReferenceCheck {
        try await self.check([references]).first ?? ReferenceCheck()
    }

    /// Checks several items' references with one lookup per 1000 distinct ids.
    package func check(_ referenceLists: [[String]]) async throws -> [ReferenceCheck] {
        let distinct = Array(Set(referenceLists.joined())).sorted()
        guard !distinct.isEmpty else {
            let warning = self.peerWarning
            return referenceLists.map { _ in .nothingToCheck(peerWarning: warning) }
        }
        do {
            let found = try await self.lookUp(distinct)
            let checkedAt = Date()
            return referenceLists.map { references in
                guard !references.isEmpty else { return ReferenceCheck(checkedAt: checkedAt) }
                let valid = references.filter { found.contains($0) }
                let stale = references.filter { !found.contains($0) }
                let warnings = stale.map {
                    ServiceWarning.staleEntityReference(id: $0, valid: valid.count, total: references.count)
                }
                return ReferenceCheck(valid: valid, stale: stale, checkedAt: checkedAt, warnings: warnings)
            }
        } catch PeerError.cancelled {
            throw CancellationError()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let peerError = error as? PeerError
            let url = peerError?.url ?? self.client.connection.displayURL
            let reason = peerError?.summary ?? "\(error)"
            return referenceLists.map { references in
                let warning = ServiceWarning.codeSearchUnavailable(url: url, reason: reason, unverified: references.count)
                return ReferenceCheck(unverified: references, warnings: [warning], unavailable: PeerUnavailable(url: url, reason: reason))
            }
        }
    }

    /// The ids among `ids` that exist now, asked in batches that run concurrently.
    private func lookUp(_ ids: [String]) async throws -> Set<String> {
        let batches = stride(from: 0, to: ids.count, by: Self.lookupBatchSize).map {
            Array(ids[$0..<min($0 + Self.lookupBatchSize, ids.count)])
        }
        let client = self.client
        return try await withThrowingTaskGroup(of: ChunkLookupResponse.self) { group in
            for batch in batches {
                group.addTask { try await self.lookups.value(for: batch) { try await client.lookup(chunkIDs: batch) } }
            }
            var found = Set<String>()
            for try await answer in group { found.formUnion(answer.found) }
            return found
        }
    }
}
