import NIOHTTP1

/// The typed client of codebase-mcp, used by workflow-mcp. Every method throws `PeerError` only.
public struct CodebaseClient: Sendable {
    public let connection: PeerConnection
    public let deadlines: PeerDeadlines

    public init(connection: PeerConnection, deadlines: PeerDeadlines = .init()) {
        self.connection = connection
        self.deadlines = deadlines
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
