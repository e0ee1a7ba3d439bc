import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    @Suite("Stale references after the code changes")
    struct Staleness {
        /// The chunk id of the first search hit for `query`, which must come from `file`.
        func chunk(_ scenario: Scenario, _ query: String, in file: String) async throws -> String {
            var found: String?
            let indexed = try await eventually {
                let results = (try? await scenario.search(query).decode(SearchResponse.self).results) ?? []
                found = results.first { $0.filePath == file }?.chunkID
                return found != nil
            }
            try #require(indexed, "no chunk of \(file) for '\(query)' before the wait ran out")
            return try #require(found, "no chunk of \(file) for '\(query)'")
        }

        /// Makes a work item that references the chunk of `total_with_tax`, then rewrites that chunk's line on disk.
        func referenceThenEdit(_ scenario: Scenario, _ repository: SampleRepository) async throws -> (id: String, created: Reply) {
            let id = try await self.chunk(scenario, "total_with_tax", in: "billing/invoice.py")
            let created = try await scenario.create(title: "Check tax rounding", references: [id])
            scenario.expect(created.item?.validReferences == [id], "valid at first", [created])
            try repository.write(
                "billing/invoice.py",
                SampleRepository.files["billing/invoice.py"]!.replacingOccurrences(
                    of: "round(subtotal * (1 + self.tax_rate), 2)",
                    with: "subtotal + subtotal * self.tax_rate"
                )
            )
            return (id, created)
        }

        @Test("editing the referenced code makes the reference stale with no index call: the index follows the file")
        func staleWithoutIndexCall() async throws {
            try await Scenario.run("stale without an index call") { scenario, repository in
                let (id, created) = try await self.referenceThenEdit(scenario, try #require(repository))
                let itemID = try #require(created.item?.id)
                var read: Reply?
                let stale = try await eventually(timeout: .seconds(10)) {
                    read = try await scenario.getItem(itemID)
                    return read?.item?.staleReferences == [id]
                }
                scenario.expect(stale, "stale within the deadline, with no POST /mcp/index", read.map { [$0] } ?? [])
                scenario.expect(read?.item?.entityReferences == [id], "the id stays in entity_references", read.map { [$0] } ?? [])
                scenario.expect(read?.item?.warnings.first?.hasPrefix("stale_entity_reference: ") == true, "the warning", read.map { [$0] } ?? [])
            }
        }

        @Test("editing the referenced code and re-indexing makes the reference stale, with the contract's warning")
        func staleReference() async throws {
            try await Scenario.run("stale reference") { scenario, repository in
                let (id, created) = try await self.referenceThenEdit(scenario, try #require(repository))
                let itemID = try #require(created.item?.id)
                let index = try await scenario.reindex()
                scenario.expect(index.status == 200, "re-index with wait answers 200", [index])

                let read = try await scenario.getItem(itemID)
                let item = read.item
                scenario.expect(item?.staleReferences == [id], "the id is in stale_references", [read])
                scenario.expect(item?.entityReferences == [id], "the id stays in entity_references", [read])
                scenario.expect(item?.validReferences == [] && item?.unverifiedReferences == [], "nothing valid or unverified", [read])
                scenario.expect(
                    item?.warnings == [
                        "stale_entity_reference: Entity reference '\(id)' not found in codebase-mcp. Code may have been deleted or re-indexed. 0 of 1 entity references remain valid."
                    ],
                    "the exact warning text",
                    [read]
                )
                let before = created.item
                scenario.expect(
                    item?.title == before?.title && item?.version == before?.version && item?.status == before?.status
                        && item?.updatedAt == before?.updatedAt,
                    "nothing else changed",
                    [created, read]
                )
            }
        }

        @Test("3 references, 1 edited: 1 stale, 2 valid, '2 of 3' in the warning")
        func partialStaleness() async throws {
            try await Scenario.run("partial staleness") { scenario, repository in
                let repository = try #require(repository)
                let auth = try await self.chunk(scenario, "authenticate_user", in: "auth/session.py")
                let invoice = try await self.chunk(scenario, "total_with_tax", in: "billing/invoice.py")
                let routes = try await self.chunk(scenario, "registerRoutes", in: "web/router.js")
                let created = try await scenario.create(title: "three", references: [auth, invoice, routes])
                scenario.expect(created.item?.validReferences == [auth, invoice, routes], "all valid at first", [created])
                let itemID = try #require(created.item?.id)

                try repository.write(
                    "web/router.js",
                    SampleRepository.files["web/router.js"]!.replacingOccurrences(
                        of: "app.post('/login', loginHandler);",
                        with: "app.post('/signin', loginHandler);"
                    )
                )
                let index = try await scenario.reindex()
                scenario.expect(index.status == 200, "re-index with wait answers 200", [index])
                let read = try await scenario.getItem(itemID)
                scenario.expect(read.item?.staleReferences == [routes], "1 stale", [read])
                scenario.expect(read.item?.validReferences == [auth, invoice], "2 valid", [read])
                scenario.expect(
                    read.warnings.count == 1 && read.warnings[0].contains("2 of 3 entity references remain valid."),
                    "'2 of 3' in the warning",
                    [read]
                )
            }
        }
    }
}
