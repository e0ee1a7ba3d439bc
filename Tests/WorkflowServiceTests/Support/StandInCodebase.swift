import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceClient
import Synchronization

/// A small stand-in for codebase-mcp on a real local socket, whose behaviour a test switches at run time.
final class StandInCodebase: Sendable {
    enum Mode: Sendable, Equatable {
        /// Answer lookups from `known`.
        case normal
        /// Accept lookups and never answer (until the test ends).
        case hang
        /// Answer 500.
        case serverError
        /// Answer 200 with a body that is not JSON.
        case garbage
        /// Answer 200 with JSON of the wrong shape.
        case wrongShape
        /// Wait for `hold` to be signalled, then answer as `.normal`.
        case held
    }

    let mode = Mutex(Mode.normal)
    let known = Mutex(Set<String>())
    let lookupCount = Mutex(0)
    /// Released when the test ends, so hanging handlers finish and the server can shut down.
    let release = ReleaseSignal()
    /// Signalled by the test to let `.held` lookups answer.
    let hold = ReleaseSignal()

    func setMode(_ mode: Mode) { self.mode.withLock { $0 = mode } }
    func setKnown(_ ids: Set<String>) { self.known.withLock { $0 = ids } }
    var lookups: Int { self.lookupCount.withLock { $0 } }

    /// Runs `body` with the stand-in listening; the URL is `http://127.0.0.1:PORT`.
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("/health") { _, _ -> Response in
            let health = HealthResponse(
                status: "healthy",
                service: "codebase-mcp",
                version: "test",
                uptimeSeconds: 1,
                database: DatabaseHealth(status: "ok"),
                dependencies: [:]
            )
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try ContractCoding.makeEncoder().encode(health)))
            )
        }
        router.post("/mcp/chunks/lookup") { request, context -> Response in
            self.lookupCount.withLock { $0 += 1 }
            switch self.mode.withLock({ $0 }) {
            case .hang:
                await self.release.wait()
                return Response(status: .serviceUnavailable)
            case .serverError:
                return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "boom")))
            case .garbage:
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "{\"found\": [tru"))
                )
            case .wrongShape:
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "{\"items\": []}"))
                )
            case .held, .normal:
                if self.mode.withLock({ $0 }) == .held { await self.hold.wait() }
                let ask = try await request.decode(as: ChunkLookupRequest.self, context: context)
                let known = self.known.withLock { $0 }
                let answer = ChunkLookupResponse(found: ask.chunkIDs.filter(known.contains), missing: ask.chunkIDs.filter { !known.contains($0) })
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try ContractCoding.makeEncoder().encode(answer)))
                )
            }
        }
        var logger = Logger(label: "stand-in-codebase")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            defer { self.release.signal() }
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

/// A signal that waiters block on until it is given once.
final class ReleaseSignal: Sendable {
    private let state = Mutex<(released: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = self.state.withLock { state -> Bool in
                if state.released { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func signal() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.released = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
