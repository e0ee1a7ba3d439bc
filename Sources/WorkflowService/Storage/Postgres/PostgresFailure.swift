import Foundation
import PostgresNIO
import _ConnectionPoolModule

/// Which PostgreSQL failures mean "the database cannot be used now" (503 `storage_unavailable`, retry later), which
/// mean "run the transaction again", and which are bugs (500).
enum PostgresFailure {
    /// An operation that did not finish within the store's time bound (a paused or unreachable server).
    struct TimedOut: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "PostgreSQL did not answer within \(self.limit)" }
    }

    /// The state the failure reveals, or nil when it is not about the database's availability.
    static func state(after error: any Error) -> StorageCondition.State? {
        if error is TimedOut || error is ConnectionPoolError { return .unreachable }
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
