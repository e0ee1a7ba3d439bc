/// The error body of every 4xx and 5xx answer: `{"error", "message", "details"}`.
public struct ErrorBody: Codable, Sendable, Hashable, Error {
    /// A stable snake_case code such as `invalid_request` or `chunk_not_found`.
    public var error: String
    /// What happened and what to do.
    public var message: String
    /// Structured context, e.g. `{"field": "title"}`.
    public var details: [String: JSONValue]

    /// `details.field` names what the caller should fix; an empty name (a body key `""`) names nothing, so it is
    /// reported as `body`. Kept here, where every error body of both services and both doors is made.
    public init(error: String, message: String, details: [String: JSONValue] = [:]) {
        self.error = error
        self.message = message
        var details = details
        if details["field"] == .string("") { details["field"] = .string("body") }
        self.details = details
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.error = try container.decode(String.self, forKey: .error)
        self.message = try container.decode(String.self, forKey: .message)
        self.details = try container.decodeIfPresent([String: JSONValue].self, forKey: .details) ?? [:]
    }
}

/// The error codes of the contract.
public enum ErrorCode {
    public static let invalidRequest = "invalid_request"
    public static let payloadTooLarge = "payload_too_large"
    public static let notFound = "not_found"
    public static let methodNotAllowed = "method_not_allowed"
    public static let internalError = "internal_error"
    public static let chunkNotFound = "chunk_not_found"
    public static let workItemNotFound = "work_item_not_found"
    public static let versionConflict = "version_conflict"
    public static let jobNotFound = "job_not_found"
}
