import Foundation
import ServiceClient

/// The filters and page of `GET /mcp/work_items`.
package struct WorkItemQuery: Sendable, Hashable {
    package static let defaultLimit = ContractLimits.defaultWorkItemPage
    package static let limits = ContractLimits.workItemPage

    package var status: WorkItemStatus?
    package var itemType: WorkItemType?
    package var parentID: String?
    package var entityReference: String?
    package var includeDeleted = false
    package var limit = WorkItemQuery.defaultLimit
    /// Items after this position in the stable listing order.
    package var after: Int64?

    /// Parses the query string, naming the offending parameter on error.
    package static func parse(_ parameters: [String: String]) throws(WorkflowError) -> WorkItemQuery {
        try Self.refuseUnknown(parameters, known: ["status", "item_type", "parent_id", "entity_reference", "include_deleted", "limit", "cursor"])
        var query = WorkItemQuery()
        // An empty value (`status=`) is refused like any other value not in the list, as `include_deleted=` is: it
        // says nothing, and passing it off as "no filter" would hide a client's mistake.
        if let raw = parameters["status"] {
            guard let status = WorkItemStatus(rawValue: raw) else {
                throw WorkflowError.invalid(field: "status", "status must be one of: \(WorkItemStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            query.status = status
        }
        if let raw = parameters["item_type"] {
            guard let type = WorkItemType(rawValue: raw) else {
                throw WorkflowError.invalid(
                    field: "item_type",
                    "item_type must be one of: \(WorkItemType.allCases.map(\.rawValue).joined(separator: ", "))."
                )
            }
            query.itemType = type
        }
        if let raw = parameters["parent_id"], !raw.isEmpty { query.parentID = try Self.id(raw, field: "parent_id") }
        if let raw = parameters["entity_reference"], !raw.isEmpty { query.entityReference = try Self.id(raw, field: "entity_reference") }
        query.includeDeleted = try Self.includeDeleted(parameters)
        if let raw = parameters["limit"] {
            guard let limit = Int(raw), Self.limits.contains(limit) else {
                throw WorkflowError.invalid(field: "limit", "limit must be an integer from \(Self.limits.lowerBound) to \(Self.limits.upperBound).")
            }
            query.limit = limit
        }
        if let raw = parameters["cursor"] {
            guard let position = PageCursor.decode(raw) else {
                throw WorkflowError.invalid(field: "cursor", "cursor is not one this service issued; pass next_cursor as it was returned.")
            }
            query.after = position
        }
        return query
    }

    /// `include_deleted` of `GET /mcp/work_items/{id}`, its only query parameter.
    package static func parseItemParameters(_ parameters: [String: String]) throws(WorkflowError) -> Bool {
        try Self.refuseUnknown(parameters, known: ["include_deleted"])
        return try Self.includeDeleted(parameters)
    }

    /// Absent is false; present, it must say which: `include_deleted=` is as unclear as `include_deleted=yes`.
    private static func includeDeleted(_ parameters: [String: String]) throws(WorkflowError) -> Bool {
        guard let raw = parameters["include_deleted"] else { return false }
        guard let flag = Bool(raw) else { throw WorkflowError.invalid(field: "include_deleted", "include_deleted must be true or false.") }
        return flag
    }

    /// An id or reference to filter by. No stored one holds a control character (they are refused on the way in),
    /// and SQLite would match text cut at a NUL.
    private static func id(_ raw: String, field: String) throws(WorkflowError) -> String {
        guard !RequestText.containsControlCharacter(raw) else {
            throw WorkflowError.invalid(field: field, "\(field) must not contain control characters (U+0000 to U+001F, U+007F).")
        }
        return raw
    }

    private static func refuseUnknown(_ parameters: [String: String], known: Set<String>) throws(WorkflowError) {
        if let unknown = parameters.keys.sorted().first(where: { !$0.isEmpty && !known.contains($0) }) {
            throw WorkflowError.invalid(field: unknown, "Unknown query parameter '\(unknown)'. Allowed: \(known.sorted().joined(separator: ", ")).")
        }
    }
}

/// An opaque page cursor: the listing position of the last item served, versioned and base64url-encoded.
package enum PageCursor {
    package static func encode(_ position: Int64) -> String {
        CursorText.encode("v1:\(position)")
    }

    package static func decode(_ cursor: String) -> Int64? {
        guard let data = CursorText.decode(cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("v1:"),
            let position = Int64(text.dropFirst(3)), position >= 0
        else { return nil }
        return position
    }
}
