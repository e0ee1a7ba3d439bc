import ArgumentParser
import Foundation
import Logging
import ServiceHarness
import UnixSignals

/// `harness`: runs both servers locally for development and demos.
@main
struct HarnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harness",
        abstract: "Runs workflow-mcp and codebase-mcp locally.",
        subcommands: [Up.self]
    )
}

/// `harness up`: starts both servers under the supervisor and stops them on Ctrl-C.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start codebase-mcp and workflow-mcp; Ctrl-C stops both.")

    @Option(help: "Port of workflow-mcp.")
    var workflowPort = 8010

    @Option(help: "Port of codebase-mcp.")
    var codebasePort = 8020

    @Option(help: "Repository for codebase-mcp to index; repeatable. Default: fixtures/sample-repo.")
    var repo: [String] = []

    @Option(help: "Directory for the databases and logs.")
    var dataDir = "data"

    @Flag(help: "Do not run 'swift build' for the server binaries first.")
    var noBuild = false

    @Flag(help: "Do not create the sample work items of fixtures/work-items.json in an empty workflow database.")
    var noSeed = false

    func run() async throws {
        let root = PackageRoot.find()
        for (name, port) in [("workflow-mcp", self.workflowPort), ("codebase-mcp", self.codebasePort)] where !PortCheck.isFree(port) {
            Self.fail(
                "port \(port) for \(name) is already in use: stop what listens there (see 'ss -ltnp | grep :\(port)') or pick another with --\(name == "workflow-mcp" ? "workflow" : "codebase")-port."
            )
        }
        if !self.noBuild, let root {
            try Self.build(in: root)
        }
        try Binaries.check()

        let data = URL(fileURLWithPath: self.dataDir, relativeTo: root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let repositories =
            self.repo.isEmpty ? [root.map { $0.appendingPathComponent("fixtures/sample-repo").path } ?? "fixtures/sample-repo"] : self.repo
        let workflowURL = "http://127.0.0.1:\(self.workflowPort)"
        let codebaseURL = "http://127.0.0.1:\(self.codebasePort)"
        var logger = Logger(label: "harness")
        logger.logLevel = .info

        let codebase = Supervisor(
            server: ServerProcess(
                ServerSpec(
                    name: "codebase-mcp",
                    executable: Binaries.codebase,
                    arguments: ["--database", data.appendingPathComponent("codebase.sqlite").path, "--workflow-url", workflowURL]
                        + repositories.flatMap { ["--repo", $0] },
                    port: self.codebasePort,
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
                    port: self.workflowPort,
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
            Self.fail("\(error)")
        }
        let seeded = self.repo.isEmpty && !self.noSeed ? await Self.seed(root: root, workflowURL: workflowURL, codebaseURL: codebaseURL) : nil
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
            if process.terminationStatus != 0 { Self.fail("'swift build --product \(product)' failed; see its output above.") }
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

/// The package's root directory, found from the working directory upwards, else from this source file.
enum PackageRoot {
    static func find() -> URL? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
        for start in candidates {
            var directory = start
            while directory.path != "/" {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
                    FileManager.default.fileExists(atPath: directory.appendingPathComponent("Sources/Harness").path)
                {
                    return directory
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }
}

/// Writes a line to stdout at once, also when stdout is a pipe.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
