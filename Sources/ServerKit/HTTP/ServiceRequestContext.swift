import Foundation
import Hummingbird
import ServiceClient

/// The largest request body a service takes; a larger one answers 413 `payload_too_large`.
public protocol RequestBodyLimit: Sendable {
    static var maxBodyBytes: Int { get }
}

/// The request context of both services: contract JSON coding, whether the caller is trusted, and the body cap `Limit`
/// names.
public struct ServiceRequestContext<Limit: RequestBodyLimit>: RequestContext, TrustingRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Whether the caller presented the token (or none is set): set by `AccessMiddleware`.
    public var callerIsTrusted = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { Limit.maxBodyBytes }
    public var requestDecoder: JSONDecoder { ContractCoding.makeDecoder() }
    public var responseEncoder: JSONEncoder { ContractCoding.makeEncoder() }
}
