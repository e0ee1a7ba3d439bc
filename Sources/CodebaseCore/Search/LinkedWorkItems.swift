import ServiceClient

/// The work items linked to a response's chunks, or why there are none.
package struct LinkedWorkItems: Sendable {
    /// `nil` when workflow-mcp could not be asked: every `linked_work_items` is then `null`.
    package let itemsByChunk: [String: [WorkItemSummary]]?
    package let warnings: [String]

    /// The value of one chunk's `linked_work_items`.
    package func items(for chunkID: String) -> [WorkItemSummary]? {
        self.itemsByChunk.map { $0[chunkID] ?? [] }
    }
}

/// Asks workflow-mcp for the work items that reference a response's chunks: one batched call per request, within
/// the linked-work-items deadline (200 ms) and through the peer's breaker. It never throws: an unreachable
/// workflow-mcp yields `null` items and a `workflow_unavailable` warning.
package struct LinkedWorkItemsProvider: Sendable {
    package let client: WorkflowClient

    package init(client: WorkflowClient) {
        self.client = client
    }

    package var peer: PeerConnection { self.client.connection }

    package func fetch(chunkIDs: [String]) async -> LinkedWorkItems {
        guard !chunkIDs.isEmpty else {
            // Nothing to ask; still say so when the last check of workflow-mcp failed.
            return LinkedWorkItems(itemsByChunk: [:], warnings: self.peer.unavailability.map { [self.warning(reason: $0)] } ?? [])
        }
        do {
            let answer = try await self.client.workItemsByReferences(chunkIDs: chunkIDs)
            return LinkedWorkItems(itemsByChunk: answer.items, warnings: [])
        } catch let error as PeerError {
            return LinkedWorkItems(itemsByChunk: nil, warnings: [self.warning(url: error.url, reason: error.summary)])
        } catch {
            return LinkedWorkItems(itemsByChunk: nil, warnings: [self.warning(reason: "\(error)")])
        }
    }

    private func warning(url: String? = nil, reason: String) -> String {
        ServiceWarning.workflowUnavailable(url: url ?? self.peer.displayURL, reason: reason)
    }
}
