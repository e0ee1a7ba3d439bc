import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import ServiceClient
import Synchronization

/// Limits that keep slow or numerous clients from holding the server's memory or its connections
/// (docs/security.md): a request must arrive whole within `requestReadTimeout` of its first byte, and at most
/// `maxConnections` connections are open at once; beyond that a new connection gets 503 and is closed.
public struct ConnectionLimits: Sendable {
    public var maxConnections = 4096
    /// From a request's first byte to its last; the time to answer it is not counted.
    public var requestReadTimeout: Duration = .seconds(5)
    /// Request body bytes held at once by every connection together; a body that would go beyond has its
    /// connection closed. With the per-route body cap it bounds what fast clients can make the server hold.
    public var maxBufferedBodyBytes = 256 * 1024 * 1024

    public init() {}
}

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1.1 server with `limits`.
    public static func guardedHTTP1(idleTimeout: Duration, limits: ConnectionLimits) -> HTTPServerBuilder {
        let open = OpenConnections()
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestEndHandler()],
            idleTimeout: .nanoseconds(Int64(idleTimeout.inSeconds * 1e9))
        )
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: configuration), limits: limits, open: open)
        }
    }
}

/// `HTTP1Channel` with a `RequestDeadlineHandler` in front of its HTTP decoder.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits
    let open: OpenConnections

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(RequestDeadlineHandler(limits: self.limits, open: self.open))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return self.inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await self.inner.handle(value: value, logger: logger)
    }
}

/// The open connections and the request body bytes they hold, shared by every connection of one server.
final class OpenConnections: Sendable {
    private let count = Atomic<Int>(0)
    private let bodyBytes = Atomic<Int>(0)

    /// Counts a new connection; returns the count with it.
    func open() -> Int { self.count.add(1, ordering: .relaxed).newValue }

    func close() { self.count.subtract(1, ordering: .relaxed) }

    /// Counts `bytes` more of request bodies held; returns the total with them.
    func hold(_ bytes: Int) -> Int { self.bodyBytes.add(bytes, ordering: .relaxed).newValue }

    func release(_ bytes: Int) { self.bodyBytes.subtract(bytes, ordering: .relaxed) }
}

/// Sees a connection's raw bytes before the HTTP decoder: it counts the connection (refusing it over the cap) and
/// starts the request deadline at the first byte of each request; `RequestEndHandler`, after the decoder, stops it
/// at the request's end. A request still incomplete at the deadline has its connection closed, so a client sending
/// one byte a second holds neither a connection nor a growing buffer for long.
final class RequestDeadlineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let limits: ConnectionLimits
    let open: OpenConnections
    private var counted = false
    private var refused = false
    /// A refused connection has had its 503.
    private var answered = false
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, open: OpenConnections) {
        self.limits = limits
        self.open = open
    }

    func channelActive(context: ChannelHandlerContext) {
        self.counted = true
        if self.open.open() > self.limits.maxConnections {
            // Over the cap: refused at its first bytes, unless it asks for /health, which must keep answering while
            // others hold every connection (a supervisor deciding to restart a healthy server would do harm).
            self.refused = true
            let channel = context.channel
            self.deadline = context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        if self.counted {
            self.counted = false
            self.open.close()
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.refused {
            let bytes = self.unwrapInboundIn(data)
            guard bytes.readableBytesView.starts(with: "GET /health ".utf8) || bytes.readableBytesView.starts(with: "HEAD /health ".utf8) else {
                // Answered once; whatever else arrives before the close is dropped.
                if !self.answered {
                    self.answered = true
                    Self.refuse(context)
                }
                return
            }
            self.refused = false
        }
        if self.deadline == nil {
            let channel = context.channel
            self.deadline = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(self.limits.requestReadTimeout.inSeconds * 1e9))) {
                channel.close(promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    /// 503 with the error body, written raw (the HTTP handlers behind have seen nothing), then closed.
    private static func refuse(_ context: ChannelHandlerContext) {
        Self.answer(
            context,
            status: "503 Service Unavailable",
            extraHeaders: "Retry-After: 1\r\n",
            body: #"{"error":"too_many_connections","message":"The server has too many open connections; retry in a second.","details":{}}"#
        )
    }

    /// Writes a whole response straight to the socket (past the HTTP encoder, which has seen no response), then
    /// closes the connection.
    private static func answer(_ context: ChannelHandlerContext, status: String, extraHeaders: String = "", body: String) {
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\n\(extraHeaders)"
            + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        context.writeAndFlush(NIOAny(ByteBuffer(string: head + body)), promise: nil)
        context.close(promise: nil)
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The request could not be parsed (an unknown method, a malformed head): 400 with the error body, not the
    /// framework's empty one.
    func rejectUnparsable() {
        guard let context = self.context else { return }
        Self.answer(
            context,
            status: "400 Bad Request",
            body: #"{"error":"invalid_request","message":"The request is not valid HTTP/1.1 (an unknown method or a malformed head).","details":{"field":"request"}}"#
        )
    }

    /// `Expect: 100-continue`: the client waits for this before it sends the body.
    func sendContinue() {
        self.context?.writeAndFlush(NIOAny(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
    }

    /// The request that started the deadline has arrived whole.
    func requestEnded() {
        self.deadline?.cancel()
        self.deadline = nil
    }
}

/// After the HTTP decoder: tells `RequestDeadlineHandler` when a request has arrived whole, and counts the body
/// bytes this connection holds (from a request's first body part until the next request or the connection's end)
/// against the server-wide budget.
final class RequestEndHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private var start: RequestDeadlineHandler?
    private var held = 0

    func handlerAdded(context: ChannelHandlerContext) {
        self.start = try? context.pipeline.syncOperations.handler(type: RequestDeadlineHandler.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.releaseBody()
            if head.headerFields[.expect]?.lowercased() == "100-continue" { self.start?.sendContinue() }
        case .body(let buffer):
            if let start = self.start {
                self.held += buffer.readableBytes
                if start.open.hold(buffer.readableBytes) > start.limits.maxBufferedBodyBytes {
                    // Over the server-wide budget: this body is not taken in (the client may retry later).
                    context.close(promise: nil)
                    return
                }
            }
        case .end:
            self.start?.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.releaseBody()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The decoder's errors: answered here with the error body; the framework would answer an empty 400.
        if error is HTTPParserError, let start = self.start {
            start.rejectUnparsable()
            return
        }
        context.fireErrorCaught(error)
    }

    private func releaseBody() {
        guard self.held > 0 else { return }
        self.start?.open.release(self.held)
        self.held = 0
    }
}
