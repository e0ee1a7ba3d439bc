import Foundation
import Logging
import MCP
import ServerKit
import ServiceClient

// The one file of codebase-mcp that imports the MCP SDK: its `HTTPRequest`, `HTTPResponse` and `RequestContext` clash
// with Hummingbird's, so every SDK name here is qualified and nothing of the SDK leaks out of this file.

/// The MCP protocol engine of codebase-mcp over the SDK: JSON-RPC messages in, answers out, tools from `CodebaseTools`.
/// A new SDK `Server` serves each HTTP request (one shared by concurrent requests mixes up replies, swift-sdk issues
/// 254 and 265), and one serves the whole stdio session.
struct MCPProtocol: Sendable {
    let tools: CodebaseTools
    let logger: Logger

    /// Answers one JSON-RPC message received over HTTP that `JSONRPCEnvelope` let pass: the response's bytes, or `nil`
    /// for a notification or a response, which need none. Notifications the server sends while it works (progress) go
    /// to `notify`.
    func answer(_ message: Data, expectsAnswer: Bool, notify: @escaping @Sendable (Data) async -> Void) async -> Data? {
        if let answer = await self.answerToolCall(message, notify: notify) { return answer }
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
    func serveStandardIO() async throws {
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
    func answerToolCall(_ message: Data, notify: @escaping @Sendable (Data) async -> Void) async -> Data? {
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
                let text = "Unknown tool '\(name)'. Call tools/list for the tools of codebase-mcp."
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
            name: "codebase-mcp",
            version: ServiceVersion.current,
            instructions: CodebaseTools.instructions,
            capabilities: .init(tools: .init(listChanged: false))
        )
        await Self.register(on: server, tools: self.tools, logger: self.logger)
        return server
    }

    private static func register(on server: MCP.Server, tools: CodebaseTools, logger: Logger) async {
        await server.withMethodHandler(MCP.ListTools.self) { _ in
            MCP.ListTools.Result(tools: Self.listing)
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
                    throw MCP.MCPError.invalidParams("Unknown tool '\(parameters.name)'. Call tools/list for the tools of codebase-mcp.")
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

    /// The `tools/list` answer, built once.
    static let listing: [MCP.Tool] = CodebaseTools.definitions.map { definition in
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

/// The transport of one HTTP request: it delivers the request's one message and hands back the server's answer to it.
/// Notifications the server sends before the answer go to `notify` (an SSE stream, or nowhere).
private actor MCPExchange: MCP.Transport {
    nonisolated let logger: Logger
    private let notify: @Sendable (Data) async -> Void
    private let incoming: AsyncThrowingStream<Data, any Error>
    private var reply: Data?
    private var waiter: CheckedContinuation<Data?, Never>?
    /// Whether the message is a request, which gets an answer; notifications and responses get none.
    private let expectsAnswer: Bool

    init(message: Data, expectsAnswer: Bool, notify: @escaping @Sendable (Data) async -> Void, logger: Logger) {
        self.logger = logger
        self.notify = notify
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        continuation.yield(message)
        continuation.finish()
        self.incoming = stream
        self.expectsAnswer = expectsAnswer
    }

    func connect() async throws {}

    func disconnect() async {
        self.finish(with: nil)
    }

    func send(_ data: Data) async throws {
        switch OutgoingMessage(data) {
        case .notification: await self.notify(data)
        // A request to the client, which a single HTTP exchange cannot carry.
        case .request: return
        case .response: self.finish(with: data)
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        self.incoming
    }

    /// The server's answer to the message, once sent; `nil` at once for a message that needs none.
    func answer() async -> Data? {
        guard self.expectsAnswer else { return nil }
        if let reply = self.reply { return reply }
        return await withCheckedContinuation { self.waiter = $0 }
    }

    private func finish(with data: Data?) {
        if self.reply == nil { self.reply = data }
        self.waiter?.resume(returning: self.reply)
        self.waiter = nil
    }
}

/// Standard input and output, line by line (`StdioLines`: linear, each line capped), counting the requests not yet
/// answered so that the end of input can wait for them. Each line passes `JSONRPCEnvelope` first: what it refuses is
/// answered here and never reaches the SDK. Writes to standard output are serialized by the actor, one line each.
private actor StdioLineTransport: MCP.Transport {
    nonisolated let logger: Logger
    private var unanswered = 0
    /// Answers a tool call without the SDK (`MCPProtocol.answerToolCall`).
    private let direct: (@Sendable (Data, @escaping @Sendable (Data) async -> Void) async -> Data?)?

    init(logger: Logger, direct: (@Sendable (Data, @escaping @Sendable (Data) async -> Void) async -> Data?)? = nil) {
        self.logger = logger
        self.direct = direct
    }

    private func answered(_ answer: Data?) {
        if let answer { self.write(answer) }
        self.unanswered = max(0, self.unanswered - 1)
    }

    func connect() async throws {}

    func disconnect() async {}

    func send(_ data: Data) async throws {
        self.write(data)
        if case .response = OutgoingMessage(data) { self.unanswered = max(0, self.unanswered - 1) }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let task = Task {
            for await line in StdioLines.read(from: STDIN_FILENO) {
                switch line {
                case .tooLong(let bytes):
                    let message = "Invalid Request: the message is \(bytes) bytes long; at most \(StdioLines.maxLineBytes) are read."
                    self.write(JSONRPCEnvelope.invalidRequest(message))
                case .message(let message):
                    switch JSONRPCEnvelope.verdict(for: message) {
                    case .refuse(let answer), .answer(let answer): self.write(answer)
                    case .ignore: continue
                    case .pass(let expectsAnswer, let method):
                        if expectsAnswer { self.unanswered += 1 }
                        // A tool call is answered beside the SDK (`answerToolCall`), one task each, as the SDK runs
                        // them; everything else goes to the SDK in the order read.
                        guard method == "tools/call", expectsAnswer, let direct = self.direct else {
                            continuation.yield(message)
                            continue
                        }
                        Task {
                            let answer = await direct(message, { await self.write($0) })
                            await self.answered(answer)
                        }
                    }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Waits until every request read has been answered, or `timeout` passes.
    func drain(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while self.unanswered > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func write(_ data: Data) {
        var line = data
        line.append(0x0A)
        // A reader that has gone away is the end of the session, not a crash.
        try? FileHandle.standardOutput.write(contentsOf: line)
    }
}

/// What the SDK's server sends, told from the first bytes: it encodes with sorted keys, so a notification starts
/// `{"jsonrpc":"2.0","method":`, a request to the client `{"id":…,"jsonrpc":"2.0","method":`, and a response has no
/// `"method"` key at all. Reading the prefix spares parsing every answer a second time. (The Python-client check and
/// the progress tests fail if the SDK ever changes this.)
private enum OutgoingMessage {
    case notification, request, response

    init(_ data: Data) {
        let head = data.prefix(160)
        let method = Data(#""method":"#.utf8)
        if head.starts(with: Data(#"{"jsonrpc":"2.0","method":"#.utf8)) {
            self = .notification
        } else if head.starts(with: Data(#"{"id":"#.utf8)), head.range(of: method) != nil, head.range(of: Data(#""result":"#.utf8)) == nil {
            self = .request
        } else {
            self = .response
        }
    }
}
