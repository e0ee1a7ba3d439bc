import CodebaseCore
import ServerKit
import ServiceClient

/// What codebase-mcp's `/health` reports besides its peer: the index database's state and, to a trusted caller, each
/// repository's counts (left out while the database cannot be read).
struct CodebaseHealth: HealthSource {
    let store: any ChunkStore
    let indexStatus: IndexStatus

    func storageState() async throws -> StorageState {
        // `full` or `read_only`: search is served, index writes fail, so degraded, not down.
        try await self.store.checkStorage()
    }

    func addDetails(to body: inout HealthResponse) async {
        body.repositories = try? await self.indexStatus.repositoryStates()
    }
}
