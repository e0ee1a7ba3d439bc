import Foundation
import HummingbirdTesting
import ServiceClient
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Symbolic link races while indexing")
struct SymlinkRaceTests {
    /// Swaps each of `targets` between a regular file and a link to `outsideFile` (with atomic renames), and the
    /// folder `folder` with a link to `outsideFolder`, until stopped. Runs on a thread of its own: the indexer keeps
    /// the cooperative pool busy, and the swaps must keep going while it scans and reads.
    final class Swapper: Sendable {
        private let stop = Atomic<Bool>(false)
        private let stopped = Atomic<Bool>(false)
        let swaps = Atomic<Int>(0)

        init(root: String, targets: [String], outsideFile: String, folder: String, outsideFolder: String) {
            Thread.detachNewThread { [self] in
                while !self.stop.load(ordering: .relaxed) {
                    for (index, target) in targets.enumerated() {
                        // The temporary names live in .git, which the scanner never enters.
                        let link = "\(root)/.git/link-\(index)"
                        let file = "\(root)/.git/file-\(index)"
                        _ = symlink(outsideFile, link)
                        _ = rename(link, "\(root)/\(target)")
                        FileManager.default.createFile(atPath: file, contents: Data("def inside_\(index)():\n    return \(index)\n".utf8))
                        _ = rename(file, "\(root)/\(target)")
                    }
                    // A folder cannot be swapped atomically: moved aside, a link put in its place, then back.
                    _ = rename("\(root)/\(folder)", "\(root)/.git/folder")
                    _ = symlink(outsideFolder, "\(root)/\(folder)")
                    usleep(2000)
                    _ = unlink("\(root)/\(folder)")
                    _ = rename("\(root)/.git/folder", "\(root)/\(folder)")
                    self.swaps.add(1, ordering: .relaxed)
                }
                self.stopped.store(true, ordering: .releasing)
            }
        }

        func finish() {
            self.stop.store(true, ordering: .relaxed)
            while !self.stopped.load(ordering: .acquiring) { usleep(1000) }
        }
    }

    @Test("files and a folder swapped for links to outside ones while indexing never get the outside text indexed")
    func swapDuringIndexing() async throws {
        let outside = try TemporaryDirectory()
        let directory = try TemporaryDirectory()
        defer {
            outside.remove()
            directory.remove()
        }
        // One word, so that search's tokenizer keeps it whole.
        @Sendable func word(_ prefix: String) -> String { prefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12) }
        let marker = word("outsidemarker")
        try outside.write("passwd", "root:x:0:0:\(marker):/root:/bin/sh\n")
        try outside.write("folder/deep.py", "def outside():\n    return '\(marker)'\n")
        let targets = (0..<6).map { "src/race\($0).py" }
        try directory.write("repo/.git/HEAD", "ref: refs/heads/main\n")
        for (index, target) in targets.enumerated() { try directory.write("repo/" + target, "def inside_\(index)():\n    return \(index)\n") }
        for index in 0..<40 { try directory.write("repo/lib/filler\(index).py", "def filler_\(index)():\n    return \(index)\n") }
        try directory.write("repo/pkg/deep.py", "def inside():\n    return 'inside'\n")
        let root = try #require(RepositoryScanner.realPath(directory.path("repo")))

        let configuration = testConfiguration(directory, repositories: [root], indexOnStartup: false)
        let app = try await buildApplication(configuration)
        try await app.test(.router) { client in
            // The search finds such a word when it is indexed: checked on the same kind of word inside the repository.
            let insideMarker = word("insidemarker")
            try directory.write("repo/lib/control.py", "CONTROL = '\(insideMarker)'\n")
            try await client.reindex()
            #expect(try await client.search(insideMarker).results.filter { $0.content.contains(insideMarker) }.count == 1)

            let swapper = Swapper(
                root: root,
                targets: targets,
                outsideFile: outside.path("passwd"),
                folder: "pkg",
                outsideFolder: outside.path("folder")
            )
            var leaks: [String] = []
            for _ in 0..<60 {
                try await client.reindex(force: true)
                let found = try await client.search(marker).results.filter { $0.content.contains(marker) }.map(\.filePath)
                let stored = try storedChunks(databasePath: configuration.databasePath).filter { $0.content.contains(marker) }.map(\.path)
                leaks += found + stored
            }
            swapper.finish()
            #expect(swapper.swaps.load(ordering: .relaxed) >= 10, "the files kept being swapped while indexing")
            #expect(leaks.isEmpty, "the outside file's text was indexed as \(Set(leaks).sorted())")
        }
    }
}
