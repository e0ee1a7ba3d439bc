/// One declaration found by `GET /mcp/symbols`.
public struct SymbolDeclaration: Codable, Sendable, Hashable {
    public var name: String
    /// `class`, `struct`, `enum`, `protocol`, `interface`, `trait`, `extension`, `impl`, `type`, `function`,
    /// `method`, `variable`, ... (docs/api.md lists them).
    public var kind: String
    /// The type a member belongs to; `null` at the top level.
    @Nullable public var container: String?
    public var filePath: String
    public var repository: String
    /// 1-based, inclusive.
    public var startLine: Int
    public var endLine: Int
    /// The chunk that holds the declaration's first line.
    public var chunkID: String

    public init(
        name: String,
        kind: String,
        container: String?,
        filePath: String,
        repository: String,
        startLine: Int,
        endLine: Int,
        chunkID: String
    ) {
        self.name = name
        self.kind = kind
        self.container = container
        self.filePath = filePath
        self.repository = repository
        self.startLine = startLine
        self.endLine = endLine
        self.chunkID = chunkID
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, container, repository
        case filePath = "file_path"
        case startLine = "start_line"
        case endLine = "end_line"
        case chunkID = "chunk_id"
    }
}

/// `GET /mcp/symbols` answer.
public struct SymbolsResponse: Codable, Sendable, Hashable {
    public var symbols: [SymbolDeclaration]
    public var warnings: [String]

    public init(symbols: [SymbolDeclaration], warnings: [String] = []) {
        self.symbols = symbols
        self.warnings = warnings
    }
}
