import NIOHTTP1

/// The typed client of workflow-mcp, used by codebase-mcp. Every method throws `PeerError` only.
public struct WorkflowClient: Sendable {
    public let connection: PeerConnection
    public let deadlines: PeerDeadlines

    public init(connection: PeerConnection, deadlines: PeerDeadlines = .init()) {
        self.connection = connection
        self.deadlines = deadlines
    }

    /// `POST /mcp/work_items`. Retried only when `idempotencyKey` is given.
    public func createWorkItem(_ request: CreateWorkItemRequest, idempotencyKey: String? = nil) async throws -> WorkItem {
        var headers = HTTPHeaders()
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        let peerRequest = try PeerRequest.json(.POST, "/mcp/work_items", request, headers: headers)
        return try await self.connection.call(peerRequest, timeout: self.deadlines.workItem) { try $0.decode(WorkItem.self) }
    }

    /// `GET /mcp/work_items/{id}`; `nil` when the item does not exist.
    public func workItem(id: String) async throws -> WorkItem? {
        let peerRequest = PeerRequest(method: .GET, path: "/mcp/work_items/\(pathSegment(id))")
        return try await self.connection.call(peerRequest, timeout: self.deadlines.workItem) { response in
            response.status == 404 ? nil : try response.decode(WorkItem.self)
        }
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
