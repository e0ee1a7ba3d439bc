import Foundation
import Testing

/// Keeps docs/openapi.yaml true: both services run in-process on live sockets, every operation is called with
/// requests that bring about each documented status, and every answer is checked against the document.
@Suite("docs/openapi.yaml")
struct OpenAPIConformanceTests {
    /// Documented statuses that no request from outside can bring about, and why. Everything else documented must be
    /// seen in the live run.
    static let unreachableStatuses: [(operation: OpenAPIDocument.Operation?, status: String, reason: String)] = [
        (nil, "500", "internal_error needs a fault inside the server (POST /mcp/index's 500 is index_failed, which is exercised)"),
        (.init(method: "GET", path: "/health"), "503", "unhealthy needs a database the service can no longer read"),
    ]

    static let warningCodes: Set<String> = ["code_search_unavailable", "stale_entity_reference", "workflow_unavailable"]

    let document: OpenAPIDocument

    init() throws {
        self.document = try OpenAPIDocument()
    }

    @Test("the document is OpenAPI 3.1 over both services, every path served by one, within the validator's subset")
    func documentShape() throws {
        let root = self.document.root
        #expect(root["openapi"] == .string("3.1.0"))
        let servers = root["servers"]?.array?.compactMap { $0["url"]?.string }
        #expect(servers == ["http://127.0.0.1:8010", "http://127.0.0.1:8020"])
        #expect(Set(root["tags"]?.array?.compactMap { $0["name"]?.string } ?? []) == ["workflow", "codebase"])
        let serviceOfServer = ["http://127.0.0.1:8010": "workflow", "http://127.0.0.1:8020": "codebase"]
        for (path, item) in root["paths"]?.object ?? [:] {
            // Each path item names the server(s) that serve it; its operations are tagged with the same services.
            let served = Set((item["servers"]?.array ?? []).compactMap { $0["url"]?.string }.compactMap { serviceOfServer[$0] })
            let tagged = Set(self.document.operations.filter { $0.key.path == path }.flatMap(\.value))
            #expect(!served.isEmpty && served == tagged, "\(path): servers say \(served.sorted()), tags say \(tagged.sorted())")
        }
        for (path, reference) in self.document.allReferences {
            #expect(self.document.validator.resolve(reference) != nil, "\(path): $ref \(reference) does not resolve")
        }
        for (path, schema) in self.document.allSchemas {
            let problems = self.document.validator.keywordProblems(schema, at: path)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
        let text = try String(contentsOf: OpenAPIDocument.fileURL, encoding: .utf8)
        for code in Self.warningCodes { #expect(text.contains("`\(code)`"), "warning \(code) is not described") }
        let codes = root["components"]?["schemas"]?["Error"]?["properties"]?["error"]?["enum"]?.array?.compactMap(\.string) ?? []
        for code in codes { #expect(text.contains("`\(code)` ("), "error code \(code) is not described with its status") }
    }

    @Test("the controllers register exactly the documented operations, each in its own service")
    func routesAreDocumented() throws {
        // `buildApplication` keeps its router to itself, so the routes are read from the controllers' sources.
        for (module, service) in [("WorkflowService", "workflow"), ("CodebaseService", "codebase")] {
            let registered = try OpenAPIRouteScan.routes(module: module)
            let documented = Set(self.document.operations.filter { $0.value.contains(service) }.keys)
            #expect(
                registered.subtracting(documented).isEmpty,
                "\(module) registers undocumented routes: \(registered.subtracting(documented).sorted())"
            )
            #expect(
                documented.subtracting(registered).isEmpty,
                "documented for \(service) but not registered: \(documented.subtracting(registered).sorted())"
            )
        }
    }

    @Test("the validator names the JSON path of each mismatch")
    func validatorNamesPaths() throws {
        let page = try #require(self.document.validator.resolve("#/components/schemas/WorkItemPage"))
        let body = try OpenAPIJSON(
            data: Data(#"{"items": [{"id": "wi_1", "title": 7, "surprise": true}], "next_cursor": 3, "warnings": ["odd: text"]}"#.utf8)
        )
        let errors = self.document.validator.errors(body, page)
        for expected in [
            "$.items[0].id: ", "$.items[0].title: expected type string", "$.items[0].surprise: property is not in the schema",
            "$.items[0].version: required property is missing", "$.next_cursor: expected type string or null", "$.warnings[0]: matches none of anyOf",
        ] {
            #expect(errors.contains { $0.hasPrefix(expected) }, "no error starting \(expected) in \(errors)")
        }
        #expect(OpenAPISchemaValidator.isTimestamp("2026-11-21T15:21:42.123Z"))
        #expect(!OpenAPISchemaValidator.isTimestamp("2026-11-21T15:21:42+01:00"))
    }

    @Test("every operation of both services answers as documented, and every documented status is exercised")
    func liveServicesConform() async throws {
        let document = self.document
        let log = OpenAPIConformanceLog()
        let workspace = try OpenAPIWorkspace()
        defer { workspace.remove() }
        let closed = OpenAPIServices.closedPortURL

        // workflow-mcp alone, then codebase-mcp linking from it, then a second workflow-mcp checking against that
        // codebase-mcp; last, a codebase-mcp whose workflow-mcp is refused.
        try await OpenAPIServices.withWorkflow(
            workspace,
            database: "workflow-alone.sqlite",
            codebaseURL: closed,
            document: document,
            log: log
        ) { workflow in
            try await Self.exerciseWorkflowWithoutPeer(workflow)
            let repositories = [workspace.sampleRepository, workspace.vanishingRepository]
            try await OpenAPIServices.withCodebase(
                workspace,
                database: "codebase.sqlite",
                repositories: repositories,
                workflowURL: workflow.url,
                document: document,
                log: log
            ) { codebase in
                let chunkID = try await Self.exerciseCodebase(codebase, linkingFrom: workflow)
                try await OpenAPIServices.withWorkflow(
                    workspace,
                    database: "workflow-paired.sqlite",
                    codebaseURL: codebase.url,
                    document: document,
                    log: log
                ) { paired in
                    try await Self.exerciseWorkflowWithPeer(paired, knownChunk: chunkID)
                }
                try await Self.exerciseFailedIndexJob(codebase, workspace: workspace)
            }
        }
        try await OpenAPIServices.withCodebase(
            workspace,
            database: "codebase-alone.sqlite",
            repositories: [workspace.sampleRepository],
            workflowURL: closed,
            document: document,
            log: log
        ) { codebase in
            try await Self.exerciseCodebaseWithoutPeer(codebase)
        }
        self.expectCoverage(log)
    }

    /// Every operation called by each service that serves it, every documented status seen (but those that cannot
    /// be brought about), other methods and unknown routes tried on both, and all three warnings seen.
    private func expectCoverage(_ log: OpenAPIConformanceLog) {
        for (operation, services) in self.document.operations.sorted(by: { $0.key < $1.key }) {
            for service in services {
                #expect(!log.statuses(service: service, operation: operation).isEmpty, "\(service) \(operation) was never called")
            }
            let unreachable = Set(Self.unreachableStatuses.filter { $0.operation == nil || $0.operation == operation }.map(\.status))
            let documented = Set(self.document.responses(operation).keys)
            let missing = documented.subtracting(log.statuses(of: operation)).subtracting(unreachable)
            #expect(missing.isEmpty, "\(operation): documented statuses never answered: \(missing.sorted())")
        }
        for exemption in Self.unreachableStatuses {
            let operations = exemption.operation.map { [$0] } ?? Array(self.document.operations.keys)
            #expect(operations.contains { self.document.responses($0)[exemption.status] != nil }, "exemption \(exemption) matches nothing documented")
        }
        for path in (self.document.root["paths"]?.object ?? [:]).keys.sorted() {
            let documented = Set(self.document.otherMethodsResponses(path).keys)
            #expect(
                documented == log.otherMethodStatuses(path: path),
                "\(path): other methods answered \(log.otherMethodStatuses(path: path).sorted())"
            )
        }
        for service in ["workflow", "codebase"] {
            #expect(log.unknownRouteStatuses(service: service) == Set(self.document.unknownRouteResponses.keys), "\(service): unknown routes")
        }
        #expect(log.warningCodes == Self.warningCodes)
    }
}
