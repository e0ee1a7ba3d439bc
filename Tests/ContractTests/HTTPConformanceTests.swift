import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceClient
import Testing

/// The two services' HTTP scaffolding is written twice on purpose (they share only the client module); this keeps
/// the twins answering alike where the contract says how.
@Suite("Both services answer HTTP alike")
struct HTTPConformanceTests {
    typealias Service = SecurityTests.Service

    @Test("a 405 names the allowed methods in Allow; TRACE, PROPFIND and the like are 405 too, not 404", arguments: Service.allCases)
    func methodNotAllowed(service: Service) async throws {
        try await SecurityTests.with(service) { client in
            for method in [HTTPRequest.Method.put, .trace, HTTPRequest.Method("PROPFIND")!, HTTPRequest.Method("QUERY")!] {
                let response = try await client.execute(uri: service.writePath, method: method, headers: [:])
                #expect(response.status == .methodNotAllowed, "\(method)")
                #expect(SecurityTests.errorCode(response) == "method_not_allowed", "\(method)")
                #expect(response.headers[.allow]?.contains("POST") == true, "\(method): Allow \(response.headers[.allow] ?? "missing")")
            }
            let health = try await client.execute(uri: "/health", method: .delete, headers: [:])
            #expect(health.headers[.allow] == "GET, HEAD")
        }
    }

    @Test("a query parameter a route does not take is 400 naming it", arguments: Service.allCases)
    func unknownQueryParameters(service: Service) async throws {
        try await SecurityTests.with(service) { client in
            let path = service == .workflow ? "/mcp/work_items/wi_x?verbose=1" : "/mcp/chunks/c_x?verbose=1"
            let response = try await client.execute(uri: path, method: .get, headers: [:])
            #expect(response.status == .badRequest)
            let body = try JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView))
            #expect(body.details["field"] == "verbose")
        }
    }

    @Test("metadata integers beyond 2^53 are stored and returned exactly")
    func bigIntegers() async throws {
        try await SecurityTests.with(.workflow) { client in
            let created = try await client.execute(
                uri: "/mcp/work_items",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"title": "big", "metadata": {"n": 9007199254740993, "m": -9223372036854775808}}"#)
            )
            #expect(created.status == .created)
            let item = try ContractCoding.makeDecoder().decode(WorkItem.self, from: Data(created.body.readableBytesView))
            let read = try await client.execute(uri: "/mcp/work_items/\(item.id)", method: .get, headers: [:])
            #expect(String(buffer: read.body).contains(#""n":9007199254740993"#))
            #expect(String(buffer: read.body).contains(#""m":-9223372036854775808"#))
        }
    }
}
