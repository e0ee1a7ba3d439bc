import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    /// `--stdio` on the real binaries: protocol on stdout only, logs and `listening on` on stderr, HTTP still served,
    /// exit 0 at the end of input once the calls in flight are answered.
    @Suite("MCP over stdio")
    struct Stdio {
        @Test("--stdio answers on stdout only, serves HTTP too, and exits 0 at the end of input", arguments: ["codebase", "workflow"])
        func endOfInput(service: String) async throws {
            let repository = try SampleRepository()
            defer { repository.remove() }
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stdio-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let (binary, arguments, call): (URL, [String], String) =
                service == "codebase"
                ? (
                    Binaries.codebase, ["--repo", repository.url.path, "--workflow-url", "http://127.0.0.1:1"],
                    #"{"name":"index_repository","arguments":{"wait":true}}"#
                )
                : (Binaries.workflow, ["--codebase-url", "http://127.0.0.1:1"], #"{"name":"create_work_item","arguments":{"title":"over stdio"}}"#)
            let process = Process()
            process.executableURL = binary
            process.arguments = ["--stdio", "--port", "0", "--database", scratch.appendingPathComponent("db.sqlite").path] + arguments
            let input = Pipe()
            let output = Pipe()
            let errors = scratch.appendingPathComponent("stderr.log")
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardInput = input
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
            defer { if process.isRunning { process.terminate() } }

            // HTTP is served beside stdio, on the port the stderr line names.
            var url: String?
            let listening = try await eventually(timeout: .seconds(30)) {
                let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                url = text.split(separator: "\n").first { $0.hasPrefix("listening on http://") }.map { String($0.dropFirst("listening on ".count)) }
                return url != nil
            }
            try #require(listening, "no 'listening on' line on stderr")
            let health = try await HTTP.get("\(try #require(url))/health")
            #expect(health.status == 200)

            let messages = [
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
                #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":\#(call)}"#,
            ]
            // All at once, then end of input: the call in flight must still be answered before the exit.
            input.fileHandleForWriting.write(Data((messages.joined(separator: "\n") + "\n").utf8))
            try input.fileHandleForWriting.close()

            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!process.isRunning, "still running 30 s after the end of input")
            #expect(process.terminationStatus == 0)

            let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let lines = stdout.split(separator: "\n")
            var ids: [Int] = []
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON on stdout: \(line)")
                #expect(object["jsonrpc"] as? String == "2.0", "not JSON-RPC on stdout: \(line)")
                if let id = object["id"] as? Int { ids.append(id) }
            }
            #expect(ids.sorted() == [1, 2, 3], "stdout: \(stdout)")
            #expect(!stdout.contains("\"isError\":true"), "stdout: \(stdout)")
            let stderr = try String(contentsOf: errors, encoding: .utf8)
            #expect(stderr.contains("listening on http://127.0.0.1:"), "stderr: \(stderr)")
        }
    }
}
