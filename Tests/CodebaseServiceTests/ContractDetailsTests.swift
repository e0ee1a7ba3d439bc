import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("codebase-mcp contract details: /health query, details.field")
struct ContractDetailsTests {
    @Test("/health refuses query parameters with 400 naming them, and names only the database file, not its path")
    func health() async throws {
        try await withFixtureApp { client, directory, _ in
            for query in ["verbose=1", "x", "status=healthy&y=2"] {
                let error = try await client.send(.get, "/health?\(query)").errorBody(.badRequest)
                #expect(error.error == "invalid_request", "\(query)")
                let field = query.split(separator: "&").first.map { String($0.split(separator: "=")[0]) }
                #expect(error.details["field"] == field.map { .string($0) }, "\(query)")
            }
            let health = try await client.send(.get, "/health").decode(HealthResponse.self)
            #expect(health.database.path == "codebase.sqlite")
            #expect(!(health.database.path ?? "").contains(directory.path))
        }
    }

    @Test("details.field is never empty: a body field with an empty name is reported as body")
    func emptyFieldName() async throws {
        try await withFixtureApp { client, _, _ in
            let error = try await client.send(.post, "/mcp/search", json: #"{"query": "token", "": 1}"#).errorBody(.badRequest)
            #expect(error.details["field"] == "body")
        }
    }
}
