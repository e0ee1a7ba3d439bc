import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP request to a peer, relative to the endpoint's base URL.
public struct PeerRequest: Sendable {
    public var method: HTTPMethod
    /// Path and query, starting with `/`.
    public var path: String
    public var headers: HTTPHeaders
    public var body: ByteBuffer?
    /// A read-only POST (a lookup) is as safe to repeat as a GET.
    public var isReadOnly: Bool

    public init(method: HTTPMethod, path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil, isReadOnly: Bool = false) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.isReadOnly = isReadOnly
    }

    /// GET, HEAD and read-only calls may be retried; a create only with an `Idempotency-Key`.
    public var isIdempotent: Bool {
        switch self.method {
        case .GET, .HEAD: true
        default: self.isReadOnly || self.headers.contains(name: "Idempotency-Key")
        }
    }
}

/// A peer's whole answer, its body read up to the cap.
public struct PeerResponse: Sendable {
    public var status: Int
    public var body: ByteBuffer
    /// The endpoint that answered.
    public var url: String

    public init(status: Int, body: ByteBuffer, url: String) {
        self.status = status
        self.body = body
        self.url = url
    }

    /// Decodes a 2xx body as `T`; a 4xx becomes `PeerError.rejected`, anything undecodable `PeerError.invalidResponse`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard (200..<300).contains(self.status) else {
            throw PeerError.rejected(url: self.url, status: self.status, body: try? self.decodeBody(ErrorBody.self))
        }
        do {
            return try self.decodeBody(type)
        } catch {
            throw PeerError.invalidResponse(url: self.url, reason: "body is not the expected \(T.self) JSON")
        }
    }

    private func decodeBody<T: Decodable>(_ type: T.Type) throws -> T {
        try ContractCoding.makeDecoder().decode(type, from: Data(self.body.readableBytesView))
    }
}
