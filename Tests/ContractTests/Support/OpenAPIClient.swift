import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// One live service as the conformance test calls it: every answer is checked against the document (status, media
/// type, body schema, required headers) and logged, and every request a service accepted is checked against the
/// documented request schema, query parameters and headers.
struct OpenAPIClient: Sendable {
    /// An answer, read.
    struct Answer: Sendable {
        let status: Int
        let headers: HTTPFields
        let text: String
        /// The body as JSON, when it is JSON.
        let json: OpenAPIJSON?

        /// `json[key]` as a string, for ids the test carries from one call to the next.
        func string(_ key: String) -> String? { self.json?[key]?.string }
    }

    /// The tag of the service in the document: `workflow` or `codebase`.
    let service: String
    let client: any TestClientProtocol
    let document: OpenAPIDocument
    let log: OpenAPIConformanceLog

    /// Where the service listens, for its peer's configuration.
    var url: String { "http://127.0.0.1:\(self.client.port ?? 0)" }

    /// Calls a documented operation: `template` is the document's path, `parameters` fill its `{name}`s.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method,
        _ template: String,
        _ parameters: [String: String] = [:],
        query: String? = nil,
        json: String? = nil,
        headers: HTTPFields = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Answer {
        let operation = OpenAPIDocument.Operation(method: method.rawValue, path: template)
        let context = "\(self.service) \(operation)"
        guard let tags = self.document.operations[operation] else {
            Issue.record("\(operation) is not in docs/openapi.yaml", sourceLocation: sourceLocation)
            return try await self.send(method, Self.fill(template, parameters), query: query, json: json, headers: headers)
        }
        #expect(tags.contains(self.service), "\(operation) is not tagged \(self.service)", sourceLocation: sourceLocation)
        let answer = try await self.send(method, Self.fill(template, parameters), query: query, json: json, headers: headers)
        self.log.record(service: self.service, operation: operation, status: answer.status)
        self.report(self.problems(answer, self.document.responses(operation), context: context), sourceLocation: sourceLocation)
        if (200..<300).contains(answer.status) {
            let request = self.requestProblems(operation, parameters: parameters, query: query, json: json, headers: headers)
            self.report(
                request.map { "\(context) answered \(answer.status) to a request the document does not allow: \($0)" },
                sourceLocation: sourceLocation
            )
            self.log.recordWarnings(Self.warningCodes(in: answer.json))
        }
        return answer
    }

