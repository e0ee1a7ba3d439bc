import NIOHTTP1

/// The typed client of codebase-mcp, used by workflow-mcp. Every method throws `PeerError` only.
public struct CodebaseClient: Sendable {
    public let connection: PeerConnection
    public let deadlines: PeerDeadlines

    public init(connection: PeerConnection, deadlines: PeerDeadlines = .init()) {
        self.connection = connection
        self.deadlines = deadlines
    }

    /// `POST /mcp/search`.
    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        let peerRequest = try PeerRequest.json(.POST, "/mcp/search", request, isReadOnly: true)
        return try await self.connection.call(peerRequest, timeout: self.deadlines.search) { try $0.decode(SearchResponse.self) }
    }

    /// `GET /mcp/chunks/{id}`; `nil` when the chunk does not exist.
    public func chunk(id: String) async throws -> ChunkDetail? {
        let peerRequest = PeerRequest(method: .GET, path: "/mcp/chunks/\(pathSegment(id))")
        return try await self.connection.call(peerRequest, timeout: self.deadlines.referenceCheck) { response in
            response.status == 404 ? nil : try response.decode(ChunkDetail.self)
        }
    }

    /// `POST /mcp/chunks/lookup`: which of `chunkIDs` exist, in one call.
    public func lookup(chunkIDs: [String]) async throws -> ChunkLookupResponse {
        let peerRequest = try PeerRequest.json(.POST, "/mcp/chunks/lookup", ChunkLookupRequest(chunkIDs: chunkIDs), isReadOnly: true)
        return try await self.connection.call(peerRequest, timeout: self.deadlines.referenceCheck) { response in
            let answer = try response.decode(ChunkLookupResponse.self)
            // An answer that does not account for every id asked is not the expected answer.
            guard Set(answer.found).union(answer.missing).isSuperset(of: chunkIDs) else {
                throw PeerError.invalidResponse(url: response.url, reason: "lookup answer does not cover every id asked")
            }
            return answer
        }
    }
}
