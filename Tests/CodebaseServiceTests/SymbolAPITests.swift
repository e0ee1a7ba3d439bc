import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// `GET /mcp/symbols`: declarations (top level and members one level down) in the languages the chunker knows.
@Suite("Symbols")
struct SymbolAPITests {
    static let files = [
        "py/store.py": """
            import os

            LIMIT = 10


            class InventoryStore:
                def __init__(self):
                    self.items = {}

                def add(self, item):
                    def helper():
                        pass
                    self.items[item] = 1


            def load_store(path):
                return InventoryStore()
            """,
        "swift/Store.swift": """
            struct Inventory {
                var items: [String] = []

                func count() -> Int {
                    items.count
                }
            }

            extension Inventory {
                mutating func add(_ item: String) {
                    items.append(item)
                }
            }

            func makeInventory() -> Inventory {
                Inventory()
            }
            """,
        "go/server.go": """
            package server

            type Server struct {
            \tport int
            }

            func (s *Server) Serve() error {
            \treturn nil
            }

            func NewServer() *Server {
            \treturn &Server{}
            }
            """,
        "rust/lib.rs": """
            pub struct Cache {
                size: usize,
            }

            impl Cache {
                pub fn new() -> Self {
                    Cache { size: 0 }
                }
            }
            """,
        "js/app.js": """
            class Router {
              route(path) {
                return path;
              }
            }

            function startApp() {
              return new Router();
            }
            """,
        "java/Main.java": """
            public class Main {
                public static void main(String[] args) {
                    System.out.println("hi");
                }
            }
            """,
    ]

    func symbols(_ client: any TestClientProtocol, _ query: String) async throws -> [SymbolDeclaration] {
        let response = try await client.send(.get, "/mcp/symbols?" + query)
        #expect(response.status == .ok, "\(response.text)")
        return try response.decode(SymbolsResponse.self).symbols
    }

    func outlineOf(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
        self.outline(try await self.symbols(client, query))
    }

    func outline(_ symbols: [SymbolDeclaration]) -> [String] {
        symbols.map { "\($0.kind) \($0.container.map { "\($0)." } ?? "")\($0.name) \($0.startLine)-\($0.endLine)" }
    }

