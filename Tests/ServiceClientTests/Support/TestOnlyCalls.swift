import Foundation
import NIOHTTP1
import ServiceClientTesting

@testable import ServiceClient

// Calls neither service makes of its peer, kept here because they exercise what the two real calls (the lookups) do
// not: a GET answered 404, and a POST that is not idempotent.

extension CodebaseClient {
    /// `GET /mcp/chunks/{id}`; `nil` when the chunk does not exist.
    func chunk(id: String) async throws -> ChunkDetail? {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        let segment = id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
        let peerRequest = PeerRequest(method: .GET, path: "/mcp/chunks/\(segment)")
        return try await self.connection.call(peerRequest, timeout: self.deadlines.referenceCheck) { response in
            response.status == 404 ? nil : try response.decode(ChunkDetail.self)
        }
    }
}

extension WorkflowClient {
    /// `POST /mcp/work_items`. Retried only when `idempotencyKey` is given.
    func createWorkItem(_ request: CreateWorkItemRequest, idempotencyKey: String? = nil) async throws -> WorkItem {
        var headers = HTTPHeaders()
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        let peerRequest = try PeerRequest.json(.POST, "/mcp/work_items", request, headers: headers)
        return try await self.connection.call(peerRequest, timeout: .seconds(2)) { try $0.decode(WorkItem.self) }
    }
}
