import Foundation
import HTTPTypes
import Logging
import NIOCore
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("Chunker")
struct ChunkerTests {
    let preparer = FilePreparer(repository: "repo", chunker: Chunker(configuration: ChunkerConfiguration()), maxFileBytes: 1 << 20)

    func chunks(_ path: String, _ text: String, configuration: ChunkerConfiguration = ChunkerConfiguration()) -> [PreparedChunk] {
        let preparer = FilePreparer(repository: "repo", chunker: Chunker(configuration: configuration), maxFileBytes: 1 << 20)
        return preparer.prepare(path: path, bytes: Array(text.utf8), hash: []).chunks
    }

    /// Every line in exactly one chunk, in order, and the chunks' text is the file's lines.
    func expectCovers(_ path: String, _ text: String, configuration: ChunkerConfiguration, sourceLocation: SourceLocation = #_sourceLocation) {
        let chunks = self.chunks(path, text, configuration: configuration)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let lineCount = text.hasSuffix("\n") ? lines.count - 1 : lines.count
        var next = 1
        for chunk in chunks {
            #expect(chunk.startLine == next, "\(path): gap or overlap at line \(next)", sourceLocation: sourceLocation)
            #expect(chunk.endLine >= chunk.startLine, sourceLocation: sourceLocation)
            let expected = lines[(chunk.startLine - 1)..<chunk.endLine].joined(separator: "\n")
            #expect(chunk.content == expected, "\(path): chunk text differs from its lines", sourceLocation: sourceLocation)
            let oneLine = chunk.startLine == chunk.endLine
            #expect(
                oneLine || chunk.endLine - chunk.startLine + 1 <= configuration.maxLines,
                "\(path): too many lines",
                sourceLocation: sourceLocation
            )
            #expect(oneLine || chunk.content.utf8.count <= configuration.maxBytes, "\(path): too many bytes", sourceLocation: sourceLocation)
            next = chunk.endLine + 1
        }
        #expect(next == lineCount + 1, "\(path): lines after \(next - 1) are in no chunk", sourceLocation: sourceLocation)
    }

    /// The fixture's files and this project's own sources, with the default caps and with tiny ones.
    static func corpus() throws -> [(String, String)] {
        let projectRoot = fixtureRepository.deletingLastPathComponent().deletingLastPathComponent()
        var files: [(String, String)] = []
        for root in [fixtureRepository, projectRoot.appendingPathComponent("Sources")] {
            let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                guard let data = try? Data(contentsOf: url), !data.isEmpty, !data.contains(0) else { continue }
                files.append((url.lastPathComponent, String(decoding: data, as: UTF8.self)))
            }
        }
        return files
    }

    @Test(
        "every line belongs to exactly one chunk, in order, within the caps",
        arguments: [
            ChunkerConfiguration(), ChunkerConfiguration(maxLines: 5, maxBytes: 120, smallUnitLines: 2, mergedLines: 4),
        ]
    )
    func coverage(configuration: ChunkerConfiguration) throws {
        let corpus = try Self.corpus()
        #expect(corpus.count > 20)
        for (name, text) in corpus { self.expectCovers(name, text, configuration: configuration) }
        // Edge cases: no final newline, blank lines only, one enormous line, CRLF.
        self.expectCovers("a.py", "x = 1", configuration: configuration)
        self.expectCovers("b.txt", "\n\n\n", configuration: configuration)
        self.expectCovers("c.js", String(repeating: "a", count: 10_000) + "\nb\n", configuration: configuration)
        self.expectCovers("d.md", "# T\n\ntext\n\n## U\nmore\n", configuration: configuration)
    }

    @Test("an empty file has no chunks; CRLF line ends are read as LF")
    func emptyAndCRLF() {
        #expect(self.chunks("e.py", "").isEmpty)
        let crlf = self.chunks("f.py", "def a():\r\n    return 1\r\n")
        #expect(crlf.map(\.content) == ["def a():\n    return 1"])
    }

    @Test("chunking is deterministic")
    func deterministic() throws {
        for (name, text) in try Self.corpus().prefix(30) {
            let first = self.chunks(name, text).map { [$0.id.string, "\($0.startLine)", $0.symbols] }
            let second = self.chunks(name, text).map { [$0.id.string, "\($0.startLine)", $0.symbols] }
            #expect(first == second)
        }
    }

    @Test("Python chunks follow top-level definitions, with decorators and comments attached")
    func pythonDeclarations() {
        let body = (1...12).map { "    value_\($0) = \($0)" }.joined(separator: "\n")
        let text = """
            import os
            import sys
            import json
            import time
            import shutil
            import logging
            import pathlib
            import functools

            # The first function.
            @decorator
            def first():
            \(body)
                return 1


            class Second:
            \(body)

                def method(self):
                    return 2


            def third():
            \(body)
            """
        let chunks = self.chunks("m.py", text)
        // The imports (8 lines) stand alone; the comment and decorator start the first function's chunk.
        #expect(chunks.map(\.startLine) == [1, 10, 28, 46])
        #expect(chunks[1].content.hasPrefix("# The first function.\n@decorator\ndef first():"))
        #expect(chunks[2].content.hasPrefix("class Second:"))
        #expect(chunks[2].symbols.hasPrefix("Second method"))
        #expect(chunks[3].symbols.hasPrefix("third"))
    }

    @Test("a declaration over the caps is split at its members, then at blank lines")
    func oversizedSplit() {
        let method = { (name: String) in
            "    func \(name)() {\n" + (1...30).map { "        let v\($0) = \($0)" }.joined(separator: "\n") + "\n    }\n"
        }
        let text = "final class Big {\n" + ["alpha", "beta", "gamma", "delta"].map(method).joined(separator: "\n") + "}\n"
        let chunks = self.chunks("Big.swift", text)
        #expect(chunks.count > 1)
        #expect(chunks.allSatisfy { $0.endLine - $0.startLine + 1 <= 80 })
        // Each method starts a chunk or sits whole inside one.
        let starts = Set(chunks.map(\.startLine))
        let methodLines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.hasPrefix("    func ") }.map { $0.offset + 1 }
        for line in methodLines.dropFirst() {
            let chunk = chunks.first { $0.startLine <= line && line <= $0.endLine }!
            #expect(starts.contains(line) || chunk.endLine >= line + 31)
        }
    }

    @Test("text files are cut into windows ending at blank lines")
    func textWindows() {
        let paragraph = (1...10).map { "line \($0) of prose" }.joined(separator: "\n")
        let text = Array(repeating: paragraph, count: 12).joined(separator: "\n\n") + "\n"
        let chunks = self.chunks("notes.txt", text)
        #expect(chunks.count > 1)
        for chunk in chunks.dropLast() { #expect(chunk.content.hasSuffix("\n")) }
    }

    @Test(
        "declared names are found in Swift, Go, Rust, JavaScript, Java, C and Python",
        arguments: [
            ("a.swift", "public final class Fetcher {", "Fetcher"),
            ("a.swift", "    @MainActor public func loadItems(from url: URL) async throws {", "loadItems"),
            ("a.swift", "extension Array where Element: Equatable {", "Array"),
            ("a.go", "func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {", "ServeHTTP"),
            ("a.go", "type Config struct {", "Config"),
            ("a.rs", "impl<T: Display> Formatter for Wrapper<T> {", "Wrapper"),
            ("a.rs", "pub(crate) async fn spawn_worker(id: u32) -> Handle {", "spawn_worker"),
            ("a.js", "export default class ApiClient extends Base {", "ApiClient"),
            ("a.js", "export const renderList = (items) => {", "renderList"),
            ("a.js", "  async request(method, path) {", "request"),
            ("a.java", "    public static List<String> parseArgs(String[] args) throws IOException {", "parseArgs"),
            ("a.c", "static int hash_bytes(const unsigned char *data, size_t n)", "hash_bytes"),
            ("a.py", "async def fetch_page(session, url):", "fetch_page"),
            ("a.py", "MAX_RETRIES = 5", "MAX_RETRIES"),
        ]
    )
    func declarations(path: String, line: String, name: String) {
        let chunks = self.chunks(path, line + "\n")
        #expect(chunks.first?.symbols.split(separator: " ").first.map(String.init) == name)
    }

    @Test(
        "control flow and calls are not declarations",
        arguments: [
            ("a.java", "        if (ready) {"), ("a.c", "    return compute(x);"), ("a.js", "  foo.bar(x) {"), ("a.py", "else:"),
            ("a.swift", "    } else if let x = y {"),
        ]
    )
    func notDeclarations(path: String, line: String) {
        #expect(self.chunks(path, line + "\n").first?.symbols == "")
    }
}
