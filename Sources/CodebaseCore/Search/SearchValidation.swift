import ServiceClient

/// Checks a `SearchRequest` against the contract and normalizes its filters. Lengths are in Unicode code points
/// (`RequestText`), never grapheme clusters.
package enum SearchValidation {
    package static let defaultLimit = ContractLimits.defaultSearchResults
    package static let limits = ContractLimits.searchResults
    package static let queryLength = ContractLimits.searchQueryLength

    package static func validate(_ request: SearchRequest) throws(CodebaseError) -> ValidatedSearch {
        let query = request.query
        let length = RequestText.length(query)
        guard queryLength.contains(length) else {
            throw .invalid(field: "query", "'query' must be \(queryLength.lowerBound) to \(queryLength.upperBound) \(RequestText.unit) long; it has \(length).")
        }
        guard !RequestText.isBlank(query) else {
            throw .invalid(
                field: "query",
                "'query' must contain something visible, not only spaces, zero-width or other invisible characters, or combining marks."
            )
        }
        let limit = request.limit ?? defaultLimit
        guard limits.contains(limit) else {
            throw .invalid(field: "limit", "'limit' must be between \(limits.lowerBound) and \(limits.upperBound); it is \(limit).")
        }
        return ValidatedSearch(
            query: SearchQuery(query),
            filter: SearchFilter(
                fileType: try fileType(request.fileType),
                directory: try directory(request.directory),
                repository: try repository(request.repository)
            ),
            limit: limit
        )
    }

    /// An extension without its dot (`py`) or a language name (`python`), lowercased.
    package static func fileType(_ value: String?) throws(CodebaseError) -> String? {
        guard let value else { return nil }
        if value.hasPrefix(".") {
            throw .invalid(field: "file_type", "'file_type' is an extension without its dot: \"\(value.dropFirst())\", not \"\(value)\".")
        }
        let allowed = value.utf8.allSatisfy { isIdentifierByte($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        guard RequestText.length(of: value, isIn: 1...32), allowed else {
            throw .invalid(field: "file_type", "'file_type' must be a file extension such as \"py\" or a language such as \"python\".")
        }
        return value.lowercased()
    }

    /// A directory relative to the repository root, as a prefix ending in `/`; `nil` for the root itself.
    package static func directory(_ value: String?) throws(CodebaseError) -> String? {
        guard let value else { return nil }
        guard RequestText.length(of: value, isIn: 1...1000), !value.contains("\0"), !value.contains("\\") else {
            throw .invalid(field: "directory", "'directory' must be a path relative to the repository root, such as \"src/\".")
        }
        var segments = value.split(separator: "/", omittingEmptySubsequences: true)
        while segments.first == "." { segments.removeFirst() }
        if segments.contains("..") || segments.contains(".") {
            throw .invalid(field: "directory", "'directory' must not contain '.' or '..' segments.")
        }
        guard !segments.isEmpty else { return nil }
        return segments.joined(separator: "/") + "/"
    }

    /// A repository name as `--repo` gave it (its directory's last component).
    package static func repository(_ value: String?) throws(CodebaseError) -> String? {
        guard let value else { return nil }
        guard RequestText.length(of: value, isIn: 1...255), !value.contains("/"), !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw .invalid(field: "repository", "'repository' must be the name of a configured repository, such as \"myproject\".")
        }
        return value
    }
}
