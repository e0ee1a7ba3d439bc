/// The limits of the wire contract (API.md), written once: the server that enforces them, the client that stays within
/// them, the MCP tool schemas that show them to a model, and the test that holds docs/openapi.yaml to them.
public enum ContractLimits {
    /// Chunk ids one call of `POST /mcp/chunks/lookup` or `POST /mcp/work_items/by_references` takes (at least one).
    /// workflow-mcp's reference check sends longer lists in batches of this size.
    public static let chunkIDsPerLookup = 1000

    /// `query` of `POST /mcp/search`, in Unicode code points.
    public static let searchQueryLength = 1...1000
    /// `limit` of `POST /mcp/search`, and its value when absent.
    public static let searchResults = 1...50
    public static let defaultSearchResults = 10

    /// `pattern` of `POST /mcp/grep`, in Unicode code points.
    public static let grepPatternLength = 1...1000
    /// `limit` of `POST /mcp/grep` (matching lines a page), and its value when absent.
    public static let grepMatches = 1...1000
    public static let defaultGrepMatches = 100
    /// Globs one grep's `exclude` takes at most.
    public static let maxExcludes = 50
    /// `limit` of `GET /mcp/symbols`, and its value when absent.
    public static let symbolResults = 1...1000
    public static let defaultSymbolResults = 100

    /// `title` of a work item, in Unicode code points.
    public static let titleLength = 1...200
    /// `description` of a work item, in Unicode code points.
    public static let maxDescriptionLength = 100_000
    /// Distinct `entity_references` of one work item, and the length of each.
    public static let maxReferences = 100
    public static let referenceLength = 1...256
    /// `limit` of `GET /mcp/work_items`, and its value when absent.
    public static let workItemPage = 1...100
    public static let defaultWorkItemPage = 50
    /// An `Idempotency-Key` header (or the tool's `idempotency_key`), in Unicode code points.
    public static let idempotencyKeyLength = 1...255
}
