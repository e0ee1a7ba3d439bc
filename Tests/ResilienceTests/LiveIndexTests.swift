import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    /// The index follows the files on the real binary: edits, new files, deletions, renames, new directories,
    /// `.gitignore` edits and bursts become searchable (or leave the index) with no index call, by inotify and by the
    /// fallback scanner, and two processes can share one database.
    @Suite("The index follows the files")
    struct LiveIndex {
        /// The two ways changes are found: inotify, and the fallback scanner forced with a setting.
        static let modes: [[String]] = [[], ["--scan-changes", "--scan-interval", "0.2"]]

        @Test("an edit, a new file, a deletion, a rename and a new directory are searchable without an index call", arguments: modes)
        func everydayChanges(mode: [String]) async throws {
            try await LiveRepository.with(mode) { live in
                let old = try await live.chunkID(of: "alpha_marker", in: "src/a.py")

                // An edit: the old chunk id answers 404 and the new text is found.
                try live.write("src/a.py", "def beta_marker():\n    return 2\n")
                #expect(try await live.eventuallyFound("beta_marker", in: "src/a.py"), "\(live.log)")
                #expect(try await live.chunkStatus(old) == 404)
                #expect(try await live.files(for: "alpha_marker").isEmpty)

                // A new file, then its deletion.
                try live.write("src/b.py", "GAMMA_MARKER = 3\n")
                #expect(try await live.eventuallyFound("GAMMA_MARKER", in: "src/b.py"), "\(live.log)")
                try live.remove("src/b.py")
                #expect(try await live.eventuallyGone("GAMMA_MARKER"), "\(live.log)")

                // A rename: found under the new path only.
                try FileManager.default.moveItem(at: live.repository.appendingPathComponent("src/a.py"), to: live.repository.appendingPathComponent("src/c.py"))
                #expect(try await live.eventually { try await live.files(for: "beta_marker") == ["src/c.py"] }, "\(live.log)")

                // A new directory with files, made in one go.
                try live.write("pkg/sub/one.py", "def delta_one():\n    pass\n")
                try live.write("pkg/sub/two.py", "def delta_two():\n    pass\n")
                #expect(try await live.eventuallyFound("delta_one", in: "pkg/sub/one.py"), "\(live.log)")
                #expect(try await live.eventuallyFound("delta_two", in: "pkg/sub/two.py"), "\(live.log)")
                // A file in the new directory after it is watched (or scanned) as well.
                try live.write("pkg/sub/three.py", "def delta_three():\n    pass\n")
                #expect(try await live.eventuallyFound("delta_three", in: "pkg/sub/three.py"), "\(live.log)")

                // A directory moved away takes its files out of the index.
                try FileManager.default.moveItem(at: live.repository.appendingPathComponent("pkg"), to: live.scratch.appendingPathComponent("pkg-moved-out"))
                #expect(try await live.eventuallyGone("delta_one"), "\(live.log)")

                // The state says how changes are found, and nothing is left pending.
                var state: RepositoryIndexState?
                let settled = try await live.eventually {
                    state = try await live.state()
                    return state?.pendingChanges == 0 && state?.files == 1
                }
                #expect(settled, "\(String(describing: state))")
                #expect(state?.watch == (mode.isEmpty ? .watching : .scanning))
                #expect(state?.lastIndexedAt != nil)
            }
        }

        @Test("a .gitignore edit takes newly ignored files out and brings un-ignored ones back; skipped and secret files never enter", arguments: modes)
        func ignoreRules(mode: [String]) async throws {
            try await LiveRepository.with(mode) { live in
                try live.write("generated/out.py", "EPSILON_MARKER = 1\n")
                #expect(try await live.eventuallyFound("EPSILON_MARKER", in: "generated/out.py"), "\(live.log)")

                try live.write(".gitignore", "generated/\n")
                #expect(try await live.eventuallyGone("EPSILON_MARKER"), "\(live.log)")
                // Ignored now: an edit inside stays out.
                try live.write("generated/later.py", "ZETA_MARKER = 1\n")

                try live.write(".gitignore", "# nothing ignored\n")
                #expect(try await live.eventuallyFound("EPSILON_MARKER", in: "generated/out.py"), "\(live.log)")
                #expect(try await live.eventuallyFound("ZETA_MARKER", in: "generated/later.py"), "\(live.log)")

                // A nested .gitignore, by pattern.
                try live.write("src/.gitignore", "*.gen.py\n")
                try live.write("src/x.gen.py", "ETA_MARKER = 1\n")
                // Skipped folders and secret files, whatever .gitignore says.
                try live.write("node_modules/lib/index.js", "const ETA_MARKER = 1\n")
                try live.write(".env", "ETA_MARKER=1\n")
                // A later change that is indexed: once it is found, the earlier ones have been looked at.
                try live.write("src/last.py", "THETA_MARKER = 1\n")
                #expect(try await live.eventuallyFound("THETA_MARKER", in: "src/last.py"), "\(live.log)")
                #expect(try await live.files(for: "ETA_MARKER").isEmpty)
            }
        }

        @Test("300 files written at once are all searchable, in a few jobs", arguments: modes)
        func burst(mode: [String]) async throws {
            try await LiveRepository.with(mode) { live in
                _ = try await live.chunkID(of: "alpha_marker", in: "src/a.py")
                for index in 0..<300 {
                    try live.write("burst/d\(index % 10)/file\(index).py", "def burst_function_\(index)():\n    return 'iota_burst_marker'\n")
                }
                var total = 0
                let all = try await live.eventually(timeout: .seconds(30)) {
                    let reply = try await HTTP.post("\(live.server.url)/mcp/search", #"{"query": "iota_burst_marker", "limit": 1}"#)
                    total = try reply.decode(SearchResponse.self).totalCount
                    return total == 300
                }
                #expect(all, "found \(total) of 300\n\(live.log)")
                #expect(try await live.files(for: "burst_function_299") == ["burst/d9/file299.py"])
            }
        }

        @Test("grep and symbols on the real binary answer from the live index: an edit is found by both without an index call")
        func grepAndSymbols() async throws {
            try await LiveRepository.with([]) { live in
                _ = try await live.chunkID(of: "alpha_marker", in: "src/a.py")
                try live.write("src/a.py", "class LambdaStore:\n    def open_lambda(self):\n        return 'x = a.b*c(d)[e]'\n")
                var grep: GrepResponse?
                let found = try await live.eventually {
                    let reply = try await HTTP.post("\(live.server.url)/mcp/grep", #"{"pattern": "a.b*c(d)[e]"}"#)
                    grep = try reply.decode(GrepResponse.self)
                    return grep?.totalCount == 1
                }
                #expect(found, "\(String(describing: grep))\n\(live.log)")
                #expect(grep?.matches.first.map { "\($0.filePath):\($0.line):\($0.column)" } == "src/a.py:3:21")
                let symbols = try await HTTP.get("\(live.server.url)/mcp/symbols?file_path=src/a.py").decode(SymbolsResponse.self)
                #expect(symbols.symbols.map { "\($0.kind) \($0.container ?? "-") \($0.name)" } == ["class - LambdaStore", "method LambdaStore open_lambda"])
                let chunk = try await HTTP.get("\(live.server.url)/mcp/chunks/\(try #require(grep?.matches.first?.chunkID))")
                #expect(chunk.status == 200)
                // A reference to a group the pattern does not have: PCRE2 refuses it at compile time.
                let bad = try await HTTP.post("\(live.server.url)/mcp/grep", #"{"pattern": "(x+x+)+y\\2", "regex": true}"#)
                #expect(bad.status == 400 && bad.text.contains("\"field\":\"pattern\""), "\(bad)")
            }
        }

        @Test("two processes on one database: both answer searches, both see an edit, no chunk is stored twice")
        func twoProcesses() async throws {
            try await LiveRepository.with([]) { live in
                _ = try await live.chunkID(of: "alpha_marker", in: "src/a.py")
                let second = ServerProcess(
                    ServerSpec(
                        name: "codebase-mcp-2",
                        executable: Binaries.codebase,
                        arguments: live.arguments,
                        logURL: live.scratch.appendingPathComponent("second.log")
                    )
                )
                try await second.start()
                defer { Task { await second.kill() } }

                for index in 0..<5 {
                    try live.write("src/a.py", "def kappa_marker_\(index)():\n    return \(index)\n")
                    for url in [live.server.url, second.url] {
                        let seen = try await live.eventually {
                            let reply = try await HTTP.post("\(url)/mcp/search", #"{"query": "kappa_marker_\#(index)"}"#)
                            return try reply.decode(SearchResponse.self).totalCount == 1
                        }
                        #expect(seen, "edit \(index) seen by \(url)\n\(live.log)\n\(second.logTail())")
                    }
                }
                // Old text is gone from both, so neither serves a cached answer older than the index.
                for url in [live.server.url, second.url] {
                    let reply = try await HTTP.post("\(url)/mcp/search", #"{"query": "kappa_marker_0"}"#)
                    #expect(try reply.decode(SearchResponse.self).totalCount == 0, "\(url): \(reply)")
                }
                await second.kill()
                await live.server.kill()
                let check = try live.checkDatabase()
                #expect(check == "ok 1 0", "integrity, chunks of src/a.py, duplicate chunk ids: \(check)")
            }
        }
    }
}

/// One real codebase-mcp on a fresh repository in a scratch folder.
struct LiveRepository: Sendable {
    let scratch: URL
    let repository: URL
    let server: ServerProcess
    let arguments: [String]

    var log: String { self.server.logTail(30) }

    static func with(_ extra: [String], _ body: (LiveRepository) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString.prefix(8))")
        let repository = scratch.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repository.appendingPathComponent("src"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data("def alpha_marker():\n    return 1\n".utf8).write(to: repository.appendingPathComponent("src/a.py"))
        let arguments =
            [
                "--database", scratch.appendingPathComponent("db.sqlite").path, "--repo", repository.path,
                "--workflow-url", "http://127.0.0.1:1", "--log-level", "debug",
            ] + extra
        let server = ServerProcess(
            ServerSpec(name: "codebase-mcp", executable: Binaries.codebase, arguments: arguments, logURL: scratch.appendingPathComponent("log"))
        )
        try await server.start()
        defer { Task { await server.kill() } }
        try await body(LiveRepository(scratch: scratch, repository: repository, server: server, arguments: arguments))
        await server.kill()
    }

    func write(_ path: String, _ text: String) throws {
        let file = self.repository.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: self.repository.appendingPathComponent(path))
    }

    func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
        try await ResilienceTests.eventually(timeout: timeout, condition)
    }

    /// The files of every chunk that a search for `query` finds.
    func files(for query: String) async throws -> [String] {
        let reply = try await HTTP.post("\(self.server.url)/mcp/search", #"{"query": "\#(query)", "limit": 50}"#)
        return try reply.decode(SearchResponse.self).results.map(\.filePath).sorted()
    }

    func eventuallyFound(_ query: String, in file: String) async throws -> Bool {
        try await self.eventually { try await self.files(for: query).contains(file) }
    }

    func eventuallyGone(_ query: String) async throws -> Bool {
        try await self.eventually { try await self.files(for: query).isEmpty }
    }

    /// Waits for a chunk of `file` that `query` finds; fails the test when none comes.
    func chunkID(of query: String, in file: String) async throws -> String {
        var id: String?
        let found = try await self.eventually(timeout: .seconds(30)) {
            let reply = try await HTTP.post("\(self.server.url)/mcp/search", #"{"query": "\#(query)"}"#)
            id = try reply.decode(SearchResponse.self).results.first { $0.filePath == file }?.chunkID
            return id != nil
        }
        try #require(found, "no chunk of \(file) for '\(query)'\n\(self.log)")
        return try #require(id)
    }

    func chunkStatus(_ id: String) async throws -> Int {
        try await HTTP.get("\(self.server.url)/mcp/chunks/\(id)").status
    }

    /// The repository's entry of `GET /mcp/index`.
    func state() async throws -> RepositoryIndexState? {
        try await HTTP.get("\(self.server.url)/mcp/index").decode(IndexStatusResponse.self).repositories.first
    }

    /// SQLite's integrity check, the chunks of `src/a.py`, and how many chunk ids are stored more than once, read by
    /// Python's sqlite3 module (no server holds the file any more).
    func checkDatabase() throws -> String {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            chunks = db.execute("SELECT COUNT(*) FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.path = 'src/a.py'").fetchone()[0]
            duplicates = db.execute("SELECT COUNT(*) FROM (SELECT chunk_id FROM chunks GROUP BY chunk_id HAVING COUNT(*) > 1)").fetchone()[0]
            print(integrity, chunks, duplicates)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, self.scratch.appendingPathComponent("db.sqlite").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
