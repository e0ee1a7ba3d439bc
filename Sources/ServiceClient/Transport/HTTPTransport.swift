import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The one long-lived HTTP client of a process, with the call rules of docs/resilience.md: a 1 s connect timeout, no
/// hidden connection-retry loop, one deadline over connecting, waiting and reading, and a cap on body size.
public final class HTTPTransport: Sendable {
    let client: HTTPClient
    private let clock: any ResilienceClock
    private let authorization: String?

    /// - Parameters:
    ///   - connectTimeout: how long establishing one connection may take.
    ///   - authToken: the peer's bearer token, sent as `Authorization` on every request when set.
    public init(connectTimeout: Duration = .seconds(1), authToken: String? = nil, clock: any ResilienceClock = SystemClock()) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .nanoseconds(Int64(connectTimeout.inSeconds * 1e9)))
        // A refused connection must fail in milliseconds, not after the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.idleTimeout = .seconds(30)
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.httpVersion = .http1Only
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        self.clock = clock
        self.authorization = authToken.flatMap { $0.isEmpty ? nil : "Bearer \($0)" }
    }

    /// Closes every connection. Call once, at exit.
    public func shutdown() async throws {
        try await self.client.shutdown()
    }

    /// Sends `request` to the endpoint at `baseURL` and reads the whole answer, all by `deadline`.
    ///
    /// - Parameters:
    ///   - timeout: the call's whole time budget, for the error message.
    /// - Throws: `PeerError` only.
    public func send(
        to baseURL: String,
        _ request: PeerRequest,
        deadline: ContinuousClock.Instant,
        timeout: Duration,
        maxBodyBytes: Int
    ) async throws -> PeerResponse {
        let remaining = self.clock.now.duration(to: deadline)
        guard remaining > .zero else { throw PeerError.timeout(url: baseURL, after: timeout) }
        var httpRequest = HTTPClientRequest(url: baseURL + request.path)
        httpRequest.method = request.method
        httpRequest.headers = request.headers
        if let authorization = self.authorization { httpRequest.headers.replaceOrAdd(name: "Authorization", value: authorization) }
        if let body = request.body {
            httpRequest.body = .bytes(body)
            if !httpRequest.headers.contains(name: "Content-Type") {
                httpRequest.headers.add(name: "Content-Type", value: "application/json")
            }
        }
        let client = self.client
        let preparedRequest = httpRequest
        // Two deadlines on purpose: AsyncHTTPClient's own one (`nioDeadline`) stops at the response head, so a peer that
        // sends its head and then trickles or stalls the body would outlive it; the outer `withDeadline` bounds reading
        // the body too. Both end at the same instant, so whichever fires first reports the same timeout.
        let nioDeadline = NIODeadline.now() + .nanoseconds(Int64(remaining.inSeconds * 1e9))
        do {
            return try await withDeadline(deadline, clock: self.clock) {
                let response = try await client.execute(preparedRequest, deadline: nioDeadline)
                let body = try await response.body.collect(upTo: maxBodyBytes)
                return PeerResponse(status: Int(response.status.code), body: body, url: baseURL)
            } onTimeout: {
                PeerError.timeout(url: baseURL, after: timeout)
            }
        } catch let error as PeerError {
            throw error
        } catch {
            throw Self.classify(error, url: baseURL, timeout: timeout, maxBodyBytes: maxBodyBytes)
        }
    }

    /// Maps the errors of AsyncHTTPClient and NIO onto `PeerError`.
    static func classify(_ error: any Error, url: String, timeout: Duration, maxBodyBytes: Int) -> PeerError {
        if Task.isCancelled { return .cancelled }
        switch error {
        case is CancellationError:
            return .cancelled
        case is NIOTooManyBytesError:
            return .bodyTooLarge(url: url, limit: maxBodyBytes)
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout:
                return .timeout(url: url, after: timeout)
            case .cancelled:
                return .cancelled
            default:
                return .connectionFailed(url: url, reason: error.shortDescription)
            }
        case let error as NIOConnectionError:
            let refused = error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
            return refused ? .connectionRefused(url: url) : .connectionFailed(url: url, reason: "\(error)")
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return .connectionRefused(url: url)
        case let error as IOError where error.errnoCode == ECONNRESET:
            return .connectionFailed(url: url, reason: "connection reset by peer")
        case ChannelError.connectTimeout:
            return .timeout(url: url, after: timeout)
        default:
            return .connectionFailed(url: url, reason: "\(error)")
        }
    }
}
