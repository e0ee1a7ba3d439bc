import CodebaseCore
import Hummingbird
import ServerKit
import ServiceClient

/// `POST /mcp/grep` and `GET /mcp/symbols`: the REST doors to exact and regex search and to declarations.
struct GrepController<Context: RequestContext> {
    let codebase: Codebase

    static var symbolParameters: Set<String> { ["name", "prefix", "kind", "file_path", "repository", "file_type", "limit"] }

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/grep", use: self.grep)
        router.refuseOtherMethods(on: "/mcp/grep", allowing: [.post])
        router.get("/mcp/symbols", use: self.symbols)
        router.refuseOtherMethods(on: "/mcp/symbols", allowing: [.get])
    }

    /// Runs a grep (see `Codebase.grep`).
    @Sendable func grep(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(try await self.codebase.grep(try await request.decodeBody(as: GrepRequest.self, context: context)))
    }

    /// Finds declarations (see `Codebase.symbols`).
    @Sendable func symbols(_ request: Request, context: Context) async throws -> Response {
        let parameters = request.uri.queryParameters
        for name in parameters.map({ String($0.key) }).filter({ !$0.isEmpty }).sorted() where !Self.symbolParameters.contains(name) {
            throw APIError.invalid(field: name, "Unknown parameter '\(name)'. Allowed: \(Self.symbolParameters.sorted().joined(separator: ", ")).")
        }
        func text(_ name: String) -> String? { parameters[name[...]].map(String.init) }
        var symbols = SymbolsRequest(
            name: text("name"),
            kind: text("kind"),
            filePath: text("file_path"),
            repository: text("repository"),
            fileType: text("file_type")
        )
        if let prefix = text("prefix") {
            guard let value = Bool(prefix) else { throw APIError.invalid(field: "prefix", "'prefix' must be true or false; got '\(prefix)'.") }
            symbols.prefix = value
        }
        if let limit = text("limit") {
            guard let value = Int(limit) else { throw APIError.invalid(field: "limit", "'limit' must be an integer; got '\(limit)'.") }
            symbols.limit = value
        }
        return try JSONResponse.make(try await self.codebase.symbols(symbols))
    }
}
