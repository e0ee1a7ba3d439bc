import Foundation
import Logging
import MCP

// An MCP adapter file: SDK names are qualified (see MCPProtocol.swift).

/// The transport of one HTTP request: it delivers the request's one message and hands back the server's answer to it.
/// Notifications the server sends before the answer go to `notify` (an SSE stream, or nowhere).
actor MCPExchange: MCP.Transport {
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

/// What the SDK's server sends, told from the first bytes: it encodes with sorted keys, so a notification starts
/// `{"jsonrpc":"2.0","method":`, a request to the client `{"id":…,"jsonrpc":"2.0","method":`, and a response has no
/// `"method"` key at all. Reading the prefix spares parsing every answer a second time. (The Python-client check and
/// the progress tests fail if the SDK ever changes this.)
enum OutgoingMessage {
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
