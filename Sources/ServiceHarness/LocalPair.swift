import Foundation
import Logging
import UnixSignals

/// Both servers run locally under their supervisors, as `harness up` starts them: built, checked, seeded, stopped on
/// SIGINT or SIGTERM.
public struct LocalPair: Sendable {
    /// What `harness up` was asked for.
    public struct Configuration: Sendable {
        public var workflowPort: Int
        public var codebasePort: Int
        /// Repositories for codebase-mcp to index; empty means fixtures/sample-repo.
        public var repositories: [String]
        /// Directory for the databases and logs, relative to the package root when there is one.
        public var dataDirectory: String
        /// Runs `swift build` for the server binaries first.
        public var build: Bool
        /// Creates the sample work items in an empty workflow database (only with the sample repository).
        public var seed: Bool

        public init(workflowPort: Int, codebasePort: Int, repositories: [String], dataDirectory: String, build: Bool, seed: Bool) {
            self.workflowPort = workflowPort
            self.codebasePort = codebasePort
            self.repositories = repositories
            self.dataDirectory = dataDirectory
            self.build = build
            self.seed = seed
        }
    }

    /// Why the pair could not start; its description is the message for the user.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Starts both servers, prints where they are, and supervises them until SIGINT or SIGTERM, then stops both.
    public func run() async throws {
        let configuration = self.configuration
        let root = PackageRoot.find()
        for (name, port) in [("workflow-mcp", configuration.workflowPort), ("codebase-mcp", configuration.codebasePort)]
        where !PortCheck.isFree(port) {
            let option = name == "workflow-mcp" ? "workflow" : "codebase"
            throw Failure(
                description:
                    "port \(port) for \(name) is already in use: stop what listens there (see 'ss -ltnp | grep :\(port)') or pick another with --\(option)-port."
            )
        }
        if configuration.build, let root {
            try Self.build(in: root)
        }
        try Binaries.check()

        let data = URL(
            fileURLWithPath: configuration.dataDirectory,
            relativeTo: root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        )
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let sample = root.map { $0.appendingPathComponent("fixtures/sample-repo").path } ?? "fixtures/sample-repo"
        let repositories = configuration.repositories.isEmpty ? [sample] : configuration.repositories
        let workflowURL = "http://127.0.0.1:\(configuration.workflowPort)"
        let codebaseURL = "http://127.0.0.1:\(configuration.codebasePort)"
        var logger = Logger(label: "harness")
        logger.logLevel = .info

        let codebase = Supervisor(
            server: ServerProcess(
                ServerSpec(
                    name: "codebase-mcp",
                    executable: Binaries.codebase,
                    arguments: ["--database", data.appendingPathComponent("codebase.sqlite").path, "--workflow-url", workflowURL]
                        + repositories.flatMap { ["--repo", $0] },
                    port: configuration.codebasePort,
                    logURL: data.appendingPathComponent("codebase-mcp.log")
                )
            ),
            logger: logger
        )
        let workflow = Supervisor(
            server: ServerProcess(
                ServerSpec(
                    name: "workflow-mcp",
                    executable: Binaries.workflow,
                    arguments: ["--database", data.appendingPathComponent("workflow.sqlite").path, "--codebase-url", codebaseURL],
                    port: configuration.workflowPort,
                    logURL: data.appendingPathComponent("workflow-mcp.log")
                )
            ),
            logger: logger
        )
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        do {
            try await codebase.start()
            try await workflow.start()
        } catch {
            await workflow.stop()
            await codebase.stop()
            throw Failure(description: "\(error)")
        }
        let seeded =
            configuration.repositories.isEmpty && configuration.seed
            ? await Self.seed(root: root, workflowURL: workflowURL, codebaseURL: codebaseURL) : nil
        say(
            """
            codebase-mcp  \(codebaseURL)   indexing \(repositories.joined(separator: ", "))
            workflow-mcp  \(workflowURL)\(seeded.map { "   \($0)" } ?? "")
            logs and databases in \(data.path)

            Try:
              curl -s \(codebaseURL)/mcp/search -H 'Content-Type: application/json' -d '{"query": "authenticate user", "limit": 3}'

            Ctrl-C stops both.
            """
        )
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await codebase.supervise() }
            group.addTask { await workflow.supervise() }
            for await _ in signals { break }
            say("\nstopping…")
            let workflowExit = await workflow.stop()
            let codebaseExit = await codebase.stop()
            say(
                "workflow-mcp: \(workflowExit.map(String.init(describing:)) ?? "not running"); codebase-mcp: \(codebaseExit.map(String.init(describing:)) ?? "not running")"
            )
            group.cancelAll()
        }
    }

    /// Creates the sample work items when workflow-mcp holds none, once codebase-mcp has indexed the sample repository
    /// (their references are found by searching it). A failure is reported and leaves the servers running.
    static func seed(root: URL?, workflowURL: String, codebaseURL: String) async -> String? {
        guard let root else { return nil }
        do {
            guard try await SampleWorkItems.workflowIsEmpty(workflowURL: workflowURL) else { return nil }
            let samples = try SampleWorkItems(contentsOf: SampleWorkItems.fixtureURL(root: root))
            let created = try await samples.create(workflowURL: workflowURL, codebaseURL: codebaseURL)
            return "\(created.count) sample work items from fixtures/work-items.json"
        } catch {
            say("warning: the sample work items were not created: \(error)")
            return nil
        }
    }

    /// Builds both server binaries, so that `swift run harness up` alone is enough on a fresh checkout.
    static func build(in root: URL) throws {
        for product in ["codebase-mcp", "workflow-mcp"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["swift", "build", "--product", product]
            process.currentDirectoryURL = root
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { throw Failure(description: "'swift build --product \(product)' failed; see its output above.") }
        }
    }
}

/// Writes a line to stdout at once, also when stdout is a pipe.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