    @Test("a file's outline: top-level declarations and members one level down, in line order, with their lines")
    func outlines() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            let outline1 = try await self.outlineOf(client, "file_path=py/store.py")
            #expect(outline1 == [
                    "variable LIMIT 3-3", "class InventoryStore 6-13", "method InventoryStore.__init__ 7-8", "method InventoryStore.add 10-13",
                    "function load_store 16-17",
                ]
            )
            let outline2 = try await self.outlineOf(client, "file_path=swift/Store.swift")
            #expect(outline2 == [
                    "struct Inventory 1-7", "method Inventory.count 4-6", "extension Inventory 9-13", "method Inventory.add 10-12",
                    "function makeInventory 15-17",
                ]
            )
            let outline3 = try await self.outlineOf(client, "file_path=go/server.go")
            #expect(outline3 == [
                    "type Server 3-5", "function Serve 7-9", "function NewServer 11-13",
                ]
            )
            let outline4 = try await self.outlineOf(client, "file_path=rust/lib.rs")
            #expect(outline4 == ["struct Cache 1-3", "impl Cache 5-9", "method Cache.new 6-8"])
            let outline5 = try await self.outlineOf(client, "file_path=js/app.js")
            #expect(outline5 == ["class Router 1-5", "method Router.route 2-4", "function startApp 7-9"])
            let outline6 = try await self.outlineOf(client, "file_path=java/Main.java")
            #expect(outline6 == ["class Main 1-5", "method Main.main 2-4"])
        }
    }

    @Test("by name, exact or by prefix, with kind and file type filters; each names a chunk that holds it")
    func byName() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            let store = try await self.symbols(client, "name=InventoryStore")
            #expect(store.map(\.filePath) == ["py/store.py"] && store.first?.kind == "class")
            let chunk = try await client.send(.get, "/mcp/chunks/\(try #require(store.first?.chunkID))").decode(ChunkDetail.self)
            #expect(chunk.content.contains("class InventoryStore"))

            let prefixed = try await self.symbols(client, "name=Inventory&prefix=true")
            // Types first, the shorter name first among them.
            #expect(prefixed.map(\.name) == ["Inventory", "Inventory", "InventoryStore"], "\(prefixed)")
            #expect(try await self.symbols(client, "name=add&kind=method").map(\.container) == ["InventoryStore", "Inventory"])
            #expect(try await self.symbols(client, "name=add&file_type=swift").map(\.filePath) == ["swift/Store.swift"])
            #expect(try await self.symbols(client, "name=add&limit=1").count == 1)
            #expect(try await self.symbols(client, "name=helper").isEmpty, "two levels down is not part of the outline")
            #expect(try await self.symbols(client, "name=nothing_called_this").isEmpty)
        }
    }

    @Test("the definition comes first: before bindings that import or alias the name, tests and examples, and vendored, bundled or minified copies")
    func definitionFirst() async throws {
        let files = [
            "lib/router/index.js": "var Route = require('./route');\nconst Layer = require('./layer')\n\nfunction Router() {\n  return 1;\n}\n",
            "lib/router/route.js": "function Route(path) {\n  this.path = path;\n}\n\nmodule.exports = Route;\n",
            "dist/router.js": "function Route(path) {\n  this.path = path;\n}\n",
            "vendor/jquery.min.js": "function Route(a){return a}\n",
            "src/aliases.py": "from .core import parse_config as _parse\n\nparse_config = _parse\n\n\ndef parse_config_file(path):\n    return path\n",
            "src/core.py": "def parse_config(text):\n    return text\n",
            "third-party/route.js": "function Route(p) {\n  return p;\n}\n",
            "examples/route.js": "function Route(p) {\n  return p;\n}\n",
            "tests/test_core.py": "def parse_config(text):\n    return text\n",
        ]
        try await GrepAPITests.withRepository(files) { client in
            let route = try await self.symbols(client, "name=Route")
            #expect(route.first?.filePath == "lib/router/route.js" && route.first?.kind == "function", "\(route)")
            // A hand-written binding before any copy; `third-party` is not `third_party`.
            // Then the code around the source (examples, tests), then the copies.
            #expect(
                route.map(\.filePath)
                    == ["lib/router/route.js", "third-party/route.js", "lib/router/index.js", "examples/route.js", "dist/router.js", "vendor/jquery.min.js"],
                "\(route)"
            )
            let parse = try await self.symbols(client, "name=parse_config")
            #expect(parse.map(\.filePath) == ["src/core.py", "src/aliases.py", "tests/test_core.py"], "\(parse)")
            #expect(try await self.symbols(client, "name=Layer").map(\.kind) == ["variable"], "a lone binding is still listed")
        }
    }

    @Test("JavaScript definitions written as assignments are symbols; re-exports and plain values are not")
    func scriptIdioms() async throws {
        let files = [
            "lib/middleware/init.js": "'use strict';\n\nexports.init = function(app){\n  return function expressInit(req, res, next) {\n    next();\n  };\n};\n",
            "lib/middleware/query.js": "var parse = require('qs').parse;\n\nmodule.exports = function query(options) {\n  return parse;\n};\n",
            "lib/router/route.js": "function Route(path) {\n  this.path = path;\n}\n\nRoute.prototype.dispatch = function dispatch(req, res, done) {\n  done();\n};\n\nRoute.prototype._handles_method = (method) => true;\n",
            "lib/application.js": "var app = exports = module.exports = {};\n\napp.init = function init() {\n  this.cache = {};\n};\n\nexports.Router = Router;\nexports.limit = 10;\nmodule.exports.handler = async (event) => {\n  return event;\n};\n",
        ]
        try await GrepAPITests.withRepository(files) { client in
            #expect(try await self.outlineOf(client, "file_path=lib/middleware/init.js") == ["function init 3-7"])
            #expect(try await self.outlineOf(client, "file_path=lib/middleware/query.js") == ["variable parse 1-1", "function query 3-5"])
            #expect(
                try await self.outlineOf(client, "file_path=lib/router/route.js")
                    == ["function Route 1-3", "method Route.dispatch 5-7", "method Route._handles_method 9-9"]
            )
            let application = try await self.outlineOf(client, "file_path=lib/application.js")
            #expect(application == ["variable app 1-1", "method app.init 3-5", "function handler 9-11"], "\(application)")
            let inits = try await self.symbols(client, "name=init")
            #expect(inits.map(\.filePath) == ["lib/middleware/init.js", "lib/application.js"], "\(inits)")
        }
    }

    @Test("ranked search for one identifier puts the chunk that declares it first")
    func declarationFirst() async throws {
        var files = Self.files
        // A chunk that only uses the name, many times: bm25 alone would rank it first.
        files["py/usage.py"] = String(repeating: "x = InventoryStore()  # InventoryStore InventoryStore\n", count: 6)
        try await GrepAPITests.withRepository(files) { client in
            for query in ["InventoryStore", "inventorystore"] {
                let results = try await client.search(query).results
                #expect(results.first?.filePath == "py/store.py", "\(query): \(results.map(\.filePath))")
                #expect(results.first?.content.contains("class InventoryStore") == true)
                #expect(results.first?.similarityScore == 1)
                #expect(results.contains { $0.filePath == "py/usage.py" })
                #expect(zip(results, results.dropFirst()).allSatisfy { $0.similarityScore >= $1.similarityScore }, "best first")
            }
            // Two words are not one identifier: plain bm25 order.
            let phrase = try await client.search("InventoryStore usage").results
            #expect(phrase.first?.filePath != nil)
        }
    }

    @Test("bad parameters answer 400 naming the parameter")
    func badParameters() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            for (query, field) in [
                ("", "name"), ("kind=class", "name"), ("name=x&kind=widget", "kind"), ("name=x&limit=0", "limit"), ("name=x&limit=ten", "limit"),
                ("prefix=true", "prefix"), ("name=x&prefix=yes", "prefix"), ("name=x&colour=red", "colour"), ("name=x&repository=elsewhere", "repository"),
                ("file_path=/etc/passwd", "file_path"), ("name=x&file_type=.py", "file_type"),
            ] {
                let error = try await client.send(.get, "/mcp/symbols?" + query).errorBody(.badRequest)
                #expect(error.details["field"] == .string(field), "\(query): \(error)")
            }
        }
    }
}
