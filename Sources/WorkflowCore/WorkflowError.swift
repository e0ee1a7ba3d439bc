import ServiceClient

/// A failure of a work-item operation that the caller can act on: the contract's error body and the kind of failure.
///
/// The domain and the stores throw only this; each front door maps it once (REST: a status and the error body in
/// `APIError`; MCP: a tool result with `isError`).
package struct WorkflowError: Error, Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        /// A field or parameter the caller can correct (`details.field` names it).
        case invalidRequest
        case notFound
        /// The item changed since the caller read it.
        case conflict
        /// The store cannot take writes now (disk full, read-only file; reads still work), or its server cannot be reached.
        case storageUnavailable
    }

    package let kind: Kind
    package let body: ErrorBody

    package init(_ kind: Kind, _ code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.kind = kind
        self.body = ErrorBody(error: code, message: message, details: details)
    }

    /// `invalid_request` naming the offending field in `details.field`.
    package static func invalid(field: String, _ message: String) -> WorkflowError {
        WorkflowError(.invalidRequest, ErrorCode.invalidRequest, message, details: ["field": .string(field)])
    }

    package static func workItemNotFound(_ id: String) -> WorkflowError {
        WorkflowError(
            .notFound,
            ErrorCode.workItemNotFound,
            "Work item '\(id)' not found. List work items with GET /mcp/work_items.",
            details: ["work_item_id": .string(id)]
        )
    }

    package static func storageUnavailable(_ state: StorageState) -> WorkflowError {
        if state == .unreachable {
            return WorkflowError(
                .storageUnavailable,
                "storage_unavailable",
                "The database server cannot be reached now; nothing acknowledged is lost. Retry after the Retry-After delay.",
                details: ["reason": .string(state.rawValue)]
            )
        }
        let why = state == .full ? "the disk holding the database is full" : "the database file is read-only"
        return WorkflowError(
            .storageUnavailable,
            "storage_unavailable",
            "Nothing was written: \(why). Reads still work; retry once the operator has fixed it.",
            details: ["reason": .string(state.rawValue)]
        )
    }
}
