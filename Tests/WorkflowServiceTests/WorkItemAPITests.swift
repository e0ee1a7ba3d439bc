import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

@Suite("workflow-mcp work-item routes")
struct WorkItemAPITests {
    @Test("create applies the defaults and answers 201 with the whole item", arguments: StoreKind.allCases)
    func createDefaults(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let response = try await client.send(.post, "/mcp/work_items", json: #"{"title": "Fix authentication bug"}"#)
            #expect(response.status == .created)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            let expectedKeys: Set<String> = [
                "id", "title", "description", "item_type", "status", "parent_id", "entity_references", "metadata", "version",
                "created_at", "updated_at", "deleted_at", "valid_references", "stale_references", "unverified_references",
                "references_checked_at", "warnings",
            ]
            #expect(Set(object.keys) == expectedKeys)
            #expect(object["parent_id"] is NSNull)
            #expect(object["references_checked_at"] is NSNull)
            #expect((object["created_at"] as? String)?.hasSuffix("Z") == true)
            let item = try response.decode(WorkItem.self)
            #expect(item.title == "Fix authentication bug")
            #expect(item.description == "")
            #expect(item.itemType == .task)
            #expect(item.status == .planned)
            #expect(item.version == 1)
            #expect(item.metadata == [:])
            #expect(item.entityReferences == [])
            #expect(item.createdAt == item.updatedAt)
            #expect(response.headers[.location] == "/mcp/work_items/\(item.id)")
        }
    }

    @Test("create keeps every field given; references are de-duplicated in order", arguments: StoreKind.allCases)
    func createAllFields(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let parent = try await client.create(#"{"title": "Project", "item_type": "project"}"#)
            let item = try await client.create(
                """
                {"title": "Research", "description": "why", "item_type": "research", "status": "active", "parent_id": "\(parent.id)",
                 "entity_references": ["c_b", "c_a", "c_b"], "metadata": {"priority": 2, "tags": ["x"], "nested": {"ok": true}}}
                """
            )
            #expect(item.itemType == .research)
            #expect(item.status == .active)
            #expect(item.parentID == parent.id)
            #expect(item.entityReferences == ["c_b", "c_a"])
            #expect(item.metadata == ["priority": 2, "tags": .array(["x"]), "nested": .object(["ok": true])])
            #expect(try await client.item(item.id).entityReferences == ["c_b", "c_a"])
        }
    }

    @Test("each bad create input answers 400 invalid_request naming the field", arguments: StoreKind.allCases)
    func createValidation(store: StoreKind) async throws {
        let longTitle = String(repeating: "a", count: 201)
        let tooMany = (0...100).map { "\"c_\($0)\"" }.joined(separator: ",")
        let cases: [(body: String, field: String)] = [
            ("{}", "title"),
            (#"{"title": ""}"#, "title"),
            (#"{"title": "   "}"#, "title"),
            ("{\"title\": \"\(longTitle)\"}", "title"),
            (#"{"title": 5}"#, "title"),
            (#"{"title": "t", "description": 1}"#, "description"),
            (#"{"title": "t", "item_type": "epic"}"#, "item_type"),
            (#"{"title": "t", "status": "done"}"#, "status"),
            (#"{"title": "t", "parent_id": "wi_missing"}"#, "parent_id"),
            (#"{"title": "t", "parent_id": 3}"#, "parent_id"),
            (#"{"title": "t", "entity_references": "c_1"}"#, "entity_references"),
            (#"{"title": "t", "entity_references": [1]}"#, "entity_references"),
            (#"{"title": "t", "entity_references": [""]}"#, "entity_references"),
            ("{\"title\": \"t\", \"entity_references\": [\(tooMany)]}", "entity_references"),
            (#"{"title": "t", "metadata": [1, 2]}"#, "metadata"),
            (#"{"title": "t", "metadata": "x"}"#, "metadata"),
            (#"{"title": "t", "colour": "red"}"#, "colour"),
            (#"{"title": "t""#, "body"),
            ("[1, 2]", "body"),
            ("", "body"),
        ]
        try await withWorkflow(store: store) { client in
            for (body, field) in cases {
                let response = try await client.send(.post, "/mcp/work_items", json: body)
                #expect(response.status == .badRequest, "\(body)")
                let error = try response.decode(ErrorBody.self)
                #expect(error.error == "invalid_request", "\(body)")
                #expect(error.details["field"] == .string(field), "\(body) → \(error)")
                #expect(!error.message.isEmpty)
            }
            // Nothing was stored by any of them.
            let page = try await client.send(.get, "/mcp/work_items").decode(WorkItemPage.self)
            #expect(page.items.isEmpty)
        }
    }

    @Test("exactly 100 distinct references and a 200-character title are accepted", arguments: StoreKind.allCases)
    func limitsAccepted(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let refs = (0..<100).map { "\"c_\($0)\"" }.joined(separator: ",")
            let title = String(repeating: "é", count: 200)
            let item = try await client.create("{\"title\": \"\(title)\", \"entity_references\": [\(refs), \"c_0\"]}")
            #expect(item.entityReferences.count == 100)
            #expect(item.title.count == 200)
        }
    }

    @Test("an unknown id answers 404 work_item_not_found on GET, PATCH and DELETE", arguments: StoreKind.allCases)
    func unknownID(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            for (method, body) in [(HTTPRequest.Method.get, nil), (.patch, #"{"expected_version": 1, "title": "x"}"#), (.delete, nil)] {
                let response = try await client.send(method, "/mcp/work_items/wi_nope", json: body)
                #expect(response.status == .notFound)
                let error = try response.decode(ErrorBody.self)
                #expect(error.error == "work_item_not_found")
                #expect(error.message.contains("wi_nope"))
                #expect(error.details["work_item_id"] == .string("wi_nope"))
            }
        }
    }

    @Test("patch changes the fields given, bumps the version, and refuses a stale version with 409", arguments: StoreKind.allCases)
    func patch(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let item = try await client.create(#"{"title": "Draft", "metadata": {"a": 1}}"#)
            let response = try await client.send(
                .patch,
                "/mcp/work_items/\(item.id)",
                json: #"{"expected_version": 1, "status": "completed", "entity_references": ["c_9"]}"#
            )
            #expect(response.status == .ok)
            let updated = try response.decode(WorkItem.self)
            #expect(updated.version == 2)
            #expect(updated.status == .completed)
            #expect(updated.title == "Draft")
            #expect(updated.metadata == ["a": 1])
            #expect(updated.entityReferences == ["c_9"])
            #expect(updated.updatedAt >= item.updatedAt)

            let conflict = try await client.send(.patch, "/mcp/work_items/\(item.id)", json: #"{"expected_version": 1, "title": "Lost"}"#)
            #expect(conflict.status == .conflict)
            let error = try conflict.decode(ErrorBody.self)
            #expect(error.error == "version_conflict")
            #expect(error.details["expected_version"] == .int(1))
            #expect(error.details["current_version"] == .int(2))
            #expect(try await client.item(item.id).title == "Draft")
        }
    }

    @Test("each bad patch input answers 400 naming the field", arguments: StoreKind.allCases)
    func patchValidation(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let item = try await client.create(#"{"title": "t"}"#)
            let cases: [(String, String)] = [
                (#"{"title": "x"}"#, "expected_version"),
                (#"{"expected_version": "1"}"#, "expected_version"),
                (#"{"expected_version": 0}"#, "expected_version"),
                (#"{"expected_version": 1.5}"#, "expected_version"),
                (#"{"expected_version": 1, "title": ""}"#, "title"),
                (#"{"expected_version": 1, "status": "nope"}"#, "status"),
                (#"{"expected_version": 1, "parent_id": "wi_missing"}"#, "parent_id"),
                (#"{"expected_version": 1, "id": "wi_other"}"#, "id"),
                (#"{"expected_version": 1, "version": 7}"#, "version"),
            ]
            for (body, field) in cases {
                let response = try await client.send(.patch, "/mcp/work_items/\(item.id)", json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.decode(ErrorBody.self).details["field"] == .string(field), "\(body)")
            }
            #expect(try await client.item(item.id).version == 1)
        }
    }

    @Test("delete is soft: 204, then 404 on GET, listed only with include_deleted=true", arguments: StoreKind.allCases)
    func softDelete(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let kept = try await client.create(#"{"title": "kept"}"#)
            let gone = try await client.create(#"{"title": "gone"}"#)
            #expect(try await client.send(.delete, "/mcp/work_items/\(gone.id)").status == .noContent)
            #expect(try await client.send(.delete, "/mcp/work_items/\(gone.id)").status == .noContent)
            #expect(try await client.send(.get, "/mcp/work_items/\(gone.id)").status == .notFound)
            let deleted = try await client.send(.get, "/mcp/work_items/\(gone.id)?include_deleted=true").decode(WorkItem.self)
            #expect(deleted.deletedAt != nil)
            // A misspelt flag or parameter is refused rather than read as "no".
            #expect(try await client.send(.get, "/mcp/work_items/\(gone.id)?include_deleted=yes").status == .badRequest)
            #expect(try await client.send(.get, "/mcp/work_items/\(gone.id)?include_deleted_items=true").status == .badRequest)
            #expect(try await client.send(.get, "/mcp/work_items").decode(WorkItemPage.self).items.map(\.id) == [kept.id])
            let all = try await client.send(.get, "/mcp/work_items?include_deleted=true").decode(WorkItemPage.self)
            #expect(all.items.map(\.id) == [kept.id, gone.id])
            let patch = try await client.send(.patch, "/mcp/work_items/\(gone.id)", json: #"{"expected_version": 2, "title": "x"}"#)
            #expect(patch.status == .notFound)
        }
    }

    @Test("list filters by status, item_type, parent_id and entity_reference", arguments: StoreKind.allCases)
    func listFilters(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let project = try await client.create(#"{"title": "p", "item_type": "project"}"#)
            let a = try await client.create("{\"title\": \"a\", \"parent_id\": \"\(project.id)\", \"entity_references\": [\"c_1\"]}")
            let b = try await client.create(#"{"title": "b", "status": "blocked", "entity_references": ["c_1", "c_2"]}"#)
            func ids(_ query: String) async throws -> [String] {
                try await client.send(.get, "/mcp/work_items?\(query)").decode(WorkItemPage.self).items.map(\.id)
            }
            #expect(try await ids("status=blocked") == [b.id])
            #expect(try await ids("item_type=project") == [project.id])
            #expect(try await ids("parent_id=\(project.id)") == [a.id])
            #expect(try await ids("entity_reference=c_1") == [a.id, b.id])
            #expect(try await ids("entity_reference=c_2&status=blocked") == [b.id])
            #expect(try await ids("entity_reference=c_none") == [])
        }
    }

    @Test("bad list parameters answer 400 naming the parameter", arguments: StoreKind.allCases)
    func listValidation(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            for (query, field) in [
                ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("cursor=zzz", "cursor"),
                ("cursor=djE6LTE", "cursor"), ("status=nope", "status"), ("item_type=epic", "item_type"),
                ("include_deleted=maybe", "include_deleted"), ("sort=title", "sort"),
            ] {
                let response = try await client.send(.get, "/mcp/work_items?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(try response.decode(ErrorBody.self).details["field"] == .string(field), "\(query)")
            }
        }
    }

    @Test("by_references answers the live items that reference each chunk, and validates its body", arguments: StoreKind.allCases)
    func byReferences(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let a = try await client.create(#"{"title": "a", "entity_references": ["c_1", "c_2"]}"#)
            let b = try await client.create(#"{"title": "b", "entity_references": ["c_2"], "status": "active"}"#)
            let gone = try await client.create(#"{"title": "gone", "entity_references": ["c_1"]}"#)
            try await client.send(.delete, "/mcp/work_items/\(gone.id)")
            let response = try await client.send(.post, "/mcp/work_items/by_references", json: #"{"chunk_ids": ["c_1", "c_2", "c_3"]}"#)
            #expect(response.status == .ok)
            let answer = try response.decode(WorkItemsByReferencesResponse.self)
            #expect(answer.items["c_1"] == [WorkItemSummary(id: a.id, title: "a", status: .planned, itemType: .task)])
            #expect(answer.items["c_2"]?.map(\.id) == [a.id, b.id])
            #expect(answer.items["c_3"] == [])
            let tooMany = (0...1000).map { "\"c_\($0)\"" }.joined(separator: ",")
            for body in [#"{"chunk_ids": []}"#, "{\"chunk_ids\": [\(tooMany)]}", "{}", #"{"chunk_ids": [1]}"#] {
                let bad = try await client.send(.post, "/mcp/work_items/by_references", json: body)
                #expect(bad.status == .badRequest)
                #expect(try bad.decode(ErrorBody.self).details["field"] == "chunk_ids")
            }
        }
    }

    @Test("unknown routes answer 404 not_found, wrong methods 405 method_not_allowed, big bodies 413", arguments: StoreKind.allCases)
    func frameworkErrors(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let missing = try await client.send(.get, "/nope")
            #expect(missing.status == .notFound)
            #expect(try missing.decode(ErrorBody.self).error == "not_found")
            let wrong = try await client.send(.put, "/mcp/work_items/wi_1", json: "{}")
            #expect(wrong.status == .methodNotAllowed)
            #expect(try wrong.decode(ErrorBody.self).error == "method_not_allowed")
            let wrongList = try await client.send(.delete, "/mcp/work_items")
            #expect(wrongList.status == .methodNotAllowed)
            let big = "{\"title\": \"t\", \"description\": \"\(String(repeating: "x", count: 3 * 1024 * 1024))\"}"
            let tooLarge = try await client.send(.post, "/mcp/work_items", json: big)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try tooLarge.decode(ErrorBody.self).error == "payload_too_large")
        }
    }

    @Test("metrics expose request counts, latencies and peer-call outcomes", arguments: StoreKind.allCases)
    func metrics(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            _ = try await client.create(#"{"title": "t", "entity_references": ["c_1"]}"#)
            let response = try await client.send(.get, "/metrics")
            #expect(response.status == .ok)
            let text = response.text
            #expect(text.contains(#"http_requests_total{route="/mcp/work_items",method="POST",status="201"} 1"#))
            #expect(text.contains("http_request_duration_seconds_bucket"))
            #expect(text.contains(#"peer_calls_total{peer="codebase-mcp",outcome="refused"}"#))
        }
    }
}
