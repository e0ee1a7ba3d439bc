import Foundation

/// The routes the controllers register, read from their sources (`router.get("/mcp/chunks/{chunk_id}", …)` and the
/// like), because `buildApplication` does not hand out its router. The controllers write parameters as `{name}`, as
/// OpenAPI does; Hummingbird's other spelling, `:name`, would become `{name}` too.
enum OpenAPIRouteScan {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// The MCP endpoint speaks JSON-RPC, not REST: docs/mcp.md describes it, and the Python-client interoperability
    /// check tests it.
    static let notREST: Set<String> = ["/mcp"]

    /// The server kit's routes (`/metrics`), which both services add to their routers.
    static let kitRoutes = "Sources/ServerKit/Routes"

    /// The REST routes registered by the controllers of one service module, such as `WorkflowService`, and by the
    /// server kit's controllers it adds.
    static func routes(module: String) throws -> Set<OpenAPIDocument.Operation> {
        let folder = OpenAPIDocument.packageRoot.appendingPathComponent("Sources/\(module)/REST")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        guard !files.isEmpty else { throw Invalid(description: "no controllers in \(folder.path)") }
        let kit = OpenAPIDocument.packageRoot.appendingPathComponent(self.kitRoutes)
        let kitFiles = try FileManager.default.contentsOfDirectory(atPath: kit.path).filter { $0.hasSuffix(".swift") }
        return try self.routes(in: files.map { folder.appendingPathComponent($0) } + kitFiles.map { kit.appendingPathComponent($0) })
    }

    private static func routes(in files: [URL]) throws -> Set<OpenAPIDocument.Operation> {
        let registration = try NSRegularExpression(pattern: #"router\.(get|put|post|patch|delete|head|options)\(\s*"([^"]+)""#)
        let parameter = try NSRegularExpression(pattern: ":([A-Za-z_][A-Za-z0-9_]*)")
        var routes = Set<OpenAPIDocument.Operation>()
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            for match in registration.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                let method = String(source[Range(match.range(at: 1), in: source)!]).uppercased()
                let raw = String(source[Range(match.range(at: 2), in: source)!])
                if self.notREST.contains(raw) { continue }
                let path = parameter.stringByReplacingMatches(in: raw, range: NSRange(raw.startIndex..., in: raw), withTemplate: "{$1}")
                routes.insert(OpenAPIDocument.Operation(method: method, path: path))
            }
        }
        return routes
    }
}
