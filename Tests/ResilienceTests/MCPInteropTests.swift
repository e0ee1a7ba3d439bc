import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    /// The official Python MCP client, both its 2.x and 1.x lines (installed by scripts/mcp-clients.sh into
    /// .venv-mcp/), lists and calls every tool of both real servers, over Streamable HTTP and over stdio.
    @Suite("MCP interoperability with the official Python client")
    struct MCPInterop {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        static let script = root.appendingPathComponent("Tests/Interop/mcp_check.py").path

        static func python(_ line: String) throws -> String {
            let path = root.appendingPathComponent(".venv-mcp/\(line)/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw InteropError("\(path) is missing: run scripts/mcp-clients.sh (scripts/test does) to install the Python MCP clients")
            }
            return path
        }

        @Test("Python client 2.x and 1.x, over HTTP and stdio, against both servers", arguments: ["v2", "v1"])
        func officialClient(line: String) async throws {
            let python = try Self.python(line)
            let repository = try SampleRepository()
            defer { repository.remove() }
            var options = ServicePair.Options()
            options.repositories = [repository.url]
            options.codebaseThroughProxy = false
            try await ServicePair.with(options) { pair in
                let scratch = pair.directory.path
                let runs: [(String, [String])] = [
                    ("codebase over HTTP", ["--service", "codebase", "--expect-progress", "--http", "\(pair.codebase.url)/mcp"]),
                    ("workflow over HTTP", ["--service", "workflow", "--http", "\(pair.workflow.url)/mcp"]),
                    (
                        "codebase over stdio",
                        [
                            "--service", "codebase", "--expect-progress", "--stdio", "--", Binaries.codebase.path, "--stdio", "--port", "0",
                            "--database", "\(scratch)/stdio-\(line)-codebase.sqlite", "--repo", repository.url.path, "--workflow-url", pair.workflow.url,
                        ]
                    ),
                    (
                        "workflow over stdio",
                        [
                            "--service", "workflow", "--stdio", "--", Binaries.workflow.path, "--stdio", "--port", "0",
                            "--database", "\(scratch)/stdio-\(line)-workflow.sqlite", "--codebase-url", pair.codebase.url,
                        ]
                    ),
                ]
                for (what, arguments) in runs {
                    let outcome = try await Self.run(python, [Self.script] + arguments, timeout: .seconds(120))
                    #expect(outcome.status == 0, "mcp \(line), \(what): exit \(outcome.status)\n\(outcome.output)")
                    #expect(outcome.output.contains(", 0 failed"), "mcp \(line), \(what): no summary line\n\(outcome.output)")
                }
            }
        }

        /// Runs a program to its end (killed at `timeout`), with its standard output and error together.
        static func run(_ executable: String, _ arguments: [String], timeout: Duration) async throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + timeout
            while process.isRunning {
                if ContinuousClock.now > deadline {
                    process.terminate()
                    process.waitUntilExit()
                    try handle.close()
                    return (-1, "timed out after \(timeout)\n" + (try String(contentsOf: output, encoding: .utf8)))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            try handle.close()
            return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
        }
    }
}

struct InteropError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
