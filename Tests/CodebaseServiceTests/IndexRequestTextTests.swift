import Foundation
import HTTPTypes
import HummingbirdTesting
import ServerTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("POST /mcp/index: control characters in repository")
struct IndexRequestTextTests {
    @Test("a repository with a NUL or another control character is refused with 400 naming repository, never matched")
    func controlCharacters() async throws {
        try await withFixtureApp { client, _, repository in
            // Each would match the configured repository if the text were cut at the NUL, or trimmed.
            for name in [repository + "\u{0}/../elsewhere", "sample-repo\u{0}", repository + "\n", "sample-repo\u{7F}"] {
                let response = try await client.send(.post, "/mcp/index", json: try json(IndexRequest(repository: name, wait: true)))
                #expect(response.status == .badRequest, "\(name.debugDescription) → \(response.status) \(response.text)")
                let error = try? response.decode(ErrorBody.self)
                #expect(error?.error == "invalid_request")
                #expect(error?.details["field"] == "repository", "\(name.debugDescription)")
            }
        }
    }
}
