import Foundation
import ServiceClient

/// What `GET /mcp/symbols` and `find_symbol` ask, before validation.
package struct SymbolsRequest: Sendable, Hashable {
    package var name: String?
    package var prefix: Bool?
    package var kind: String?
    package var filePath: String?
    package var repository: String?
    package var fileType: String?
    package var limit: Int?

    package init(
        name: String? = nil,
        prefix: Bool? = nil,
        kind: String? = nil,
        filePath: String? = nil,
        repository: String? = nil,
        fileType: String? = nil,
        limit: Int? = nil
    ) {
        self.name = name
        self.prefix = prefix
        self.kind = kind
        self.filePath = filePath
        self.repository = repository
        self.fileType = fileType
        self.limit = limit
    }
}

extension Codebase {
    package static let grepLimits = ContractLimits.grepMatches
    package static let symbolLimits = ContractLimits.symbolResults
    /// The kinds `GET /mcp/symbols` reports and accepts as `kind`.
    package static let symbolKinds: Set<String> = [
        "class", "struct", "enum", "protocol", "extension", "actor", "type", "macro", "interface", "namespace", "module", "trait", "impl",
        "union", "record", "object", "mixin", "implementation", "package", "function", "method", "variable",
    ]

    /// Exact or regex search, line by line, over exactly what is indexed: matching lines in repository, file and line
    /// order, each with the chunk that holds it; `next_cursor` pages on to the last match.
    package func grep(_ request: GrepRequest) async throws -> GrepResponse {
        let started = ContinuousClock.now
        let pattern = try GrepPattern(
            pattern: request.pattern,
            regex: request.regex ?? false,
            caseSensitive: request.caseSensitive ?? true,
            wholeWord: request.wholeWord ?? false
        )
        let limit = request.limit ?? ContractLimits.defaultGrepMatches
        guard Self.grepLimits.contains(limit) else {
            throw CodebaseError.invalid(field: "limit", "'limit' must be between \(Self.grepLimits.lowerBound) and \(Self.grepLimits.upperBound); it is \(limit).")
        }
        let filter = SearchFilter(
            fileType: try SearchValidation.fileType(request.fileType),
            directory: try SearchValidation.directory(request.directory),
            repository: try SearchValidation.repository(request.repository)
        )
        let paths = try GrepPathFilter(path: request.path, exclude: request.exclude)
        let cursor = try request.cursor.map { text throws(CodebaseError) in try GrepCursor(encoded: text) }
        if let repository = filter.repository { _ = try self.resolve(repository) }
        let files = try await self.corpus.snapshot()
        // The deadline is the scan's: bringing the corpus up to date after an index change (seconds, the first time on
        // a large index) is not charged to the pattern, which would otherwise be refused as too costly.
        let scan = GrepScan(pattern: pattern, filter: filter, paths: paths, cursor: cursor, limit: limit, deadline: .now + self.grepDeadline)
        let outcome = await scan.run(files, workers: ProcessInfo.processInfo.activeProcessorCount)
        // Stopped before even `limit` lines were found: the answer would be a guess, so the pattern is refused.
        if let limitHit = outcome.limitHit, outcome.matches.count < limit { throw CodebaseError.patternTooCostly(limit: limitHit) }
        if outcome.timedOut, outcome.matches.count < limit { throw CodebaseError.patternTooCostly(after: self.grepDeadline) }
        let latency = (started.duration(to: .now).inMilliseconds * 100).rounded() / 100
        var warnings: [String] = []
        if outcome.cutLines > 0 {
            warnings.append(
                "long_lines_cut: \(outcome.cutLines) line\(outcome.cutLines == 1 ? " was" : "s were") longer than \(GrepScan.regexLineBytes) bytes; "
                    + "a regex is matched on the first \(GrepScan.regexLineBytes) bytes of a line only. A literal pattern sees whole lines."
            )
        }
        if outcome.filesSearched == 0, filter.directory != nil || filter.fileType != nil || !paths.isEmpty {
            warnings.append(
                "no_file_matched: no indexed file passes the directory, file_type, path and exclude filters, so nothing was searched. "
                    + "'directory' is a folder prefix; to grep one file give its path as 'path'."
            )
        }
        // More after this page: the matches after the cursor outnumber it, or counting stopped early.
        let after = outcome.totalCount - outcome.skipped
        var nextCursor: String?
        if let last = outcome.matches.last, outcome.matches.count == limit, after > limit || outcome.truncated {
            nextCursor = GrepCursor(repository: last.repository, path: last.filePath, line: last.line).encoded
        }
        return GrepResponse(
            matches: outcome.matches,
            totalCount: outcome.totalCount,
            truncated: outcome.truncated,
            nextCursor: nextCursor,
            latencyMS: latency,
            warnings: warnings
        )
    }

    /// Declarations by name (exact, or a prefix), kind, file, repository or file type; with `file_path` alone, the
    /// file's outline in line order.
    package func symbols(_ request: SymbolsRequest) async throws -> SymbolsResponse {
        var query = SymbolQuery()
        if let name = request.name {
            guard RequestText.length(of: name, isIn: 1...200), !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw CodebaseError.invalid(field: "name", "'name' must be 1 to 200 \(RequestText.unit), without control characters.")
            }
            query.name = name
        }
        query.prefix = request.prefix ?? false
        if query.prefix, query.name == nil {
            throw CodebaseError.invalid(field: "prefix", "'prefix' needs a 'name' to be the prefix of.")
        }
        if let kind = request.kind {
            guard Self.symbolKinds.contains(kind) else {
                throw CodebaseError.invalid(field: "kind", "'kind' must be one of \(Self.symbolKinds.sorted().joined(separator: ", ")); got '\(kind)'.")
            }
            query.kind = kind
        }
        if let path = request.filePath {
            guard RequestText.length(of: path, isIn: 1...1000), !path.hasPrefix("/"), !path.contains("\0") else {
                throw CodebaseError.invalid(field: "file_path", "'file_path' must be a path relative to its repository, such as \"src/auth.py\".")
            }
            query.filePath = path
        }
        guard query.name != nil || query.filePath != nil else {
            throw CodebaseError.invalid(field: "name", "Give a 'name' (or a prefix of one with prefix=true), or a 'file_path' for that file's outline.")
        }
        query.repository = try SearchValidation.repository(request.repository)
        if let repository = query.repository { _ = try self.resolve(repository) }
        query.fileType = try SearchValidation.fileType(request.fileType)
        query.limit = request.limit ?? ContractLimits.defaultSymbolResults
        guard Self.symbolLimits.contains(query.limit) else {
            throw CodebaseError.invalid(
                field: "limit",
                "'limit' must be between \(Self.symbolLimits.lowerBound) and \(Self.symbolLimits.upperBound); it is \(query.limit)."
            )
        }
        return SymbolsResponse(symbols: try await self.store.symbols(query))
    }
}
