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

    @Test("both services keep their storage in Storage/ and write route parameters one way, as {name}")
    func oneWayEach() throws {
        for service in ["WorkflowService", "CodebaseService"] {
            var isDirectory: ObjCBool = false
            let storage = Self.sources.appendingPathComponent("\(service)/Storage").path
            #expect(FileManager.default.fileExists(atPath: storage, isDirectory: &isDirectory) && isDirectory.boolValue, "\(service)")
            let controllers = Self.sources.appendingPathComponent("\(service)/Controllers")
            for file in try FileManager.default.contentsOfDirectory(atPath: controllers.path) where file.hasSuffix(".swift") {
                let source = try String(contentsOf: controllers.appendingPathComponent(file), encoding: .utf8)
                #expect(!source.contains("/:"), "\(service)/Controllers/\(file) writes a route parameter as :name")
            }
        }
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

    @Test("each service imports the MCP SDK in one file, and its domain core knows neither HTTP nor MCP")
    func twoFrontDoors() throws {
        for service in ["WorkflowService", "CodebaseService"] {
            #expect(try self.files(in: service, importing: "MCP") == ["MCPProtocol.swift"], "\(service)")
            for module in ["Hummingbird", "MCP", "HTTPTypes"] {
                #expect(try self.files(in: "\(service)/Domain", importing: module) == [], "\(service)/Domain imports \(module)")
            }
        }
    }
}

/// The scaffolding each service keeps its own copy of (the services share only the client module) must not drift:
/// each pair of twins is the same text once the services' names are swapped.
@Suite("Twin files of the two services")
struct TwinFilesTests {
    static let twins = [
        "MCP/MCPProtocol.swift", "MCP/ToolCatalog.swift", "MCP/StdioService.swift", "Controllers/MCPController.swift",
    ]

    /// The names that legitimately differ, from codebase-mcp's to workflow-mcp's.
    static let renames = [("CodebaseError", "WorkflowError"), ("CodebaseTools", "WorkflowTools"), ("codebase-mcp", "workflow-mcp")]

    @Test("each twin is the same as its sibling but for the service's names", arguments: twins)
    func alike(path: String) throws {
        let codebase = try String(contentsOf: ArchitectureTests.sources.appendingPathComponent("CodebaseService/\(path)"), encoding: .utf8)
        let workflow = try String(contentsOf: ArchitectureTests.sources.appendingPathComponent("WorkflowService/\(path)"), encoding: .utf8)
        let renamed = Self.renames.reduce(codebase) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        let first = zip(renamed.split(separator: "\n", omittingEmptySubsequences: false), workflow.split(separator: "\n", omittingEmptySubsequences: false))
            .enumerated().first { $0.element.0 != $0.element.1 }
        #expect(renamed == workflow, "\(path) differs at line \((first?.offset ?? 0) + 1): \(first.map { "\($0.element.0) | \($0.element.1)" } ?? "length")")
    }
}
