import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceClient

/// One answer of a real server, with how long it took.
struct Reply: Sendable, CustomStringConvertible {
    let status: Int
    let body: Data
    let elapsed: Duration
    /// The response's headers (`Retry-After` among them).
    var headers: HTTPHeaders = [:]

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try ContractCoding.makeDecoder().decode(type, from: self.body)
    }

    var text: String { String(decoding: self.body, as: UTF8.self) }

    var description: String { "HTTP \(self.status) after \(self.elapsed): \(self.text.prefix(600))" }
}

/// Plain HTTP calls from the test process to the servers.
enum HTTP {
    /// Like the services' own client: a refused connection fails at once instead of being retried until the
    /// connect timeout. Lives as long as the test process.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(1))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// - Parameter fresh: use a new connection (and close it afterwards) rather than a pooled one.
    static func send(
        _ method: HTTPMethod,
        _ url: String,
        json: String? = nil,
        timeout: Duration = .seconds(10),
        fresh: Bool = false,
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if fresh { request.headers.add(name: "Connection", value: "close") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let started = ContinuousClock.now
        let response = try await self.client.execute(request, timeout: .nanoseconds(Int64(timeout.inSeconds * 1e9)))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(
            status: Int(response.status.code),
            body: Data(body.readableBytesView),
            elapsed: started.duration(to: .now),
            headers: response.headers
        )
    }

    static func get(_ url: String) async throws -> Reply { try await self.send(.GET, url) }
    static func post(_ url: String, _ json: String) async throws -> Reply { try await self.send(.POST, url, json: json) }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
