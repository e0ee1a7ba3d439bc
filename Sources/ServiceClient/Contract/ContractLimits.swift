/// The limits of the wire contract (API.md) that more than one side needs, written once: the server that enforces
/// them, the client that stays within them.
public enum ContractLimits {
    /// Chunk ids one call of `POST /mcp/chunks/lookup` or `POST /mcp/work_items/by_references` takes at most (and at
    /// least one). workflow-mcp's reference check sends longer lists in batches of this size.
    public static let chunkIDsPerLookup = 1000
}
