import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceClient
import Testing

/// A tool call's result as a client reads it.
public struct ToolCallResult: Sendable {
    public let isError: Bool
    public let text: String
    public let structured: JSONValue
}

extension TestClientProtocol {
    /// Posts one JSON-RPC request to `/mcp` and returns the whole JSON-RPC response.
    public func mcp(
        _ method: String,
        _ params: JSONValue = .object([:]),
        id: Int = 1,
        headers: HTTPFields = [:]
    ) async throws -> [String: JSONValue] {
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.accept] = headers[.accept] ?? "application/json, text/event-stream"
        let message: JSONValue = .object(["jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": params])
        let response = try await self.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: try json(message)))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView)) else {
            Issue.record("not a JSON-RPC object: \(String(buffer: response.body))")
            return [:]
        }
        #expect(object["id"] == .int(Int64(id)))
        return object
    }

    /// `tools/list`: the whole result and its tools; a result without a tool list fails the test.
    public func listTools() async throws -> (result: JSONValue, tools: [JSONValue]) {
        let response = try await self.mcp("tools/list")
        let result = try #require(response["result"])
        guard case .array(let tools)? = result["tools"] else { throw MCPTestError("no tools") }
        return (result, tools)
    }

    /// Calls a tool and returns its result; a JSON-RPC error fails the test.
    public func callTool(_ name: String, _ arguments: [String: JSONValue], id: Int = 1) async throws -> ToolCallResult {
        let response = try await self.mcp("tools/call", .object(["name": .string(name), "arguments": .object(arguments)]), id: id)
        guard case .object(let result)? = response["result"] else {
            Issue.record("tools/call \(name) answered no result: \(response)")
            return ToolCallResult(isError: true, text: "", structured: .null)
        }
        guard case .array(let content)? = result["content"], content.count == 1, case .object(let block) = content[0],
            block["type"] == "text", case .string(let text)? = block["text"]
        else {
            Issue.record("tools/call \(name) did not answer one text block: \(result)")
            return ToolCallResult(isError: true, text: "", structured: .null)
        }
        return ToolCallResult(isError: result["isError"] == .bool(true), text: text, structured: result["structuredContent"] ?? .null)
    }
}

/// A JSON-RPC answer that is not what the test expects.
public struct MCPTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension JSONValue {
    /// The member `key` of an object; `nil` for anything else.
    public subscript(_ key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The text of a string; `nil` for anything else.
    public var string: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }
}

/// Contract JSON text of a value.
public func json(_ value: some Encodable) throws -> String {
    String(decoding: try ContractCoding.makeEncoder().encode(value), as: UTF8.self)
}
