import Foundation
import ServiceClient

/// A tool result of a real server, read as an MCP client reads it.
struct ToolReply: Sendable, CustomStringConvertible {
    let reply: Reply
    let isError: Bool
    let text: String
    /// The structured content: the REST body.
    let structured: Data

    var item: WorkItem? { try? ContractCoding.makeDecoder().decode(WorkItem.self, from: self.structured) }
    var search: SearchResponse? { try? ContractCoding.makeDecoder().decode(SearchResponse.self, from: self.structured) }
    var description: String { "\(self.reply)" }
}

extension Scenario {
    /// Calls a tool over Streamable HTTP at `/mcp` of `server` (a base URL), as one JSON-RPC request.
    func callTool(_ server: String, _ name: String, _ arguments: [String: JSONValue]) async throws -> ToolReply {
        let message: JSONValue = .object([
            "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": .object(["name": .string(name), "arguments": .object(arguments)]),
        ])
        let reply = try await HTTP.post("\(server)/mcp", try json(message))
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any]
        let result = object?["result"] as? [String: Any]
        let text = ((result?["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
        let structured = try result?["structuredContent"].map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        return ToolReply(reply: reply, isError: (result?["isError"] as? Bool) ?? (result == nil), text: text, structured: structured)
    }
}