    /// Calls `path` (the document's `template`) with a method it does not serve; the answer must be one of the path
    /// item's `x-other-methods-responses`.
    @discardableResult
    func callOtherMethod(
        _ method: HTTPRequest.Method,
        _ template: String,
        _ parameters: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Answer {
        let answer = try await self.send(method, Self.fill(template, parameters), query: nil, json: nil, headers: [:])
        let responses = self.document.otherMethodsResponses(template)
        #expect(!responses.isEmpty, "\(template) has no x-other-methods-responses", sourceLocation: sourceLocation)
        self.log.recordOtherMethod(service: self.service, path: template, status: answer.status)
        self.report(self.problems(answer, responses, context: "\(self.service) \(method) \(template)"), sourceLocation: sourceLocation)
        return answer
    }

    /// `HEAD`, with no body whatever the status: on a path with a `GET` operation one of the GET's documented
    /// statuses (both services generate `HEAD` for their `GET` routes), elsewhere one of `x-other-methods-responses`.
    @discardableResult
    func callHead(_ template: String, _ parameters: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Answer {
        let answer = try await self.send(.head, Self.fill(template, parameters), query: nil, json: nil, headers: [:])
        let get = self.document.responses(OpenAPIDocument.Operation(method: "GET", path: template))
        let documented = get.isEmpty ? self.document.otherMethodsResponses(template) : get
        #expect(documented[String(answer.status)] != nil, "\(self.service) HEAD \(template) answered \(answer.status)", sourceLocation: sourceLocation)
        #expect(answer.text.isEmpty, "\(self.service) HEAD \(template) sent a body", sourceLocation: sourceLocation)
        return answer
    }

    /// Calls a route the service does not have; the answer must be one of `x-unknown-route-responses`.
    @discardableResult
    func callUnknownRoute(_ method: HTTPRequest.Method, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Answer {
        let answer = try await self.send(method, path, query: nil, json: nil, headers: [:])
        self.log.recordUnknownRoute(service: self.service, status: answer.status)
        self.report(
            self.problems(answer, self.document.unknownRouteResponses, context: "\(self.service) \(method) \(path)"),
            sourceLocation: sourceLocation
        )
        return answer
    }

    /// Sends a raw body (such as one over the size cap) to a documented operation.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method,
        _ template: String,
        _ parameters: [String: String] = [:],
        rawJSON body: ByteBuffer,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Answer {
        let operation = OpenAPIDocument.Operation(method: method.rawValue, path: template)
        let answer = try await self.client.executeRequest(
            uri: Self.fill(template, parameters),
            method: method,
            headers: [.contentType: "application/json"],
            body: body
        )
        let read = Self.read(answer)
        self.log.record(service: self.service, operation: operation, status: read.status)
        self.report(self.problems(read, self.document.responses(operation), context: "\(self.service) \(operation)"), sourceLocation: sourceLocation)
        return read
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, query: String?, json: String?, headers: HTTPFields) async throws -> Answer {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        let uri = query.map { "\(path)?\($0)" } ?? path
        let response = try await self.client.executeRequest(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return Self.read(response)
    }

    private static func read(_ response: TestResponse) -> Answer {
        let data = Data(response.body.readableBytesView)
        let isJSON = response.headers[.contentType].map(Self.mediaType) == "application/json"
        return Answer(
            status: Int(response.status.code),
            headers: response.headers,
            text: String(decoding: data, as: UTF8.self),
            json: isJSON ? try? OpenAPIJSON(data: data) : nil
        )
    }

    private func report(_ problems: [String], sourceLocation: SourceLocation) {
        for problem in problems { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
    }

    /// How an answer departs from the documented `responses`.
    private func problems(_ answer: Answer, _ responses: [String: OpenAPIJSON], context: String) -> [String] {
        guard let response = responses[String(answer.status)] else {
            return [
                "\(context) answered \(answer.status), which is not documented (documented: \(responses.keys.sorted())): \(answer.text.prefix(300))"
            ]
        }
        var problems: [String] = []
        for (name, header) in (response["headers"]?.object ?? [:]).mapValues(self.document.resolved) {
            let value = answer.headers[HTTPField.Name(name)!]
            if value == nil, header["required"] == .bool(true) { problems.append("\(context) \(answer.status): required header \(name) is missing") }
            if let value, let schema = header["schema"] {
                problems += self.document.validator.errors(.string(value), schema, at: "header \(name)").map { "\(context) \(answer.status): \($0)" }
            }
        }
        let content = response["content"]?.object ?? [:]
        guard !content.isEmpty else {
            if !answer.text.isEmpty {
                problems.append("\(context) \(answer.status) is documented without a body but has one: \(answer.text.prefix(300))")
            }
            return problems
        }
        let mediaType = answer.headers[.contentType].map(Self.mediaType) ?? "(none)"
        guard let schema = content[mediaType]?["schema"] else {
            return problems + ["\(context) \(answer.status) answered \(mediaType), documented: \(content.keys.sorted())"]
        }
        let body: OpenAPIJSON
        if mediaType == "application/json" {
            guard let json = answer.json else { return problems + ["\(context) \(answer.status): the body is not JSON: \(answer.text.prefix(300))"] }
            body = json
        } else {
            body = .string(answer.text)
        }
        problems += self.document.validator.errors(body, schema).map { "\(context) \(answer.status): \($0)" }
        if answer.status >= 400, let errorSchema = self.document.validator.resolve("#/components/schemas/Error") {
            problems += self.document.validator.errors(body, errorSchema).map { "\(context) \(answer.status) against Error: \($0)" }
        }
        return problems
    }

    /// How an accepted request departs from the documented parameters and request body.
    private func requestProblems(
        _ operation: OpenAPIDocument.Operation,
        parameters: [String: String],
        query: String?,
        json: String?,
        headers: HTTPFields
    ) -> [String] {
        let documented = self.document.parameters(operation)
        let validator = self.document.validator
        func parameter(_ location: String, _ name: String) -> OpenAPIJSON? {
            documented.first { $0["in"]?.string == location && $0["name"]?.string?.lowercased() == name.lowercased() }
        }
        var problems: [String] = []
        for (name, value) in parameters {
            guard let schema = parameter("path", name)?["schema"] else {
                problems.append("path parameter \(name) is not documented")
                continue
            }
            problems += validator.errors(.string(value), schema, at: "path parameter \(name)")
        }
        for item in URLComponents(string: "/?\(query ?? "")")?.queryItems ?? [] where !item.name.isEmpty {
            guard let schema = parameter("query", item.name)?["schema"] else {
                problems.append("query parameter \(item.name) is not documented")
                continue
            }
            problems += validator.errors(self.typed(item.value ?? "", schema), schema, at: "query parameter \(item.name)")
        }
        for field in headers where field.name != .contentType {
            guard let schema = parameter("header", field.name.canonicalName)?["schema"] else {
                problems.append("header \(field.name) is not documented")
                continue
            }
            problems += validator.errors(.string(field.value), schema, at: "header \(field.name)")
        }
        if let json {
            if let schema = self.document.requestSchema(operation) {
                do {
                    problems += validator.errors(try OpenAPIJSON(data: Data(json.utf8)), schema, at: "request body $")
                } catch {
                    problems.append("the request body is not JSON")
                }
            } else {
                problems.append("a request body is not documented")
            }
        }
        return problems
    }

    /// A query string value as the JSON value its schema's type describes.
    private func typed(_ value: String, _ schema: OpenAPIJSON) -> OpenAPIJSON {
        let resolved = schema["$ref"]?.string.flatMap(self.document.validator.resolve) ?? schema
        switch resolved["type"]?.string {
        case "integer": return Int64(value).map(OpenAPIJSON.int) ?? .string(value)
        case "boolean": return value == "true" ? .bool(true) : value == "false" ? .bool(false) : .string(value)
        default: return .string(value)
        }
    }

    /// The warning codes (`code` of `"code: message"`) anywhere in a body.
    private static func warningCodes(in json: OpenAPIJSON?) -> [String] {
        switch json {
        case .object(let object):
            let own = (object["warnings"]?.array ?? []).compactMap(\.string).compactMap { $0.split(separator: ":").first.map(String.init) }
            return own + object.filter { $0.key != "warnings" }.values.flatMap { Self.warningCodes(in: $0) }
        case .array(let values):
            return values.flatMap { Self.warningCodes(in: $0) }
        default:
            return []
        }
    }

    /// `application/json` of `application/json; charset=utf-8`.
    private static func mediaType(_ contentType: String) -> String {
        String(contentType.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The path template with its `{name}`s filled in, percent-encoded.
    static func fill(_ template: String, _ parameters: [String: String]) -> String {
        var path = template
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        for (name, value) in parameters {
            path = path.replacingOccurrences(of: "{\(name)}", with: value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }
        return path
    }
}
