import Foundation

/// The checks a JSON-RPC 2.0 message passes before the MCP SDK sees it, over HTTP and stdio alike. The SDK leaves a
/// request whose `id` it cannot decode (`true`, `1.5`, an array, an integer past 64 bits) unanswered, which held an
/// HTTP connection and shutdown for good; it answered a parse error with an invented id, and a message with neither a
/// `method` nor a `result` with 202. Here each of those gets its answer at once (MCP.md): `-32700` for text that is not
/// JSON, `-32600` for an envelope that is not a request, `-32602` for bad `params`, with the request's `id` where it can
/// be echoed and `null` where it cannot. A tool call whose arguments hold what a body may not (a duplicate key, a
/// number that cannot be stored exactly, nesting past the limit) is answered as the tool's `invalid_request` error,
/// as the REST door answers the same body.
public enum JSONRPCEnvelope {
    /// What to do with one message.
    public enum Verdict: Sendable, Equatable {
        /// Hand it on; `expectsAnswer` is true for a request (a notification or a response gets none), `method` is
        /// the request's or notification's method (nil for a response).
        case pass(expectsAnswer: Bool, method: String?)
        /// Refuse it with this JSON-RPC error, without the SDK (over HTTP with 400).
        case refuse(Data)
        /// Answer it with this result, without the SDK: a tool's error result (over HTTP with 200).
        case answer(Data)
        /// Drop it: a notification or a client's response that is not valid gets no answer (JSON-RPC 2.0).
        case ignore
    }

    public static func verdict(for message: some Collection<UInt8>) -> Verdict {
        let summary = JSONTextCheck.scan(message)
        if case .malformed? = summary.problem {
            return .refuse(self.error(id: nil, code: -32700, "Parse error: the message is not valid JSON."))
        }
        guard summary.isObject else {
            return .refuse(self.error(id: nil, code: -32600, "Invalid Request: a message must be one JSON-RPC 2.0 object (batches are not supported)."))
        }
        let members = summary.members
        let id: ID?
        switch members["id"] {
        case nil: id = nil
        case .string(let text)?: id = .string(text)
        case .integer?: id = .integer(Self.integerText(message))
        default:
            return .refuse(self.error(id: nil, code: -32600, "Invalid Request: 'id' must be a string or an integer."))
        }
        guard members["jsonrpc"] == .string("2.0") else {
            return .refuse(self.error(id: id, code: -32600, "Invalid Request: 'jsonrpc' must be \"2.0\"."))
        }
        guard let method = members["method"] else {
            // A response to a request of the server's: it carries `result` or `error`, and gets no answer.
            if id != nil, members["result"] != nil || members["error"] != nil { return summary.problem == nil ? .pass(expectsAnswer: false, method: nil) : .ignore }
            return .refuse(self.error(id: id, code: -32600, "Invalid Request: 'method' is required."))
        }
        guard case .string(let name) = method else {
            return .refuse(self.error(id: id, code: -32600, "Invalid Request: 'method' must be a string."))
        }
        let params = members["params"]
        if let params, params != .object {
            return id == nil ? .ignore : .refuse(self.error(id: id, code: -32602, "Invalid params: 'params' must be an object."))
        }
        if name == "tools/call", params == nil {
            return id == nil ? .ignore : .refuse(self.error(id: id, code: -32602, "Invalid params: tools/call needs 'params' with the tool's 'name' and 'arguments'."))
        }
        if let problem = summary.problem {
            guard let id else { return .ignore }
            let path = problem.path
            if name == "tools/call", path.count >= 2, path[0] == .key("params"), path[1] == .key("arguments") {
                let field: String
                if path.count > 2, case .key(let key) = path[2] { field = key } else { field = "arguments" }
                return .answer(self.toolError(id: id, field: field, message: problem.message(dropping: 2)))
            }
            return .refuse(self.error(id: id, code: -32600, "Invalid Request: \(problem.message())"))
        }
        return .pass(expectsAnswer: id != nil, method: name)
    }

    /// A request id as it is echoed.
    enum ID: Equatable {
        case string(String)
        /// The integer's literal text, echoed as written.
        case integer(String)
    }

    /// The text of the top-level `id` integer, read again from the message (rare: only errors echo it).
    private static func integerText(_ message: some Collection<UInt8>) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(message)) as? [String: Any], let number = object["id"] as? NSNumber else {
            return "null"
        }
        return number.stringValue
    }

    /// A `-32600` error with `id: null`, for a message that could not even be read.
    public static func invalidRequest(_ message: String) -> Data {
        self.error(id: nil, code: -32600, message)
    }

    static func error(id: ID?, code: Int, _ message: String) -> Data {
        let body = #"{"jsonrpc":"2.0","id":\#(self.idText(id)),"error":{"code":\#(code),"message":\#(self.quoted(message))}}"#
        return Data(body.utf8)
    }

    /// The tool result of an `invalid_request`, in the shape every tool error has (MCP.md).
    static func toolError(id: ID, field: String, message: String) -> Data {
        let text = self.quoted("invalid_request: \(message)")
        let structured = #"{"error":"invalid_request","message":\#(self.quoted(message)),"details":{"field":\#(self.quoted(field))}}"#
        let result = #"{"content":[{"type":"text","text":\#(text)}],"structuredContent":\#(structured),"isError":true}"#
        return Data(#"{"jsonrpc":"2.0","id":\#(self.idText(id)),"result":\#(result)}"#.utf8)
    }

    private static func idText(_ id: ID?) -> String {
        switch id {
        case nil: "null"
        case .string(let text)?: self.quoted(text)
        case .integer(let text)?: text
        }
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
