import Foundation
import NIOHTTP1
import ServiceClient
import ServiceClientTesting
import ServiceHarness
import Testing

extension Resilience {
    /// What an outside probe found (issue 27), each on the real binaries: no request freezes a server, no message of
    /// any shape holds a connection or shutdown, the index follows a repository root that is deleted and made again.
    @Suite("Hardening: nothing freezes a server")
    struct Hardening {
        /// One line of about 1 MB: `zzz` first, then `function ` and 200 bytes of noise, again and again.
        static func minifiedLine(seed: Int) -> String {
            var generator = SplitMix64(seed: UInt64(seed))
            let alphabet = Array("abcdefghijklmnop(){};= ")
            var line = "zzz "
            line.reserveCapacity(1_000_200)
            while line.utf8.count < 1_000_000 {
                line += "function "
                for _ in 0..<200 { line.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            }
            return line + "\n"
        }

        @Test("a regex over four minified 1 MB lines answers within its deadline, /health answers meanwhile, SIGTERM exits 0")
        func regexOnLongLines() async throws {
            try await LiveRepository.with([]) { live in
                for index in 0..<4 { try live.write("dist/min\(index).js", Self.minifiedLine(seed: index)) }
                let grep = "\(live.server.url)/mcp/grep"
                let indexed = try await live.eventually(timeout: .seconds(30)) {
                    let reply = try await HTTP.post(grep, #"{"pattern": "zzz"}"#)
                    return reply.status == 200 && (try? reply.decode(GrepResponse.self).totalCount) == 4
                }
                try #require(indexed, "the four files were not indexed: \(live.log)")

                let patterns = [#"function.*zzz"#, #"(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)z"#, #"(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)q{2}"#, #"f.*u.*n.*c.*t.*i.*o.*n.*zz"#]
                let health = Box([Reply]())
                let healthFailures = Box([String]())
                let replies = try await withThrowingTaskGroup(of: Reply?.self) { group in
                    for pattern in patterns {
                        group.addTask {
                            try await HTTP.send(.POST, grep, json: #"{"pattern": "\#(pattern)", "regex": true}"#, timeout: .seconds(20))
                        }
                    }
                    // /health is polled while the greps run; each answer must come within a second.
                    group.addTask {
                        let end = ContinuousClock.now + .seconds(4)
                        while ContinuousClock.now < end {
                            do {
                                let reply = try await HTTP.send(.GET, "\(live.server.url)/health", timeout: .seconds(1))
                                health.mutate { $0.append(reply) }
                            } catch {
                                healthFailures.mutate { $0.append("\(error)") }
                            }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        return nil
                    }
                    var replies: [Reply] = []
                    for try await reply in group { if let reply { replies.append(reply) } }
                    return replies
                }
                #expect(healthFailures.value.isEmpty, "/health did not answer within 1 s: \(healthFailures.value)")
                #expect(health.value.count >= 10 && health.value.allSatisfy { $0.status == 200 }, "\(health.value)")
                #expect(replies.count == patterns.count)
                for reply in replies {
                    // Answered, within the 2 s deadline and a margin: a match or a refusal as too costly, never a hang.
                    #expect(reply.status == 200 || reply.status == 422, "\(reply)")
                    #expect(reply.elapsed < .seconds(6), "\(reply)")
                    if reply.status == 200 {
                        let response = try reply.decode(GrepResponse.self)
                        #expect(response.warnings.contains { $0.hasPrefix("long_lines_cut: 4 lines were longer than 4096 bytes") }, "\(reply)")
                    }
                }
                // A literal still sees whole lines: 'zzz' at the start and 'function' everywhere.
                let literal = try await HTTP.post(grep, #"{"pattern": "function", "limit": 10}"#)
                #expect(try literal.decode(GrepResponse.self).totalCount == 4, "\(literal)")

                // SIGTERM while a costly grep runs: the grep ends and the server exits 0 promptly.
                let running = Task { try? await HTTP.send(.POST, grep, json: #"{"pattern": "\#(patterns[3])", "regex": true}"#, timeout: .seconds(20)) }
                try await Task.sleep(for: .milliseconds(50))
                let started = ContinuousClock.now
                let exit = await live.server.terminate()
                #expect(exit == .exited(0), "\(String(describing: exit))")
                #expect(started.duration(to: .now) < .seconds(10), "SIGTERM took \(started.duration(to: .now))")
                _ = await running.value
            }
        }

        @Test("a repository root deleted and made again is followed again: emptied meanwhile, then edits and new files found", arguments: LiveIndex.modes)
        func rootDeletedAndRecreated(mode: [String]) async throws {
            try await LiveRepository.with(mode) { live in
                _ = try await live.chunkID(of: "alpha_marker", in: "src/a.py")
                let backup = live.scratch.appendingPathComponent("backup")
                try FileManager.default.copyItem(at: live.repository, to: backup)
                try FileManager.default.removeItem(at: live.repository)

                // Gone: the index of it empties, and the state says why.
                var state: RepositoryIndexState?
                let emptied = try await live.eventually {
                    state = try await live.state()
                    // The scanner finds the folder gone on its next scan; the watcher also says why in a note.
                    return state?.files == 0 && (!mode.isEmpty || state?.watchNote?.contains("is missing") == true)
                }
                #expect(emptied, "\(String(describing: state)) \(live.log)")

                // Back (cp -a of the copy), then an edit and a new file: all found with no index call.
                try FileManager.default.copyItem(at: backup, to: live.repository)
                #expect(try await live.eventuallyFound("alpha_marker", in: "src/a.py"), "\(live.log)")
                try live.write("src/a.py", "def omega_marker():\n    return 9\n")
                try live.write("src/new.py", "OMEGA_NEW = 1\n")
                #expect(try await live.eventuallyFound("omega_marker", in: "src/a.py"), "\(live.log)")
                #expect(try await live.eventuallyFound("OMEGA_NEW", in: "src/new.py"), "\(live.log)")
                let settled = try await live.eventually {
                    state = try await live.state()
                    return state?.files == 2 && state?.watch == (mode.isEmpty ? .watching : .scanning) && state?.watchNote == nil
                        && state?.pendingChanges == 0
                }
                #expect(settled, "\(String(describing: state))")

                // Replaced in one rename, without a delete event on the watched folder: noticed by its identity.
                let other = live.scratch.appendingPathComponent("other")
                try FileManager.default.copyItem(at: live.repository, to: other)
                try Data("def psi_marker():\n    pass\n".utf8).write(to: other.appendingPathComponent("src/psi.py"))
                let old = live.scratch.appendingPathComponent("old")
                try FileManager.default.moveItem(at: live.repository, to: old)
                try FileManager.default.moveItem(at: other, to: live.repository)
                #expect(try await live.eventuallyFound("psi_marker", in: "src/psi.py"), "\(live.log)")
                try live.write("src/later.py", "CHI_MARKER = 1\n")
                #expect(try await live.eventuallyFound("CHI_MARKER", in: "src/later.py"), "\(live.log)")
            }
        }

        /// JSON-RPC messages that the SDK left unanswered or answered wrongly, each with what it must get now.
        static let badMessages: [(message: String, code: Int, id: String)] = [
            (#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, -32600, "null"),
            (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, -32600, "null"),
            (#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#, -32600, "null"),
            (#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, -32600, "null"),
            (#"{"jsonrpc":"2.0","id":18446744073709551616,"method":"ping"}"#, -32600, "null"),
            (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600, "null"),
            (#"{"jsonrpc":"2.0","id":1}"#, -32600, "1"),
            (#"{"jsonrpc":"2.0","id":2,"method":"tools/call"}"#, -32602, "2"),
            (#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":[1]}"#, -32602, "3"),
            (#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":"x"}"#, -32602, "4"),
            (#"{"jsonrpc":"2.0","id":5,"#, -32700, "null"),
        ]

        /// The `id` and `error.code` of a JSON-RPC answer, as text and number.
        static func idAndCode(_ text: some StringProtocol) -> (id: String, code: Int?) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return ("unreadable", nil) }
            let id: String =
                switch object["id"] {
                case is NSNull: "null"
                case let number as NSNumber: number.stringValue
                case let text as String: "\"\(text)\""
                default: "missing"
                }
            return (id, (object["error"] as? [String: Any])?["code"] as? Int)
        }

        @Test("every JSON-RPC message of a wrong shape is answered at once over HTTP; 300 of them hold nothing; SIGTERM exits", arguments: ["codebase", "workflow"])
        func badEnvelopesOverHTTP(service: String) async throws {
            try await Scenario.run("bad JSON-RPC envelopes", withRepository: false) { scenario, _ in
                let server = service == "codebase" ? scenario.pair.codebase : scenario.pair.workflow
                for (message, code, id) in Self.badMessages {
                    let reply = try await HTTP.send(.POST, "\(server.url)/mcp", json: message, timeout: .seconds(5))
                    let answer = Self.idAndCode(reply.text)
                    scenario.expect(reply.status == 400 && answer.code == code && answer.id == id, "\(message) → \(code), id \(id)", [reply])
                }
                // Hundreds at once, each on its own connection: all answered, and the server still takes new work.
                let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<300 {
                        group.addTask {
                            let message = Self.badMessages[index % 6].message
                            let reply = try await HTTP.send(.POST, "\(server.url)/mcp", json: message, timeout: .seconds(10), fresh: true)
                            return reply.status == 400
                        }
                    }
                    var count = 0
                    for try await ok in group where ok { count += 1 }
                    return count
                }
                scenario.expect(answered == 300, "all 300 answered 400 (\(answered))")
                let ping = try await HTTP.send(.POST, "\(server.url)/mcp", json: #"{"jsonrpc":"2.0","id":7,"method":"ping"}"#)
                scenario.expect(ping.status == 200 && Self.idAndCode(ping.text).id == "7", "a ping after them", [ping])
                // A message held by the SDK would keep SIGTERM from ever exiting.
                let started = ContinuousClock.now
                let exit = await server.terminate()
                scenario.expect(exit == .exited(0) && started.duration(to: .now) < .seconds(10), "SIGTERM exits 0 (\(String(describing: exit)))")
            }
        }

        @Test("over stdio: wrong shapes answered with id null or their id, a 4 MB line refused in linear time, the last line answered at end of input", arguments: ["codebase", "workflow"])
        func badEnvelopesOverStdio(service: String) async throws {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stdio-bad-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let process = Process()
            process.executableURL = service == "codebase" ? Binaries.codebase : Binaries.workflow
            let peer = service == "codebase" ? ["--workflow-url", "http://127.0.0.1:1"] : ["--codebase-url", "http://127.0.0.1:1"]
            process.arguments = ["--stdio", "--port", "0", "--database", scratch.appendingPathComponent("db.sqlite").path] + peer
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { process.terminate() } }

            var lines = Self.badMessages.map(\.message)
            // Over the 1 MiB cap: refused, and read in linear time (the SDK's reader took a minute for 4 MB).
            lines.append(#"{"jsonrpc":"2.0","id":90,"method":"ping","params":{"pad":""# + String(repeating: "x", count: 4 << 20) + #""}}"#)
            lines.append(#"{"jsonrpc":"2.0","id":91,"method":"ping"}"#)
            let started = ContinuousClock.now
            // The last line has no newline: it is answered at the end of input.
            input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n" + #"{"jsonrpc":"2.0","id":92,"method":"ping"}"#).utf8))
            try input.fileHandleForWriting.close()
            let deadline = ContinuousClock.now + .seconds(20)
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!process.isRunning, "still running 20 s after the end of input")
            #expect(started.duration(to: .now) < .seconds(20))
            #expect(process.terminationStatus == 0)

            let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let answers = stdout.split(separator: "\n").map { Self.idAndCode($0) }
            var expected = Self.badMessages.map { (id: $0.id, code: Optional($0.code)) }
            expected.append((id: "null", code: -32600))
            expected.append((id: "91", code: nil))
            expected.append((id: "92", code: nil))
            // The refusals are written as their lines are read, in order; the two pings that pass go to the SDK,
            // which may answer them in either order.
            let refused = expected.count - 2
            #expect(answers.prefix(refused).map(\.id) == expected.prefix(refused).map(\.id), "stdout: \(stdout.prefix(3000))")
            #expect(answers.prefix(refused).map(\.code) == expected.prefix(refused).map(\.code), "stdout: \(stdout.prefix(3000))")
            #expect(Set(answers.dropFirst(refused).map(\.id)) == ["91", "92"] && answers.count == expected.count, "stdout: \(stdout.prefix(3000))")
            #expect(answers.dropFirst(refused).allSatisfy { $0.code == nil }, "stdout: \(stdout.prefix(3000))")
        }
    }
}

