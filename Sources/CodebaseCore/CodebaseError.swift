import ServiceClient
import StorageKit

/// A failure of a codebase operation that the caller can act on: the contract's error body and the kind of failure.
///
/// The domain and the store throw only this; each front door maps it once (REST: a status and the error body in
/// `APIError`; MCP: a tool result with `isError`).
package struct CodebaseError: Error, Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        /// A field the caller can correct (`details.field` names it).
        case invalidRequest
        case notFound
        /// The operation ran and failed on the server's side (an index job that failed).
        case failed
        /// The index cannot take writes now (disk full, read-only file); search still works.
        case storageUnavailable
        /// Well-formed, but too costly to run to the end (a grep pattern that did not finish within its deadline).
        case tooCostly
    }

    package let kind: Kind
    package let body: ErrorBody

    package init(_ kind: Kind, _ code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.kind = kind
        self.body = ErrorBody(error: code, message: message, details: details)
    }

    /// `invalid_request` naming the offending field in `details.field`.
    package static func invalid(field: String, _ message: String) -> CodebaseError {
        CodebaseError(.invalidRequest, ErrorCode.invalidRequest, message, details: ["field": .string(field)])
    }

    package static func chunkNotFound(_ id: String) -> CodebaseError {
        CodebaseError(
            .notFound,
            ErrorCode.chunkNotFound,
            "Chunk '\(id)' not found. Its code may have changed or been deleted since it was indexed; search again for a current id.",
            details: ["chunk_id": .string(id)]
        )
    }

    package static func jobNotFound(_ id: String) -> CodebaseError {
        CodebaseError(
            .notFound,
            ErrorCode.jobNotFound,
            "Index job '\(id)' not found. Job ids come from POST /mcp/index; finished jobs are kept for a while only.",
            details: ["job_id": .string(id)]
        )
    }

    package static func patternTooCostly(after deadline: Duration) -> CodebaseError {
        CodebaseError(
            .tooCostly,
            "pattern_too_costly",
            "The pattern did not finish within \(Int(deadline.inMilliseconds.rounded())) ms and was stopped. Make it more specific: a longer literal part, fewer nested repetitions, or a narrower file_type, directory or repository.",
            details: ["field": .string("pattern"), "reason": .string("deadline"), "deadline_ms": .int(Int64(deadline.inMilliseconds.rounded()))]
        )
    }

    /// A regex call ran into PCRE2's match or depth limit (catastrophic backtracking such as `(x+x+)+y`).
    package static func patternTooCostly(limit message: String) -> CodebaseError {
        CodebaseError(
            .tooCostly,
            "pattern_too_costly",
            "The pattern needs too much backtracking on some line (PCRE2: \(message)) and was stopped. Make it more specific: avoid nested quantifiers such as (a+)+ and prefer a literal part or [^x]* over .*.",
            details: ["field": .string("pattern"), "reason": .string("match_limit")]
        )
    }

    package static func storageUnavailable(_ state: StorageCondition.State) -> CodebaseError {
        let why = state == .full ? "the disk holding the index is full" : "the index file is read-only"
        return CodebaseError(
            .storageUnavailable,
            "storage_unavailable",
            "The index could not be written: \(why). Search still answers from the index as it was; retry once the operator has fixed it.",
            details: ["reason": .string(state.rawValue)]
        )
    }
}
