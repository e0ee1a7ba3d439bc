import Foundation

/// Where the built `workflow-mcp` and `codebase-mcp` binaries are.
public enum Binaries {
    /// `MCP_BIN_DIR` when set, else the directory of the running executable (SwiftPM puts test bundles, the
    /// launcher and the servers in the same build directory).
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["MCP_BIN_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent()
    }

    public static var workflow: URL { self.directory.appendingPathComponent("workflow-mcp") }
    public static var codebase: URL { self.directory.appendingPathComponent("codebase-mcp") }

    /// Throws a message saying how to build them when either binary is missing.
    public static func check() throws {
        for binary in [self.workflow, self.codebase] where !FileManager.default.isExecutableFile(atPath: binary.path) {
            throw ServerStartError(description: "\(binary.path) is missing: run 'swift build' first")
        }
    }
}
