import Foundation
import PostgresNIO
import ServiceClient
import StorageKit
import WorkflowCore
import _ConnectionPoolModule

/// Which PostgreSQL failures mean "the database cannot be used now" (503 `storage_unavailable`, retry later), which
/// mean "run the transaction again", and which are bugs (500).
enum PostgresFailure {
    /// An operation that did not finish within the store's time bound (a paused or unreachable server).
    struct TimedOut: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "PostgreSQL did not answer within \(self.limit)" }
    }

    /// A write whose COMMIT was sent but not answered within the time limit and a grace after it (the server
    /// paused or the network cut at that moment): whether it committed is unknown, and the answer says so.
    struct CommitUnconfirmed: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "PostgreSQL did not answer COMMIT within \(self.limit)" }
    }

    /// A statement the server itself ended because it waited or ran too long (`PostgresSessionBounds`): the
    /// database is up and other work goes on, so this is about this one request, never the database's state.
    enum Contention: String, Sendable {
        /// SQLSTATE 55P03 `lock_not_available`: a lock wait reached `lock_timeout` (a row or advisory lock held
        /// by another transaction).
        case lockTimeout = "lock_timeout"
        /// 57014 `query_canceled` (`statement_timeout`, or an operator's `pg_cancel_backend`), or 25P03 (our own
        /// transaction was left idle past `idle_in_transaction_session_timeout` and the server ended it).
        case busy
    }

    /// The contention the failure reveals, or nil. Checked before `state(after:)`, and kept apart from it: a lock
    /// held on one row must not be reported as, or recorded as, the database being unreachable.
    static func contention(after error: any Error) -> Contention? {
        if error is ItemWriteTurns.RowLockTimedOut { return .lockTimeout }
        guard let error = error as? PSQLError, error.code == .server else { return nil }
        switch error.serverInfo?[.sqlState] ?? "" {
        case "55P03": return .lockTimeout
        case "57014", "25P03": return .busy
        default: return nil
        }
    }

    /// The state the failure reveals, or nil when it is not about the database's availability.
    ///
    /// Class 57 holds both "the server is going away" (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
    /// connect now, 57P04 database dropped: unreachable) and 57014 `query_canceled`, which is not: only the `57P`
    /// codes are matched here, and 57014 is `contention(after:)`'s.
    static func state(after error: any Error) -> StorageCondition.State? {
        if contention(after: error) != nil { return nil }
        if error is TimedOut || error is CommitUnconfirmed || error is ConnectionPoolError { return .unreachable }
        guard let error = error as? PSQLError else { return nil }
        guard error.code == .server else {
            // Connection-level: refused, reset, closed by the server, TLS, the pool closed. Nothing was committed
            // that the client was told of.
            return [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .sslUnsupported]
                .contains(error.code) ? .unreachable : nil
        }
        let sqlState = error.serverInfo?[.sqlState] ?? ""
        switch sqlState {
        // Connection exceptions, operator intervention (admin shutdown, crash shutdown, cannot connect now),
        // too many connections.
        case _ where sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") || sqlState == "53300": return .unreachable
        case "53100": return .full  // disk full
        case "25006": return .readOnly  // a read-only transaction: connected to a standby
        default: return nil
        }
    }

    /// Whether running the whole transaction again may succeed: a serialization failure or a deadlock.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "")
    }
}

extension WorkflowError {
    /// 503 `storage_unavailable` for a statement the server ended (`PostgresFailure.Contention`): the transaction was
    /// rolled back, so nothing was changed, and a retry a moment later normally succeeds. Same body shape and
    /// `Retry-After` as every other `storage_unavailable`; `details.reason` says which.
    static func storageContention(_ contention: PostgresFailure.Contention, bounds: PostgresSessionBounds) -> WorkflowError {
        let message =
            switch contention {
            case .lockTimeout:
                "Nothing was changed: the work item (or a lock this write needs) is held by another transaction and was not "
                    + "released within \(bounds.lockTimeout). Retry after the Retry-After delay."
            case .busy:
                "Nothing was changed: the database cancelled this operation (it ran longer than \(bounds.statementTimeout), or "
                    + "an operator cancelled it). Retry after the Retry-After delay."
            }
        return WorkflowError(.storageUnavailable, "storage_unavailable", message, details: ["reason": .string(contention.rawValue)])
    }

    /// 503 `storage_unavailable` for a write whose COMMIT the server did not confirm in time: unlike every other
    /// 503, it may have been stored, and the message says how to find out.
    static func commitUnconfirmed() -> WorkflowError {
        WorkflowError(
            .storageUnavailable,
            "storage_unavailable",
            "The database server stopped answering while this write was being committed, so it may or may not have been "
                + "stored. Read the work item before writing it again; a create retried with the same Idempotency-Key is safe.",
            details: ["reason": .string(StorageCondition.State.unreachable.rawValue)]
        )
    }
}
