import Foundation
import Logging
import MCP
import ServiceClient

// One of the MCP adapter's files, the only ones that import the MCP SDK: its `HTTPRequest`, `HTTPResponse` and
// `RequestContext` clash with Hummingbird's, so every SDK name here is qualified and nothing of the SDK leaks out.

/// The MCP protocol engine over the SDK: JSON-RPC messages in, answers out, tools from a service's `ToolProvider`.
/// A new SDK `Server` serves each HTTP request (one shared by concurrent requests mixes up replies, swift-sdk issues
/// 254 and 265), and one serves the whole stdio session.
public struct MCPProtocol<Tools: ToolProvider>: Sendable {
    let tools: Tools
    let logger: Logger
    /// The `tools/list` answer, built once.
    private let listing: [MCP.Tool]

    public init(tools: Tools, logger: Logger) {
        self.tools = tools
        self.logger = logger
        self.listing = Self.makeListing(of: Tools.definitions)
    }

    /// Answers one JSON-RPC message received over HTTP that `JSONRPCEnvelope` let pass: the response's bytes, or `nil`
    /// for a notification or a response, which need none. Notifications the server sends while it works (progress) go
    /// to `notify`. `method` is the envelope's: only a tool call is parsed again here, to be answered beside the SDK.
    public func answer(_ message: Data, method: String?, expectsAnswer: Bool, notify: @escaping @Sendable (Data) async -> Void) async -> Data? {
        if method == "tools/call", let answer = await self.answerToolCall(message, notify: notify) { return answer }
        let exchange = MCPExchange(message: message, expectsAnswer: expectsAnswer, notify: notify, logger: self.logger)
        let server = await self.makeServer()
        do {
            try await server.start(transport: exchange)
        } catch {
            return nil
        }
        let answer = await exchange.answer()
        await server.stop()
        return answer
    }

    /// Serves MCP on standard input and output until input ends, then waits for the calls in flight to be answered.
    public func serveStandardIO() async throws {
        let transport = StdioLineTransport(logger: self.logger, direct: { message, notify in await self.answerToolCall(message, notify: notify) })
        let server = await self.makeServer()
        try await server.start(transport: transport)
        await withTaskCancellationHandler {
            await server.waitUntilCompleted()
        } onCancel: {
            Task { await server.stop() }
        }
        await transport.drain(timeout: .seconds(30))
        await server.stop()
    }

