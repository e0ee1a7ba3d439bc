import ServerKit

/// The request context of workflow-mcp: bodies above 1 MiB answer 413 `payload_too_large`.
public typealias WorkflowRequestContext = ServiceRequestContext<WorkflowBodyLimit>

/// workflow-mcp's body cap.
public enum WorkflowBodyLimit: RequestBodyLimit {
    public static let maxBodyBytes = 1024 * 1024
}
