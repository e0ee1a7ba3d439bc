import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement whose rows, if any, are not wanted, and waits until the server has finished it.
    func run(_ query: PostgresQuery, logger: Logger = PostgresWorkItemStore.queryLogger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}
