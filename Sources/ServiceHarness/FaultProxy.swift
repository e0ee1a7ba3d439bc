import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy on loopback that stands between two services and injects faults, switched at run time.
///
/// Switching the fault closes every open connection, so pooled keep-alive connections cannot carry on past it.
/// Run it with `run()` inside a task group; it listens until that task is cancelled.
public final class FaultProxy: Sendable {
    /// What the proxy does with each connection.
    public enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// Forward bytes both ways unchanged.
        case passThrough
        /// Forward, holding each chunk of the request for this long first.
        case latency(Duration)
        /// Accept connections and never answer.
        case blackhole
        /// Accept and reset the connection at once.
        case reset
        /// Stop listening: connections are refused.
        case refuse
        /// Answer `200 OK` with a body that is not JSON.
        case notJSON
        /// Answer `200 OK` announcing a longer body than is sent, then close.
        case truncatedBody
        /// Answer `500 Internal Server Error`.
        case serverError
        /// Forward, but send the answer one byte at a time with this pause between bytes.
        case drip(Duration)

        public var description: String {
            switch self {
            case .passThrough: "pass-through"
            case .latency(let delay): "latency \(delay)"
            case .blackhole: "blackhole"
            case .reset: "reset"
            case .refuse: "refuse"
            case .notJSON: "not JSON"
            case .truncatedBody: "truncated body"
            case .serverError: "500"
            case .drip(let pause): "drip every \(pause)"
            }
        }
    }

    private struct State {
        var fault: Fault = .passThrough
        var upstreamPort: Int
        var port: Int?
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var faultVersion = 0
        var accepted = 0
    }

    private typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    private let state: Mutex<State>
    private let faultChanged = ChangeSignal()
    private let logger: Logger

    /// - Parameter upstreamPort: the loopback port to forward to; it can be changed later.
    public init(upstreamPort: Int, logger: Logger = Logger(label: "fault-proxy")) {
        self.state = Mutex(State(upstreamPort: upstreamPort))
        self.logger = logger
    }

    /// The port it listens on, once `waitUntilListening()` has returned.
    public var port: Int { self.state.withLock { $0.port ?? 0 } }

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(self.port)" }

    public var fault: Fault { self.state.withLock { $0.fault } }

    /// Connections accepted since the proxy started.
    public var acceptedConnections: Int { self.state.withLock { $0.accepted } }

    /// Connections open now, both sides counted.
    public var openConnections: Int { self.state.withLock { $0.connections.count } }

    /// Points the proxy at another upstream port, e.g. after the upstream restarted.
    public func setUpstream(port: Int) {
        self.state.withLock { $0.upstreamPort = port }
        self.closeConnections()
    }

    /// Switches the fault; open connections are closed so that the next request sees the new behaviour.
    public func setFault(_ fault: Fault) {
        let listener = self.state.withLock { state -> (any Channel)? in
            state.fault = fault
            state.faultVersion += 1
            guard fault == .refuse else { return nil }
            // Forget it now, so that `waitUntilListening()` waits for the listener bound after the refusal.
            defer { state.listener = nil }
            return state.listener
        }
        listener?.close(promise: nil)
        self.closeConnections()
        self.faultChanged.signal()
    }

    /// Waits until the proxy has bound its port.
    public func waitUntilListening() async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while self.state.withLock({ $0.port == nil || $0.listener == nil }), ContinuousClock.now < deadline {
            try await self.faultChanged.wait(after: self.faultChanged.current, timeout: .milliseconds(50))
        }
    }

    /// Listens and proxies until cancelled. The port stays the same across `.refuse` periods.
    public func run() async throws {
        while !Task.isCancelled {
            let seen = self.faultChanged.current
            if self.fault == .refuse {
                try await self.faultChanged.wait(after: seen, timeout: .seconds(3600))
                continue
            }
            let requestedPort = self.state.withLock { $0.port ?? 0 }
            let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: "127.0.0.1", port: requestedPort) { channel in
                    channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
                }
            let stillWanted = self.state.withLock { state -> Bool in
                state.port = listener.channel.localAddress?.port
                state.listener = listener.channel
                return state.fault != .refuse
            }
            self.faultChanged.signal()
            if !stillWanted { listener.channel.close(promise: nil) }
            try await withTaskCancellationHandler {
                try await listener.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            group.addTask { await self.handle(connection) }
                        }
                    }
                }
            } onCancel: {
                listener.channel.close(promise: nil)
            }
            self.state.withLock { $0.listener = nil }
        }
    }

    private func closeConnections() {
        let open = self.state.withLock { Array($0.connections.values) }
        for channel in open { channel.close(promise: nil) }
    }

    private func handle(_ client: Connection) async {
        let (fault, upstreamPort) = self.state.withLock { state in
            state.connections[ObjectIdentifier(client.channel)] = client.channel
            state.accepted += 1
            return (state.fault, state.upstreamPort)
        }
        defer { _ = self.state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(client.channel)) } }
        do {
            switch fault {
            case .passThrough, .latency, .drip:
                try await self.forward(client, to: upstreamPort, fault: fault)
            case .blackhole:
                try await client.executeThenClose { inbound, _ in
                    for try await _ in inbound {}
                }
            case .reset, .refuse:
                try await Self.reset(client.channel)
            case .notJSON:
                try await self.answer(client, with: Self.rawResponse(status: "200 OK", body: "<html>not json at all</html>"))
            case .truncatedBody:
                try await self.answer(client, with: Self.rawResponse(status: "200 OK", body: "{\"found\": [\"c_", declaredLength: 400))
            case .serverError:
                try await self.answer(client, with: Self.rawResponse(status: "500 Internal Server Error", body: "boom!"))
            }
        } catch {
            self.logger.debug("proxied connection ended", metadata: ["error": "\(error)"])
        }
    }

    private static func rawResponse(status: String, body: String, declaredLength: Int? = nil) -> String {
        let length = declaredLength ?? body.utf8.count
        return "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\nConnection: close\r\n\r\n\(body)"
    }

    /// Reads one request head, writes `response` as raw bytes, and closes.
    private func answer(_ client: Connection, with response: String) async throws {
        try await client.executeThenClose { inbound, outbound in
            var received = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                received.writeBuffer(&chunk)
                if received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) != nil { break }
            }
            try await outbound.write(ByteBuffer(string: response))
        }
    }

    private func forward(_ client: Connection, to upstreamPort: Int, fault: Fault) async throws {
        let upstream: Connection
        do {
            upstream = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: upstreamPort) { channel in
                    channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
                }
        } catch {
            // Nothing listens upstream: the closest a proxy can come to a refused connection is a reset.
            try await Self.reset(client.channel)
            return
        }
        self.state.withLock { $0.connections[ObjectIdentifier(upstream.channel)] = upstream.channel }
        defer { _ = self.state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(upstream.channel)) } }
        try await client.executeThenClose { clientIn, clientOut in
            try await upstream.executeThenClose { upstreamIn, upstreamOut in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await chunk in clientIn {
                            if case .latency(let delay) = fault { try await Task.sleep(for: delay) }
                            try await upstreamOut.write(chunk)
                        }
                    }
                    group.addTask {
                        for try await chunk in upstreamIn {
                            if case .drip(let pause) = fault {
                                for byte in chunk.readableBytesView {
                                    try await clientOut.write(ByteBuffer(bytes: [byte]))
                                    try await Task.sleep(for: pause)
                                }
                            } else {
                                try await clientOut.write(chunk)
                            }
                        }
                    }
                    // When either side is done, the exchange is over.
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    private static func reset(_ channel: any Channel) async throws {
        if let provider = channel as? any SocketOptionProvider {
            try await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try await channel.close()
    }
}

/// A version number that tasks can wait on to change.
final class ChangeSignal: Sendable {
    private let version = Mutex(0)

    var current: Int { self.version.withLock { $0 } }

    func signal() {
        self.version.withLock { $0 += 1 }
    }

    /// Returns once the version differs from `seen`, or when `timeout` has passed. Polls: this is test tooling,
    /// where a few milliseconds of reaction time do not matter and simplicity does.
    func wait(after seen: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while self.current == seen, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
