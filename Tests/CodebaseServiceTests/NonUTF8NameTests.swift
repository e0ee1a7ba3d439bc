import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Logging
import ServerTesting
import ServiceClient
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// Directory entries whose paths are raw bytes, made with the C calls: Foundation's file APIs take `String` paths.
enum RawPath {
    static func cString(_ path: [UInt8]) -> [CChar] { (path + [0]).map { CChar(bitPattern: $0) } }

    static func createFile(_ path: [UInt8], _ text: String) throws {
        let descriptor = open(self.cString(path), O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw POSIXError(.EIO) }
    }

    static func createDirectory(_ path: [UInt8]) throws {
        guard mkdir(self.cString(path), 0o755) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Removes a file or an empty directory; FileManager cannot name such an entry to remove its tree.
    static func remove(_ path: [UInt8]) {
        if unlink(self.cString(path)) != 0 { rmdir(self.cString(path)) }
    }
}

/// A file whose name is not UTF-8 cannot be named by any path of the index, the API or a chunk id: it is counted as
/// skipped (`files_skipped` of the index job) and logged with its bytes escaped, and the rest of the repository is
/// indexed (issue 27, defect 11).
@Suite("file names that are not UTF-8")
struct NonUTF8NameTests {
    static let badFile = Array("bad".utf8) + [0xFF] + Array(".py".utf8)
    static let badFolder = Array("dir".utf8) + [0xFE]
    static let badFolderFile = badFolder + Array("/inner.py".utf8)
    static let ignoredFile = Array("x".utf8) + [0xFF] + Array(".log".utf8)

    /// A repository of plain files, one named `bad\u{FFFD}.py` (valid UTF-8: what `bad\xFF.py` is repaired to),
    /// and three entries whose names are not UTF-8: the file `bad\xFF.py`, the folder `dir\xFE` with a file in it,
    /// and `x\xFF.log`, which `.gitignore` excludes. Answers the repository's path; `removeRawEntries` cleans up.
    static func makeRepository(_ directory: TemporaryDirectory) throws -> String {
        try directory.write("repo/main.py", "def greet():\n    return 'plainGreetingWord'\n")
        try directory.write("repo/lib/util.py", "def helper():\n    return 'plainHelperWord'\n")
        try directory.write("repo/bad\u{FFFD}.py", "def replacement():\n    return 'replacementNamedWord'\n")
        try directory.write("repo/.gitignore", "*.log\n")
        let root = Array(directory.path("repo").utf8) + [UInt8(ascii: "/")]
        try RawPath.createFile(root + Self.badFile, "def hidden():\n    return 'hiddenBadNameWord'\n")
        try RawPath.createDirectory(root + Self.badFolder)
        try RawPath.createFile(root + Self.badFolderFile, "def inner():\n    return 'hiddenInnerWord'\n")
        try RawPath.createFile(root + Self.ignoredFile, "ignoredLogWord\n")
        return directory.path("repo")
    }

    static func removeRawEntries(_ repository: String) {
        let root = Array(repository.utf8) + [UInt8(ascii: "/")]
        for path in [Self.badFolderFile, Self.badFolder, Self.badFile, Self.ignoredFile] { RawPath.remove(root + path) }
    }

    @Test("escaped names keep valid UTF-8 and write every other byte, control character and backslash as \\xNN")
    func escaping() {
        #expect(EscapedName.write(Self.badFile) == "bad\\xFF.py")
        #expect(EscapedName.write([0x62, 0xFF, 0xC3, 0xA9, 0x0A, 0x5C, 0xE2, 0x82]) == "b\\xFF\u{E9}\\x0A\\x5C\\xE2\\x82")
        #expect(EscapedName.write(Array("plain/ok.py".utf8)) == "plain/ok.py")
    }

