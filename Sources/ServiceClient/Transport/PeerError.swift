import Foundation

/// Why a call to a peer did not produce the expected answer.
public enum PeerError: Error, Sendable, Hashable {
    /// Nothing listens at the endpoint.
    case connectionRefused(url: String)
    /// The call's deadline passed, connecting or waiting or reading.
    case timeout(url: String, after: Duration)
    /// The connection failed or was reset before a whole answer arrived.
    case connectionFailed(url: String, reason: String)
    /// The peer answered 5xx.
    case serverError(url: String, status: Int)
    /// The peer answered with a body that is not the expected JSON.
    case invalidResponse(url: String, reason: String)
    /// The body was larger than the cap.
    case bodyTooLarge(url: String, limit: Int)
    /// Every endpoint's breaker is open; no network was touched.
    case circuitOpen(timeUntilAvailable: Duration)
    /// The peer answered a 4xx other than the ones the call expects: an answer, so not a peer failure.
    case rejected(url: String, status: Int, body: ErrorBody?)
    /// No endpoint is configured.
    case noEndpoints
    /// The caller's own task was cancelled.
    case cancelled

    /// True when the peer is at fault: these count against the breaker and mark the peer unreachable.
    public var isPeerFailure: Bool {
        switch self {
        case .connectionRefused, .timeout, .connectionFailed, .serverError, .invalidResponse, .bodyTooLarge: true
        case .circuitOpen, .rejected, .noEndpoints, .cancelled: false
        }
    }

    /// True when another attempt may succeed: the failure was quick and says nothing about the request itself.
    public var isRetryable: Bool {
        switch self {
        case .connectionRefused, .connectionFailed, .serverError: true
        // Every breaker is open: the call fails at once with the wait (docs/resilience.md), rather than sleeping a
        // backoff that is shorter than the breaker's cooldown and failing again.
        case .circuitOpen, .timeout, .invalidResponse, .bodyTooLarge, .rejected, .noEndpoints, .cancelled: false
        }
    }

    /// The outcome label of the `peer_calls_total` metric.
    public var outcomeLabel: String {
        switch self {
        case .timeout: "timeout"
        case .connectionRefused: "refused"
        case .circuitOpen: "circuit_open"
        case .cancelled: "cancelled"
        case .rejected: "rejected"
        case .connectionFailed, .serverError, .invalidResponse, .bodyTooLarge, .noEndpoints: "error"
        }
    }

    /// A short human description, used inside warning messages and `/health`'s `last_error`.
    public var summary: String {
        switch self {
        case .connectionRefused: "connection refused"
        case .timeout(_, let after): "no answer within \(Int(after.inMilliseconds.rounded())) ms"
        case .connectionFailed(_, let reason): "connection failed: \(reason)"
        case .serverError(_, let status): "answered HTTP \(status)"
        case .invalidResponse(_, let reason): "invalid response: \(reason)"
        case .bodyTooLarge(_, let limit): "response body larger than \(limit) bytes"
        case .circuitOpen(let wait): "circuit open, next probe in \(String(format: "%.1f", wait.inSeconds)) s"
        case .rejected(_, let status, let body): "rejected with HTTP \(status)\(body.map { ": \($0.error)" } ?? "")"
        case .noEndpoints: "no endpoint configured"
        case .cancelled: "cancelled"
        }
    }

    /// The endpoint the failed attempt went to, when one was chosen.
    public var url: String? {
        switch self {
        case .connectionRefused(let url), .timeout(let url, _), .connectionFailed(let url, _), .serverError(let url, _),
            .invalidResponse(let url, _), .bodyTooLarge(let url, _), .rejected(let url, _, _):
            url
        case .circuitOpen, .noEndpoints, .cancelled:
            nil
        }
    }
}
