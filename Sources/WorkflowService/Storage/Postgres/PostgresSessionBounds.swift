/// The server-side bounds of every transaction workflow-mcp runs on PostgreSQL, derived from `--database-timeout`
/// (the store's client-side time limit, 5 s by default).
///
/// A client-side time limit (`withTimeLimit`) answers the caller, but it does not stop the statement: PostgresNIO
/// has no query cancellation, so a statement waiting on a row another session holds (`SELECT ... FOR UPDATE` by an
/// operator's `psql`, a stalled replica) keeps its pooled connection, and a handful of them takes the whole pool, so
/// that every other request waits for a connection and times out too. These bounds make the server end such a
/// statement itself, roll its transaction back and hand the connection back to the pool:
///
/// - `lock_timeout` (a fifth of the limit, 1 s by default): the longest one statement waits for a lock (a row lock,
///   an advisory lock, a table lock). Our own transactions hold a row or an advisory lock for a few milliseconds, so
///   this is only reached when something holds one for long; the statement then fails with SQLSTATE 55P03, answered
///   503 `storage_unavailable` with `reason: lock_timeout`.
/// - `statement_timeout` (two fifths, 2 s): the longest one statement runs, lock waits included; above
///   `lock_timeout` so a lock wait is reported as such; fails with 57014, answered with `reason: busy`.
/// - `idle_in_transaction_session_timeout` (the whole limit, 5 s): a transaction of ours left open between statements
///   (the replica itself stopped or stalled mid-transaction) is ended by the server, which releases its locks, so a
///   stopped replica cannot hold a row against the others.
///
/// Both statement bounds are below the client-side limit, so a statement that waits is cancelled by the server
/// (and its connection freed) about when, or before, its caller is answered. That alone would not prove that a
/// write answered 503 never commits (the limit covers a whole transaction of several statements and the wait for a
/// connection, each statement is bounded separately); `withTimeLimit`'s commit gate does: COMMIT is sent only while
/// the caller is still waiting, and once it is sent the caller waits for its answer (see `TimeLimit.swift`).
///
/// They are set with `SET LOCAL` (one `set_config(..., true)` statement right after `BEGIN`), not as connection
/// startup parameters or a session `SET`, because: the store owns the time limit and sets them itself, whatever
/// client it was handed (`PostgresClient` has no per-connection set-up hook, and its configuration is made before
/// the store); a local setting ends with its transaction, so nothing leaks into other uses of a pooled connection;
/// and it holds behind a transaction-pooling proxy (PgBouncer), which refuses or ignores startup parameters and
/// shares session settings between clients. The cost is one round trip per transaction. Reads outside a transaction
/// (one item, a listing) are not bounded on the server: they take no row locks, so a held row never blocks them;
/// only a table-level lock (DDL run by an operator) could, and the client-side limit still answers them then.
struct PostgresSessionBounds: Sendable, Hashable {
    var lockTimeout: Duration
    var statementTimeout: Duration
    var idleInTransactionTimeout: Duration

    init(timeLimit: Duration) {
        // Whole milliseconds, at least 10 ms: PostgreSQL reads 0 as "no limit".
        func fraction(_ numerator: Int64, _ denominator: Int64) -> Duration {
            .milliseconds(max(10, Self.milliseconds(timeLimit) * numerator / denominator))
        }
        self.lockTimeout = fraction(1, 5)
        self.statementTimeout = max(fraction(2, 5), self.lockTimeout + .milliseconds(10))
        self.idleInTransactionTimeout = fraction(1, 1)
    }

    /// The one statement that applies the bounds to the current transaction. The values are whole numbers this
    /// type computed, never input, so they are written into the text.
    var setLocalSQL: String {
        let settings = [
            ("lock_timeout", self.lockTimeout),
            ("statement_timeout", self.statementTimeout),
            ("idle_in_transaction_session_timeout", self.idleInTransactionTimeout),
        ]
        return "SELECT " + settings.map { "set_config('\($0.0)', '\(Self.milliseconds($0.1))ms', true)" }.joined(separator: ", ")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
