import Foundation
import HTTPTypes
import Logging
import NIOCore
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("Scanner and .gitignore")
struct ScannerTests {
    @Test("glob patterns: *, ?, classes, escapes and ** segments")
    func globs() {
        #expect(GlobPattern("*.log").matches("server.log".utf8))
        #expect(!GlobPattern("*.log").matches("logs/server.log".utf8))
        #expect(GlobPattern("file?.txt").matches("file1.txt".utf8))
        #expect(!GlobPattern("file?.txt").matches("file/.txt".utf8))
        #expect(GlobPattern("[a-c]*.py").matches("beta.py".utf8))
        #expect(!GlobPattern("[!a-c]*.py").matches("beta.py".utf8))
        #expect(GlobPattern("\\*literal").matches("*literal".utf8))
        #expect(GlobPattern("**/cache").matches("cache".utf8))
        #expect(GlobPattern("**/cache").matches("a/b/cache".utf8))
        #expect(GlobPattern("docs/**").matches("docs/a/b.md".utf8))
        #expect(GlobPattern("a/**/z").matches("a/z".utf8))
        #expect(GlobPattern("a/**/z").matches("a/b/c/z".utf8))
        #expect(!GlobPattern("a/**/z").matches("b/a/z".utf8))
    }

    @Test("rules: anchoring, directory-only, negation, last match wins")
    func rules() {
        let file = IgnoreFile(directory: "", text: "# comment\n\n*.log\n!keep.log\n/build\ntmp/\ndocs/*.draft\n")
        #expect(file.verdict(path: "a/b/server.log", name: "server.log", isDirectory: false) == true)
        #expect(file.verdict(path: "keep.log", name: "keep.log", isDirectory: false) == false)
        #expect(file.verdict(path: "build", name: "build", isDirectory: true) == true)
        #expect(file.verdict(path: "src/build", name: "build", isDirectory: true) == nil)
        #expect(file.verdict(path: "x/tmp", name: "tmp", isDirectory: true) == true)
        #expect(file.verdict(path: "x/tmp", name: "tmp", isDirectory: false) == nil)
        #expect(file.verdict(path: "docs/a.draft", name: "a.draft", isDirectory: false) == true)
        #expect(file.verdict(path: "docs/sub/a.draft", name: "a.draft", isDirectory: false) == nil)
        let nested = IgnoreFile(directory: "pkg", text: "/generated\n")
        #expect(nested.verdict(path: "pkg/generated", name: "generated", isDirectory: true) == true)
        #expect(nested.verdict(path: "pkg/src/generated", name: "generated", isDirectory: true) == nil)
    }

    @Test("a scan honours root and nested .gitignore files and skips VCS and dependency folders")
    func scanHonoursIgnores() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".gitignore", "*.log\n!keep.log\nout/\n")
        try directory.write("main.py", "print('hi')\n")
        try directory.write("debug.log", "x\n")
        try directory.write("keep.log", "kept\n")
        try directory.write("out/result.txt", "x\n")
        try directory.write("lib/.gitignore", "secret.txt\n/local\n")
        try directory.write("lib/secret.txt", "x\n")
        try directory.write("lib/code.swift", "let x = 1\n")
        try directory.write("lib/local/a.txt", "x\n")
        try directory.write("lib/deep/local/b.txt", "kept: /local is anchored to lib\n")
        try directory.write(".git/config", "x\n")
        try directory.write("node_modules/pkg/index.js", "x\n")
        try directory.write("__pycache__/m.cpython-311.pyc", "x\n")
        try directory.write("image.png", "not really a png\n")
        let result = try RepositoryScanner(maxFileBytes: 1 << 20).scan(root: directory.path)
        #expect(result.files.map(\.path) == [".gitignore", "keep.log", "lib/.gitignore", "lib/code.swift", "lib/deep/local/b.txt", "main.py"])
        #expect(result.binaryByName == 1)

        // What the watcher's jobs use, one file or one subtree at a time, agrees with the whole scan.
        let scanner = RepositoryScanner(maxFileBytes: 1 << 20)
        let indexed = Set(result.files.map(\.path))
        for path in [
            ".gitignore", "main.py", "debug.log", "keep.log", "out/result.txt", "lib/.gitignore", "lib/secret.txt", "lib/code.swift",
            "lib/local/a.txt", "lib/deep/local/b.txt", ".git/config", "node_modules/pkg/index.js", "image.png", "missing.py", "lib/../main.py",
        ] {
            #expect((scanner.file(root: directory.path, path: path) != nil) == indexed.contains(path), "\(path)")
        }
        #expect(scanner.scan(root: directory.path, under: "lib").files.map(\.path) == ["lib/.gitignore", "lib/code.swift", "lib/deep/local/b.txt"])
        #expect(scanner.scan(root: directory.path, under: "lib").directories == ["lib", "lib/deep", "lib/deep/local"])
        #expect(scanner.scan(root: directory.path, under: "out").files.isEmpty, "an ignored directory's subtree is empty")
        #expect(scanner.scan(root: directory.path, under: "node_modules/pkg").files.isEmpty, "so is a skipped one's")
    }

    @Test("files over the size cap are skipped")
    func sizeCap() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("small.txt", "small\n")
        try directory.write("large.txt", String(repeating: "x", count: 2000))
        let result = try RepositoryScanner(maxFileBytes: 1000).scan(root: directory.path)
        #expect(result.files.map(\.path) == ["small.txt"])
        #expect(result.tooLarge == 1)
    }

    @Test("links that leave the repository or point at folders are skipped; links to files inside are followed")
    func symbolicLinks() throws {
        let outside = try TemporaryDirectory()
        let directory = try TemporaryDirectory()
        defer {
            outside.remove()
            directory.remove()
        }
        try outside.write("secret.py", "SECRET = 1\n")
        try directory.write("real.py", "VALUE = 1\n")
        try directory.write("pkg/mod.py", "X = 1\n")
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: directory.path("escape.py"), withDestinationPath: outside.path("secret.py"))
        try manager.createSymbolicLink(atPath: directory.path("escape-dir"), withDestinationPath: outside.path)
        try manager.createSymbolicLink(atPath: directory.path("alias.py"), withDestinationPath: directory.path("real.py"))
        try manager.createSymbolicLink(atPath: directory.path("loop"), withDestinationPath: directory.path)
        try manager.createSymbolicLink(atPath: directory.path("dangling.py"), withDestinationPath: directory.path("missing.py"))
        let root = try #require(RepositoryScanner.realPath(directory.path))
        let result = try RepositoryScanner(maxFileBytes: 1 << 20).scan(root: root)
        #expect(result.files.map(\.path) == ["alias.py", "pkg/mod.py", "real.py"])
        #expect(result.linksSkipped == 4)
    }

    @Test("binary content is detected by a NUL byte in the first 8 KiB")
    func binaryDetection() {
        #expect(FileReader.looksBinary([0x41, 0x00, 0x42]))
        #expect(!FileReader.looksBinary(Array("plain text\n".utf8)))
        #expect(!FileReader.looksBinary(Array(repeating: 0x41, count: 9000) + [0]))
    }
}
