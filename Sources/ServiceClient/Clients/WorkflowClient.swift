import NIOHTTP1

/// The typed client of workflow-mcp, used by codebase-mcp. Every method throws `PeerError` only.
public struct WorkflowClient: Sendable {
    public let connection: PeerConnection
    public let deadlines: PeerDeadlines

    public init(connection: PeerConnection, deadlines: PeerDeadlines = .init()) {
        self.connection = connection
        self.deadlines = deadlines
    }

    /// `POST /mcp/work_items/by_references`: the work items that reference each chunk, in one call.
    public func workItemsByReferences(chunkIDs: [String]) async throws -> WorkItemsByReferencesResponse {
        let body = WorkItemsByReferencesRequest(chunkIDs: chunkIDs)
        let peerRequest = try PeerRequest.json(.POST, "/mcp/work_items/by_references", body, isReadOnly: true)
        return try await self.connection.call(peerRequest, timeout: self.deadlines.linkedWorkItems) {
            try $0.decode(WorkItemsByReferencesResponse.self)
        }
    }
}
