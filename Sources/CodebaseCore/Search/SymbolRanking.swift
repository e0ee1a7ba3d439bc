import Foundation

/// How a symbol lookup tells a copy from the source an assistant means to read: generated, vendored, bundled or
/// minified files, recognised by their folders (`dist/`, `build/`, `vendor/`, `third_party/`, `node_modules/` at any
/// depth) and by their names (`*.min.js`, `*.bundle.js`, `*-min.js`, `*.min.css`, `*_pb2.py`, `*.pb.go`,
/// `*.generated.*`, `*.g.dart`). Copies are listed after every hand-written declaration of the same name.
package enum SymbolRanking {
    static let copyFolders = ["dist", "build", "vendor", "third_party", "node_modules"]
    static let copySuffixes = [".min.js", ".bundle.js", "-min.js", ".min.css", "_pb2.py", ".pb.go", ".g.dart"]

    /// An SQL condition, true when the file at `path` (a column holding a repository-relative path) is a copy.
    static func copyCondition(path: String) -> String {
        // `_` is LIKE's one-character wildcard: escaped, so `third_party` is only itself.
        func like(_ pattern: String) -> String { "\(path) LIKE '\(pattern.replacingOccurrences(of: "_", with: "\\_"))' ESCAPE '\\'" }
        let folders = self.copyFolders.flatMap { [like("\($0)/%"), like("%/\($0)/%")] }
        let names = self.copySuffixes.map { like("%\($0)") } + [like("%.generated.%")]
        return "(" + (folders + names).joined(separator: " OR ") + ")"
    }
}