    /// Answers a `tools/call` without the SDK, whose `Value` decoding tries each JSON kind in turn and pays an error
    /// for every miss (a 1 MB argument of nested arrays took 35 s): the message is parsed once, in linear time, and the
    /// result written in the shape the SDK writes. nil for any other message, which the SDK answers.
    public func answerToolCall(_ message: Data, notify: @escaping @Sendable (Data) async -> Void) async -> Data? {
        guard case .object(let envelope)? = try? JSONValue(parsing: message), envelope["method"] == .string("tools/call"),
            let id = envelope["id"], case .object(let params)? = envelope["params"]
        else { return nil }
        guard case .string(let name)? = params["name"] else {
            return Self.encode(["jsonrpc": "2.0", "id": id, "error": ["code": .int(-32602), "message": "Invalid params: 'name' must be the tool's name."]])
        }
        let arguments: [String: JSONValue]
        switch params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let given)?: arguments = given
        default:
            return Self.encode(["jsonrpc": "2.0", "id": id, "error": ["code": .int(-32602), "message": "Invalid params: 'arguments' must be an object."]])
        }
        var progress: ToolProgress?
        if case .object(let meta)? = params["_meta"], let token = meta["progressToken"], token != .null {
            progress = { done, total, text in
                var fields: [String: JSONValue] = ["progressToken": token, "progress": .double(done), "message": .string(text)]
                if let total { fields["total"] = .double(total) }
                await notify(Self.encode(["jsonrpc": "2.0", "method": "notifications/progress", "params": .object(fields)]))
            }
        }
        let result: ToolResult
        do {
            guard let answered = try await self.tools.call(name, arguments: arguments, progress: progress) else {
                let text = "Unknown tool '\(name)'. Call tools/list for the tools of \(Tools.serverName)."
                return Self.encode(["jsonrpc": "2.0", "id": id, "error": ["code": .int(-32602), "message": .string(text)]])
            }
            result = answered
        } catch {
            self.logger.error("tool call failed", metadata: ["tool": "\(name)", "error": "\(String(reflecting: error))"])
            result = ToolResult(error: ErrorBody(error: ErrorCode.internalError, message: "The tool failed. It has been logged; try again."))
        }
        let content: JSONValue = [["type": "text", "text": .string(result.text)]]
        let answer: JSONValue = ["content": content, "structuredContent": result.structured, "isError": .bool(result.isError)]
        return Self.encode(["jsonrpc": "2.0", "id": id, "result": answer])
    }

    /// A JSON-RPC message's bytes, keys sorted as the SDK writes them.
    private static func encode(_ message: JSONValue) -> Data {
        (try? ContractCoding.makeEncoder().encode(message)) ?? Data()
    }

    private func makeServer() async -> MCP.Server {
        let server = MCP.Server(
            name: Tools.serverName,
            version: ServiceVersion.current,
            instructions: Tools.instructions,
            capabilities: .init(tools: .init(listChanged: false))
        )
        await Self.register(on: server, tools: self.tools, listing: self.listing, logger: self.logger)
        return server
    }

    private static func register(on server: MCP.Server, tools: Tools, listing: [MCP.Tool], logger: Logger) async {
        await server.withMethodHandler(MCP.ListTools.self) { _ in
            MCP.ListTools.Result(tools: listing)
        }
        await server.withMethodHandler(MCP.CallTool.self) { [weak server] parameters in
            var progress: ToolProgress?
            if let token = parameters._meta?.progressToken {
                progress = { [weak server] done, total, message in
                    let notification = MCP.ProgressNotification.message(.init(progressToken: token, progress: done, total: total, message: message))
                    try? await server?.notify(notification)
                }
            }
            let arguments = (parameters.arguments ?? [:]).mapValues(Self.contractValue)
            let result: ToolResult
            do {
                guard let answered = try await tools.call(parameters.name, arguments: arguments, progress: progress) else {
                    throw MCP.MCPError.invalidParams("Unknown tool '\(parameters.name)'. Call tools/list for the tools of \(Tools.serverName).")
                }
                result = answered
            } catch let error as MCP.MCPError {
                throw error
            } catch {
                logger.error("tool call failed", metadata: ["tool": "\(parameters.name)", "error": "\(String(reflecting: error))"])
                result = ToolResult(error: ErrorBody(error: ErrorCode.internalError, message: "The tool failed. It has been logged; try again."))
            }
            // The SDK's generic initializer would encode and decode the structured content once more.
            let make: ([MCP.Tool.Content], MCP.Value?, Bool?, MCP.Metadata?) -> MCP.CallTool.Result = MCP.CallTool.Result.init
            return make([.text(text: result.text, annotations: nil, _meta: nil)], Self.sdkValue(result.structured), result.isError, nil)
        }
    }

    /// The `tools/list` answer for `definitions`.
    private static func makeListing(of definitions: [ToolDefinition]) -> [MCP.Tool] {
        definitions.map { definition in
            MCP.Tool(
                name: definition.name,
                description: definition.description,
                inputSchema: sdkValue(definition.inputSchema),
                annotations: .init(
                    readOnlyHint: definition.readOnly,
                    destructiveHint: definition.destructive,
                    idempotentHint: definition.idempotent,
                    openWorldHint: false
                ),
                outputSchema: sdkValue(definition.outputSchema)
            )
        }
    }

    /// The contract's JSON value as the SDK's, case by case (every answer passes here: no text round trip).
    private static func sdkValue(_ value: JSONValue) -> MCP.Value {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): Int(exactly: number).map { .int($0) } ?? .double(Double(number))
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let values): .array(values.map(self.sdkValue))
        case .object(let fields): .object(fields.mapValues(self.sdkValue))
        }
    }

    /// The SDK's JSON value as the contract's; binary data (never sent as a tool argument) becomes its base64 text.
    private static func contractValue(_ value: MCP.Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(Int64(number))
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .data(_, let data): .string(data.base64EncodedString())
        case .array(let values): .array(values.map(self.contractValue))
        case .object(let fields): .object(fields.mapValues(self.contractValue))
        }
    }
}