    @Test("a scan passes such entries over and counts them, a folder as one; ignore rules still apply to them")
    func scan() throws {
        let directory = try TemporaryDirectory()
        let repository = try Self.makeRepository(directory)
        defer {
            Self.removeRawEntries(repository)
            directory.remove()
        }
        let result = try RepositoryScanner(maxFileBytes: 1 << 20).scan(root: repository)
        #expect(result.files.map(\.path).sorted() == [".gitignore", "bad\u{FFFD}.py", "lib/util.py", "main.py"])
        #expect(result.notUTF8 == 2)
        #expect(result.notUTF8Names == ["bad\\xFF.py", "dir\\xFE/"])
        #expect(result.ignored == 1)
        #expect(result.skipped == 2)
        #expect(result.unreadable == 0)
    }

    @Test("the index job counts them in files_skipped and indexes the rest of the repository, each file once")
    func indexJob() async throws {
        let directory = try TemporaryDirectory()
        let repository = try Self.makeRepository(directory)
        defer {
            Self.removeRawEntries(repository)
            directory.remove()
        }
        let app = try await buildApplication(testConfiguration(directory, repositories: [repository], indexOnStartup: false))
        try await app.test(.router) { client in
            let response = try await client.send(.post, "/mcp/index", json: #"{"wait": true}"#)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.text.contains(#""files_skipped":2"#), "\(response.text)")
            let job = try response.decode(IndexJob.self)
            #expect(job.status == .completed)
            #expect(job.filesSkipped == 2)
            #expect(job.filesScanned == 4)
            for word in ["plainGreetingWord", "plainHelperWord"] {
                #expect(try await client.search(word).totalCount == 1, "\(word)")
            }
            // The file really named `bad\u{FFFD}.py` is indexed once, not also in the place of `bad\xFF.py`.
            let replacement = try await client.search("replacementNamedWord")
            #expect(replacement.results.map(\.filePath) == ["bad\u{FFFD}.py"])
            for word in ["hiddenBadNameWord", "hiddenInnerWord", "ignoredLogWord"] {
                #expect(try await client.search(word).totalCount == 0, "\(word)")
            }
            let fetched = try await client.send(.get, "/mcp/index/jobs/\(job.jobID)").decode(IndexJob.self)
            #expect(fetched.filesSkipped == 2)
            let tool = try await client.callTool("get_indexing_status", ["job_id": .string(job.jobID)])
            #expect(tool.text.contains("2 skipped"), "\(tool.text)")
            #expect(tool.structured["files_skipped"] == .int(2))
            // Nothing changed: the same entries are counted again, since they are still not indexed.
            #expect(try await client.reindex().filesSkipped == 2)
        }
        let paths = try SQLiteInspector(path: directory.path("codebase.sqlite")).filePaths()
        #expect(paths.filter { $0 != ".gitignore" } == ["bad\u{FFFD}.py", "lib/util.py", "main.py"])
    }

    @Test("the indexer logs the names it passed over, escaped, in one line")
    func logLine() async throws {
        let directory = try TemporaryDirectory()
        let repository = try Self.makeRepository(directory)
        defer {
            Self.removeRawEntries(repository)
            directory.remove()
        }
        let capture = LogCapture()
        var logger = Logger(label: "test") { _ in capture }
        logger.logLevel = .info
        let store = try GRDBChunkStore(writer: DatabaseQueue())
        let configured = ConfiguredRepository(name: "repo", root: try #require(RepositoryScanner.realPath(repository)))
        let ids = try await store.registerRepositories([configured])
        let indexer = RepositoryIndexer(store: store, configuration: IndexerConfiguration(), logger: logger)
        let counters = try await indexer.index(configured, repositoryID: try #require(ids["repo"]), force: false) { _ in }
        #expect(counters.filesSkipped == 2)
        let line = capture.lines.first { $0.hasPrefix("names not UTF-8 skipped") }
        #expect(line?.contains("bad\\xFF.py dir\\xFE/") == true, "\(capture.lines)")
        #expect(line?.contains("count=2") == true, "\(String(describing: line))")
    }
}

/// Keeps every log line, as `message key=value ...` with the keys sorted; copies share the lines.
struct LogCapture: LogHandler {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    let stored = Lines()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [String] { self.stored.lines.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        self.stored.lines.withLock { $0.append(([event.message.description] + fields).joined(separator: " ")) }
    }
}
