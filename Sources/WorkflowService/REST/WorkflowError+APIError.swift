import Hummingbird
import ServerKit
import WorkflowCore

/// The REST rendering of a work-item error: the one place its kind becomes a status.
extension WorkflowError: APIErrorConvertible {
    public var apiError: APIError {
        switch self.kind {
        case .invalidRequest: APIError(status: .badRequest, body: self.body)
        case .notFound: APIError(status: .notFound, body: self.body)
        case .conflict: APIError(status: .conflict, body: self.body)
        case .storageUnavailable: APIError(status: .serviceUnavailable, body: self.body, headers: [.retryAfter: "5"])
        }
    }
}
