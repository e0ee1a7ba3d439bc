import Foundation
import HummingbirdTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("Secret files are not indexed by default")
struct SecretFilesTests {
    /// Files that hold credentials by convention, each with a word of its own to search for.
    static let secrets: [String] = [
        ".env", ".env.local", "config/.env.production", "certs/server.pem", "certs/tls.key", ".ssh/id_rsa", "id_dsa", "keys/id_ecdsa",
        "keys/id_ed25519", ".npmrc", ".pypirc", ".netrc", "certs/client.p12", "certs/client.pfx", "gcp/credentials.json",
        ".git-credentials",
    ]

    /// A repository with every secret file, ordinary files beside them, and a link to a secret under an ordinary name.
    func makeRepository() throws -> (TemporaryDirectory, root: String, words: [String: String]) {
        let directory = try TemporaryDirectory()
        var words: [String: String] = [:]
        for (index, path) in Self.secrets.enumerated() {
            let word = "secretword\(index)x" + UUID().uuidString.lowercased().prefix(8)
            words[path] = word
            try directory.write("repo/" + path, "TOKEN=\(word)\n")
        }
        try directory.write("repo/main.py", "def main():\n    return 'ordinarycode'\n")
        try directory.write("repo/keys/id_ed25519.pub", "ssh-ed25519 AAAA publickeyword user@host\n")
        try directory.write("repo/docs/environment.md", "Set TOKEN in .env\n")
        try FileManager.default.createSymbolicLink(atPath: directory.path("repo/settings.txt"), withDestinationPath: directory.path("repo/.env"))
        let root = try #require(RepositoryScanner.realPath(directory.path("repo")))
        return (directory, root, words)
    }

    @Test("the scanner passes over secret files, and over links to them, by name")
    func scannerSkipsSecrets() throws {
        let (directory, root, _) = try self.makeRepository()
        defer { directory.remove() }
        let result = try RepositoryScanner(maxFileBytes: 1 << 20).scan(root: root)
        #expect(result.files.map(\.path) == ["docs/environment.md", "keys/id_ed25519.pub", "main.py"])
    }

    @Test("search never finds the text of a secret file with the default settings")
    func secretsNotSearchable() async throws {
        let (directory, root, words) = try self.makeRepository()
        defer { directory.remove() }
        let app = try await buildApplication(testConfiguration(directory, repositories: [root], indexOnStartup: false))
        try await app.test(.router) { client in
            try await client.reindex()
            #expect(try await client.search("ordinarycode").results.count == 1)
            for (path, word) in words.sorted(by: { $0.key < $1.key }) {
                let found = try await client.search(word).results.filter { $0.content.contains(word) }
                #expect(found.isEmpty, "\(path) was indexed as \(found.map(\.filePath))")
            }
        }
    }

    @Test("with indexSecrets (--index-secrets) they are indexed like any file")
    func secretsIncludedOnRequest() async throws {
        let (directory, root, words) = try self.makeRepository()
        defer { directory.remove() }
        #expect(try RepositoryScanner(maxFileBytes: 1 << 20, indexSecrets: true).scan(root: root).files.count == Self.secrets.count + 4)
        var configuration = testConfiguration(directory, repositories: [root], indexOnStartup: false)
        configuration.indexer.indexSecrets = true
        let app = try await buildApplication(configuration)
        try await app.test(.router) { client in
            try await client.reindex()
            for (path, word) in words.sorted(by: { $0.key < $1.key }) {
                let found = try await client.search(word).results.filter { $0.content.contains(word) }.map(\.filePath)
                #expect(found.contains(path), "\(path): \(found)")
            }
        }
    }

    @Test("the patterns match by name at any depth, not by text elsewhere in the name")
    func patterns() {
        for path in Self.secrets + ["a/b/.env.test", "deploy/prod.key", "x/.npmrc"] { #expect(SecretFiles.matches(path: path), "\(path)") }
        for path in ["environment.py", "env/config.py", "id_rsa.pub", "keys.py", "credentials.py", "pem.md", "src/.envrc.md", "key"] {
            #expect(!SecretFiles.matches(path: path), "\(path)")
        }
    }
}
