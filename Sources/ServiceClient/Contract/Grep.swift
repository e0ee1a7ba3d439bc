/// `POST /mcp/grep` body: an exact string or a regular expression, searched line by line in the indexed text.
public struct GrepRequest: Codable, Sendable, Hashable {
    public var pattern: String
    /// `false` (the default): `pattern` is a literal string; `true`: a PCRE2 regular expression (docs/codebase.md).
    public var regex: Bool?
    /// Default `true`.
    public var caseSensitive: Bool?
    /// Only matches not preceded or followed by a letter, digit or `_`. Default `false`.
    public var wholeWord: Bool?
    public var fileType: String?
    public var directory: String?
    /// A glob over `file_path`, as in `.gitignore` (`src/**/*.py`, `*.go`); a plain path names one file.
    public var path: String?
    /// Globs of files to leave out, as in `.gitignore` (`dist/**`, `vendor`, `*_test.go`).
    public var exclude: [String]?
    public var repository: String?
    /// 1 to 1000, default 100.
    public var limit: Int?
    /// A previous answer's `next_cursor`: the page after it.
    public var cursor: String?

    public init(
        pattern: String,
        regex: Bool? = nil,
        caseSensitive: Bool? = nil,
        wholeWord: Bool? = nil,
        fileType: String? = nil,
        directory: String? = nil,
        path: String? = nil,
        exclude: [String]? = nil,
        repository: String? = nil,
        limit: Int? = nil,
        cursor: String? = nil
    ) {
        self.pattern = pattern
        self.regex = regex
        self.caseSensitive = caseSensitive
        self.wholeWord = wholeWord
        self.fileType = fileType
        self.directory = directory
        self.path = path
        self.exclude = exclude
        self.repository = repository
        self.limit = limit
        self.cursor = cursor
    }

    /// In the contract's order, which the unknown-field error lists.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case pattern, regex
        case caseSensitive = "case_sensitive"
        case wholeWord = "whole_word"
        case fileType = "file_type"
        case directory, path, exclude, repository, limit, cursor
    }

    /// Strict, as every request body: a field the contract does not have is refused.
    public init(from decoder: any Decoder) throws {
        let fields = try RequestFields(decoder, allowed: CodingKeys.self)
        self.pattern = try fields.required(String.self, CodingKeys.pattern)
        self.regex = try fields.optional(Bool.self, CodingKeys.regex)
        self.caseSensitive = try fields.optional(Bool.self, CodingKeys.caseSensitive)
        self.wholeWord = try fields.optional(Bool.self, CodingKeys.wholeWord)
        self.fileType = try fields.optional(String.self, CodingKeys.fileType)
        self.directory = try fields.optional(String.self, CodingKeys.directory)
        self.path = try fields.optional(String.self, CodingKeys.path)
        self.exclude = try fields.optional([String].self, CodingKeys.exclude)
        self.repository = try fields.optional(String.self, CodingKeys.repository)
        self.limit = try fields.optional(Int.self, CodingKeys.limit)
        self.cursor = try fields.optional(String.self, CodingKeys.cursor)
        try fields.refuseUnknownFields()
    }
}

/// One matching line.
public struct GrepMatch: Codable, Sendable, Hashable {
    public var filePath: String
    public var repository: String
    /// 1-based.
    public var line: Int
    /// 1-based byte offset of the first match in the line.
    public var column: Int
    /// The whole line (at most 500 bytes of it).
    public var text: String
    /// The chunk that holds the line: reference it from a work item, or read it with `GET /mcp/chunks/{id}`.
    public var chunkID: String

    public init(filePath: String, repository: String, line: Int, column: Int, text: String, chunkID: String) {
        self.filePath = filePath
        self.repository = repository
        self.line = line
        self.column = column
        self.text = text
        self.chunkID = chunkID
    }

    enum CodingKeys: String, CodingKey {
        case repository, line, column, text
        case filePath = "file_path"
        case chunkID = "chunk_id"
    }
}

/// `POST /mcp/grep` answer.
public struct GrepResponse: Codable, Sendable, Hashable {
    /// In repository, file and line order; at most `limit`.
    public var matches: [GrepMatch]
    /// Matching lines in all; a lower bound when `truncated`.
    public var totalCount: Int
    /// Counting stopped before the end (the count cap or the time budget): `total_count` is a lower bound.
    public var truncated: Bool
    /// Pass as `cursor` for the matches after these; `null` on the last page.
    @Nullable public var nextCursor: String?
    public var latencyMS: Double
    public var warnings: [String]

    public init(matches: [GrepMatch], totalCount: Int, truncated: Bool, nextCursor: String? = nil, latencyMS: Double, warnings: [String] = []) {
        self.matches = matches
        self.totalCount = totalCount
        self.truncated = truncated
        self.nextCursor = nextCursor
        self.latencyMS = latencyMS
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case matches, truncated, warnings
        case totalCount = "total_count"
        case nextCursor = "next_cursor"
        case latencyMS = "latency_ms"
    }
}
