import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceClient
import Testing

/// Both services are served by the one server kit (ServerKit); this keeps them answering alike where the contract
/// says how, whatever each service adds around the kit.
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

    /// One mistake a client can make, and the contract's answer to it (docs/api.md, "Errors").
    struct Mistake: Sendable, CustomStringConvertible {
        let description: String
        let path: String?
        let method: HTTPRequest.Method
        let contentType: String
        let body: String?
        let status: HTTPResponse.Status
        let code: String
        /// `details.field`, where the contract names one.
        let field: String?
    }

    static func mistakes(_ service: Service) -> [Mistake] {
        // A JSON route of each service that takes a body, and the start of a valid body for it.
        let valid = service == .workflow ? #""title": "t""# : #""query": "x""#
        let tooLarge = "{\(valid), \"padding\": \"\(String(repeating: "x", count: 3 * 1024 * 1024))\"}"
        return [
            Mistake(
                description: "unknown route", path: "/mcp/nowhere", method: .get, contentType: "application/json", body: nil,
                status: .notFound, code: "not_found", field: nil
            ),
            Mistake(
                description: "wrong method", path: nil, method: .put, contentType: "application/json", body: "{\(valid)}",
                status: .methodNotAllowed, code: "method_not_allowed", field: nil
            ),
            Mistake(
                description: "malformed JSON", path: nil, method: .post, contentType: "application/json", body: "{\(valid),",
                status: .badRequest, code: "invalid_request", field: "body"
            ),
            Mistake(
                description: "unknown field", path: nil, method: .post, contentType: "application/json", body: "{\(valid), \"bogus\": 1}",
                status: .badRequest, code: "invalid_request", field: "bogus"
            ),
            Mistake(
                description: "body too large", path: nil, method: .post, contentType: "application/json", body: tooLarge,
                status: .contentTooLarge, code: "payload_too_large", field: nil
            ),
            Mistake(
                description: "wrong content type", path: nil, method: .post, contentType: "text/plain", body: "{\(valid)}",
                status: .unsupportedMediaType, code: "unsupported_media_type", field: nil
            ),
        ]
    }

    @Test(
        "the same mistakes get the same answers: unknown route, wrong method, malformed JSON, unknown field, body too large, wrong content type",
        arguments: Service.allCases
    )
    func sameMistakesSameAnswers(service: Service) async throws {
        let route = service == .workflow ? "/mcp/work_items" : "/mcp/search"
        try await SecurityTests.with(service) { client in
            for mistake in Self.mistakes(service) {
                let response = try await client.execute(
                    uri: mistake.path ?? route,
                    method: mistake.method,
                    headers: [.contentType: mistake.contentType],
                    body: mistake.body.map { ByteBuffer(string: $0) }
                )
                #expect(response.status == mistake.status, "\(mistake)")
                let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView))
                #expect(body?.error == mistake.code, "\(mistake): \(String(buffer: response.body).prefix(300))")
                if let field = mistake.field {
                    #expect(body?.details["field"] == .string(field), "\(mistake): \(String(buffer: response.body).prefix(300))")
                }
            }
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
