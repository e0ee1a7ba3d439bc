import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on a real loopback socket whose answers a test scripts per request.
final class StubHTTPServer: Sendable {
    /// What the server does with one request.
    enum Reply: Sendable {
        /// Answer with this status and body.
        case respond(status: Int, body: String)
        /// Accept the request and never answer.
        case hang
    }

    let port: Int
    private let channel: any Channel
    private let requests: Mutex<[String]>

    var url: String { "http://127.0.0.1:\(self.port)" }

    /// Paths of the requests seen so far, in order.
    var requestPaths: [String] { self.requests.withLock { $0 } }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.requests = Mutex([])
    }

    static func start(_ reply: @escaping @Sendable (HTTPRequestHead) -> Reply) async throws -> StubHTTPServer {
        let log = SharedLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StubHandler(reply: reply, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = StubHTTPServer(channel: channel)
        log.sink.withLock { $0 = { path in server.requests.withLock { $0.append(path) } } }
        return server
    }

    /// Stops listening; later connections are refused.
    func stop() async throws {
        try await self.channel.close()
    }

    /// A loopback port on which nothing listens.
    static func closedPort() async throws -> Int {
        let server = try await StubHTTPServer.start { _ in .hang }
        try await server.stop()
        return server.port
    }
}

private final class SharedLog: Sendable {
    let sink = Mutex<@Sendable (String) -> Void>({ _ in })
}

private final class StubHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let reply: @Sendable (HTTPRequestHead) -> StubHTTPServer.Reply
    let log: SharedLog
    var head: HTTPRequestHead?

    init(reply: @escaping @Sendable (HTTPRequestHead) -> StubHTTPServer.Reply, log: SharedLog) {
        self.reply = reply
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head = self.head else { return }
            self.log.sink.withLock { $0 }(head.uri)
            switch self.reply(head) {
            case .hang:
                break
            case .respond(let status, let body):
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                let responseHead = HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: headers)
                context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
