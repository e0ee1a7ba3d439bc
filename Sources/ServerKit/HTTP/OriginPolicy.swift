import Foundation

/// Which browser origins may call the MCP endpoint. A web page the user visits must not be able to drive the tools
/// (DNS rebinding, cross-site POSTs): a request with an `Origin` header is served only when that origin is a loopback
/// one (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`) or listed with `--allowed-origin`. Requests
/// without `Origin` come from programs, not pages, and are served.
public struct OriginPolicy: Sendable {
    public let allowed: Set<String>

    public init(allowed: [String]) {
        self.allowed = Set(allowed.map { Self.normalize($0) })
    }

    public func permits(_ origin: String?) -> Bool {
        guard let origin else { return true }
        let normalized = Self.normalize(origin)
        if self.allowed.contains(normalized) { return true }
        guard let url = URL(string: normalized), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
            return false
        }
        return ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host.lowercased())
    }

    /// Origins compare without a trailing slash and case-insensitively (scheme and host are case-insensitive).
    private static func normalize(_ origin: String) -> String {
        var origin = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }
}
