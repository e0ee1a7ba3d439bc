import Foundation
import Hummingbird
import ServerKit
import ServiceClient
import WorkflowCore

/// The request context of workflow-mcp: contract JSON coding and an explicit body size cap.
public struct WorkflowRequestContext: RequestContext, TrustingRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Whether the caller presented the token (or none is set): set by `AccessMiddleware`.
    public var callerIsTrusted = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Bodies above 1 MiB answer 413 `payload_too_large`.
    public var maxUploadSize: Int { 1024 * 1024 }
    public var requestDecoder: JSONDecoder { ContractCoding.makeDecoder() }
    public var responseEncoder: JSONEncoder { ContractCoding.makeEncoder() }
}
