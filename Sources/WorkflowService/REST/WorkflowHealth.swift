import ServerKit
import ServiceClient
import WorkflowCore

/// What workflow-mcp's `/health` reports besides its peer: the store's state.
struct WorkflowHealth: HealthSource {
    let store: any WorkItemStore

    func storageState() async throws -> StorageState {
        try await self.store.checkHealth()
    }
}
