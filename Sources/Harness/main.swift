import ArgumentParser
import Foundation
import ServiceHarness

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
        let pair = LocalPair(
            .init(
                workflowPort: self.workflowPort,
                codebasePort: self.codebasePort,
                repositories: self.repo,
                dataDirectory: self.dataDir,
                build: !self.noBuild,
                seed: !self.noSeed
            )
        )
        do {
            try await pair.run()
        } catch let failure as LocalPair.Failure {
            FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
            Foundation.exit(1)
        }
    }
}
