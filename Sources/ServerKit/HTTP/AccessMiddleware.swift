import Foundation
import HTTPTypes
import Hummingbird
import ServiceClient

/// Who may call this server (docs/security.md): a request must name an allowed `Host` (against DNS rebinding), come
/// from no browser origin or an allowed one (against cross-site requests), and, when a token is set, carry it as
/// `Authorization: Bearer` on every route but `/health`, which then shows only its status to a caller without it.
public struct AccessMiddleware<Context: TrustingRequestContext>: RouterMiddleware {
    public let policy: AccessPolicy

    public init(policy: AccessPolicy) {
        self.policy = policy
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        guard self.policy.permits(host: host) else {
            throw APIError(
                .forbidden,
                "forbidden_host",
                "Host '\(host ?? "")' is not a name of this server; start it with --allowed-host to allow it.",
                details: ["host": .string(host ?? "")]
            )
        }
        guard self.policy.origins.permits(request.headers[.origin]) else {
            throw APIError(
                .forbidden,
                "forbidden_origin",
                "Origin '\(request.headers[.origin] ?? "")' may not call this server; start it with --allowed-origin to allow it.",
                details: ["origin": .string(request.headers[.origin] ?? "")]
            )
        }
        var context = context
        context.callerIsTrusted = self.policy.authorizes(request.headers[.authorization])
        // `/health` answers everyone (probes carry no token), but tells only its status to a caller without the token.
        guard context.callerIsTrusted || request.uri.path == "/health" else {
            throw APIError(.unauthorized, "unauthorized", "This server needs 'Authorization: Bearer <token>' (the token given with --auth-token).")
        }
        return try await next(request, context)
    }
}

/// A request context that records whether the caller presented the token.
public protocol TrustingRequestContext: RequestContext {
    /// True when the caller presented the token, or when none is set.
    var callerIsTrusted: Bool { get set }
}

/// The settings `AccessMiddleware` enforces.
public struct AccessPolicy: Sendable {
    /// The bearer token every route but `/health` requires; `nil` when none is set.
    public let token: String?
    /// Host names (without port) allowed besides loopback names and the bound address.
    public let allowedHosts: Set<String>
    public let origins: OriginPolicy

    public init(token: String?, boundHost: String, allowedHosts: [String], allowedOrigins: [String]) {
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        var hosts = Set(allowedHosts.map { $0.lowercased() })
        // A wildcard bind answers on every address: only the names listed (and loopback) are its own.
        if !["0.0.0.0", "::", "[::]"].contains(boundHost) { hosts.insert(Self.bracketed(boundHost.lowercased())) }
        self.allowedHosts = hosts
        self.origins = OriginPolicy(allowed: allowedOrigins)
    }

    /// Loopback names, the bound address and listed names; a request without a host (HTTP/1.0) comes from a program.
    public func permits(host authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return true }
        let host = Self.hostPart(authority.lowercased())
        if self.allowedHosts.contains(host) { return true }
        return host == "localhost" || host.hasSuffix(".localhost") || host == "[::1]" || Self.isLoopbackIPv4(host)
    }

    /// `127.x.y.z` as an address, not a name that starts so (`127.evil.example` is a name an attacker controls).
    private static func isLoopbackIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Compares the bearer token in constant time, so its bytes cannot be guessed one by one from response times.
    public func authorizes(_ header: String?) -> Bool {
        guard let token = self.token else { return true }
        guard let header, header.lowercased().hasPrefix("bearer ") else { return false }
        let given = Array(header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces).utf8)
        let expected = Array(token.utf8)
        // Every byte of the token is compared, whatever the given one holds: the time depends on the token's length only.
        var difference = given.count ^ expected.count
        for index in expected.indices { difference |= Int((index < given.count ? given[index] : 0) ^ expected[index]) }
        return difference == 0
    }

    /// `host` of `host:port`, `[::1]` of `[::1]:8010`.
    private static func hostPart(_ authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[...end]) }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
