import Foundation
import Testing

/// The dependency rules of docs/architecture.md, checked on the sources themselves.
@Suite("Module dependency rules")
struct ArchitectureTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    func imports(inModule module: String) throws -> Set<String> {
        let directory = Self.sources.appendingPathComponent(module)
        guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var modules = Set<String>()
        for case let file as URL in files where file.pathExtension == "swift" {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                if let index = words.firstIndex(of: "import"), index + 1 < words.count {
                    modules.insert(String(words[index + 1]))
                }
            }
        }
        return modules
    }

    @Test("the client module imports no server code, storage or HTTP server")
    func clientModuleStaysSmall() throws {
        let imports = try self.imports(inModule: "ServiceClient")
        #expect(!imports.isEmpty)
        for forbidden in ["WorkflowService", "CodebaseService", "Hummingbird", "GRDB"] {
            #expect(!imports.contains(forbidden), "ServiceClient imports \(forbidden)")
        }
    }

    @Test("the client module holds only what both services need: no test doubles, no supervisor parts")
    func clientModuleHoldsOnlyShared() throws {
        let directory = Self.sources.appendingPathComponent("ServiceClient")
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        var text = ""
        while let file = files?.nextObject() as? URL {
            if file.pathExtension == "swift" { text += try String(contentsOf: file, encoding: .utf8) }
        }
        #expect(!text.isEmpty)
        for type in ["ManualClock", "SeededRandomSource", "FixedRandomSource", "RestartBackoff"] {
            #expect(!text.contains(" \(type):") && !text.contains(" \(type) {"), "ServiceClient declares \(type)")
        }
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { $0 != "ServiceClientTesting" }
        for module in modules {
            #expect(!(try self.imports(inModule: module)).contains("ServiceClientTesting"), "\(module) imports ServiceClientTesting")
        }
    }

    @Test("neither service library imports the other")
    func servicesIndependent() throws {
        #expect(!(try self.imports(inModule: "WorkflowService")).contains("CodebaseService"))
        #expect(!(try self.imports(inModule: "CodebaseService")).contains("WorkflowService"))
        #expect(!(try self.imports(inModule: "WorkflowServer")).contains("CodebaseService"))
        #expect(!(try self.imports(inModule: "CodebaseServer")).contains("WorkflowService"))
    }

    @Test("each service is laid out by door and adapter, and writes route parameters one way, as {name}")
    func oneWayEach() throws {
        let folders = [
            "WorkflowService/REST", "WorkflowService/MCP", "WorkflowService/Storage/SQLite", "WorkflowService/Storage/Postgres",
            "WorkflowService/App", "WorkflowCore/Store", "CodebaseService/REST", "CodebaseService/MCP", "CodebaseService/App",
            "CodebaseCore/Storage",
        ]
        for folder in folders {
            var isDirectory: ObjCBool = false
            let path = Self.sources.appendingPathComponent(folder).path
            #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue, "\(folder)")
        }
        for service in ["WorkflowService", "CodebaseService"] {
            let controllers = Self.sources.appendingPathComponent("\(service)/REST")
            for file in try FileManager.default.contentsOfDirectory(atPath: controllers.path) where file.hasSuffix(".swift") {
                let source = try String(contentsOf: controllers.appendingPathComponent(file), encoding: .utf8)
                #expect(!source.contains("/:"), "\(service)/REST/\(file) writes a route parameter as :name")
            }
        }
    }

    /// The dependencies Package.swift lists for `target`: the names between its `dependencies: [` and the `]` closing it.
    func declaredDependencies(of target: String) throws -> String {
        let manifest = try String(contentsOf: Self.sources.deletingLastPathComponent().appendingPathComponent("Package.swift"), encoding: .utf8)
        guard let name = manifest.range(of: "name: \"\(target)\","),
            let open = manifest.range(of: "dependencies: [", range: name.upperBound..<manifest.endIndex),
            let close = manifest.range(of: "\n        ],", range: open.upperBound..<manifest.endIndex)
        else { throw CocoaError(.fileReadCorruptFile) }
        return String(manifest[open.upperBound..<close.lowerBound])
    }

    /// The files of `folder` (under Sources/) that import `module`.
    func files(in folder: String, importing module: String) throws -> [String] {
        let directory = Self.sources.appendingPathComponent(folder)
        guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var found: [String] = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            if lines.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "import \(module)" }) { found.append(file.lastPathComponent) }
        }
        return found.sorted()
    }

    @Test("the services reach the MCP SDK only through the server kit, and their domain cores know neither HTTP nor MCP")
    func twoFrontDoors() throws {
        for service in ["WorkflowService", "CodebaseService"] {
            #expect(try self.files(in: service, importing: "MCP") == [], "\(service)")
        }
        // The compiler keeps a core clean when none of these is in its dependency graph: it lists none, and neither does
        // the client module it builds on.
        for target in ["WorkflowCore", "CodebaseCore", "ServiceClient"] {
            let dependencies = try self.declaredDependencies(of: target)
            #expect(!dependencies.isEmpty, "\(target)")
            for forbidden in ["\"Hummingbird\"", "\"HummingbirdCore\"", "\"HTTPTypes\"", "\"MCP\"", "\"ServerKit\"", "\"NIOHTTPTypes\"", "Service\""] {
                #expect(!dependencies.contains(forbidden), "\(target) depends on \(forbidden)")
            }
        }
        for core in ["WorkflowCore", "CodebaseCore"] {
            let imports = try self.imports(inModule: core)
            #expect(!imports.isEmpty)
            for forbidden in ["Hummingbird", "MCP", "HTTPTypes", "ServerKit", "WorkflowService", "CodebaseService"] {
                #expect(!imports.contains(forbidden), "\(core) imports \(forbidden)")
            }
        }
    }

    @Test("the server kit imports neither service, and the MCP SDK only in its MCP adapter files")
    func serverKitKnowsNoService() throws {
        let imports = try self.imports(inModule: "ServerKit")
        #expect(!imports.isEmpty)
        for forbidden in ["WorkflowService", "CodebaseService", "WorkflowServer", "CodebaseServer", "GRDB", "PostgresNIO"] {
            #expect(!imports.contains(forbidden), "ServerKit imports \(forbidden)")
        }
        #expect(try self.files(in: "ServerKit", importing: "MCP") == ["MCPExchange.swift", "MCPProtocol.swift", "StdioLineTransport.swift"])
        let directory = Self.sources.appendingPathComponent("ServerKit")
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8).lowercased()
            for word in ["work item", "work_item", "workitem", "chunk", "codebase", "workflow"] {
                #expect(!text.contains(word), "ServerKit/\(file.lastPathComponent) says '\(word)'")
            }
        }
    }

    @Test("the storage kit imports neither service, no HTTP and no MCP, and holds no domain word")
    func storageKitKnowsNoDomain() throws {
        let imports = try self.imports(inModule: "StorageKit")
        #expect(imports.contains("GRDB"))
        for forbidden in ["WorkflowService", "CodebaseService", "WorkflowCore", "CodebaseCore", "Hummingbird", "HTTPTypes", "MCP", "ServerKit"] {
            #expect(!imports.contains(forbidden), "StorageKit imports \(forbidden)")
        }
        let directory = Self.sources.appendingPathComponent("StorageKit")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8).lowercased()
            for word in ["work item", "work_item", "workitem", "chunk", "codebase", "workflow"] {
                #expect(!text.contains(word), "StorageKit/\(name) says '\(word)'")
            }
        }
    }
}
