import ServerKit

/// The request context of codebase-mcp: bodies above 2 MiB answer 413 `payload_too_large`.
public typealias CodebaseRequestContext = ServiceRequestContext<CodebaseBodyLimit>

/// codebase-mcp's body cap.
public enum CodebaseBodyLimit: RequestBodyLimit {
    public static let maxBodyBytes = 2 * 1024 * 1024
}
