import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServerTesting
import ServiceClient
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small stand-in for workflow-mcp on a real local socket: `/health`, and `by_references` answering from `items`.
final class StandInWorkflow: Sendable {
    /// Work items by the chunk id they reference.
    let items = Mutex<[String: [WorkItemSummary]]>([:])
    /// Every `by_references` request's chunk ids, in arrival order.
    let requests = Mutex<[[String]]>([])

    var requestLog: [[String]] { self.requests.withLock { $0 } }

    /// Runs `body` with the stand-in listening; the URL is `http://127.0.0.1:PORT`.
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("/health") { _, _ -> Response in
            let health = HealthResponse(
                status: "healthy",
                service: "workflow-mcp",
                version: "test",
                uptimeSeconds: 1,
                database: DatabaseHealth(status: "ok"),
                dependencies: [:]
            )
            return try Self.json(health)
        }
        router.post("/mcp/work_items/by_references") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let ask = try ContractCoding.makeDecoder().decode(WorkItemsByReferencesRequest.self, from: Data(buffer.readableBytesView))
            self.requests.withLock { $0.append(ask.chunkIDs) }
            let known = self.items.withLock { $0 }
            var answer: [String: [WorkItemSummary]] = [:]
            for id in ask.chunkIDs { answer[id] = known[id] ?? [] }
            return try Self.json(WorkItemsByReferencesResponse(items: answer))
        }
        var logger = Logger(label: "stand-in-workflow")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private static func json(_ value: some Encodable) throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try ContractCoding.makeEncoder().encode(value)))
        )
    }
}

/// A TCP socket that listens on the loopback interface and never accepts: connections complete in the kernel's
/// backlog and nothing is ever answered. The hanging peer.
final class SilentListener: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            closeSocket(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    var url: String { "http://127.0.0.1:\(self.port)" }

    func close() {
        closeSocket(self.descriptor)
    }
}

private func closeSocket(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}
