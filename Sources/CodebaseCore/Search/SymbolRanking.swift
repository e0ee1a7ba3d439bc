import Foundation

/// Where a symbol lookup looks first: the source an assistant means to read, then the code around it (tests, examples,
/// benchmarks, docs), then copies (generated, vendored, bundled or minified files). Each is recognised by its folder,
/// at any depth, or by its file name; a declaration in a later tier comes after every one of the same name in an
/// earlier tier.
package enum SymbolRanking {
    /// Tier 2, copies: folders and name endings.
    static let copyFolders = ["dist", "build", "vendor", "third_party", "node_modules"]
    static let copyNames = ["%.min.js", "%.bundle.js", "%-min.js", "%.min.css", "%_pb2.py", "%.pb.go", "%.g.dart", "%.generated.%"]
    /// Tier 1, the code around the source: folders and names.
    static let aroundFolders = ["test", "tests", "spec", "__tests__", "testing", "examples", "example", "benchmark", "benchmarks", "docs"]
    static let aroundNames = ["test\\_%.py", "%\\_test.py", "conftest.py", "%\\_test.go", "%.test.js", "%.spec.js", "%.test.ts", "%.spec.ts", "%Tests.swift"]

    /// An SQL expression of the tier (0, 1 or 2) of the file at `path`, a column holding a repository-relative path.
    static func tier(path: String) -> String {
        // `_` is LIKE's one-character wildcard: escaped in folder names, so `third_party` is only itself; the name
        // patterns escape their own.
        func folder(_ name: String) -> [String] {
            let escaped = name.replacingOccurrences(of: "_", with: "\\_")
            return ["\(path) LIKE '\(escaped)/%' ESCAPE '\\'", "\(path) LIKE '%/\(escaped)/%' ESCAPE '\\'"]
        }
        func name(_ pattern: String) -> [String] {
            ["\(path) LIKE '\(pattern)' ESCAPE '\\'", "\(path) LIKE '%/\(pattern)' ESCAPE '\\'"]
        }
        let copy = (self.copyFolders.flatMap(folder) + self.copyNames.flatMap(name)).joined(separator: " OR ")
        let around = (self.aroundFolders.flatMap(folder) + self.aroundNames.flatMap(name)).joined(separator: " OR ")
        return "CASE WHEN \(copy) THEN 2 WHEN \(around) THEN 1 ELSE 0 END"
    }
}
