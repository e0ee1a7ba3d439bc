import Foundation
import Logging
import MCP

// An MCP adapter file: SDK names are qualified (see MCPProtocol.swift).

/// Standard input and output, line by line (`StdioLines`: linear, each line capped), counting the requests not yet
/// answered so that the end of input can wait for them. Each line passes `JSONRPCEnvelope` first: what it refuses is
/// answered here and never reaches the SDK. Writes to standard output are serialized by the actor, one line each.
actor StdioLineTransport: MCP.Transport {
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
