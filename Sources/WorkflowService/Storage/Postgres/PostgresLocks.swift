/// The advisory locks workflow-mcp takes on PostgreSQL, as `(namespace, key)` pairs of `pg_advisory_xact_lock(int4, int4)`.
///
/// Transaction-level locks are released by COMMIT or ROLLBACK, and by the server when a connection dies, so a killed
/// replica never leaves one held. Every transaction takes them in the order below, so two never wait on each other.
enum PostgresLocks {
    /// "WK" in ASCII: keeps these keys apart from any other application's on the same database.
    static let namespace: Int32 = 0x574B
    /// Second namespace: one lock per idempotency key, `hashtext(key)`.
    static let idempotencyNamespace: Int32 = 0x574C

    /// 1. Per idempotency key: two creates with one key, on any replicas, run one after the other, so the second
    ///    finds the first's key and replays it instead of making a second item.
    static let idempotencyKeySQL = "SELECT pg_advisory_xact_lock(\(idempotencyNamespace), hashtext($1))"
    /// 2. The hierarchy: every write that can change depth or make a cycle (a create with a parent, a move, a
    ///    delete) holds it, so the checks each makes read a hierarchy no other transaction is changing.
    static let hierarchySQL = "SELECT pg_advisory_xact_lock(\(namespace), 1)"
}
